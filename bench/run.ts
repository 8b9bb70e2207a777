// `npm run bench [-- [--json] [section ...]]`: runs the benchmark sections (all by default),
// printing one table each and, at the end, the summary: the hot path side by side (the host
// section: bare engine, host with 1 and N workers, peer). With --json: one object of rows per
// section, plus `summary` and the run's `seconds`.
//
// Each section runs in a process of its own (this script with `--section NAME`): what one
// section leaves on the heap (compiled runtimes, workers' buffers, a compiler) would otherwise
// make the next one's garbage collections dearer, and with them its figures.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { blob } from './blob.js';
import { blocks } from './blocks.js';
import { coldStart } from './cold-start.js';
import { cryptoDiff } from './crypto.js';
import { determinism } from './determinism.js';
import { engine } from './engine.js';
import { examples } from './examples.js';
import { guestStack } from './guest-stack.js';
import { host } from './host.js';
import { log } from './log.js';
import { memBuiltins } from './mem-builtins.js';
import { micro } from './micro.js';
import { nativeCrypto } from './native-crypto.js';
import { sandbox } from './sandbox.js';
import { simd } from './simd.js';
import { wasi } from './wasi.js';
import type { Row, Section } from './section.js';

const SECTIONS: readonly Section[] = [
  blob,
  engine,
  cryptoDiff,
  nativeCrypto,
  memBuiltins,
  coldStart,
  examples,
  determinism,
  guestStack,
  micro,
  sandbox,
  wasi,
  simd,
  host,
  blocks,
  log,
];

const args = process.argv.slice(2);
const child = args.indexOf('--section');
if (child >= 0) {
  const section = SECTIONS.find((s) => s.name === args[child + 1])!;
  process.stdout.write(JSON.stringify(await section.run()));
  process.exit(0);
}

const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; have ${SECTIONS.map((s) => s.name)}`);
  process.exit(2);
}

function runSection(s: Section): Row[] {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--section', s.name],
    { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`section ${s.name} failed (${r.status ?? r.signal})`);
  return JSON.parse(r.stdout.toString('utf8')) as Row[];
}

const started = performance.now();
const results: Record<string, Row[]> = {};
for (const section of SECTIONS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const rows = runSection(section);
  results[section.name] = rows;
  if (!json) {
    console.log(`\n${section.name}: ${section.description}`);
    console.table(rows);
  }
}
const seconds = Math.round((performance.now() - started) / 100) / 10;
const summary = results[host.name];
if (json) console.log(JSON.stringify({ ...results, summary, seconds }, null, 2));
else {
  if (summary !== undefined && Object.keys(results).length > 1) {
    console.log(`\nsummary (${host.name}): ${host.description}`);
    console.table(summary);
  }
  console.log(`\nbench finished in ${seconds} s`);
}
