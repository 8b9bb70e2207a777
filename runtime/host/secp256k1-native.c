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
 * secp256k1_ecdsa_recover, the same two calls sp-core makes (ecdsa.rs `recover_prehashed`:
 * RecoverableSignature::from_compact, then Secp256k1::recover_ecdsa). Why the vendored release
 * here (secp256k1 npm 5.0.2, an upstream tree of late 2019) accepts exactly what the release
 * secp256k1-sys 0.9.2 vendors (libsecp256k1 v0.4.0) accepts: the recovery module's two
 * functions have the same acceptance rules in both (src/modules/recovery/main_impl.h):
 *   - parse_compact: secp256k1_scalar_set_b32 with the overflow flag on r and on s, refused
 *     if either is >= n (the caller never passes such values; version 1 reduces them first);
 *   - ecdsa_sig_recover: r = 0 or s = 0 fails; with recid & 2, x = r + n is refused unless
 *     r < p - n (secp256k1_fe_cmp_var against p - n); x must lift to a point with the parity
 *     of recid & 1 (secp256k1_ge_set_xo_var: fails off the curve); the message is read as a
 *     scalar modulo n; a result at infinity fails.
 * Later upstream changes (safegcd inversion, precomputed ecmult tables, a new field and scalar
 * code layout) change speed and code, not these conditions; the differential tests check the
 * same classes against an independent implementation (test/runtime/host/ecdsa-fast.test.ts).
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
