// `npm run bench [-- [--json] [section ...]]`: runs the benchmark sections (all by default),
// printing one table each, or with --json one object of rows per section.
import { engine } from './engine.js';
import { blob } from './blob.js';
import { determinism } from './determinism.js';
import { examples } from './examples.js';
import { host } from './host.js';
import { sandbox } from './sandbox.js';
import { wasi } from './wasi.js';
import type { Section } from './section.js';

const SECTIONS: readonly Section[] = [blob, determinism, engine, examples, host, sandbox, wasi];

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
if (unknown.length > 0) {
  console.error(`unknown section(s): ${unknown.join(', ')}; have ${SECTIONS.map((s) => s.name)}`);
  process.exit(2);
}

const results: Record<string, unknown> = {};
for (const section of SECTIONS.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const rows = await section.run();
  if (json) results[section.name] = rows;
  else {
    console.log(`\n${section.name}: ${section.description}`);
    console.table(rows);
  }
}
if (json) console.log(JSON.stringify(results, null, 2));
