// sp-io `misc` interface (substrate/primitives/io/src/lib.rs:1792–1935 @01e5c617, `trait Misc`:
// `print_num` :1797, `print_utf8` :1802, `print_hex` :1809, `runtime_version` :1828). The print
// functions log at debug level with target `runtime` on the reference's node; here they are
// captured like logs. `runtime_version` reads the version embedded in a given code blob.
import { host, type HostFamily } from './context.js';
import { fatBytes, returnFat } from './marshal.js';
import { utf8OrUndefined } from './text.js';
import { encodeCompactU32 } from '../codec/strict.js';

/** Like sp-core's `HexDisplay`: long data shows its first and last 512 bytes. */
function hexDisplay(data: Uint8Array): string {
  if (data.length < 1027) return Buffer.from(data).toString('hex');
  const b = Buffer.from(data);
  return `${b.subarray(0, 512).toString('hex')}...${b.subarray(b.length - 512).toString('hex')}`;
}

export const misc: HostFamily = {
  /** `print_num(u64)`: logs the number (debug, target `runtime`). */
  ext_misc_print_num_version_1: host('(i64)->', (ctx, value: bigint) => {
    const text = BigInt.asUintN(64, value).toString();
    ctx.logs.push(4, 'runtime', text, text.length);
  }),
  /** `print_utf8(&[u8])`: logs the text if it is valid UTF-8, else nothing. */
  ext_misc_print_utf8_version_1: host('(i64)->', (ctx, data: bigint) => {
    const bytes = fatBytes(ctx, data, 'print_utf8 data');
    if (!ctx.logs.fits(bytes.length)) return void ctx.logs.push(4, 'runtime', '', bytes.length);
    const text = utf8OrUndefined(bytes);
    if (text !== undefined) ctx.logs.push(4, 'runtime', text, bytes.length);
  }),
  /** `print_hex(&[u8])`: logs the bytes as hex. */
  ext_misc_print_hex_version_1: host('(i64)->', (ctx, data: bigint) => {
    const bytes = fatBytes(ctx, data, 'print_hex data');
    const cost = 2 * Math.min(bytes.length, 1027);
    ctx.logs.push(4, 'runtime', ctx.logs.fits(cost) ? hexDisplay(bytes) : '', cost);
  }),
  /**
   * `runtime_version(wasm: &[u8]) -> Option<Vec<u8>>`: the SCALE `RuntimeVersion` embedded in the
   * (possibly compressed) code, or None. Polkadot's PVF host reads only the embedded sections
   * (`ReadRuntimeVersion` in executor_interface.rs): it never calls `Core_version`.
   */
  ext_misc_runtime_version_version_1: host('(i64)->i64', (ctx, wasm: bigint) => {
    const version = ctx.readRuntimeVersion(fatBytes(ctx, wasm, 'runtime code'));
    if (version === undefined) return returnFat(ctx, Uint8Array.of(0));
    return returnFat(ctx, concatOption(version));
  }),
};

/** SCALE `Some(Vec<u8>)`: 0x01, compact length, bytes. */
function concatOption(bytes: Uint8Array): Uint8Array {
  const len = encodeCompactU32(bytes.length);
  const out = new Uint8Array(1 + len.length + bytes.length);
  out[0] = 1;
  out.set(len, 1);
  out.set(bytes, 1 + len.length);
  return out;
}
