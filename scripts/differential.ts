// Runs the full differential corpus of the allocator and host functions against
// @acala-network/chopsticks-executor (see test/support/differential.ts and
// trie-proof-differential.ts):
//   npx tsx scripts/differential.ts [count=5000] [first-seed=1]
// Prints the agreement counts, and the first disagreeing seed if any (exit 1).
import { blake2_256 } from '../runtime/host/hash-functions.js';
import { trieRoot } from '../runtime/host/trie-root.js';
import { compare, compareStateRoots, differential } from '../test/support/differential.js';
import { compareProofs, proofDifferential } from '../test/support/trie-proof-differential.js';

const count = Number(process.argv[2] ?? 5000);
const from = Number(process.argv[3] ?? 1);
const d = await differential();
const started = performance.now();
const r = await compare(d, from, count);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `${count} sequences (seeds ${from}..${from + count - 1}) in ${seconds} s: ` +
    `${r.ok} returned the same bytes, ${r.traps} trapped in both, ${r.seeds.length} differ`,
);
if (r.first !== undefined) {
  console.log(r.first);
  process.exitCode = 1;
}
const roots = await compareStateRoots(from, count, (pairs, v) => trieRoot(pairs, v, blake2_256));
console.log(`${count} unordered trie-root sets (V0 and V1): ${roots.seeds.length} differ`);
if (roots.first !== undefined) {
  console.log(roots.first);
  process.exitCode = 1;
}
const p = await proofDifferential();
const proofsStarted = performance.now();
const proofs = await compareProofs(p, from, count);
console.log(
  `${count} trie proofs in ${((performance.now() - proofsStarted) / 1000).toFixed(1)} s: ` +
    `${proofs.accepted} accepted by both, ${proofs.refused} refused by both, ` +
    `${proofs.intended} intended differences (a byte after a node), ${proofs.seeds.length} differ`,
);
if (proofs.first !== undefined) {
  console.log(proofs.first);
  process.exitCode = 1;
}
