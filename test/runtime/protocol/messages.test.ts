// The worker protocol: every message round-trips byte-exactly through frames split at any
// point, bulk payloads are not copied on the way out, and malformed frames are refused.
import { describe, expect, it } from 'vitest';
import { FrameReader, type Frame } from '../../../runtime/protocol/frame-reader.js';
import {
  decodeHostMessage,
  decodeWorkerMessage,
  encodeHostMessage,
  encodeWorkerMessage,
  type HostMessage,
  MAX_HOST_FRAME_BYTES,
  MAX_WIRE_LOG_RECORDS,
  MAX_WIRE_MESSAGE_BYTES,
  MAX_WORKER_FRAME_BYTES,
  ProtocolError,
  type WorkerMessage,
} from '../../../runtime/protocol/messages.js';
import { boundOutcome } from '../../../runtime/worker/bounds.js';

const params = {
  maxMemoryPages: 2080,
  maxLogBytes: 65536,
  maxLogLevel: 0 as const,
  stackLogicalMax: 65536,
};
const hash = new Uint8Array(32).fill(7);
const LIMITS = { maxLogBytes: 65536 };
// Above both thresholds: sent by reference (≥ 4 KiB) and assembled across reads (≥ 64 KiB).
const big = new Uint8Array(200_000).map((_, i) => i * 31);

/** Messages with every byte array as hex, so Buffer views and Uint8Arrays compare equal. */
const norm = (x: unknown): unknown =>
  x instanceof Uint8Array
    ? Buffer.from(x.buffer, x.byteOffset, x.length).toString('hex')
    : Array.isArray(x)
      ? x.map(norm)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, norm(v)]))
        : x;

const HOST: HostMessage[] = [
  { tag: 'hello', id: 0, version: 1, cacheEntries: 8 },
  { tag: 'prepare', id: 1, code: { codeHash: hash, params, code: big }, prepKind: 'precheck' },
  {
    tag: 'execute',
    id: 2,
    code: { codeHash: hash, params, code: undefined },
    input: { kind: 'params', params: new Uint8Array([1, 2, 3]) },
  },
  {
    tag: 'execute',
    id: 3,
    code: { codeHash: hash, params, code: undefined },
    input: {
      kind: 'pov',
      parentHead: new Uint8Array([9]),
      blockData: big,
      relayParentNumber: 0xffffffff,
      relayParentStorageRoot: hash,
    },
  },
  {
    tag: 'call',
    id: 4,
    code: { codeHash: hash, params, code: new Uint8Array([0, 97, 115, 109]) },
    fn: 'Core_version',
    input: new Uint8Array(),
  },
];

const WORKER: WorkerMessage[] = [
  {
    tag: 'ready',
    id: 0,
    version: 1,
    pid: 1234,
    sandbox: {
      seccomp: 2,
      noNewPrivs: 1,
      uid: -1,
      netns: 'net:[1]',
      fsRestricted: true,
      layers: '{}',
    },
    secp256k1: 'native (libsecp256k1)',
    curve25519: 'native (dist/curve25519/curve25519.node)',
  },
  {
    tag: 'result',
    id: 5,
    cpuMicros: 77,
    outcome: {
      kind: 'valid',
      result: big,
      logs: [{ level: 1, target: 'runtime', message: 'ünïcode' }],
    },
  },
  {
    tag: 'result',
    id: 6,
    cpuMicros: 0,
    outcome: { kind: 'invalid', reason: 'unreachable', message: 'boom', logs: [] },
  },
  {
    tag: 'result',
    id: 7,
    cpuMicros: 0,
    outcome: { kind: 'preparation-error', reason: 'decompression', message: 'bomb' },
  },
  { tag: 'result', id: 8, cpuMicros: 0, outcome: { kind: 'code-missing' } },
  { tag: 'log', id: 9, level: 3, message: 'hello' },
];

const concat = (chunks: Uint8Array[]) =>
  Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length)));

function readAll(bytes: Uint8Array, step: number): Frame[] {
  const r = new FrameReader(MAX_HOST_FRAME_BYTES);
  const out: Frame[] = [];
  for (let i = 0; i < bytes.length; i += step)
    r.feed(bytes.subarray(i, i + step), (f) => out.push({ ...f, body: Buffer.from(f.body) }));
  return out;
}

