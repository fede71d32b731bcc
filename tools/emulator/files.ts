/**
 * The file host (CDN downloads, presigned upload PUT URLs, hosted test images), on the *other* hostname
 * `localhost` so clients treat it as a different host from the API prefixes on 127.0.0.1.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { VirtualHostModule } from './server';
import type { IncomingCall, Reply } from './types';

interface StoredFile {
	id: string;
	name: string;
	contentType: string;
	/** Bytes, or a renderer run on first download (previews are made lazily). */
	bytes?: Buffer;
	render?: () => Promise<Buffer>;
	rendering?: Promise<Buffer>;
	/** Hosted by the test (hostImage): survives reset(). */
	persistent: boolean;
}

export interface PendingUpload {
	token: string;
	fileId: string;
	name: string;
	contentType: string;
	uploadUrl: string;
	fileUrl: string;
	received?: { bytes: number; contentType: string; authorization: boolean };
}

export class FileStore {
	private files = new Map<string, StoredFile>();
	private uploads = new Map<string, PendingUpload>();

	constructor(readonly baseUrl: string) {}

	private url(file: StoredFile): string {
		return `${this.baseUrl}/${file.id}/${encodeURIComponent(file.name)}`;
	}

	put(bytes: Buffer, contentType: string, name: string, persistent = false): string {
		const file: StoredFile = { id: randomUUID(), name, contentType, bytes, persistent };
		this.files.set(file.id, file);
		return this.url(file);
	}

	putLazy(render: () => Promise<Buffer>, contentType: string, name: string): string {
		const file: StoredFile = { id: randomUUID(), name, contentType, render, persistent: false };
		this.files.set(file.id, file);
		return this.url(file);
	}

	/** A presigned-style upload slot: PUT bytes to uploadUrl (no auth), then GET fileUrl. */
	createUpload(contentType: string, name: string): PendingUpload {
		const token = randomUUID();
		const fileId = randomUUID();
		const upload: PendingUpload = {
			token,
			fileId,
			name,
			contentType,
			uploadUrl: `${this.baseUrl}/upload/${token}?X-Emulator-Signature=${randomBytes(12).toString('hex')}`,
			fileUrl: `${this.baseUrl}/${fileId}/${encodeURIComponent(name)}`,
		};
		this.uploads.set(token, upload);
		return upload;
	}

	findUpload(predicate: (u: PendingUpload) => boolean): PendingUpload | undefined {
		return [...this.uploads.values()].find(predicate);
	}

	async read(id: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
		const file = this.files.get(id);
		if (!file) return undefined;
		if (!file.bytes && file.render) {
			// Concurrent first downloads share one rendering.
			file.rendering ??= file.render();
			file.bytes = await file.rendering;
			file.render = file.rendering = undefined;
		}
		return { bytes: file.bytes ?? Buffer.alloc(0), contentType: file.contentType };
	}

	clear(): void {
		for (const [id, file] of this.files) if (!file.persistent) this.files.delete(id);
		this.uploads.clear();
	}

	get size(): number {
		return this.files.size;
	}

	private receiveUpload(call: IncomingCall, token: string): Reply {
		const upload = this.uploads.get(token);
		if (!upload) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'Upload URL expired or invalid' };
		const contentType = String(call.headers['content-type'] ?? upload.contentType);
		upload.received = { bytes: call.rawBody.length, contentType, authorization: call.headers.authorization !== undefined };
		this.files.set(upload.fileId, { id: upload.fileId, name: upload.name, contentType, bytes: call.rawBody, persistent: false });
		return { status: 200 };
	}

	private async serve(id: string): Promise<Reply> {
		const file = await this.read(id);
		if (!file) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' };
		return { status: 200, headers: { 'content-type': file.contentType, 'cache-control': 'max-age=3600' }, body: file.bytes };
	}

	/** Routes of the file host: `PUT /files/upload/{token}` and `GET|HEAD /files/{id}/{name}`. */
	host(): VirtualHostModule {
		return {
			resolve: (call) => {
				const parts = call.path.split('/').filter(Boolean);
				if (call.method === 'PUT' && parts.length === 2 && parts[0] === 'upload') {
					return { name: 'files.put', handle: async (c) => this.receiveUpload(c, parts[1]) };
				}
				if ((call.method === 'GET' || call.method === 'HEAD') && parts.length >= 1 && parts[0] !== 'upload') {
					return { name: 'files.get', handle: () => this.serve(parts[0]) };
				}
				return undefined;
			},
			notFound: () => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' }),
		};
	}
}
