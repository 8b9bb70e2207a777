// The one boundary between the validation host and a sealed worker: every message either side
// may send, as one tagged union per direction, and one codec pair (encoder beside decoder) per
// message and per shared shape, over the engine's own types. Both sides import only this file,
// wire.ts and frame-reader.ts from here; nothing else crosses the pipe.
//
// Bulk payloads (code, params, PoV, results) are written by reference into the frame list (no
// copy on the sending side) and read as subarrays of the received frame (no copy on the
// receiving side), so a 10 MiB PoV crosses each boundary with one copy: the kernel's.
//
// Trust: the worker may be compromised, so everything it sends is bounded while it is decoded
// (frame size, every string, every byte string, every count), before anything is allocated
// for it; a frame that does not decode exactly throws ProtocolError and the host kills the
// worker. The honest worker keeps within the same bounds (runtime/worker/bounds.ts).
//
// Over 400 lines because it is the whole boundary in one place: each message's encoder and
// decoder sit side by side, so a change to one is read against the other.
//
// Versioned: the host sends `hello` with PROTOCOL_VERSION; a worker of another version exits.
//
// Longer than most files on purpose: the message unions and their codec pairs stay side by
// side so that a field added to one direction cannot drift from its codec.
import { isTrapKind, type ExecutorParams, type LogRecord, type TrapKind } from '../engine/types.js';
import { BodyReader, FrameWriter, ProtocolError } from './wire.js';

export { FRAME_HEADER_BYTES, ProtocolError } from './wire.js';

/** Bumped on every incompatible change of a message below. */
export const PROTOCOL_VERSION = 4;
/**
 * Largest host → worker frame: a compressed code blob (≤ 3 MiB on chain, a little more for
 * runtimes built for tests) plus PoV-derived params (the host sends the compressed PoV,
 * ≤ `MAX_POV_SIZE` = 10 MiB; `POV_BOMB_LIMIT` = 40 MiB bounds a params blob given whole).
 */
export const MAX_HOST_FRAME_BYTES = 96 * 1024 * 1024;
/**
 * Largest worker → host frame, far below the other direction: what a worker sends back is a
 * `ValidationResult` or a call's output, plus bounded logs and messages. A result that could be
 * accepted on chain is small (head data ≤ `MAX_HEAD_DATA_SIZE` 1 MiB, new code ≤
 * `MAX_CODE_SIZE` 3 MiB, messages within the relay chain's configuration, about 1 MiB each
 * way), and `Metadata_metadata` of the largest runtimes we test is under 1 MiB. The honest
 * worker turns a larger result into `invalid` (`bad-result`) instead of sending it.
 */
export const MAX_WORKER_FRAME_BYTES = 16 * 1024 * 1024;
/** Longest message text (a panic, an error) a worker may send; it clips longer ones. */
export const MAX_WIRE_MESSAGE_BYTES = 16 * 1024;
/** Longest engine reason tag (`unreachable`, `bad-result`, …). */
export const MAX_WIRE_REASON_BYTES = 64;
/** Log text (target + message, UTF-8) per reply: at most `maxLogBytes`, and never above this. */
export const MAX_WIRE_LOG_BYTES = 1024 * 1024;
/** Log records per reply: bounds the host's cost of empty records (each costs an object). */
export const MAX_WIRE_LOG_RECORDS = 4096;
/** Longest short text field: an export name, the netns link, the launcher's layer report. */
const MAX_NAME_BYTES = 4096;

/** What bounds a reply beyond the fixed caps: the executor params its request was sent with. */
export interface ReplyLimits {
  readonly maxLogBytes: number;
}

/** One codec pair: both directions of one shape, side by side. */
interface Codec<T, L = void> {
  enc(w: FrameWriter, v: T): void;
  dec(r: BodyReader, limits: L): T;
}

// ---- shared shapes -------------------------------------------------------------------------

/** The executor options a module is compiled and run with: the engine's own type. */
export type WireExecutorParams = ExecutorParams;

/**
 * Which compiled module a job runs. The worker caches modules by `codeHash` + `params`; when
 * `code` is absent the host believes the worker has it cached and the worker answers
 * `code-missing` if not.
 */
