// The one boundary between the validation host and a sealed worker: every message either side
// may send, as one tagged union per direction, and their binary encoding. Both sides import
// only this file (and frame-reader.ts) from here; nothing else crosses the pipe.
//
// Frame: u32 LE length of the rest | u8 tag | u32 LE request id | body. Body fields are
// little-endian integers and `u32 length + bytes` byte strings. Bulk payloads (code, params,
// PoV, results) are written by reference into the frame list (no copy on the sending side) and
// read as subarrays of the received frame (no copy on the receiving side), so a 10 MiB PoV
// crosses each boundary with one copy: the kernel's.
//
// Versioned: the host sends `hello` with PROTOCOL_VERSION; a worker of another version exits.
// Any frame that does not decode exactly (unknown tag, short or trailing bytes, oversized)
// throws ProtocolError; the host then kills the worker, since a compromised worker must not be
// able to confuse it.
//
// Longer than most files on purpose: the message unions, their encoders and their decoders
// stay side by side so that a field added to one direction cannot drift from its codec.

/** Bumped on every incompatible change of a message below. */
export const PROTOCOL_VERSION = 2;
/** u32 length + u8 tag + u32 request id. */
export const FRAME_HEADER_BYTES = 9;
/**
 * Largest frame either side accepts: a compressed code blob (≤ 3 MiB on chain, a little more
 * for runtimes built for tests) plus PoV-derived params (ValidationParams after the worker's
 * decompression are bounded by `POV_BOMB_LIMIT` = 40 MiB, but the host only ever sends the
 * compressed PoV, ≤ `MAX_POV_SIZE` = 10 MiB) and call outputs such as `Metadata_metadata`.
 */
export const MAX_FRAME_BYTES = 96 * 1024 * 1024;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

// ---- shared shapes -------------------------------------------------------------------------

/** The executor options a module is compiled and run with (the engine's `ExecutorParams`). */
export interface WireExecutorParams {
  readonly maxMemoryPages: number;
  readonly maxLogBytes: number;
  readonly maxLogLevel: 0 | 1 | 2 | 3 | 4 | 5;
  readonly stackLogicalMax: number;
}

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

/** `ext_logging_log` records captured during a job (levels 1 error … 5 trace). */
export interface WireLog {
  readonly level: number;
  readonly target: string;
  readonly message: string;
}

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
      readonly reason: string;
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

const OUTCOME = {
  valid: 0,
  returned: 1,
  prepared: 2,
  invalid: 3,
  'pov-decompression-failure': 4,
  'preparation-error': 5,
  'job-error': 6,
  'internal-error': 7,
  'code-missing': 8,
} as const;

const PREPARE_ERRORS: readonly WirePrepareError[] = [
  'decompression',
  'prevalidation',
  'preparation',
  'runtime-construction',
  'out-of-memory',
];

// ---- writing -------------------------------------------------------------------------------

/** Byte strings at least this long are sent by reference instead of copied into the frame. */
const BY_REFERENCE = 4096;
const utf8 = new TextEncoder();

/** Builds one frame as a list of chunks (small fields batched, bulk payloads by reference). */
class FrameWriter {
  private readonly parts: Uint8Array[] = [];
  private cur: Buffer;
  private pos: number;

  constructor(tag: number, id: number) {
    this.cur = Buffer.allocUnsafe(256);
    this.cur.writeUInt8(tag, 4);
    this.cur.writeUInt32LE(id >>> 0, 5);
    this.pos = FRAME_HEADER_BYTES;
  }

  private room(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.cur.length * 2, this.pos + n));
    this.cur.copy(next, 0, 0, this.pos);
    this.cur = next;
  }

  u8(v: number): this {
    this.room(1);
    this.cur[this.pos++] = v;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.cur.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.u32(b.length);
    if (b.length < BY_REFERENCE) {
      this.room(b.length);
      this.cur.set(b, this.pos);
      this.pos += b.length;
    } else {
      this.parts.push(this.cur.subarray(0, this.pos), b);
      this.cur = Buffer.allocUnsafe(64);
      this.pos = 0;
    }
    return this;
  }

  str(s: string): this {
    return this.bytes(utf8.encode(s));
  }

  /** Writes the length field and returns the chunks, in order. */
  finish(): Uint8Array[] {
    if (this.pos > 0) this.parts.push(this.cur.subarray(0, this.pos));
    let total = 0;
    for (const p of this.parts) total += p.length;
    if (total > MAX_FRAME_BYTES)
      throw new ProtocolError(`frame of ${total} bytes exceeds the limit`);
    const first = this.parts[0]!;
    new DataView(first.buffer, first.byteOffset, 4).setUint32(0, total - 4, true);
    return this.parts;
  }
}

