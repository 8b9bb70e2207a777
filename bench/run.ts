// `npm run bench [-- [--json] [section ...]]`: runs the benchmark sections (all by default),
// printing one table each and, at the end, the summary: the hot path side by side (the host
// section: bare engine, host with 1 and N workers, peer). With --json: one object of rows per
// section, plus `summary` and the run's `seconds`.
import { blob } from './blob.js';
import { determinism } from './determinism.js';
import { engine } from './engine.js';
import { examples } from './examples.js';
import { guestStack } from './guest-stack.js';
import { host } from './host.js';
import { sandbox } from './sandbox.js';
import { wasi } from './wasi.js';
import type { Row, Section } from './section.js';

const SECTIONS: readonly Section[] = [
  blob,
  engine,
  examples,
  determinism,
  guestStack,
  sandbox,
  wasi,
  host,
];

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; have ${SECTIONS.map((s) => s.name)}`);
  process.exit(2);
}

const started = performance.now();
const results: Record<string, unknown> = {};
let summary: Row[] | undefined;
for (const section of SECTIONS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const rows = await section.run();
  if (section === host) summary = rows;
  if (json) results[section.name] = rows;
  else {
    console.log(`\n${section.name}: ${section.description}`);
    console.table(rows);
  }
}
const seconds = Math.round((performance.now() - started) / 100) / 10;
if (json) console.log(JSON.stringify({ ...results, summary, seconds }, null, 2));
else {
  if (summary !== undefined && wanted.length !== 1) {
    console.log(`\nsummary (${host.name}): ${host.description}`);
    console.table(summary);
  }
  console.log(`\nbench finished in ${seconds} s`);
}