export interface CodeRef {
  /** BLAKE2b-256 of the code blob as given (compressed or not): the `ValidationCodeHash`. */
  readonly codeHash: Uint8Array;
  readonly params: WireExecutorParams;
  readonly code: Uint8Array | undefined;
}

/** `ext_logging_log` records captured during a job: the engine's own type. */
export type WireLog = LogRecord;

/** What the worker sees of its own sandbox, reported in `ready` (the host verifies apart). */
export interface SandboxView {
  /** `Seccomp:` of /proc/self/status (0 off, 1 strict, 2 filter), -1 if unreadable. */
  readonly seccomp: number;
  /** `NoNewPrivs:` of /proc/self/status, -1 if unreadable. */
  readonly noNewPrivs: number;
  /** Real uid from /proc/self/status, -1 if unreadable. */
  readonly uid: number;
  /** readlink(/proc/self/ns/net), or '' if unreadable. */
  readonly netns: string;
  /** Whether reading /etc/passwd was refused (a file-system sandbox such as Landlock). */
  readonly fsRestricted: boolean;
  /** The launcher's report of the layers it applied (its environment variable), or ''. */
  readonly layers: string;
}

/** How the worker gets the bytes handed to `validate_block`. */
export type ExecuteInput =
  /** SCALE `ValidationParams`, passed to the PVF as given. */
  | { readonly kind: 'params'; readonly params: Uint8Array }
  /**
   * Persisted validation data + PoV: the worker decompresses the PoV's block data (bounded)
   * and builds `ValidationParams`, as polkadot-sdk's execute worker does since PR #5142.
   */
  | {
      readonly kind: 'pov';
      readonly parentHead: Uint8Array;
      readonly blockData: Uint8Array;
      readonly relayParentNumber: number;
      readonly relayParentStorageRoot: Uint8Array;
    };

/** `PrepareJobKind` of the reference: prechecking also instantiates without running. */
export type PrepareKind = 'precheck' | 'compile';

/** Why preparation failed; deterministic ones make the code itself invalid. */
export type WirePrepareError =
  /** `CouldNotDecompressCodeBlob`: not a valid blob, or past the bomb limit. */
  'decompression' | 'prevalidation' | 'preparation' | 'runtime-construction' | 'out-of-memory';

/** The worker's verdict on one job, before the host adds timing and death classification. */
export type JobOutcome =
  | { readonly kind: 'valid'; readonly result: Uint8Array; readonly logs: readonly WireLog[] }
  | { readonly kind: 'returned'; readonly output: Uint8Array; readonly logs: readonly WireLog[] }
  | { readonly kind: 'prepared'; readonly codeBytes: number; readonly compileMicros: number }
  | {
      readonly kind: 'invalid';
      /** The engine's reason: `unreachable`, `out-of-bounds`, `bad-result`, `panic`, … */
      readonly reason: TrapKind;
      readonly message: string;
      readonly logs: readonly WireLog[];
    }
  | { readonly kind: 'pov-decompression-failure'; readonly message: string }
  | {
      readonly kind: 'preparation-error';
      readonly reason: WirePrepareError;
      readonly message: string;
    }
  /** An unexpected exception in the worker's job code (the reference's `JobError`). */
  | { readonly kind: 'job-error'; readonly message: string }
  | { readonly kind: 'internal-error'; readonly message: string }
  | { readonly kind: 'code-missing' };

// ---- the two unions ------------------------------------------------------------------------

export type HostMessage =
  | {
      readonly tag: 'hello';
      readonly id: 0;
      readonly version: number;
      readonly cacheEntries: number;
    }
  | {
      readonly tag: 'prepare';
      readonly id: number;
      readonly code: CodeRef;
      readonly prepKind: PrepareKind;
    }
  | {
      readonly tag: 'execute';
      readonly id: number;
      readonly code: CodeRef;
      readonly input: ExecuteInput;
    }
  | {
      readonly tag: 'call';
      readonly id: number;
      readonly code: CodeRef;
      readonly fn: string;
      readonly input: Uint8Array;
    };

