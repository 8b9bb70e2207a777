/*
 * schnorrkel `verify_simple`'s group arithmetic for the sr25519 host functions, natively, on
 * libsodium's ed25519/ristretto255 code (crypto_core/ed25519/ref10 of libsodium 1.0.18, compiled
 * beside this file by scripts/build-sr25519-addon.mjs) and the Merlin transcript of merlin.h.
 *
 * verify(pub, sig, msg) -> 1 accept, 0 refuse. It decides exactly as sp-core's
 * `sr25519::Pair::verify` (schnorrkel 0.11 `PublicKey::verify_simple(b"substrate", msg, sig)`,
 * src/sign.rs):
 *  - `Signature::from_bytes`: bit 255 of s (the marker) must be set, and s with it cleared must
 *    be canonical (< l): `check_scalar`, here `sc25519_is_canonical`;
 *  - `PublicKey::from_bytes`: the key must decode as ristretto255 (RFC 9496 4.3.1: canonical,
 *    non-negative s, a square, t non-negative, y non-zero): curve25519-dalek's
 *    `CompressedRistretto::decompress` and libsodium's `ristretto255_frombytes` implement that
 *    same decoding, and both return the same representative (identity included);
 *  - the transcript: `signing_context(b"substrate").bytes(msg)` (`Transcript::new(b"SigningContext")`,
 *    `append_message(b"", b"substrate")`, `append_message(b"sign-bytes", msg)`), then
 *    `proto_name(b"Schnorr-sig")`, `commit_point(b"sign:pk", key bytes)`, `commit_point(b"sign:R",
 *    R bytes)`, and k = `challenge_scalar(b"sign:c")`: 64 bytes mod l
 *    (`Scalar::from_bytes_mod_order_wide`, here `sc25519_reduce`);
 *  - accept iff the ristretto255 encoding of [k](-A) + [s]B equals the signature's R bytes
 *    (R itself is never decoded). Here [-k mod l]A + [s]B: -k mod l differs from -k by a
 *    multiple of l, so the two points differ by an element of the 4-torsion (A's
 *    representative lies in 2E, where [l] acts as the identity modulo E[4]), and ristretto255
 *    encodes a point and its translates by E[4] alike.
 * The differential test (test/runtime/host/sr25519-native.test.ts) and `npm run bench -- crypto`
 * compare it with schnorrkel's wasm build and @scure/sr25519.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <string.h>

#include "merlin.h"
#include "private/ed25519_ref10.h"

/* The one libsodium utility ed25519_ref10.c calls (sodium/utils.c, constant time). */
int sodium_is_zero(const unsigned char *n, const size_t nlen) {
  volatile unsigned char d = 0U;
  size_t i;
  for (i = 0U; i < nlen; i++) d |= n[i];
  return 1 & ((d - 1) >> 8);
}

/* l - 1, little-endian: multiplying by it negates modulo l. */
static const unsigned char L_MINUS_1[32] = {0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                            0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                            0,    0,    0,    0,    0,    0,    0,    0,
                                            0,    0,    0,    0,    0,    0,    0,    0x10};
static const unsigned char ZERO[32] = {0};

/* The transcript up to the message: the same for every verification. */
static strobe substrate_context;
static pthread_once_t substrate_context_once = PTHREAD_ONCE_INIT;
static void init_substrate_context(void) {
  merlin_init(&substrate_context, "SigningContext");
  merlin_append(&substrate_context, "", (const uint8_t *)"substrate", 9);
}

static int verify(const unsigned char pub[32], const unsigned char sig[64],
                  const unsigned char *msg, size_t msg_len) {
  unsigned char s[32], k[64], neg_k[32], encoded[32];
  ge25519_p3 a, r3;
  ge25519_p2 r;
  strobe t;

  if ((sig[63] & 0x80) == 0) return 0;
  memcpy(s, sig + 32, 32);
  s[31] &= 0x7f;
  if (!sc25519_is_canonical(s)) return 0;
  if (ristretto255_frombytes(&a, pub) != 0) return 0;
  t = substrate_context;
  merlin_append(&t, "sign-bytes", msg, msg_len);
  merlin_append(&t, "proto-name", (const uint8_t *)"Schnorr-sig", 11);
  merlin_append(&t, "sign:pk", pub, 32);
  merlin_append(&t, "sign:R", sig, 32);
  merlin_challenge(&t, "sign:c", k, 64);
  sc25519_reduce(k);
  sc25519_muladd(neg_k, k, L_MINUS_1, ZERO);
  ge25519_double_scalarmult_vartime(&r, neg_k, &a, s);
  /* Projective (X:Y:Z) to extended (XZ:YZ:Z²:XY), which the ristretto encoder takes. */
  fe25519_mul(r3.X, r.X, r.Z);
  fe25519_mul(r3.Y, r.Y, r.Z);
  fe25519_sq(r3.Z, r.Z);
  fe25519_mul(r3.T, r.X, r.Y);
  ristretto255_p3_tobytes(encoded, &r3);
  return memcmp(encoded, sig, 32) == 0;
}

/* The bytes of a Uint8Array argument, its length in *len (checked when `want` is not 0), or
 * NULL. A zero-length array has no data: a non-NULL empty pointer stands in. */
static const unsigned char *bytes_arg(napi_env env, napi_value v, size_t want, size_t *len) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok)
    return NULL;
  if (type != napi_uint8_array || (want != 0 && length != want)) return NULL;
  *len = length;
  return length == 0 ? (const unsigned char *)"" : (const unsigned char *)data;
}

/* verify(pub: Uint8Array(32), sig: Uint8Array(64), msg: Uint8Array): number;
 * -1 when an argument is not of that shape. */
static napi_value js_verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  const unsigned char *pub, *sig, *msg;
  size_t pub_len, sig_len, msg_len;
  int result = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 3) {
    pub = bytes_arg(env, argv[0], 32, &pub_len);
    sig = bytes_arg(env, argv[1], 64, &sig_len);
    msg = bytes_arg(env, argv[2], 0, &msg_len);
    if (pub && sig && msg) result = verify(pub, sig, msg, msg_len);
  }
  napi_create_int32(env, result, &out);
  return out;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  pthread_once(&substrate_context_once, init_substrate_context);
  if (napi_create_function(env, "verify", NAPI_AUTO_LENGTH, js_verify, NULL, &fn) != napi_ok)
    return NULL;
  if (napi_set_named_property(env, exports, "verify", fn) != napi_ok) return NULL;
  return exports;
}
