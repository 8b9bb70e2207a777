// The worker's life: answer the host's hello with what it sees of its sandbox, then serve
// requests in arrival order until the host closes the channel. A frame that does not parse
// ends the process (the host treats that as a dead worker); so does a version mismatch.
import {
  decodeHostMessage,
  encodeWorkerMessage,
  PROTOCOL_VERSION,
  ProtocolError,
} from '../protocol/messages.js';
import type { HostMessage, JobOutcome } from '../protocol/messages.js';
import { boundOutcome } from './bounds.js';
import { readFrames, writeFrame } from './channel.js';
import { Jobs } from './jobs.js';
import { sandboxView } from './sandbox-view.js';
import { curve25519Backend } from '../host/curve25519-native.js';
import { secp256k1Backend } from '../host/secp256k1-backend.js';

/** Exit statuses of a worker that stops on its own. */
export const WorkerExit = { Eof: 0, Protocol: 65, Version: 66 } as const;

/** How the loop runs; the defaults are what workers run (tests and benchmarks switch parts off). */
export interface WorkerLoopOptions {
  /** Make the next instance of the last code while waiting for a request (Jobs.idle). */
  readonly idleWork: boolean;
}

export async function runWorker(options: WorkerLoopOptions = { idleWork: true }): Promise<never> {
  let jobs: Jobs | undefined;
  // Process CPU time at the end of the previous job. A job that follows another without the
  // worker waiting in between starts where that one ended, so each job costs one getrusage,
  // not two (it takes 3–14 µs here, 7 % of a sealed worker's time per adder job).
  let lastCpu: NodeJS.CpuUsage = process.cpuUsage();
  // Billed to the next request when it was already waiting (`lastCpu` above): it is the work
  // of that request's instance.
  const idle = options.idleWork ? () => jobs?.idle() : () => {};
  try {
    await readFrames(idle, async (f, waited) => {
      const m = decodeHostMessage(f.tag, f.id, f.body);
      if (m.tag === 'hello') {
        if (jobs !== undefined) throw new ProtocolError('a second hello');
        if (m.version !== PROTOCOL_VERSION) process.exit(WorkerExit.Version);
        jobs = new Jobs(Math.max(1, m.cacheEntries));
        writeFrame(
          encodeWorkerMessage({
            tag: 'ready',
            id: 0,
            version: PROTOCOL_VERSION,
            pid: process.pid,
            sandbox: sandboxView(),
            secp256k1: secp256k1Report(),
            curve25519: `${curve25519Backend.kind} (${curve25519Backend.detail})`.slice(0, 1024),
          }),
        );
        lastCpu = process.cpuUsage();
        return;
      }
      if (jobs === undefined) throw new ProtocolError('a request before hello');
      const before = waited ? process.cpuUsage() : lastCpu;
      const outcome = boundOutcome(await serve(jobs, m), m.code.params.maxLogBytes);
      lastCpu = process.cpuUsage();
      writeFrame(
        encodeWorkerMessage({
          tag: 'result',
          id: m.id,
          cpuMicros: lastCpu.user - before.user + (lastCpu.system - before.system),
          outcome,
        }),
      );
    });
  } catch (e) {
    if (e instanceof ProtocolError) {
      process.stderr.write(`pvf-worker: protocol error: ${e.message}\n`);
      process.exit(WorkerExit.Protocol);
    }
    throw e;
  }
  process.exit(WorkerExit.Eof);
}

/** `native (libsecp256k1 …)`, `wasm (…; native: why not)` or `oracle (why not)`, clipped. */
function secp256k1Report(): string {
  const b = secp256k1Backend();
  return `${b.name} (${b.detail})`.slice(0, 1024);
}

function serve(jobs: Jobs, m: Exclude<HostMessage, { tag: 'hello' }>): Promise<JobOutcome> {
  switch (m.tag) {
    case 'prepare':
      return jobs.prepare(m.code, m.prepKind);
    case 'execute':
      return jobs.execute(m.code, m.input);
    case 'call':
      return jobs.call(m.code, m.fn, m.input);
  }
}
