/*
 * secp256k1 public-key recovery as a Node-API addon: libsecp256k1 (the C library sp-io's
 * version 2 functions reach through the `secp256k1` crate and secp256k1-sys) compiled natively,
 * in one compilation unit with its recovery module, by scripts/build-secp256k1-addon.mjs.
 * Node-API only (no C++, no node-addon-api): the ABI is stable, so one build loads under every
 * Node >= 20 (checked under 20, 22 and 24). The context is process-wide, read-only after its
 * creation, so any worker thread may call in.
 *
 * Exports:
 *   recover(io: Uint8Array, recid: number, outlen: 33 | 65) -> number
 *     io[0..32) is the message hash, io[32..96) r ‖ s (big-endian, both already below n: the
 *     caller refuses or reduces larger ones), the key is written to io[96..96+outlen).
 *     Returns 1 with the key, 0 when libsecp256k1 refuses, negative on misuse (bad arguments,
 *     an illegal-argument callback): never throws, never aborts.
 *   version: string, the library the build compiled (set by the build, -DPVF_LIBSECP_VERSION).
 *
 * What it accepts is secp256k1_ecdsa_recoverable_signature_parse_compact followed by
 * secp256k1_ecdsa_recover: what the secp256k1 crate's RecoverableSignature::from_compact and
 * Secp256k1::recover_ecdsa call, which sp-io's version 2 recovery functions use
 * (substrate/primitives/io/src/lib.rs:2708 @01e5c617, as cited in runtime/host/crypto.ts) and
 * sp-core's ECDSA verification recovers with.
 *
 * Which libsecp256k1: the tree the `secp256k1` npm package 5.0.2 vendors (src/secp256k1,
 * configure.ac version 0.1; its binding.gyp names upstream commit 544002c of 2019-11-24, and the
 * tree predates `secp256k1_ec_seckey_negate`, merged early 2020). The reference: polkadot-sdk's
 * workspace asks for `secp256k1 = "0.28.0"` (Cargo.toml @0032e11e), resolved to secp256k1 0.28.2
 * → secp256k1-sys 0.9.2 (Cargo.lock @0003d10a), which vendors libsecp256k1 v0.4.0 (its
 * CHANGELOG, 0.9.0: "Update vendored lib secp256k1 to v0.4.0"). Why both accept exactly the
 * same recoveries: src/modules/recovery/main_impl.h has the same conditions at the same lines
 * in this tree and in secp256k1-sys's copy of the v0.4 series (read at rust-bitcoin/
 * rust-secp256k1 @313a9043, the `rustsecp256k1_v0_10_0_` copy of v0.4.1, whose recovery module
 * is v0.4.0's):
 *   - parse_compact (:38–58): secp256k1_scalar_set_b32 with the overflow flag on r and on s,
 *     refused if either is >= n; recid must be 0..=3 (an ARG_CHECK: the caller never passes
 *     more, and version 1's reduction happens in the caller before this call);
 *   - ecdsa_sig_recover (:87–121): r = 0 or s = 0 fails (:96); with recid & 2, x = r + n is
 *     refused unless r < p - n (:104–109, secp256k1_fe_cmp_var against p - n); x must lift to
 *     a point with the parity of recid & 1, else it fails (:110, secp256k1_ge_set_xo_var: x
 *     off the curve); a result at infinity fails (:120);
 *   - ecdsa_recover (:170 here, :137 there) reads the hash as a scalar modulo n
 *     (secp256k1_scalar_set_b32 without the overflow flag) and serializes the point.
 * What differs between the two trees is how, not what: r's bytes go to a field element with
 * secp256k1_fe_set_b32 here and _set_b32_limit there (:101; r < n < p, so both accept), the
 * multiplication tables are built at context creation here and precomputed there, and
 * inversion and field code were rewritten (safegcd, new layouts) — speed and code, not these
 * conditions. The differential tests check every class against an independent implementation
 * (test/runtime/host/ecdsa-fast.test.ts, `npm run bench -- crypto`).
 */
#include <node_api.h>
#include <pthread.h>
#include <string.h>

#include "include/secp256k1.h"
#include "include/secp256k1_recovery.h"

#ifndef PVF_LIBSECP_VERSION
#define PVF_LIBSECP_VERSION "unknown"
#endif

static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
/* Set by the illegal-argument callback (the library's default would print and abort). Calls
 * pass checked arguments only; the flag turns a would-be abort into a status. */
static __thread int illegal;

static void on_illegal(const char *message, void *data) {
  (void)message;
  (void)data;
  illegal = 1;
}

static void make_context(void) {
  ctx = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
  if (ctx != NULL) {
    secp256k1_context_set_illegal_callback(ctx, on_illegal, NULL);
    secp256k1_context_set_error_callback(ctx, on_illegal, NULL);
  }
}

static napi_value number(napi_env env, int v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

static napi_value recover(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3)
    return number(env, -1);
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || length < 96 + 65)
    return number(env, -2);
  int32_t recid, outlen;
  if (napi_get_value_int32(env, argv[1], &recid) != napi_ok || recid < 0 || recid > 3 ||
      napi_get_value_int32(env, argv[2], &outlen) != napi_ok || (outlen != 33 && outlen != 65))
    return number(env, -3);
  if (ctx == NULL) return number(env, -4);
  unsigned char *io = data;
  secp256k1_ecdsa_recoverable_signature sig;
  secp256k1_pubkey key;
  illegal = 0;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, io + 32, recid))
    return number(env, illegal ? -5 : 0);
  if (!secp256k1_ecdsa_recover(ctx, &key, &sig, io)) return number(env, illegal ? -5 : 0);
  size_t written = (size_t)outlen;
  secp256k1_ec_pubkey_serialize(ctx, io + 96, &written, &key,
                                outlen == 33 ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
  if (illegal || written != (size_t)outlen) return number(env, -5);
  return number(env, 1);
}

NAPI_MODULE_INIT() {
  pthread_once(&ctx_once, make_context);
  napi_value fn, version;
  if (napi_create_function(env, "recover", NAPI_AUTO_LENGTH, recover, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "recover", fn) != napi_ok ||
      napi_create_string_utf8(env, PVF_LIBSECP_VERSION, NAPI_AUTO_LENGTH, &version) != napi_ok ||
      napi_set_named_property(env, exports, "version", version) != napi_ok)
    return NULL;
  return exports;
}
