// Decoding of `PassFatPointerAndDecode` / `PassFatPointerAndDecodeSlice` arguments, with the
// project's strict SCALE codecs (../codec/strict.ts, parity-scale-codec's rules: minimal
// compacts, data must not run out). sp-runtime-interface decodes these arguments with
// `Decode::decode(&mut &arg[..])` (substrate/primitives/runtime-interface/src/pass_by.rs:359
// @0001db01, in `PassFatPointerAndDecode::from_ffi_value`, :350–368; the slice form at :405), so
// bytes after the value are ignored (`decode`, not `decode_all`). A failure is an error of the
// host function, which traps the guest ("Could not decode value from wasm").
import type { Codec } from 'scale-ts';
import { CodecError, decodePrefix } from '../codec/strict.js';
import { HostTrap } from '../engine/traps.js';

/** Decodes a host-function argument; malformed bytes trap the guest. */
export function decodeArg<T>(codec: Codec<T>, bytes: Uint8Array, what: string): T {
  try {
    return decodePrefix(codec, bytes).value;
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    throw new HostTrap('host-error', `Could not decode value from wasm: ${what}: ${err.message}`);
  }
}
