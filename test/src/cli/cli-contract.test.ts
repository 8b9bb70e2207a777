// The contract of the built `pvf` (dist/cli.js) as a user meets it, command by command, on good
// and bad input: the exit code from src/cli/exit-codes.ts; with --json, exactly one JSON
// document on stdout; an error is exactly one `pvf: …` line on stderr with nothing on stdout
// (a stack only with --verbose). CI builds before testing; without a build this file skips.
// Longer than 400 lines because it is one table of cases, each a command as a user runs it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import { FIXTURES_DIR, HAVE_FIXTURES, hex } from '../../support/fixtures.js';
import { HEADER } from '../../support/wasm-bytes.js';
import { blobPrefix, zeroBomb } from '../../support/zstd-frames.js';
import { CLI_BUILT, ROOT, type Run, runPvf, scratchDir } from './run-pvf.js';

const CLI = CLI_BUILT;
const BUILT = existsSync(CLI);
/** Commands that start sealed workers need Linux and the build's worker and example PVF. */
const HOST =
  BUILT &&
  process.platform === 'linux' &&
  existsSync(join(ROOT, 'dist/worker.js')) &&
  existsSync(join(ROOT, 'dist/examples/adder.wasm'));

if (!BUILT)
  console.warn(
    `[pvf-runtime tests] ${CLI} is absent: run \`npm run build\` first; the CLI contract tests are skipped.`,
  );

const pvf = (args: readonly string[]): Promise<Run> => runPvf(CLI, args, 30_000);

// ---- inputs --------------------------------------------------------------------------------

const { dir, file } = scratchDir('pvf-cli-contract-');
const EMPTY = file('empty.wasm', []);
const RANDOM = file('random.bin', [0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]);
const BOMB = file('bomb.wasm', new Uint8Array([...blobPrefix(7), ...zeroBomb(2 ** 30)]));
const MISSING = join(dir, 'missing.wasm');
const FIFO = join(dir, 'fifo');
if (process.platform === 'linux') execFileSync('mkfifo', [FIFO]);
/** Stands in for code where the command fails before using it. */
const CODE = file('code.wasm', HEADER);
const ADDER = join(ROOT, 'dist/examples/adder.wasm');

// One block of our adder chain and the exact result bytes it must give.
const block = new AdderChain().next();
if (block.expected.kind !== 'valid') throw new Error('the first adder block is valid');
const PARAMS = hex(block.params);
const RESULT = hex(block.expected.result);
const TRUNCATED = hex(block.params.subarray(0, block.params.length - 1));

// ---- expectations --------------------------------------------------------------------------

type Out =
  /** Nothing on stdout. */
  | 'empty'
  /** Exactly one JSON document; `check` may look inside. */
  | { json: (doc: Record<string, unknown>) => void }
  /** Text matching the pattern. */
  | RegExp;
type Err =
  /** Nothing on stderr. */
  | 'empty'
  /** Exactly one `pvf: …` line matching the pattern, no stack. */
  | RegExp
  /** Anything (progress lines, the returned-bytes note). */
  | 'any';

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: Out;
  readonly stderr: Err;
}

function expectContract(r: Run, c: Case): void {
  expect(r.code, `exit code; stderr: ${r.stderr}`).toBe(c.code);
  if (c.stdout === 'empty') expect(r.stdout).toBe('');
  else if (c.stdout instanceof RegExp) expect(r.stdout).toMatch(c.stdout);
  else {
    expect(r.stdout.endsWith('}\n')).toBe(true);
    c.stdout.json(JSON.parse(r.stdout) as Record<string, unknown>);
  }
  if (c.stderr === 'empty') expect(r.stderr).toBe('');
  else if (c.stderr instanceof RegExp) {
    expect(r.stderr.endsWith('\n')).toBe(true);
    const lines = r.stderr.slice(0, -1).split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^pvf: /);
    expect(lines[0]).toMatch(c.stderr);
  }
}

const usage = (name: string, args: string[], stderr: RegExp): Case => ({
  name,
  args,
  code: ExitCode.Usage,
  stdout: 'empty',
  stderr,
});
const badInput = (name: string, args: string[], stderr: RegExp): Case => ({
  name,
  args,
  code: ExitCode.BadInput,
  stdout: 'empty',
  stderr,
});
const json = (
  name: string,
  args: string[],
  code: number,
  check: (doc: Record<string, unknown>) => void,
): Case => ({ name, args: [...args, '--json'], code, stdout: { json: check }, stderr: 'empty' });