export type WorkerMessage =
  | {
      readonly tag: 'ready';
      readonly id: 0;
      readonly version: number;
      readonly pid: number;
      readonly sandbox: SandboxView;
      /**
       * Which implementation serves secp256k1 recovery in this worker and why
       * (runtime/host/secp256k1-backend.ts: `native …`, `wasm …` or `oracle …`); absent when
       * the worker reports none. Informational, for operators.
       */
      readonly secp256k1?: string;
      /**
       * Which implementation serves sr25519 and ed25519 verification in this worker
       * (runtime/host/curve25519-native.ts: `native …` or `fallback …`); absent when the worker
       * reports none. Informational, for operators.
       */
      readonly curve25519?: string;
    }
  | {
      readonly tag: 'result';
      readonly id: number;
      /** Process CPU time the job used, as the worker measured it (getrusage), in µs. */
      readonly cpuMicros: number;
      readonly outcome: JobOutcome;
    }
  /** A diagnostic line from the worker itself (never acted upon, only forwarded). */
  | { readonly tag: 'log'; readonly id: number; readonly level: number; readonly message: string };

const TAG = {
  hello: 1,
  prepare: 2,
  execute: 3,
  call: 4,
  ready: 64,
  result: 65,
  log: 66,
} as const;

const PREPARE_ERRORS: readonly WirePrepareError[] = [
  'decompression',
  'prevalidation',
  'preparation',
  'runtime-construction',
  'out-of-memory',
];
const MAX_LOG_LEVELS = [0, 1, 2, 3, 4, 5] as const;
const BOOL = [false, true] as const;

/** Host → worker payloads are bounded by the frame itself (the host is trusted). */
const ANY = MAX_HOST_FRAME_BYTES;

// ---- codecs of shared shapes ---------------------------------------------------------------

const executorParams: Codec<ExecutorParams> = {
  enc: (w, p) =>
    w.u32(p.maxMemoryPages).u32(p.maxLogBytes).u8(p.maxLogLevel).u32(p.stackLogicalMax),
  dec: (r) => ({
    maxMemoryPages: r.u32(),
    maxLogBytes: r.u32(),
    maxLogLevel: r.oneOf(MAX_LOG_LEVELS, 'maxLogLevel'),
    stackLogicalMax: r.u32(),
  }),
};

const codeRef: Codec<CodeRef> = {
  enc: (w, c) => {
    if (c.codeHash.length !== 32) throw new ProtocolError('a code hash has 32 bytes');
    w.bytes(c.codeHash);
    executorParams.enc(w, c.params);
    if (c.code === undefined) w.u8(0);
    else w.u8(1).bytes(c.code);
  },
  dec: (r) => {
    const codeHash = r.bytes(32, 'code hash');
    if (codeHash.length !== 32) throw new ProtocolError('a code hash has 32 bytes');
    const params = executorParams.dec(r);
    const code = r.oneOf(BOOL, 'code present') ? r.bytes(ANY, 'code') : undefined;
    return { codeHash, params, code };
  },
};

const executeInput: Codec<ExecuteInput> = {
  enc: (w, i) => {
    if (i.kind === 'params') w.u8(0).bytes(i.params);
    else
      w.u8(1)
        .bytes(i.parentHead)
        .u32(i.relayParentNumber)
        .bytes(i.relayParentStorageRoot)
        .bytes(i.blockData);
  },
  dec: (r) => {
    if (r.oneOf(['params', 'pov'] as const, 'input kind') === 'params')
      return { kind: 'params', params: r.bytes(ANY, 'params') };
    const parentHead = r.bytes(ANY, 'parent head');
    const relayParentNumber = r.u32();
    const relayParentStorageRoot = r.bytes(ANY, 'storage root');
    const blockData = r.bytes(ANY, 'block data');
    return { kind: 'pov', parentHead, relayParentNumber, relayParentStorageRoot, blockData };
  },
};

const utf8 = new TextEncoder();

