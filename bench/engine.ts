// The engine in-process (no worker, no sandbox): adder validations per second with a fresh
// instance each, the cost split between instantiation and the call, the same split for the
// Cumulus runtimes (Core_version), and the hash functions the host functions are built on
// against the pure-JS alternative. This is the baseline the sandboxed host is compared to.
import { blake2b } from '@noble/hashes/blake2.js';
import { keccak_256 as nobleKeccak } from '@noble/hashes/sha3.js';
import { decompressCode } from '../runtime/blob/code-blob.js';
import {
  callExport,
  prepare,
  validateBlock,
  type PreparedModule,
} from '../runtime/engine/index.js';
import { blake2_256, keccak_256, twox } from '../runtime/host/hash-functions.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES, unhex } from '../test/support/fixtures.js';
import { cryptoRows } from './crypto.js';
import { gcRows } from './engine-gc.js';
import { guestCallRows, hostCallRows } from './host-calls.js';
import { percentiles, type Row, type Section } from './section.js';

const ROUND_MS = 1500;

/** Calls `fn` repeatedly for about `ms` after a warm-up; returns microseconds per call. */
function perCall(fn: () => void, ms = ROUND_MS): number {
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
  }
  return ((performance.now() - t0) * 1000) / n;
}

const us = (x: number) => Math.round(x * 10) / 10;

/**
 * The split, sampled interleaved so machine noise hits both sides alike: medians of
 * `new WebAssembly.Instance` alone and of the whole call (which instantiates too).
 */
function split(
  prepared: PreparedModule,
  whole: () => void,
  rounds: number,
): { inst: number; total: number } {
  const inst: number[] = [];
  const total: number[] = [];
  // Copying the namespace reads the memory getter once: a memory of the bench's own (the
  // engine recycles its own), so the split measures instantiation alone.
  const where = prepared.memoryImport.module;
  const imports = { ...prepared.imports, [where]: { ...prepared.imports[where] } };
  for (let i = 0; i < 20; i++) whole();
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    new WebAssembly.Instance(prepared.module, imports);
    inst.push(performance.now() - t);
    t = performance.now();
    whole();
    total.push(performance.now() - t);
  }
  return { inst: percentiles(inst).p50 * 1000, total: percentiles(total).p50 * 1000 };
}

function mustPrepare(label: string, code: Uint8Array): { prepared: PreparedModule; ms: number } {
  const t0 = performance.now();
  const p = prepare(code);
  const ms = performance.now() - t0;
  if (p.kind !== 'prepared') throw new Error(`${label}: ${p.message}`);
  return { prepared: p.prepared, ms };
}

function adderRows(): Row[] {
  const { prepared, ms } = mustPrepare('adder', fixture('pvf/adder.wasm'));
  const vector = JSON.parse(
    Buffer.from(fixture('vectors/adder-gossamer.json')).toString('utf8'),
  ) as { params: string };
  const params = unhex(vector.params);
  if (validateBlock(prepared, params).kind !== 'valid') throw new Error('adder vector not valid');
  const throughput = perCall(() => validateBlock(prepared, params));
  const { inst, total } = split(prepared, () => validateBlock(prepared, params), 2000);
  return [
    {
      case: 'adder validate_block (gossamer vector)',
      'prepare ms': Math.round(ms),
      'instantiate µs': us(inst),
      'call+checks µs': us(total - inst),
      'total µs': us(total),
      'per second': Math.round(1e6 / throughput),
    },
  ];
}

async function cumulusRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const { file, specName } of CUMULUS_RUNTIMES) {
    const code = await decompressCode(fixture(file));
    if (code.kind !== 'ok') throw new Error(`${file}: ${code.kind}`);
    const { prepared, ms } = mustPrepare(specName, code.bytes);
    const { inst, total } = split(
      prepared,
      () => callExport(prepared, 'Core_version', new Uint8Array()),
      200,
    );
    rows.push({
      case: `${specName} Core_version (${(code.bytes.length / 1e6).toFixed(1)} MB wasm)`,
      'prepare ms': Math.round(ms),
      'instantiate µs': us(inst),
      'call+checks µs': us(total - inst),
      'total µs': us(total),
      'per second': Math.round(1e6 / total),
    });
  }
  return rows;
}

function hashRows(): Row[] {
  const rows: Row[] = [];
  for (const size of [16, 1024, 65536]) {
    const data = new Uint8Array(size).map((_, i) => i);
    const ms = size > 1024 ? 300 : 200;
    rows.push({
      case: `hash ${size} B: blake2-256 hash-wasm / noble`,
      'total µs': us(perCall(() => blake2_256(data), ms)),
      'alternative µs': us(perCall(() => blake2b(data, { dkLen: 32 }), ms)),
    });
    rows.push({
      case: `hash ${size} B: keccak-256 hash-wasm / noble`,
      'total µs': us(perCall(() => keccak_256(data), ms)),
      'alternative µs': us(perCall(() => nobleKeccak(data), ms)),
    });
    rows.push({
      case: `hash ${size} B: twox-128 hash-wasm`,
      'total µs': us(perCall(() => twox(data, 2), ms)),
    });
  }
  return rows;
}

export const engine: Section = {
  name: 'engine',
  description:
    'in-process engine, fresh instance per call; medians of interleaved samples: instantiate = new WebAssembly.Instance alone, call+checks = the rest (host allocator, input copy, call, result bounds and decoding); adder per second from a 1.5 s loop; GC rows: collections and main-thread GC pause per validation when memory is recycled vs when every call needs a new one (engine-gc.ts); hash functions behind the host functions vs @noble/hashes (alternative); host calls through their entries: hashing with the digest memo vs computing each digest, malloc + free, and the same from a guest loop into the wasm host functions guests get (allocator, twox) vs into the JavaScript ones (host-calls.ts); signature checks per call, the fast path used vs the reference implementation it falls back to vs @polkadot/wasm-crypto, host function vs its batch twin, trie roots of 1,000 entries (crypto.ts)',
  async run() {
    if (!HAVE_FIXTURES) return [{ case: 'skipped: fixtures absent' }];
    return [
      ...adderRows(),
      ...(await gcRows()),
      ...(await cumulusRows()),
      ...hashRows(),
      ...hostCallRows(),
      ...(await guestCallRows()),
      ...(await cryptoRows()),
    ];
  },
};
