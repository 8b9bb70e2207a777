// Child process of the sandbox benchmark (bundled by bench/sandbox.ts). Modes:
//   ready         print "ready" at once, then live until stdin closes (spawn-to-ready)
//   wasm N        run a wasm loop of N iterations, print {ms}
//   fs N          N readFileSync + N statSync of this file, print {ms}
//   ioctl N       N ioctl(FIONREAD) calls through koffi, print {ms}
//   install       (unsealed) time loading koffi, building the filter, Landlock, seccomp
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [mode, arg] = process.argv.slice(2);
const out = (v: unknown) => process.stdout.write(JSON.stringify(v) + '\n');

/** (func (param $n i32) (result i32)): acc = acc*31 + i for i in 0..n; no imports, no calls. */
function loopModule(): Uint8Array {
  // prettier-ignore
  const body = [
    0x01, 0x02, 0x7f, // two i32 locals: $i, $acc
    0x03, 0x40, // loop
    0x20, 0x02, 0x41, 0x1f, 0x6c, 0x20, 0x01, 0x6a, 0x21, 0x02, // acc = acc*31 + i
    0x20, 0x01, 0x41, 0x01, 0x6a, 0x22, 0x01, // i = i + 1 (tee)
    0x20, 0x00, 0x49, 0x0d, 0x00, // br_if (i < n)
    0x0b, 0x20, 0x02, 0x0b, // end loop; acc; end
  ];
  const section = (id: number, bytes: number[]) => [id, bytes.length, ...bytes];
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00]),
    ...section(10, [0x01, body.length, ...body]),
  ]);
}

if (mode === 'ready') {
  out('ready');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
} else if (mode === 'wasm') {
  const { instance } = await WebAssembly.instantiate(loopModule());
  const run = instance.exports.run as (n: number) => number;
  run(1000); // tier up
  const t0 = performance.now();
  const acc = run(Number(arg));
  out({ ms: performance.now() - t0, acc });
} else if (mode === 'fs') {
  const self = fileURLToPath(import.meta.url);
  const t0 = performance.now();
  for (let i = 0; i < Number(arg); i++) {
    readFileSync(self);
    statSync(self);
  }
  out({ ms: performance.now() - t0 });
} else if (mode === 'ioctl') {
  // ioctl is the call the filter inspects by argument (terminal and socket-interface
  // requests): FIONREAD on stdin, N times, through koffi (one FFI call each).
  const koffi = (await import('koffi')).default;
  const ioctl = koffi.load('libc.so.6').func('int ioctl(int fd, unsigned long request, ...)');
  const n = Buffer.alloc(4);
  for (let i = 0; i < 1000; i++) ioctl(0, 0x541b, 'int *', n);
  const t0 = performance.now();
  for (let i = 0; i < Number(arg); i++) ioctl(0, 0x541b, 'int *', n);
  out({ ms: performance.now() - t0 });
} else if (mode === 'install') {
  const t0 = performance.now();
  const { loadLibc } = await import('../native/linux/libc.js');
  const libc = await loadLibc();
  const t1 = performance.now();
  const { workerSeccompProgram } = await import('../native/linux/policy.js');
  // The host builds the program once per launch: time a warm build (mean of 200).
  for (let i = 0; i < 50; i++) workerSeccompProgram('errno');
  const t1b = performance.now();
  for (let i = 0; i < 199; i++) workerSeccompProgram('errno');
  const program = workerSeccompProgram('errno');
  const t2 = performance.now();
  const { restrictSelf } = await import('../native/linux/landlock.js');
  restrictSelf(libc, {
    readPaths: [process.execPath, dirname(fileURLToPath(import.meta.url))],
    readWritePaths: ['/dev/null'],
  });
  const t3 = performance.now();
  const { installSeccompFilter } = await import('../native/linux/seccomp.js');
  installSeccompFilter(libc, program, { tsync: true });
  const t4 = performance.now();
  out({
    koffiMs: t1 - t0,
    buildMs: (t2 - t1b) / 200,
    landlockMs: t3 - t2,
    seccompMs: t4 - t3,
    instructions: program.length,
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
