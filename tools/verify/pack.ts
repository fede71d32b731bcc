/**
 * The two things n8n's scanner looks at, made locally: the npm tarball (as `npm pack` builds it for publishing),
 * unpacked, and the source checkout (the files git would hand over: tracked plus untracked-but-not-ignored).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

function run(command: string, args: string[], cwd: string): string {
	return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
}

export function build(repoDir: string): void {
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoDir, stdio: ['ignore', 'inherit', 'inherit'] });
}

export interface PackedPackage {
	tarball: string;
	/** Where the tarball is unpacked: the package root, as the scanner's `tar --strip-components=1` leaves it. */
	dir: string;
	/** Paths inside the package, as npm lists them. */
	files: string[];
}

/** `npm pack` runs the package's prepack/prepare scripts like a real publish does. */
export function packAndUnpack(repoDir: string, workDir: string): PackedPackage {
	const [report] = JSON.parse(run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', workDir], repoDir)) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const tarball = join(workDir, report.filename);
	const dir = join(workDir, 'package');
	mkdirSync(dir);
	run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], workDir);
	return { tarball, dir, files: report.files.map((file) => file.path) };
}

/** Copies the files a fresh clone of the working tree would have (ignored files such as dist/ left out). */
export function snapshotSource(repoDir: string, workDir: string): string {
	const dir = join(workDir, 'source');
	const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], repoDir).split('\0');
	// --cached still lists files deleted in the working tree.
	for (const path of listed.filter((entry) => entry !== '' && isFile(join(repoDir, entry)))) {
		mkdirSync(join(dir, dirname(path)), { recursive: true });
		copyFileSync(join(repoDir, path), join(dir, path));
	}
	return dir;
}

function isFile(path: string): boolean {
	return existsSync(path) && statSync(path).isFile();
}
