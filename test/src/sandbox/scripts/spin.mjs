// Sealed test script: starts a detached grandchild (a Node that idles), reports, then spins in
// a wasm loop that never returns (a PVF stuck in `loop br 0`), ignoring its stdin. Under the
// worker filter the grandchild is refused (no new processes): the report says why.
import { spawn } from 'node:child_process';
import { setTimeout } from 'node:timers';

let grandchild = null;
let spawnError = null;
try {
  grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    detached: true,
    stdio: 'ignore',
  });
  grandchild.on('error', (err) => (spawnError = err.code ?? String(err)));
  grandchild.unref();
} catch (err) {
  spawnError = err.code ?? String(err);
}
// (module (func (export "spin") (loop (br 0))))
const wasm = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 0x73, 0x70, 0x69,
  0x6e, 0, 0, 0x0a, 9, 1, 7, 0, 3, 0x40, 0x0c, 0, 0x0b, 0x0b,
]);
const { instance } = await globalThis.WebAssembly.instantiate(wasm);
process.stdout.write(JSON.stringify({ grandchild: grandchild?.pid ?? null, spawnError }) + '\n');
setTimeout(() => instance.exports.spin(), 50);
