// Differential runs of sp-io's `*_verify_proof` host functions: generated tries and proofs
// (trie-proof-gen.ts), some mutated, verified through this engine and through
// @acala-network/chopsticks-executor (smoldot), both running trie-proof-pvf.ts. The peer
// serves only the blake2 functions (its keccak ones trap "Host function not implemented"), so
// only those are compared. One intended difference: the peer refuses a proof node with bytes
// after its encoding, which sp-trie's decoder (node_codec.rs `decode_plan`, through trie-db's
// `NodeCodec::decode`) ignores, so the reference — and this engine — accept it.
import { bytes, Vec } from '../../runtime/codec/strict.js';
import { blake2_256 } from '../../runtime/host/hash-functions.js';
import { executorPair, rng, type Verdict } from './differential.js';
import { generatedTrie } from './trie-proof-gen.js';
import { FUNCTIONS, trieProofInput, trieProofPvf } from './trie-proof-pvf.js';

const PROOF = Vec(bytes);

export const MUTATIONS = [
  'none',
  'byte-flipped',
  'truncated',
  'node-appended',
  'trailing-byte',
  'other-value',
  'reordered',
  'node-dropped',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface ProofCase {
  readonly seed: number;
  readonly mutation: Mutation;
  /** The `run` input of trie-proof-pvf.ts. */
  readonly input: Uint8Array;
}

/** One case: a blake2 function (v1, v2 V0, v2 V1), a trie, one queried key, maybe a mutation. */
export function proofCase(seed: number): ProofCase {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const fn = int(3);
  const version = (FUNCTIONS[fn]![1] ?? 0) as 0 | 1;
  const key = () => Uint8Array.from({ length: int(4) }, () => (r() < 0.5 ? int(4) : int(256)));
  // Values around V1's 33-byte threshold, short ones, and empty ones.
  const val = () => Uint8Array.from({ length: r() < 0.3 ? 32 + int(3) : int(50) }, () => int(256));
  const pairs: [Uint8Array, Uint8Array][] = Array.from({ length: int(30) }, () => [key(), val()]);
  const trie = generatedTrie(pairs, version, blake2_256);
  const queried = r() < 0.7 && pairs.length > 0 ? pairs[int(pairs.length)]![0] : key();
  let value = trie.get(queried) ?? val();
  let proof = trie.proof([queried]);
  const mutation = MUTATIONS[int(MUTATIONS.length)]!;
  const at = int(proof.length);
  switch (mutation) {
    case 'byte-flipped': {
      const node = proof[at]!.slice();
      if (node.length > 0) node[int(node.length)]! ^= 1 << int(8);
      proof = proof.map((x, k) => (k === at ? node : x));
      break;
    }
    case 'truncated':
      proof = proof.map((x, k) => (k === at ? x.subarray(0, int(x.length)) : x));
      break;
    case 'node-appended':
      proof = [...proof, Uint8Array.from({ length: int(40) }, () => int(256))];
      break;
    case 'trailing-byte':
      proof = proof.map((x, k) => (k === at ? Uint8Array.from([...x, int(256)]) : x));
      break;
    case 'other-value':
      value = val();
      break;
    case 'reordered':
      proof = [...proof].reverse();
      break;
    case 'node-dropped':
      proof = proof.filter((_, k) => k !== at);
      break;
    case 'none':
      break;
  }
  return { seed, mutation, input: trieProofInput(fn, trie.root, queried, value, PROOF.enc(proof)) };
}

export type ProofVerdict = { kind: 'bool'; value: 0 | 1 } | { kind: 'trap'; message: string };

export interface ProofDifferential {
  ours(input: Uint8Array): ProofVerdict;
  peer(input: Uint8Array): Promise<ProofVerdict>;
}

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;
const bool = (le: string): 0 | 1 => {
  const b = Buffer.from(le.slice(2), 'hex');
  if (b.length !== 4 || b[1] !== 0 || b[2] !== 0 || b[3] !== 0 || b[0]! > 1)
    throw new Error(`not a bool result: ${hex(Uint8Array.from(b))}`);
  return b[0] as 0 | 1;
};

/** Both executors, loaded once with trie-proof-pvf.ts. */
export async function proofDifferential(): Promise<ProofDifferential> {
  const pair = await executorPair(await trieProofPvf(), 'trie-proof runtime');
  const verdict = (v: Verdict): ProofVerdict =>
    v.kind === 'ok' ? { kind: 'bool', value: bool(v.output) } : v;
  return {
    ours: (input) => verdict(pair.ours(input)),
    peer: async (input) => verdict(await pair.peer(input)),
  };
}

/** The verdict the reference gives where the peer is known to differ (see the header). */
export const intendedDifference = (c: ProofCase, ours: ProofVerdict, peer: ProofVerdict) =>
  c.mutation === 'trailing-byte' &&
  ours.kind === 'bool' &&
  ours.value === 1 &&
  peer.kind === 'bool' &&
  peer.value === 0;

/** Runs cases `from .. from + count` under both; returns the seeds that disagree. */
export async function compareProofs(
  d: ProofDifferential,
  from: number,
  count: number,
): Promise<{
  seeds: number[];
  accepted: number;
  refused: number;
  intended: number;
  first?: string;
}> {
  const seeds: number[] = [];
  let accepted = 0;
  let refused = 0;
  let intended = 0;
  let first: string | undefined;
  for (let seed = from; seed < from + count; seed++) {
    const c = proofCase(seed);
    const a = d.ours(c.input);
    const b = await d.peer(c.input);
    if (a.kind === 'bool' && b.kind === 'bool' && a.value === b.value) {
      if (a.value === 1) accepted++;
      else refused++;
    } else if (intendedDifference(c, a, b)) intended++;
    else {
      seeds.push(seed);
      first ??= `seed ${seed} (${c.mutation}): ours ${JSON.stringify(a)} peer ${JSON.stringify(b)}`;
    }
  }
  return { seeds, accepted, refused, intended, first };
}
