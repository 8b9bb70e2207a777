// Logging, print, panic-handler and runtime_version host functions: what is captured, what
// traps like the reference (a non-UTF-8 target, an unknown level), and the log budget.
import { describe, expect, it } from 'vitest';
import { HostTrap } from '../../../runtime/engine/traps.js';
import { readRuntimeVersion } from '../../../runtime/engine/runtime-version.js';
import { logging } from '../../../runtime/host/logging.js';
import { misc } from '../../../runtime/host/misc.js';
import { panicHandler } from '../../../runtime/host/panic-handler.js';
import { fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import { hostContext } from '../../support/host-context.js';

const t = new TextEncoder();

describe('ext_logging_log_version_1', () => {
  it('records level (by enum index: 0 error … 4 trace), target and message', () => {
    const h = hostContext();
    h.call(
      logging,
      'ext_logging_log_version_1',
      0,
      h.fat(t.encode('runtime')),
      h.fat(t.encode('boom')),
    );
    h.call(logging, 'ext_logging_log_version_1', 4, h.fat(t.encode('x')), h.fat(t.encode('fine')));
    h.call(logging, 'ext_logging_log_version_1', 256, h.fat(t.encode('y')), h.fat(t.encode('u8'))); // truncated to 0
    expect(h.ctx.logs.records).toEqual([
      { level: 1, target: 'runtime', message: 'boom' },
      { level: 5, target: 'x', message: 'fine' },
      { level: 1, target: 'y', message: 'u8' },
    ]);
    expect(h.ctx.logs.lastPanic).toBe('boom');
  });

  it('traps on a non-UTF-8 target or an unknown level; drops a non-UTF-8 message', () => {
    const h = hostContext();
    const call = (level: number, target: Uint8Array, msg: Uint8Array) =>
      h.call(logging, 'ext_logging_log_version_1', level, h.fat(target), h.fat(msg));
    expect(() => call(0, Uint8Array.of(0xff), t.encode('m'))).toThrow(/Invalid utf8/);
    expect(() => call(5, t.encode('t'), t.encode('m'))).toThrow(HostTrap);
    call(0, t.encode('t'), Uint8Array.of(0xc3, 0x28));
    expect(h.ctx.logs.records).toEqual([]);
  });

  it('keeps at most maxLogBytes and counts what it drops, but remembers the last panic', () => {
    const h = hostContext({ logBytes: 100 });
    for (let k = 0; k < 10; k++)
      h.call(
        logging,
        'ext_logging_log_version_1',
        2,
        h.fat(t.encode('t')),
        h.fat(new Uint8Array(30).fill(65)),
      );
    h.call(
      logging,
      'ext_logging_log_version_1',
      0,
      h.fat(t.encode('runtime')),
      h.fat(t.encode('late panic')),
    );
    expect(h.ctx.logs.records).toHaveLength(3);
    expect(h.ctx.logs.dropped).toBe(8);
    expect(h.ctx.logs.lastPanic).toBe('late panic');
  });

  it('max_level reports the configured filter (default Off)', () => {
    expect(hostContext().call(logging, 'ext_logging_max_level_version_1')).toBe(0);
  });
});

describe('misc and panic handler', () => {
  it('print functions log at debug level with target runtime', () => {
    const h = hostContext();
    h.call(misc, 'ext_misc_print_num_version_1', -1n);
    h.call(misc, 'ext_misc_print_utf8_version_1', h.fat(t.encode('héllo')));
    h.call(misc, 'ext_misc_print_hex_version_1', h.fat(Uint8Array.of(0xde, 0xad)));
    expect(h.ctx.logs.records.map((r) => r.message)).toEqual([
      '18446744073709551615',
      'héllo',
      'dead',
    ]);
  });

  it('abort_on_panic ends the call as a panic with the message', () => {
    const h = hostContext();
    let err: unknown;
    try {
      h.call(panicHandler, 'ext_panic_handler_abort_on_panic_version_1', h.fat(t.encode('oops')));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HostTrap);
    expect(err).toMatchObject({ reason: 'panic', message: 'oops' });
  });

  it('runtime_version returns SCALE None for code without a version section', () => {
    const h = hostContext();
    const out = h.call(
      misc,
      'ext_misc_runtime_version_version_1',
      h.fat(t.encode('not wasm')),
    ) as bigint;
    expect(h.get(out)).toEqual(Uint8Array.of(0));
  });

  it.runIf(HAVE_FIXTURES)('runtime_version returns Some(version) read from compressed code', () => {
    const h = hostContext({ pages: 40 });
    const blob = fixture('pvf/template-parachain.compact.compressed.wasm');
    h.ctx.memory.write(1 << 16, blob);
    const withReader = { ...h.ctx, readRuntimeVersion };
    const out = misc.ext_misc_runtime_version_version_1!.call(
      withReader,
      BigInt(1 << 16) | (BigInt(blob.length) << 32n),
    );
    const bytes = h.get(out as bigint);
    expect(bytes[0]).toBe(1);
    expect(new TextDecoder().decode(bytes.subarray(4, 22))).toBe('template-parachain');
  });
});