/** Log records: at most MAX_WIRE_LOG_RECORDS, their text at most the reply's log budget. */
const logs: Codec<readonly LogRecord[], ReplyLimits> = {
  enc: (w, ls) => {
    w.u32(ls.length);
    for (const l of ls) w.u8(l.level).str(l.target).str(l.message);
  },
  dec: (r, lim) => {
    const n = r.count(MAX_WIRE_LOG_RECORDS, 'log records');
    let left = logBudget(lim.maxLogBytes);
    const out: LogRecord[] = [];
    for (let i = 0; i < n; i++) {
      const level = r.u8();
      if (!isLogLevel(level)) throw new ProtocolError(`log level ${level}`);
      const target = r.str(left, 'log text');
      left -= utf8.encode(target).length;
      const message = r.str(left, 'log text');
      left -= utf8.encode(message).length;
      out.push({ level, target, message });
    }
    return out;
  },
};

function isLogLevel(n: number): n is LogRecord['level'] {
  return n >= 1 && n <= 5;
}

/** The log text a reply may carry: `maxLogBytes`, capped by MAX_WIRE_LOG_BYTES. */
export function logBudget(maxLogBytes: number): number {
  return Math.min(maxLogBytes, MAX_WIRE_LOG_BYTES);
}

const message = {
  enc: (w: FrameWriter, s: string) => w.str(s),
  dec: (r: BodyReader) => r.str(MAX_WIRE_MESSAGE_BYTES, 'message'),
};

const sandboxView: Codec<SandboxView> = {
  enc: (w, s) =>
    w
      .u32(s.seccomp)
      .u32(s.noNewPrivs)
      .u32(s.uid)
      .str(s.netns)
      .u8(s.fsRestricted ? 1 : 0)
      .str(s.layers),
  dec: (r) => ({
    seccomp: r.u32() | 0,
    noNewPrivs: r.u32() | 0,
    uid: r.u32() | 0,
    netns: r.str(MAX_NAME_BYTES, 'netns'),
    fsRestricted: r.oneOf(BOOL, 'fsRestricted'),
    layers: r.str(MAX_NAME_BYTES, 'layers'),
  }),
};

// ---- codecs of job outcomes, one pair per variant ------------------------------------------

type Outcome<K extends JobOutcome['kind']> = Extract<JobOutcome, { kind: K }>;

const VALID: Codec<Outcome<'valid'>, ReplyLimits> = {
  enc: (w, o) => {
    w.bytes(o.result);
    logs.enc(w, o.logs);
  },
  dec: (r, lim) => ({
    kind: 'valid',
    result: r.bytes(MAX_WORKER_FRAME_BYTES, 'result'),
    logs: logs.dec(r, lim),
  }),
};

const RETURNED: Codec<Outcome<'returned'>, ReplyLimits> = {
  enc: (w, o) => {
    w.bytes(o.output);
    logs.enc(w, o.logs);
  },
  dec: (r, lim) => ({
    kind: 'returned',
    output: r.bytes(MAX_WORKER_FRAME_BYTES, 'output'),
    logs: logs.dec(r, lim),
  }),
};

const PREPARED: Codec<Outcome<'prepared'>, ReplyLimits> = {
  enc: (w, o) => w.u32(o.codeBytes).u32(Math.min(o.compileMicros, 0xffffffff)),
  dec: (r) => ({ kind: 'prepared', codeBytes: r.u32(), compileMicros: r.u32() }),
};

const INVALID: Codec<Outcome<'invalid'>, ReplyLimits> = {
  enc: (w, o) => {
    w.str(o.reason);
    message.enc(w, o.message);
    logs.enc(w, o.logs);
  },
  dec: (r, lim) => {
    const reason = r.str(MAX_WIRE_REASON_BYTES, 'reason');
    if (!isTrapKind(reason)) throw new ProtocolError(`unknown trap kind ${JSON.stringify(reason)}`);
    return { kind: 'invalid', reason, message: message.dec(r), logs: logs.dec(r, lim) };
  },
};

const PREPARATION_ERROR: Codec<Outcome<'preparation-error'>, ReplyLimits> = {
  enc: (w, o) => {
    w.u8(PREPARE_ERRORS.indexOf(o.reason));
    message.enc(w, o.message);
  },
  dec: (r) => ({
    kind: 'preparation-error',
    reason: r.oneOf(PREPARE_ERRORS, 'preparation error'),
    message: message.dec(r),
  }),
};