function writeCode(w: FrameWriter, c: CodeRef): void {
  if (c.codeHash.length !== 32) throw new ProtocolError('a code hash has 32 bytes');
  w.bytes(c.codeHash)
    .u32(c.params.maxMemoryPages)
    .u32(c.params.maxLogBytes)
    .u8(c.params.maxLogLevel)
    .u32(c.params.stackLogicalMax);
  if (c.code === undefined) w.u8(0);
  else w.u8(1).bytes(c.code);
}

function writeLogs(w: FrameWriter, logs: readonly WireLog[]): void {
  w.u32(logs.length);
  for (const l of logs) w.u8(l.level).str(l.target).str(l.message);
}

/** Encodes a host → worker message into frame chunks (write them in order, e.g. writev). */
export function encodeHostMessage(m: HostMessage): Uint8Array[] {
  const w = new FrameWriter(TAG[m.tag], m.id);
  switch (m.tag) {
    case 'hello':
      w.u32(m.version).u32(m.cacheEntries);
      break;
    case 'prepare':
      writeCode(w, m.code);
      w.u8(m.prepKind === 'precheck' ? 1 : 0);
      break;
    case 'execute':
      writeCode(w, m.code);
      if (m.input.kind === 'params') w.u8(0).bytes(m.input.params);
      else
        w.u8(1)
          .bytes(m.input.parentHead)
          .u32(m.input.relayParentNumber)
          .bytes(m.input.relayParentStorageRoot)
          .bytes(m.input.blockData);
      break;
    case 'call':
      writeCode(w, m.code);
      w.str(m.fn).bytes(m.input);
      break;
    default:
      assertNever(m);
  }
  return w.finish();
}

/** Encodes a worker → host message into frame chunks. */
export function encodeWorkerMessage(m: WorkerMessage): Uint8Array[] {
  const w = new FrameWriter(TAG[m.tag], m.id);
  switch (m.tag) {
    case 'ready': {
      const s = m.sandbox;
      w.u32(m.version)
        .u32(m.pid)
        .u32(s.seccomp)
        .u32(s.noNewPrivs)
        .u32(s.uid)
        .str(s.netns)
        .u8(s.fsRestricted ? 1 : 0)
        .str(s.layers);
      break;
    }
    case 'result': {
      const o = m.outcome;
      w.u32(Math.min(m.cpuMicros, 0xffffffff)).u8(OUTCOME[o.kind]);
      switch (o.kind) {
        case 'valid':
          w.bytes(o.result);
          writeLogs(w, o.logs);
          break;
        case 'returned':
          w.bytes(o.output);
          writeLogs(w, o.logs);
          break;
        case 'prepared':
          w.u32(o.codeBytes).u32(Math.min(o.compileMicros, 0xffffffff));
          break;
        case 'invalid':
          w.str(o.reason).str(o.message);
          writeLogs(w, o.logs);
          break;
        case 'preparation-error':
          w.u8(PREPARE_ERRORS.indexOf(o.reason)).str(o.message);
          break;
        case 'pov-decompression-failure':
        case 'job-error':
        case 'internal-error':
          w.str(o.message);
          break;
        case 'code-missing':
          break;
        default:
          assertNever(o);
      }
      break;
    }
    case 'log':
      w.u8(m.level).str(m.message);
      break;
    default:
      assertNever(m);
  }
  return w.finish();
}

