import './env';
import { startEmulator } from '../e2e/lib/emulator';
import { runContender, type Contender } from './contenders';
import { timed } from './sam3-runner';
async function main() {
  const emulator = await startEmulator({}, { concurrency: { fal: 8 } });
  await emulator.setTiming({ latencyMs: 0, queueMs: 0, dispatchMs: 0 });
  const list: Array<[Contender, number]> = [['sync', 100], ['http', 400], ['sync', 4], ['node', 4], ['helpers', 4], ['raw', 4]];
  for (const [c, cap] of list) await runContender(emulator, c, 40, cap);
  for (let i = 0; i < 2; i++) for (const [c, cap] of list) {
    await emulator.reset();
    const r = await timed(() => runContender(emulator, c, 400, cap));
    console.log(c, cap, 'wall', (r.wallMs / 400).toFixed(2), 'cpu', (r.cpuMs / 400).toFixed(2));
  }
  await emulator.stop();
}
main().then(() => process.exit(0));
