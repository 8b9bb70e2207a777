// Byte arguments as users give them: 0x-hex, binary files, files of 0x-hex text, and `-` for
// standard input (through the built CLI, since only a real process has a stdin to read).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { bytesArg } from '../../../src/cli/input.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import { hex } from '../../support/fixtures.js';
import { CLI_BUILT, ROOT, scratchDir } from './run-pvf.js';

const { file } = scratchDir('pvf-cli-input-');
const text = (s: string) => new TextEncoder().encode(s);

describe('bytesArg', () => {
  it('decodes a file of 0x-hex text, with or without white space around it', () => {
    for (const body of ['0x0102ff', '0x0102FF\n', '  \t0x0102ff\r\n\n'])
      expect(bytesArg(file('hex.txt', text(body)), '--params', 16)).toEqual(
        new Uint8Array([1, 2, 255]),
      );
  });

  it('keeps binary files as they are, including ones that merely start with "0x"', () => {
    const bin = [0x30, 0x78, 0x00, 0x01]; // "0x" then bytes that are not hex digits
    expect(bytesArg(file('bin', bin), '--params', 16)).toEqual(new Uint8Array(bin));
    expect(bytesArg(file('wasm', [0, 0x61, 0x73, 0x6d]), '--code', 16)).toEqual(
      new Uint8Array([0, 0x61, 0x73, 0x6d]),
    );
  });

  it('refuses malformed hex text, and holds hex and binary to the same decoded limit', () => {
    expect(() => bytesArg(file('odd.txt', text('0x123')), '--params', 16)).toThrow(
      /--params: malformed hex/,
    );
    // 4 bytes as hex text is fine at limit 4; 5 is not, nor 5 binary bytes.
    expect(bytesArg(file('four.txt', text('0x01020304')), '--params', 4)).toHaveLength(4);
    expect(() => bytesArg(file('five.txt', text('0x0102030405')), '--params', 4)).toThrow(
      /over the 4-byte limit/,
    );
    expect(() => bytesArg(file('five.bin', [9, 9, 9, 9, 9]), '--params', 4)).toThrow(
      /5 bytes, over the 4-byte limit/,
    );
  });
});

describe.runIf(process.platform === 'linux' && existsSync(CLI_BUILT))('`-` reads stdin', () => {
  const block = new AdderChain().next();
  const adder = join(ROOT, 'dist/examples/adder.wasm');
  const run = (args: string[], input: Uint8Array | string) =>
    spawnSync(process.execPath, [CLI_BUILT, ...args], { cwd: ROOT, input, encoding: 'utf8' });

  it('takes params as binary or as hex text on stdin', () => {
    for (const input of [block.params, hex(block.params) + '\n']) {
      const r = run(['validate', '--code', adder, '--params', '-', '--json'], input);
      expect(r.status, r.stderr).toBe(ExitCode.Ok);
      expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'valid' });
    }
  });

  it('refuses empty stdin and a second `-`', () => {
    const empty = run(['validate', '--code', adder, '--params', '-'], '');
    expect(empty.status).toBe(ExitCode.BadInput);
    expect(empty.stderr).toBe('pvf: --params -: empty standard input\n');
    const twice = run(['validate', '--code', '-', '--params', '-'], block.params);
    expect(twice.status).toBe(ExitCode.Usage);
    expect(twice.stderr).toMatch(/^pvf: --\w+ -: standard input is already read by --\w+\n$/);
  });
});