describe('worker protocol', () => {
  it.each([997, 4096, 1 << 30])('round-trips every message, fed %i bytes at a time', (step) => {
    const stream = concat([
      ...HOST.flatMap(encodeHostMessage),
      ...WORKER.flatMap(encodeWorkerMessage),
    ]);
    const frames = readAll(stream, step);
    expect(frames).toHaveLength(HOST.length + WORKER.length);
    frames
      .slice(0, HOST.length)
      .forEach((f, i) =>
        expect(norm(decodeHostMessage(f.tag, f.id, f.body))).toEqual(norm(HOST[i])),
      );
    frames
      .slice(HOST.length)
      .forEach((f, i) =>
        expect(norm(decodeWorkerMessage(f.tag, f.id, f.body, LIMITS))).toEqual(norm(WORKER[i])),
      );
  });

  it('sends bulk payloads by reference (no copy on the sending side)', () => {
    const chunks = encodeHostMessage(HOST[1]!);
    expect(chunks).toContain(big);
  });

  it('refuses an invalid outcome whose trap kind is not one the engine has', () => {
    const frame = (reason: string) =>
      readAll(
        concat(
          encodeWorkerMessage({
            tag: 'result',
            id: 6,
            cpuMicros: 0,
            outcome: { kind: 'invalid', reason: reason as 'panic', message: 'm', logs: [] },
          }),
        ),
        1 << 30,
      )[0]!;
    const forged = frame('made-up');
    expect(() => decodeWorkerMessage(forged.tag, forged.id, forged.body, LIMITS)).toThrow(
      /unknown trap kind "made-up"/,
    );
    // Control: the same frame with a real kind decodes.
    const real = frame('panic');
    expect(decodeWorkerMessage(real.tag, real.id, real.body, LIMITS)).toMatchObject({
      outcome: { kind: 'invalid', reason: 'panic' },
    });
  });

  it('refuses malformed frames with ProtocolError', () => {
    const body = (m: WorkerMessage) => {
      const f = readAll(concat(encodeWorkerMessage(m)), 1 << 30)[0]!;
      return f;
    };
    const f = body(WORKER[2]!);
    expect(() =>
      decodeWorkerMessage(f.tag, f.id, f.body.subarray(0, f.body.length - 1), LIMITS),
    ).toThrow(ProtocolError);
    expect(() =>
      decodeWorkerMessage(f.tag, f.id, Buffer.concat([f.body, Buffer.from([0])]), LIMITS),
    ).toThrow(ProtocolError);
    expect(() => decodeWorkerMessage(99, 1, f.body, LIMITS)).toThrow(ProtocolError);
    expect(() => decodeWorkerMessage(64, 3, body(WORKER[0]!).body, LIMITS)).toThrow(ProtocolError); // ready with id ≠ 0
    const badUtf8 = body(WORKER[5]!);
    const copy = Buffer.from(badUtf8.body);
    copy[copy.length - 1] = 0xff;
    expect(() => decodeWorkerMessage(badUtf8.tag, badUtf8.id, copy, LIMITS)).toThrow(ProtocolError);
    // An impossible length is refused as soon as the header arrives.
    expect(() =>
      new FrameReader(MAX_HOST_FRAME_BYTES).feed(
        Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0]),
        () => {},
      ),
    ).toThrow(ProtocolError);
    expect(() =>
      new FrameReader(MAX_HOST_FRAME_BYTES).feed(
        Buffer.from([1, 0, 0, 0, 1, 0, 0, 0, 0]),
        () => {},
      ),
    ).toThrow(ProtocolError);
  });

  it('a large frame can be read straight into its final buffer', () => {
    const stream = concat(encodeWorkerMessage(WORKER[1]!));
    const r = new FrameReader(MAX_WORKER_FRAME_BYTES);
    const got: Frame[] = [];
    r.feed(stream.subarray(0, 100_000), (f) => got.push(f));
    let off = 100_000;
    for (let t = r.pendingTarget(); t !== undefined; t = r.pendingTarget()) {
      const n = Math.min(t.length, 65536);
      t.set(stream.subarray(off, off + n));
      off += n;
      r.filled(n, (f) => got.push(f));
    }
    expect(off).toBe(stream.length);
    expect(norm(decodeWorkerMessage(got[0]!.tag, got[0]!.id, got[0]!.body, LIMITS))).toEqual(
      norm(WORKER[1]),
    );
  });
});

