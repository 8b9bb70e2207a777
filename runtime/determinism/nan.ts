// NaN canonicalization: which instructions get it and the code inserted after them.
//
// Reference: Polkadot's PVF executor sets `canonicalize_nans: true`
// (paritytech/polkadot-sdk, polkadot/node/core/pvf/common/src/executor_interface.rs:80
// @0646724e, `DEFAULT_CONFIG`), which sc-executor-wasmtime passes to
// `wasmtime::Config::cranelift_nan_canonicalization` (substrate/client/executor/wasmtime/src/
// runtime.rs:244 @032b47f2, `common_config`). With wasmtime 36 (polkadot-sdk workspace
// Cargo.toml @0032e11e) Cranelift's pass (bytecodealliance/wasmtime,
// cranelift/codegen/src/nan_canonicalization.rs, `is_fp_arith`) rewrites the result of:
//   unary  ceil floor nearest sqrt trunc fdemote fpromote (+ SIMD fvpromote_low fvdemote)
//   binary fadd fsub fmul fdiv fmin fmax
//   ternary fma (relaxed SIMD only)
// into `select(fcmp uno r, r; canonical NaN; r)`, for F32, F64 and the F32X4/F64X2 vectors.
// It leaves alone the sign-bit operations fneg, fabs, fcopysign (IEEE 754 "sign bit
// operations", which keep a NaN's payload), loads, stores, constants, `select`, locals and
// globals, reinterpretations and int→float conversions (which cannot produce NaN). The
// canonical NaNs are cranelift's `Ieee32::NAN` = 0x7fc00000 and `Ieee64::NAN` =
// 0x7ff8000000000000 (positive, quiet, zero payload). Matching `call` results was added only
// after wasmtime 36 (bytecodealliance/wasmtime PR #12963, 2026), so calls are not canonicalized.
//
// In wasm terms (SIMD is refused before this runs, see features.ts) that is:
//   f32.ceil floor trunc nearest sqrt add sub mul div min max   0x8d-0x97 → f32
//   f64.ceil floor trunc nearest sqrt add sub mul div min max   0x9b-0xa5 → f64
//   f32.demote_f64 0xb6 → f32, f64.promote_f32 0xbb → f64
// but not f32/f64 abs neg copysign (0x8b 0x8c 0x98, 0x99 0x9a 0xa6).
//
// V8 does not canonicalize: on x86-64 a generated NaN is 0xfff8000000000000 (the negative
// "default NaN") and an operand NaN propagates with its payload. After each listed
// instruction we insert, with one scratch local of the result type:
//   local.tee $t  f32.const 0x7fc00000  local.get $t  local.get $t  f32.eq  select
// which leaves r when r == r (not NaN) and the canonical NaN otherwise: branch-free, five
// small instructions, and the same shape for f64.

/** The canonical NaN bit patterns (cranelift `Ieee32::NAN`, `Ieee64::NAN`). */
export const CANONICAL_NAN_F32 = 0x7fc00000;
export const CANONICAL_NAN_F64 = 0x7ff8000000000000n;

/** 0 = not canonicalized, 1 = produces an f32 to canonicalize, 2 = an f64. */
export const NAN_RESULT = new Uint8Array(256);
for (let op = 0x8d; op <= 0x97; op++) NAN_RESULT[op] = 1;
for (let op = 0x9b; op <= 0xa5; op++) NAN_RESULT[op] = 2;
NAN_RESULT[0xb6] = 1; // f32.demote_f64
NAN_RESULT[0xbb] = 2; // f64.promote_f32

const F32_CONST = [0x43, 0x00, 0x00, 0xc0, 0x7f]; // f32.const 0x7fc00000 (little-endian)
const F64_CONST = [0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]; // f64.const 0x7ff8000000000000
const F32_EQ = 0x5b;
const F64_EQ = 0x61;
const SELECT = 0x1b;

/**
 * The bytes that canonicalize the value on top of the stack, using a scratch `local` (index
 * `scratch`) of the value's type, or a scratch global when `viaGlobal` (for a function whose
 * local count is at V8's limit).
 */
export function canonicalizeSequence(kind: 1 | 2, scratch: number, viaGlobal: boolean): Uint8Array {
  const idx = leb(scratch);
  const [tee, get] = viaGlobal
    ? [
        [0x24, ...idx, 0x23, ...idx],
        [0x23, ...idx],
      ]
    : [
        [0x22, ...idx],
        [0x20, ...idx],
      ];
  return Uint8Array.from([
    ...tee,
    ...(kind === 1 ? F32_CONST : F64_CONST),
    ...get,
    ...get,
    kind === 1 ? F32_EQ : F64_EQ,
    SELECT,
  ]);
}

function leb(v: number): number[] {
  const out: number[] = [];
  let x = v >>> 0;
  while (x >= 0x80) {
    out.push((x & 0x7f) | 0x80);
    x >>>= 7;
  }
  out.push(x);
  return out;
}
