// The one check every ABI applies to what `validate_block` returned: SCALE `ValidationResult`
// bytes. The Substrate ABI mirrors the reference's `ValidationResult::decode` (polkadot/node/
// core/pvf/execute-worker/src/lib.rs), which ignores bytes after the value, so `result` is the
// value's own encoding; the WASI ABIs are this project's own and refuse trailing bytes.
import { decodeValidationResult, decodeValidationResultPrefix } from '../codec/validation.js';
import { CodecError } from '../codec/strict.js';
import { validationResultLength } from '../codec/validation-length.js';

export type ResultCheck =
  | { readonly kind: 'ok'; readonly result: Uint8Array }
  | { readonly kind: 'bad-result'; readonly message: string };

/** Checks `output` as the ABI requires: `prefix` (Substrate) or `exact` (the WASI ABIs). */
export function checkValidationResult(output: Uint8Array, mode: 'prefix' | 'exact'): ResultCheck {
  // The fast path accepts only what the codec accepts, with the same length; anything else is
  // decoded below, which decides and says why.
  const length = validationResultLength(output);
  if (length === output.length) return { kind: 'ok', result: output };
  if (length >= 0 && mode === 'prefix') return { kind: 'ok', result: output.slice(0, length) };
  try {
    if (mode === 'exact') {
      decodeValidationResult(output);
      return { kind: 'ok', result: output };
    }
    const { length } = decodeValidationResultPrefix(output);
    return { kind: 'ok', result: length === output.length ? output : output.slice(0, length) };
  } catch (err) {
    // The WASI ABIs always refused any decoding failure as a bad result.
    if (mode === 'prefix' && !(err instanceof CodecError)) throw err;
    return {
      kind: 'bad-result',
      message:
        mode === 'exact'
          ? `the result is not a ValidationResult: ${(err as Error).message}`
          : `validation result decoding failed: ${(err as Error).message}`,
    };
  }
}
