// Test script, run unsealed: installs the worker filter in-process, after a worker thread
// exists, with or without TSYNC (argv[3] = 'tsync' | 'no-tsync'), then has both threads try
// to connect to port argv[2]. Shows why the launcher uses TSYNC, and lets the outside check
// catch the thread the filter missed.
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { loadLibc } from '../../../../native/linux/libc.js';
import { workerSeccompProgram } from '../../../../native/linux/policy.js';
import { installSeccompFilter } from '../../../../native/linux/seccomp.js';

const port = Number(process.argv[2]);
const tsync = process.argv[3] === 'tsync';
const thread = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.once('message', (port) => {
     const s = require('node:net').connect(port, '127.0.0.1', () => s.end('thread', () => parentPort.postMessage('ok')));
     s.on('error', (e) => parentPort.postMessage(e.code));
   });
   parentPort.postMessage('ready');`,
  { eval: true },
);
await new Promise((r) => thread.once('message', r));
installSeccompFilter(await loadLibc(), workerSeccompProgram('errno'), { tsync });
const main = await new Promise((resolve) => {
  const s = net.connect(port, '127.0.0.1', () => s.end('main', () => resolve('ok')));
  s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code));
});
thread.postMessage(port);
const fromThread = await new Promise((r) => thread.once('message', r));
process.stdout.write(JSON.stringify({ main, thread: fromThread }) + '\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