const PARTS = (relayParentNumber: string) => [
  '--parent-head',
  '0x00',
  '--block-data',
  '0x00',
  '--relay-parent-number',
  relayParentNumber,
  '--relay-parent-storage-root',
  '0x' + '00'.repeat(32),
];

// ---- cases that need only the CLI ------------------------------------------------------------

const HELP = [
  [],
  ['inspect'],
  ['sandbox'],
  ['sandbox', 'status'],
  ['sandbox', 'run'],
  ['sandbox', 'self-test'],
  ['validate'],
  ['call'],
  ['prepare'],
  ['example'],
];

const CLI_CASES: Case[] = [
  ...HELP.map((cmd): Case => ({
    name: `${['pvf', ...cmd].join(' ')} --help`,
    args: [...cmd, '--help'],
    code: ExitCode.Ok,
    stdout: new RegExp(`^Usage: ${['pvf', ...cmd].join(' ')} `),
    stderr: 'empty',
  })),
  {
    name: '--version prints the package version',
    args: ['--version'],
    code: ExitCode.Ok,
    stdout: new RegExp(
      `^${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version.replace(/\./g, '\\.')}\n$`,
    ),
    stderr: 'empty',
  },
  usage('an unknown command', ['frobnicate'], /^pvf: unknown command 'frobnicate'/),
  usage('an unknown option', ['inspect', CODE, '--frob'], /unknown option '--frob'/),
  usage('a missing argument', ['inspect'], /missing required argument 'file'/),
  usage('inspect --limit not a number', ['inspect', CODE, '--limit', 'lots'], /--limit must be/),
  usage('validate without params', ['validate', '--code', CODE], /give --params, or all of/),
  usage(
    'validate with --params and --parent-head',
    ['validate', '--code', CODE, '--params', PARAMS, '--parent-head', '0x00'],
    /give --params or the four parts .*not both/,
  ),
  usage(
    'validate --relay-parent-number in hex',
    ['validate', '--code', CODE, ...PARTS('0x10')],
    /--relay-parent-number must be a whole number in \[0, 4294967295\], got "0x10"/,
  ),
  usage(
    'validate --relay-parent-number over u32',
    ['validate', '--code', CODE, ...PARTS('4294967296')],
    /--relay-parent-number must be a whole number/,
  ),
  usage(
    'validate --timeout 0',
    ['validate', '--code', CODE, '--params', PARAMS, '--timeout', '0'],
    /--timeout must be a whole number of at least 1, got "0"/,
  ),
  usage(
    'validate --kind unknown',
    ['validate', '--code', CODE, '--params', PARAMS, '--kind', 'urgent'],
    /argument 'urgent' is invalid\. Allowed choices are dispute, approval/,
  ),
  usage('call without --fn', ['call', '--code', CODE], /required option '--fn <name>'/),
  usage('example --blocks 0', ['example', 'adder', '--blocks', '0'], /--blocks must be/),
  usage('example --workers abc', ['example', 'adder', '--workers', 'abc'], /--workers must be/),
  usage('an unknown example', ['example', 'halt'], /Allowed choices are adder/),
  usage('sandbox status --uid 0', ['sandbox', 'status', '--uid', '0'], /uid must be an integer/),
  usage('sandbox --network-action', ['sandbox', 'status', '--network-action', 'x'], /errno, kill/),
  badInput('inspect a missing file', ['inspect', MISSING], /no such file \(ENOENT\)$/),
  badInput('inspect a directory', ['inspect', dir], /a directory, not a regular file$/),
  badInput('inspect an empty file', ['inspect', EMPTY, '--json'], /empty file$/),
  badInput('inspect random bytes', ['inspect', RANDOM, '--json'], /not a PVF blob/),
  badInput('inspect a 1 GiB zstd bomb', ['inspect', BOMB, '--json'], /compression bomb/),
  badInput(
    'validate --params with malformed hex',
    ['validate', '--code', CODE, '--params', '0x123'],
    /--params: malformed hex/,
  ),
  badInput(
    'validate --params as bare hex',
    ['validate', '--code', CODE, '--params', PARAMS.slice(2)],
    /cannot read: .*; hex must start with 0x$/,
  ),
  badInput(
    'validate --code missing',
    ['validate', '--code', MISSING, '--params', PARAMS],
    /^pvf: --code \S+missing\.wasm: cannot read/,
  ),
  badInput('prepare a directory', ['prepare', dir, '--json'], /a directory/),
];

