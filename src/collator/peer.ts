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
  const response = (await ex.run_task(
    {
      id: ++taskId,
      wasm: toHex(code),
      calls: calls.map(([fn, arg]) => [fn, [toHex(arg)]]),
      mockSignatureHost: 0,
      allowUnresolvedImports: true,
      runtimeLogLevel: 0,
      storageProofSize: 0,
    },
    js as Parameters<Executor['run_task']>[1],
  )) as
    | {
        Call: {
          result: string;
          storageDiff: [string, string | null | undefined][];
          runtimeLogs: unknown[];
        };
      }
    | { Error: string };
  if ('Error' in response) throw new Error(response.Error);
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
