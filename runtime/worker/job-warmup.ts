// Warm-up of the worker's own path around a validation, when a worker loads. The host-call
// warm-up (host/call-warmup.ts) runs the engine's path; a job also goes through the protocol's
// decoding of the request, the job code (module lookup, inputs, the outcome), the outcome's
// bounds and the reply's encoding, and V8 compiles each of those functions from source when it
// is first called. A validation calls each once, so none is ever hot: what the first validation
// after a prepare paid, and later ones did not, was that compilation (in-process, Asset Hub's
// empty block, CPU ms first / later: decoding 0.31–0.37 / 0.1, encoding 0.20–0.26 / 0.03).
//
// So the warm-up module goes through the same functions once, as a job of the worker would:
// its prepare and an execution (of a PoV whose block data passes through uncompressed: the
// decoder and the job code are the same functions for SCALE params) are encoded as the host
// encodes them, read back by the worker's frame reader and decoder, served by a `Jobs` of their
// own and encoded as replies that are not sent. Nothing is shared with the worker's jobs: its
// `Jobs`, module cache and standby are separate and dropped. It adds 8–22 ms to a worker's
// start, after the other warm-ups' 80–90 ms (wall, in-process, Node 20).
import { warmUpModule } from '../host/call-warmup.js';
import { blake2_256 } from '../host/hash-functions.js';
import { FrameReader } from '../protocol/frame-reader.js';
import {
  decodeHostMessage,
  encodeHostMessage,
  encodeWorkerMessage,
  type HostMessage,
  type JobOutcome,
  MAX_HOST_FRAME_BYTES,
} from '../protocol/messages.js';
import { DEFAULT_EXECUTOR_PARAMS } from '../engine/types.js';
import { boundOutcome } from './bounds.js';
import { Jobs } from './jobs.js';

/** The outcomes of the warm-up's two jobs (for its test). */
export async function warmUpJobPath(): Promise<JobOutcome[]> {
  const code = warmUpModule();
  const ref = { codeHash: blake2_256(code), params: DEFAULT_EXECUTOR_PARAMS };
  const jobs = new Jobs(1);
  const requests: HostMessage[] = [
    { tag: 'prepare', id: 1, code: { ...ref, code }, prepKind: 'compile' },
    {
      tag: 'execute',
      id: 2,
      code: { ...ref, code: undefined },
      input: {
        kind: 'pov',
        parentHead: new Uint8Array(32),
        blockData: new Uint8Array(64),
        relayParentNumber: 1,
        relayParentStorageRoot: new Uint8Array(32),
      },
    },
  ];
  const outcomes: JobOutcome[] = [];
  for (const request of requests) {
    const m = readBack(request);
    if (m.tag !== 'prepare' && m.tag !== 'execute')
      throw new Error(`job warm-up: a ${m.tag} read back`);
    const outcome = boundOutcome(
      m.tag === 'prepare'
        ? await jobs.prepare(m.code, m.prepKind)
        : await jobs.execute(m.code, m.input),
      m.code.params.maxLogBytes,
    );
    encodeWorkerMessage({ tag: 'result', id: m.id, cpuMicros: 0, outcome });
    outcomes.push(outcome);
    jobs.idle();
  }
  return outcomes;
}

/** `m` as the worker receives it: encoded by the host's encoder, framed, decoded. */
function readBack(m: HostMessage): HostMessage {
  let out: HostMessage | undefined;
  new FrameReader(MAX_HOST_FRAME_BYTES).feed(Buffer.concat(encodeHostMessage(m)), (f) => {
    out = decodeHostMessage(f.tag, f.id, f.body);
  });
  if (out === undefined) throw new Error('job warm-up: a request that did not frame');
  return out;
}
