// The independent executor: @acala-network/chopsticks-executor (smoldot's executor on wasmi,
// compiled to wasm). Blocks are built in it rather than in this project's engine, so that a bug
// in a host function both would share cannot make a block built here pass validation here; and
// it validates the same candidates as the second opinion.
//
// It is an optional dependency, loaded on first use: a validator embedding this package never
// needs it, only the collator side (examples, tests, benchmarks) does.
import type * as ChopsticksExecutor from '@acala-network/chopsticks-executor';
import { fromHex, toHex } from './scale.js';

/** The state a runtime call reads: the parent state, never written through. */
export interface StateReader {
  get(key: string): Uint8Array | undefined;
  /** The first key after `key` (strictly) that starts with `prefix`, if any. */
  nextKey(prefix: string, key: string): string | undefined;
}

export interface PeerCallResult {
  readonly output: Uint8Array;
  /** Every key the calls wrote or removed (hex → value, or null for a removal). */
  readonly diff: ReadonlyMap<string, Uint8Array | null>;
  readonly logs: readonly string[];
}

/** A runtime call failed in the peer: its error, and the runtime's panic message if it logged one. */
export class PeerCallError extends Error {
  override name = 'PeerCallError';
  constructor(
    message: string,
    /** The runtime's panic (`panicked at <file>:<line>:<col>:\n<payload>`), if any. */
    readonly panic: string | undefined,
  ) {
    super(panic === undefined ? message : `${message}: ${panic}`);
  }
}

/** The peer executor is not installed. */
export class PeerUnavailableError extends Error {
  override name = 'PeerUnavailableError';
}

type Executor = typeof ChopsticksExecutor;
let loaded: Promise<Executor> | undefined;

/** @throws {PeerUnavailableError} when `@acala-network/chopsticks-executor` is not installed. */
export async function peerExecutor(): Promise<Executor> {
  loaded ??= import('@acala-network/chopsticks-executor').catch((e: unknown) => {
    loaded = undefined;
    throw new PeerUnavailableError(
      `@acala-network/chopsticks-executor is needed to build blocks (npm install it): ${String(e)}`,
    );
  });
  return loaded;
}

let taskId = 0;

/**
 * Runs `calls` in order in one task of the peer (one compile of `code`; each call sees the
 * previous ones' writes) and returns the last call's output and the combined diff. A trap or
 * panic in any call rejects with the peer's message.
 */
export async function peerCall(
  code: Uint8Array,
  calls: readonly (readonly [string, Uint8Array])[],
  state: StateReader,
): Promise<PeerCallResult> {
  const ex = await peerExecutor();
  const js = {
    getStorage: async (key: string) => {
      const v = state.get(key.slice(2));
      return v === undefined ? undefined : toHex(v);
    },
    getNextKey: async (prefix: string, key: string) => {
      const next = state.nextKey(prefix.slice(2), key.slice(2));
      return next === undefined ? undefined : `0x${next}`;
    },
    offchainGetStorage: async () => undefined,
    offchainTimestamp: async () => 0,
    offchainRandomSeed: async () => toHex(new Uint8Array(32)),
    offchainSubmitTransaction: async () => false,
  };
  const id = ++taskId;
  const printed: string[] = [];
  const response = (await quietly(printed, () =>
    ex.run_task(
      {
        id,
        wasm: toHex(code),
        calls: calls.map(([fn, arg]) => [fn, [toHex(arg)]]),
        mockSignatureHost: 0,
        allowUnresolvedImports: true,
        runtimeLogLevel: 0,
        storageProofSize: 0,
      },
      js as Parameters<Executor['run_task']>[1],
    ),
  )) as
    | {
        Call: {
          result: string;
          storageDiff: [string, string | null | undefined][];
          runtimeLogs: unknown[];
        };
      }
    | { Error: string };
  if ('Error' in response) throw new PeerCallError(response.Error, panicOf(printed, id));
  const diff = new Map<string, Uint8Array | null>();
  for (const [k, v] of response.Call.storageDiff)
    diff.set(k.slice(2), v == null ? null : fromHex(v));
  return {
    output: fromHex(response.Call.result),
    diff,
    logs: response.Call.runtimeLogs.map((l) => JSON.stringify(l)),
  };
}

/** smoldot's trie root of `entries`: the second implementation the collator's roots must match. */
export async function peerStateRoot(
  entries: Iterable<readonly [Uint8Array, Uint8Array]>,
  version: 0 | 1,
): Promise<Uint8Array> {
  const ex = await peerExecutor();
  const list = [...entries].map(([k, v]) => [toHex(k), toHex(v)]);
  return fromHex((await ex.calculate_state_root(list, version)) as string);
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug';
const CONSOLE_METHODS: readonly ConsoleMethod[] = ['log', 'info', 'warn', 'error', 'debug'];

/**
 * Runs `fn` with the console captured into `lines`: the peer prints the runtime's logs (its
 * panics included) through `console`, which would otherwise land on our stdout.
 */
async function quietly<T>(lines: string[], fn: () => Promise<T>): Promise<T> {
  const saved = CONSOLE_METHODS.map((m) => console[m]);
  for (const m of CONSOLE_METHODS)
    console[m] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    return await fn();
  } finally {
    CONSOLE_METHODS.forEach((m, k) => (console[m] = saved[k]!));
  }
}

/** The panic the runtime logged in task `id`: `panicked at …` up to the next log line. */
function panicOf(lines: readonly string[], id: number): string | undefined {
  const text = lines.join('\n');
  const start = text.indexOf(`[${id}] panicked at `);
  if (start < 0) return undefined;
  const body = text.slice(start + `[${id}] `.length);
  const end = body.search(/\n\s*\S+\s+(ERROR|WARN|INFO|DEBUG|TRACE):/);
  return end < 0 ? body : body.slice(0, end);
}