const LINUX_CLI_CASES: Case[] = [
  // A FIFO used to block the CLI for ever, and a device (/dev/zero) was read until memory ran
  // out; /dev/null takes the same path without that risk should the check ever regress.
  badInput('inspect a FIFO', ['inspect', FIFO], /not a regular file$/),
  badInput(
    'validate --params a device',
    ['validate', '--code', CODE, '--params', '/dev/null'],
    /--params \/dev\/null: not a regular file$/,
  ),
  badInput(
    'call --input a FIFO',
    ['call', '--code', CODE, '--fn', 'validate_block', '--input', FIFO],
    /--input \S+fifo: not a regular file$/,
  ),
];

// ---- cases that start sealed workers -------------------------------------------------------

const HOST_CASES: Case[] = [
  json('inspect our adder', ['inspect', ADDER], ExitCode.Ok, (j) =>
    expect(j).toMatchObject({ format: 'module', abi: 'substrate', deniedImports: [] }),
  ),
  json('sandbox status', ['sandbox', 'status'], ExitCode.Ok, (j) =>
    expect(['secure', 'degraded']).toContain((j.verdict as { kind: string }).kind),
  ),
  json('sandbox self-test', ['sandbox', 'self-test'], ExitCode.Ok, (j) =>
    expect(j.allBlocked).toBe(true),
  ),
  {
    name: 'sandbox run passes on the exit status',
    args: ['sandbox', 'run', '--', '/bin/sh', '-c', 'exit 7'],
    code: 7,
    stdout: 'empty',
    stderr: 'empty',
  },
  {
    name: 'sandbox run a missing program exits 127, as a shell does',
    args: ['sandbox', 'run', '--', MISSING],
    code: 127,
    stdout: 'empty',
    stderr: /: no such file$/,
  },
  {
    name: 'sandbox run an unknown command name exits 127',
    args: ['sandbox', 'run', '--', 'no-such-command-pvf'],
    code: 127,
    stdout: 'empty',
    stderr: /^pvf: no-such-command-pvf: command not found$/,
  },
  {
    name: 'sandbox run a file that is not executable exits 126',
    args: ['sandbox', 'run', '--', CODE],
    code: 126,
    stdout: 'empty',
    stderr: /: not an executable file$/,
  },
  json('prepare our adder', ['prepare', ADDER], ExitCode.Ok, (j) =>
    expect(j).toMatchObject({ kind: 'prepared', codeBytes: readFileSync(ADDER).length }),
  ),
  json('prepare a zstd bomb', ['prepare', BOMB], ExitCode.BadInput, (j) =>
    expect(j).toMatchObject({ kind: 'preparation-error', reason: 'decompression' }),
  ),
  json('prepare random bytes', ['prepare', RANDOM], ExitCode.BadInput, (j) =>
    expect(j).toMatchObject({ kind: 'preparation-error', deterministic: true }),
  ),
  json('validate a valid block', ['validate', '--code', ADDER, '--params', PARAMS], 0, (j) =>
    expect(j).toMatchObject({ kind: 'valid', resultBytes: RESULT, attempts: 1 }),
  ),
  {
    name: 'validate a valid block (text)',
    args: ['validate', '--code', ADDER, '--params', PARAMS],
    code: ExitCode.Ok,
    stdout: /^valid\n {2}head data: 0x[0-9a-f]{144}\n(.*\n)* {2}hrmp watermark: 1\n {2}time: /,
    stderr: 'empty',
  },
  json(
    'validate truncated params',
    ['validate', '--code', ADDER, '--params', TRUNCATED, '--kind', 'approval'],
    ExitCode.Invalid,
    (j) => expect(j).toMatchObject({ kind: 'invalid', reason: 'worker-reported' }),
  ),
  {
    name: 'validate truncated params (text)',
    args: ['validate', '--code', ADDER, '--params', TRUNCATED],
    code: ExitCode.Invalid,
    stdout: /^invalid: worker-reported \(unreachable\)\n {2}message: .*Invalid input data/,
    stderr: 'empty',
  },
  badInput(
    'validate with a 31-byte storage root',
    ['validate', '--code', ADDER, ...PARTS('1').slice(0, -1), '0x' + '00'.repeat(31)],
    /relayParentStorageRoot must have 32 bytes/,
  ),
  json('call a missing export', ['call', '--code', ADDER, '--fn', 'nope'], ExitCode.Invalid, (j) =>
    expect(j).toMatchObject({ kind: 'invalid', trap: 'bad-entry-point' }),
  ),
  json('example adder', ['example', 'adder', '--blocks', '5', '--workers', '1'], 0, (j) =>
    expect(j).toMatchObject({ valid: 5, rejectedAsExpected: 6, mismatches: [] }),
  ),
];