// ---- reading -------------------------------------------------------------------------------

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** A bounds-checked cursor over one frame's body; every overrun is a ProtocolError. */
class BodyReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly body: Uint8Array) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.body.length) throw new ProtocolError('truncated frame');
  }

  u8(): number {
    this.need(1);
    return this.body[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A subarray of the frame (no copy). */
  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const b = this.body.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  str(): string {
    try {
      return utf8Strict.decode(this.bytes());
    } catch (e) {
      if (e instanceof ProtocolError) throw e;
      throw new ProtocolError('string is not UTF-8');
    }
  }

  oneOf<T>(table: readonly T[]): T {
    const i = this.u8();
    const v = table[i];
    if (v === undefined) throw new ProtocolError(`unknown enum index ${i}`);
    return v;
  }

  end(): void {
    if (this.pos !== this.body.length) throw new ProtocolError('trailing bytes in frame');
  }
}

function readCode(r: BodyReader): CodeRef {
  const codeHash = r.bytes();
  if (codeHash.length !== 32) throw new ProtocolError('a code hash has 32 bytes');
  const maxMemoryPages = r.u32();
  const maxLogBytes = r.u32();
  const maxLogLevel = r.oneOf([0, 1, 2, 3, 4, 5] as const);
  const stackLogicalMax = r.u32();
  const hasCode = r.oneOf([false, true]);
  const code = hasCode ? r.bytes() : undefined;
  return {
    codeHash,
    params: { maxMemoryPages, maxLogBytes, maxLogLevel, stackLogicalMax },
    code,
  };
}

function readLogs(r: BodyReader): WireLog[] {
  const n = r.u32();
  const logs: WireLog[] = [];
  for (let i = 0; i < n; i++) logs.push({ level: r.u8(), target: r.str(), message: r.str() });
  return logs;
}

/** Decodes one frame (tag, id, body) sent by the host. @throws {ProtocolError} */
export function decodeHostMessage(tag: number, id: number, body: Uint8Array): HostMessage {
  const r = new BodyReader(body);
  let m: HostMessage;
  switch (tag) {
    case TAG.hello:
      if (id !== 0) throw new ProtocolError('hello carries request id 0');
      m = { tag: 'hello', id: 0, version: r.u32(), cacheEntries: r.u32() };
      break;
    case TAG.prepare: {
      const code = readCode(r);
      m = { tag: 'prepare', id, code, prepKind: r.oneOf(['compile', 'precheck'] as const) };
      break;
    }
    case TAG.execute: {
      const code = readCode(r);
      const inputKind = r.oneOf(['params', 'pov'] as const);
      let input: ExecuteInput;
      if (inputKind === 'params') input = { kind: 'params', params: r.bytes() };
      else {
        const parentHead = r.bytes();
        const relayParentNumber = r.u32();
        const relayParentStorageRoot = r.bytes();
        const blockData = r.bytes();
        input = { kind: 'pov', parentHead, relayParentNumber, relayParentStorageRoot, blockData };
      }
      m = { tag: 'execute', id, code, input };
      break;
    }
    case TAG.call: {
      const code = readCode(r);
      m = { tag: 'call', id, code, fn: r.str(), input: r.bytes() };
      break;
    }
    default:
      throw new ProtocolError(`unknown host message tag ${tag}`);
  }
  r.end();
  return m;
}

function readOutcome(r: BodyReader): JobOutcome {
  switch (r.u8()) {
    case OUTCOME.valid:
      return { kind: 'valid', result: r.bytes(), logs: readLogs(r) };
    case OUTCOME.returned:
      return { kind: 'returned', output: r.bytes(), logs: readLogs(r) };
    case OUTCOME.prepared:
      return { kind: 'prepared', codeBytes: r.u32(), compileMicros: r.u32() };
    case OUTCOME.invalid:
      return { kind: 'invalid', reason: r.str(), message: r.str(), logs: readLogs(r) };
    case OUTCOME['pov-decompression-failure']:
      return { kind: 'pov-decompression-failure', message: r.str() };
    case OUTCOME['preparation-error']:
      return { kind: 'preparation-error', reason: r.oneOf(PREPARE_ERRORS), message: r.str() };
    case OUTCOME['job-error']:
      return { kind: 'job-error', message: r.str() };
    case OUTCOME['internal-error']:
      return { kind: 'internal-error', message: r.str() };
    case OUTCOME['code-missing']:
      return { kind: 'code-missing' };
    default:
      throw new ProtocolError('unknown outcome tag');
  }
}

/** Decodes one frame (tag, id, body) sent by a worker. @throws {ProtocolError} */
export function decodeWorkerMessage(tag: number, id: number, body: Uint8Array): WorkerMessage {
  const r = new BodyReader(body);
  let m: WorkerMessage;
  switch (tag) {
    case TAG.ready: {
      if (id !== 0) throw new ProtocolError('ready carries request id 0');
      const version = r.u32();
      const pid = r.u32();
      const sandbox: SandboxView = {
        seccomp: r.u32() | 0,
        noNewPrivs: r.u32() | 0,
        uid: r.u32() | 0,
        netns: r.str(),
        fsRestricted: r.oneOf([false, true]),
        layers: r.str(),
      };
      m = { tag: 'ready', id: 0, version, pid, sandbox };
      break;
    }
    case TAG.result: {
      const cpuMicros = r.u32();
      m = { tag: 'result', id, cpuMicros, outcome: readOutcome(r) };
      break;
    }
    case TAG.log:
      m = { tag: 'log', id, level: r.u8(), message: r.str() };
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