/** The variants that carry only a message. */
const messageOnly = <K extends 'pov-decompression-failure' | 'job-error' | 'internal-error'>(
  kind: K,
): Codec<{ readonly kind: K; readonly message: string }, ReplyLimits> => ({
  enc: (w, o) => message.enc(w, o.message),
  dec: (r) => ({ kind, message: message.dec(r) }),
});
const POV_FAILURE = messageOnly('pov-decompression-failure');
const JOB_ERROR = messageOnly('job-error');
const INTERNAL_ERROR = messageOnly('internal-error');

const CODE_MISSING: Codec<Outcome<'code-missing'>, ReplyLimits> = {
  enc: () => {},
  dec: () => ({ kind: 'code-missing' }),
};

const outcome: Codec<JobOutcome, ReplyLimits> = {
  enc: (w, o) => {
    switch (o.kind) {
      case 'valid':
        return VALID.enc(w.u8(0), o);
      case 'returned':
        return RETURNED.enc(w.u8(1), o);
      case 'prepared':
        return PREPARED.enc(w.u8(2), o);
      case 'invalid':
        return INVALID.enc(w.u8(3), o);
      case 'pov-decompression-failure':
        return POV_FAILURE.enc(w.u8(4), o);
      case 'preparation-error':
        return PREPARATION_ERROR.enc(w.u8(5), o);
      case 'job-error':
        return JOB_ERROR.enc(w.u8(6), o);
      case 'internal-error':
        return INTERNAL_ERROR.enc(w.u8(7), o);
      case 'code-missing':
        return CODE_MISSING.enc(w.u8(8), o);
      default:
        assertNever(o);
    }
  },
  dec: (r, lim) => {
    const codecs = [
      VALID,
      RETURNED,
      PREPARED,
      INVALID,
      POV_FAILURE,
      PREPARATION_ERROR,
      JOB_ERROR,
      INTERNAL_ERROR,
      CODE_MISSING,
    ] as const;
    return r.oneOf(codecs, 'outcome').dec(r, lim);
  },
};

// ---- codecs of the messages ----------------------------------------------------------------

type Msg<U extends { tag: string }, T extends U['tag']> = Extract<U, { tag: T }>;

const HELLO: Codec<Msg<HostMessage, 'hello'>, number> = {
  enc: (w, m) => w.u32(m.version).u32(m.cacheEntries),
  dec: (r, id) => {
    if (id !== 0) throw new ProtocolError('hello carries request id 0');
    return { tag: 'hello', id: 0, version: r.u32(), cacheEntries: r.u32() };
  },
};

const PREPARE: Codec<Msg<HostMessage, 'prepare'>, number> = {
  enc: (w, m) => {
    codeRef.enc(w, m.code);
    w.u8(m.prepKind === 'precheck' ? 1 : 0);
  },
  dec: (r, id) => ({
    tag: 'prepare',
    id,
    code: codeRef.dec(r),
    prepKind: r.oneOf(['compile', 'precheck'] as const, 'prepare kind'),
  }),
};

const EXECUTE: Codec<Msg<HostMessage, 'execute'>, number> = {
  enc: (w, m) => {
    codeRef.enc(w, m.code);
    executeInput.enc(w, m.input);
  },
  dec: (r, id) => ({ tag: 'execute', id, code: codeRef.dec(r), input: executeInput.dec(r) }),
};

const CALL: Codec<Msg<HostMessage, 'call'>, number> = {
  enc: (w, m) => {
    codeRef.enc(w, m.code);
    w.str(m.fn).bytes(m.input);
  },
  dec: (r, id) => ({
    tag: 'call',
    id,
    code: codeRef.dec(r),
    fn: r.str(MAX_NAME_BYTES, 'export name'),
    input: r.bytes(ANY, 'call input'),
  }),
};