// ---- cases on the real PVF fixtures --------------------------------------------------------

const pvfFixture = (name: string) => join(FIXTURES_DIR, 'pvf', name);
const gossamer = HAVE_FIXTURES
  ? (JSON.parse(readFileSync(join(FIXTURES_DIR, 'vectors/adder-gossamer.json'), 'utf8')) as {
      params: string;
      expectedResult: string;
    })
  : { params: '0x', expectedResult: '0x' };

const TEMPLATE = pvfFixture('template-parachain.compact.compressed.wasm');
/** `RuntimeVersion` starts with spec_name as a SCALE string: compact length 18, the name. */
const TEMPLATE_VERSION = new RegExp(`^0x48${hex(Buffer.from('template-parachain')).slice(2)}`);

const FIXTURE_CASES: Case[] = [
  json(
    'validate the gossamer vector on the reference adder',
    ['validate', '--code', pvfFixture('adder.wasm'), '--params', gossamer.params],
    ExitCode.Ok,
    (j) => expect(j).toMatchObject({ kind: 'valid', resultBytes: gossamer.expectedResult }),
  ),
  json(
    'call Core_version on a Cumulus runtime',
    ['call', '--code', TEMPLATE, '--fn', 'Core_version'],
    0,
    (j) => {
      expect(j.kind).toBe('returned');
      expect(j.output).toMatch(TEMPLATE_VERSION);
    },
  ),
  {
    name: 'call Core_version prints only the bytes on stdout (a note on stderr)',
    args: ['call', '--code', TEMPLATE, '--fn', 'Core_version'],
    code: ExitCode.Ok,
    stdout: new RegExp(`${TEMPLATE_VERSION.source}[0-9a-f]*\n$`),
    stderr: 'any',
  },
  json(
    'inspect Moonbase',
    ['inspect', pvfFixture('moonbase-4300.compact.compressed.wasm')],
    0,
    (j) => expect(j).toMatchObject({ blob: { compressed: true, codeSize: 13_544_397 } }),
  ),
  json('prepare the reference adder', ['prepare', pvfFixture('adder.wasm')], 0, (j) =>
    expect(j).toMatchObject({
      kind: 'prepared',
      codeHash: '0xd7d82e716d8ca4366ab441c2625878dd148ed961d0ae8bf9f71af2b2f6583f24',
    }),
  ),
];

// ---- the runs ------------------------------------------------------------------------------

describe.runIf(BUILT)('pvf contract (dist/cli.js): exit code, stdout, one-line errors', () => {
  it.concurrent.each(CLI_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectContract(await pvf(c.args), c);
  });

  it
    .runIf(process.platform === 'linux')
    .concurrent.each(LINUX_CLI_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectContract(await pvf(c.args), c);
  });

  it('--verbose adds the stack to an error', async () => {
    const r = await pvf(['inspect', MISSING, '--verbose']);
    expect(r.code).toBe(ExitCode.BadInput);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^pvf: \S+missing\.wasm: cannot read: no such file \(ENOENT\)\nCliError: .*\n +at /,
    );
  });
});

describe.runIf(HOST)('pvf contract: commands that run sealed workers', () => {
  it.concurrent.each(HOST_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectContract(await pvf(c.args), c);
  });
});

describe.runIf(HOST && HAVE_FIXTURES)('pvf contract: the real PVF fixtures', () => {
  it.concurrent.each(FIXTURE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expectContract(await pvf(c.args), c);
  });

  it('a reader that stops early (| head) ends the output quietly, exit 0', async () => {
    // Metadata_metadata is hundreds of KiB of hex: more than a pipe holds, so the write fails.
    const child = spawn(
      process.execPath,
      [CLI, 'call', '--code', TEMPLATE, '--fn', 'Metadata_metadata', '--json'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.Ok);
  });
});