/** The body of a worker frame built by hand: `write` fills it with the writer's fields. */
function resultFrame(outcome: Parameters<typeof encodeWorkerMessage>[0]): Frame {
  const stream = concat(encodeWorkerMessage(outcome));
  return readAll(stream, 1 << 30)[0]!;
}

describe('worker → host bounds, checked while decoding', () => {
  const rec = (message: string, target = 'runtime') => ({ level: 1 as const, target, message });
  const result = (logs: { level: 1; target: string; message: string }[], message = 'm') =>
    resultFrame({
      tag: 'result',
      id: 1,
      cpuMicros: 0,
      outcome: { kind: 'invalid', reason: 'panic', message, logs },
    });
  const decode = (f: Frame, maxLogBytes = 65536) =>
    decodeWorkerMessage(f.tag, f.id, f.body, { maxLogBytes });

  it('log text within maxLogBytes passes; one byte more is refused', () => {
    const f = result([rec('x'.repeat(93))]); // 7 + 93 = 100 bytes of text
    expect(decode(f, 100).tag).toBe('result');
    expect(() => decode(f, 99)).toThrow(/log text/);
  });

  it('more log records than the cap are refused before they are read, even empty ones', () => {
    const cap = Array.from({ length: MAX_WIRE_LOG_RECORDS }, () => rec('', ''));
    expect(decode(result(cap)).tag).toBe('result');
    expect(() => decode(result([...cap, rec('', '')]))).toThrow(/log records/);
  });

  it('a message longer than the cap is refused; at the cap it passes', () => {
    expect(decode(result([], 'p'.repeat(MAX_WIRE_MESSAGE_BYTES))).tag).toBe('result');
    expect(() => decode(result([], 'p'.repeat(MAX_WIRE_MESSAGE_BYTES + 1)))).toThrow(/message/);
  });

  it('a result needs the limits of a running request', () => {
    const f = result([]);
    expect(() => decodeWorkerMessage(f.tag, f.id, f.body, undefined)).toThrow(ProtocolError);
  });

  it('the worker → host frame limit is smaller than the host → worker one, checked on the header', () => {
    expect(MAX_WORKER_FRAME_BYTES).toBeLessThan(MAX_HOST_FRAME_BYTES);
    const header = Buffer.alloc(9);
    header.writeUInt32LE(MAX_WORKER_FRAME_BYTES - 3, 0); // a frame 1 byte over the limit
    header[4] = 65;
    expect(() => new FrameReader(MAX_WORKER_FRAME_BYTES).feed(header, () => {})).toThrow(
      /bad frame length/,
    );
    // Negative control: the host → worker reader accepts the same header (and waits for more).
    expect(() => new FrameReader(MAX_HOST_FRAME_BYTES).feed(header, () => {})).not.toThrow();
    // The worker's own encoder refuses to build such a frame.
    expect(() =>
      encodeWorkerMessage({
        tag: 'result',
        id: 1,
        cpuMicros: 0,
        outcome: { kind: 'valid', result: new Uint8Array(MAX_WORKER_FRAME_BYTES), logs: [] },
      }),
    ).toThrow(ProtocolError);
  });

  it('the honest worker keeps within every bound (boundOutcome), and the host accepts it', () => {
    const logs = Array.from({ length: MAX_WIRE_LOG_RECORDS + 10 }, (_, i) => rec(`é${i}`));
    const bounded = boundOutcome(
      { kind: 'invalid', reason: 'panic', message: 'ü'.repeat(MAX_WIRE_MESSAGE_BYTES), logs },
      1000,
    );
    if (bounded.kind !== 'invalid') throw new Error(bounded.kind);
    expect(Buffer.byteLength(bounded.message)).toBeLessThanOrEqual(MAX_WIRE_MESSAGE_BYTES);
    expect(bounded.message).toMatch(/^ü+$/); // cut on a character boundary
    const f = resultFrame({ tag: 'result', id: 1, cpuMicros: 0, outcome: bounded });
    const m = decode(f, 1000);
    expect(m.tag === 'result' && m.outcome.kind === 'invalid' && m.outcome.logs.length).toBe(
      bounded.logs.length,
    );
    // A result too large to send becomes an invalid verdict in the worker, never a frame.
    const huge = boundOutcome(
      { kind: 'valid', result: new Uint8Array(MAX_WORKER_FRAME_BYTES), logs: [] },
      1000,
    );
    expect(huge).toMatchObject({ kind: 'invalid', reason: 'bad-result' });
  });
});
