// sp-io `logging` interface (substrate/primitives/io/src/lib.rs:3967–3988 @01e5c617, `trait
// Logging`: `log` :3974, `max_level` :3985), as served to PVFs. Messages are captured into the
// outcome, never printed.
import { unpackPtrLen } from '../engine/memory.js';
import { HostTrap } from '../engine/traps.js';
import type { LogRecord } from '../engine/types.js';
import { host, type HostContext, type HostFamily } from './context.js';
import { utf8OrUndefined } from './text.js';

const lossy = new TextDecoder('utf-8');
/** How much of an over-budget panic message is read to remember it. */
const PANIC_PEEK_BYTES = 16 * 1024;

/**
 * Reads a `&str` argument the way sp-runtime-interface does: invalid UTF-8 is an error of the
 * host function, which traps the guest.
 */
export function readStr(ctx: HostContext, packed: bigint, what: string): string {
  const [ptr, len] = unpackPtrLen(packed);
  const text = utf8OrUndefined(ctx.memory.view(ptr, len, what));
  if (text === undefined) throw new HostTrap('host-error', `${what}: Invalid utf8 data provided`);
  return text;
}

/**
 * Captures one message. `level` is sp-core `LogLevel` passed by enum *index* (0 error … 4 trace,
 * the `PassByEnum` derive), truncated to u8 as sp-wasm-interface converts an i32 to u8; any
 * other index is refused like the reference's failed `TryFrom<u8>`.
 */
export function captureLog(
  ctx: HostContext,
  level: number,
  target: string,
  msgPtr: number,
  msgLen: number,
): void {
  const index = level & 0xff;
  if (index > 4) throw new HostTrap('host-error', `ext_logging_log: invalid log level ${index}`);
  const lvl = (index + 1) as LogRecord['level'];
  const bytes = ctx.memory.view(msgPtr, msgLen, 'log message');
  const cost = target.length + bytes.byteLength;
  if (ctx.logs.fits(cost)) {
    // Like the reference, a message that is not UTF-8 is silently not logged.
    const message = utf8OrUndefined(bytes);
    if (message !== undefined) ctx.logs.push(lvl, target, message, cost);
  } else {
    const peek = lvl === 1 && target === 'runtime';
    ctx.logs.push(lvl, target, peek ? lossy.decode(bytes.subarray(0, PANIC_PEEK_BYTES)) : '', cost);
  }
}

export const logging: HostFamily = {
  /** `log(level, target: &str, message: &[u8])`: records the message (see `captureLog`). */
  ext_logging_log_version_1: host(
    '(i32,i64,i64)->',
    (ctx, level: number, target: bigint, message: bigint) => {
      const t = readStr(ctx, target, 'log target');
      const [ptr, len] = unpackPtrLen(message);
      captureLog(ctx, level, t, ptr, len);
    },
  ),
  /** `max_level() -> LogLevelFilter`: the configured filter (default Off, as Polkadot's PVF host). */
  ext_logging_max_level_version_1: host('()->i32', (ctx) => ctx.maxLogLevel),
};