const READY: Codec<Msg<WorkerMessage, 'ready'>, number> = {
  enc: (w, m) => {
    w.u32(m.version).u32(m.pid);
    sandboxView.enc(w, m.sandbox);
    w.str(m.secp256k1 ?? '');
    w.str(m.curve25519 ?? '');
  },
  dec: (r, id) => {
    if (id !== 0) throw new ProtocolError('ready carries request id 0');
    const head = { tag: 'ready', id: 0, version: r.u32(), pid: r.u32() } as const;
    const sandbox = sandboxView.dec(r);
    const secp256k1 = r.str(MAX_NAME_BYTES, 'secp256k1');
    const curve25519 = r.str(MAX_NAME_BYTES, 'curve25519');
    return {
      ...head,
      sandbox,
      ...(secp256k1 === '' ? {} : { secp256k1 }),
      ...(curve25519 === '' ? {} : { curve25519 }),
    };
  },
};

const RESULT: Codec<Msg<WorkerMessage, 'result'>, { id: number; limits: ReplyLimits }> = {
  enc: (w, m) => {
    w.u32(Math.min(m.cpuMicros, 0xffffffff));
    outcome.enc(w, m.outcome);
  },
  dec: (r, { id, limits }) => ({
    tag: 'result',
    id,
    cpuMicros: r.u32(),
    outcome: outcome.dec(r, limits),
  }),
};

const LOG: Codec<Msg<WorkerMessage, 'log'>, number> = {
  enc: (w, m) => w.u8(m.level).str(m.message),
  dec: (r, id) => ({ tag: 'log', id, level: r.u8(), message: message.dec(r) }),
};

// ---- the four entry points -----------------------------------------------------------------

/** Encodes a host → worker message into frame chunks (write them in order, e.g. writev). */
export function encodeHostMessage(m: HostMessage): Uint8Array[] {
  const w = new FrameWriter(TAG[m.tag], m.id);
  switch (m.tag) {
    case 'hello':
      HELLO.enc(w, m);
      break;
    case 'prepare':
      PREPARE.enc(w, m);
      break;
    case 'execute':
      EXECUTE.enc(w, m);
      break;
    case 'call':
      CALL.enc(w, m);
      break;
    default:
      assertNever(m);
  }
  return w.finish(MAX_HOST_FRAME_BYTES);
}

/** Encodes a worker → host message into frame chunks. @throws past MAX_WORKER_FRAME_BYTES */
export function encodeWorkerMessage(m: WorkerMessage): Uint8Array[] {
  const w = new FrameWriter(TAG[m.tag], m.id);
  switch (m.tag) {
    case 'ready':
      READY.enc(w, m);
      break;
    case 'result':
      RESULT.enc(w, m);
      break;
    case 'log':
      LOG.enc(w, m);
      break;
    default:
      assertNever(m);
  }
  return w.finish(MAX_WORKER_FRAME_BYTES);
}

/** Decodes one frame (tag, id, body) sent by the host. @throws {ProtocolError} */
export function decodeHostMessage(tag: number, id: number, body: Uint8Array): HostMessage {
  const r = new BodyReader(body);
  let m: HostMessage;
  switch (tag) {
    case TAG.hello:
      m = HELLO.dec(r, id);
      break;
    case TAG.prepare:
      m = PREPARE.dec(r, id);
      break;
    case TAG.execute:
      m = EXECUTE.dec(r, id);
      break;
    case TAG.call:
      m = CALL.dec(r, id);
      break;
    default:
      throw new ProtocolError(`unknown host message tag ${tag}`);
  }
  r.end();
  return m;
}

/**
 * Decodes one frame (tag, id, body) sent by a worker, within `limits` (those of the request a
 * result answers; without them a result is refused). @throws {ProtocolError}
 */
export function decodeWorkerMessage(
  tag: number,
  id: number,
  body: Uint8Array,
  limits: ReplyLimits | undefined,
): WorkerMessage {
  const r = new BodyReader(body);
  let m: WorkerMessage;
  switch (tag) {
    case TAG.ready:
      m = READY.dec(r, id);
      break;
    case TAG.result:
      if (limits === undefined) throw new ProtocolError(`a result ${id} with nothing running`);
      m = RESULT.dec(r, { id, limits });
      break;
    case TAG.log:
      m = LOG.dec(r, id);
      break;
    default:
      throw new ProtocolError(`unknown worker message tag ${tag}`);
  }
  r.end();
  return m;
}

export function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
