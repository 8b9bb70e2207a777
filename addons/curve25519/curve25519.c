/*
 * The sr25519 and ed25519 signature checks of the crypto host functions, natively, on libsodium
 * 1.0.18's ed25519/ristretto255 code (crypto_core/ed25519/ref10/ed25519_ref10.c, included below
 * so that its static point helpers are at hand; scripts/build-curve25519-addon.mjs fetches it and
 * builds this one file) and the Merlin transcript of merlin.h; where the CPU has AVX-512 IFMA,
 * the double-base scalar multiplication runs four field operations at a time (ifma.h), the same
 * group element as libsodium's. Each function decides exactly as
 * the reference library it stands for; why, step by step, is written above it. The
 * differential tests (test/runtime/host/curve25519-native.test.ts) and `npm run bench -- crypto`
 * compare every verdict with schnorrkel's wasm build, @scure/sr25519, OpenSSL and
 * @noble/curves' ZIP-215 check.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "merlin.h"
#include "ed25519_ref10.c"
#include "ifma.h"

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

/* Projective (X:Y:Z) to extended (XZ:YZ:Z²:XY) coordinates: the same point. */
static void p2_to_p3(ge25519_p3 *r, const ge25519_p2 *p) {
  fe25519_mul(r->X, p->X, p->Z);
  fe25519_mul(r->Y, p->Y, p->Z);
  fe25519_sq(r->Z, p->Z);
  fe25519_mul(r->T, p->X, p->Y);
}

/* 1 when ge25519_double_scalarmult_vartime_ifma (ifma.h) serves: the CPU has AVX-512 IFMA. Tests
 * turn it off and on (`setVector`) to compare both on the same inputs. */
static int use_vector = 0;
static int have_vector = 0;
static pthread_once_t vector_once = PTHREAD_ONCE_INIT;
static void init_vector(void) {
#ifdef HAVE_IFMA_BACKEND
  if (ifma_available()) {
    ifma_init_tables();
    have_vector = use_vector = 1;
  }
#endif
}

/* [a]A + [b]B in extended coordinates: the vector code where the CPU has it, else libsodium's
 * (the same group element either way: ifma.h). */
static void double_scalarmult(ge25519_p3 *r, const unsigned char *a, const ge25519_p3 *A,
                              const unsigned char *b) {
  ge25519_p2 p;
#ifdef HAVE_IFMA_BACKEND
  if (use_vector) {
    ge25519_double_scalarmult_vartime_ifma(r, a, A, b);
    return;
  }
#endif
  ge25519_double_scalarmult_vartime(&p, a, A, b);
  p2_to_p3(r, &p);
}

/*
 * sr25519_verify(pub, sig, msg) -> 1 accept, 0 refuse: sp-core's `sr25519::Pair::verify`
 * (schnorrkel 0.11 `PublicKey::verify_simple(b"substrate", msg, sig)`, src/sign.rs):
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
 */
/* The transcript up to the message: the same for every verification. */
static strobe substrate_context;
static pthread_once_t substrate_context_once = PTHREAD_ONCE_INIT;
static void init_substrate_context(void) {
  merlin_init(&substrate_context, "SigningContext");
  merlin_append(&substrate_context, "", (const uint8_t *)"substrate", 9);
}

static int sr25519_verify(const unsigned char pub[32], const unsigned char sig[64],
                          const unsigned char *msg, size_t msg_len) {
  unsigned char s[32], k[64], neg_k[32], encoded[32];
  ge25519_p3 a, r3;
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
  double_scalarmult(&r3, neg_k, &a, s);
  ristretto255_p3_tobytes(encoded, &r3);
  return memcmp(encoded, sig, 32) == 0;
}

/*
 * ed25519_verify(pub, sig, digest) -> 1 accept, 0 refuse, with digest = SHA-512(R bytes ‖ key
 * bytes ‖ msg) (computed by the caller): ed25519-zebra 4's `VerificationKey::verify`, ZIP-215,
 * as sp-io's `ed25519_verify` calls it:
 *  - `VerificationKey::try_from(A)` and the decompression of R: curve25519-dalek's
 *    `CompressedEdwardsY::decompress` reads y from the low 255 bits without requiring y < p,
 *    fails only if (y² - 1)/(dy² + 1) has no square root, takes the non-negative root and
 *    negates it when bit 255 is set (so x = 0 with bit 255 set is accepted, as x = 0).
 *    libsodium's `ge25519_frombytes` reads the same 255 bits (fe25519_frombytes, no reduction
 *    needed: the arithmetic is mod p), fails on the same condition (neither root check holds),
 *    and negates the root it found exactly when its sign differs from bit 255: the same point;
 *  - s must be canonical (`Scalar::from_canonical_bytes`): `sc25519_is_canonical`;
 *  - k = the digest mod l (`Scalar::from_hash`): `sc25519_reduce`;
 *  - accept iff [8](R - ([k](-A) + [s]B)) is the identity (the cofactored equation). Here
 *    [-k mod l]A: it differs from [k](-A) by [ml]A for some m, a point of the 8-torsion (A may
 *    have a small-order component), which [8] removes. Small-order A and R are accepted as
 *    zebra accepts them.
 */
static int ed25519_verify(const unsigned char pub[32], const unsigned char sig[64],
                          const unsigned char digest[64]) {
  unsigned char k[64], neg_k[32];
  ge25519_p3 a, r, p3;
  ge25519_p2 q;
  ge25519_cached p_cached;
  ge25519_p1p1 t;
  fe25519 y_minus_z;

  if (!sc25519_is_canonical(sig + 32)) return 0;
  if (ge25519_frombytes(&a, pub) != 0) return 0;
  if (ge25519_frombytes(&r, sig) != 0) return 0;
  memcpy(k, digest, 64);
  sc25519_reduce(k);
  sc25519_muladd(neg_k, k, L_MINUS_1, ZERO);
  double_scalarmult(&p3, neg_k, &a, sig + 32);
  ge25519_p3_to_cached(&p_cached, &p3);
  ge25519_sub(&t, &r, &p_cached);
  ge25519_p1p1_to_p2(&q, &t);
  for (int i = 0; i < 3; i++) {
    ge25519_p2_dbl(&t, &q);
    ge25519_p1p1_to_p2(&q, &t);
  }
  /* The identity in projective coordinates: X = 0 and Y = Z. */
  fe25519_sub(y_minus_z, q.Y, q.Z);
  return fe25519_iszero(q.X) && fe25519_iszero(y_minus_z);
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

/* The three Uint8Array arguments (pub: 32 bytes, sig: 64, third: `third_len` bytes, or any
 * length when 0) of `check`'s result; -1 when an argument is not of that shape. */
static napi_value call_check(napi_env env, napi_callback_info info, size_t third_len,
                             int (*check)(const unsigned char *, const unsigned char *,
                                          const unsigned char *, size_t)) {
  size_t argc = 3;
  napi_value argv[3], out;
  const unsigned char *pub, *sig, *third;
  size_t pub_len, sig_len, len;
  int result = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 3) {
    pub = bytes_arg(env, argv[0], 32, &pub_len);
    sig = bytes_arg(env, argv[1], 64, &sig_len);
    third = bytes_arg(env, argv[2], third_len, &len);
    if (pub && sig && third) result = check(pub, sig, third, len);
  }
  napi_create_int32(env, result, &out);
  return out;
}

static int sr25519_check(const unsigned char *pub, const unsigned char *sig,
                         const unsigned char *msg, size_t len) {
  return sr25519_verify(pub, sig, msg, len);
}

static int ed25519_check(const unsigned char *pub, const unsigned char *sig,
                         const unsigned char *digest, size_t len) {
  (void)len;
  return ed25519_verify(pub, sig, digest);
}

/* sr25519Verify(pub: Uint8Array(32), sig: Uint8Array(64), msg: Uint8Array): 1, 0 or -1. */
static napi_value js_sr25519_verify(napi_env env, napi_callback_info info) {
  return call_check(env, info, 0, sr25519_check);
}

/* ed25519Verify(pub: Uint8Array(32), sig: Uint8Array(64), digest: Uint8Array(64)): 1, 0 or -1. */
static napi_value js_ed25519_verify(napi_env env, napi_callback_info info) {
  return call_check(env, info, 64, ed25519_check);
}

/* setVector(on: boolean): whether the vector code serves afterwards (only where the CPU has it).
 * For the tests and the bench, which compare both on the same inputs. */
static napi_value js_set_vector(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  bool on = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 1)
    napi_get_value_bool(env, argv[0], &on);
  use_vector = on && have_vector;
  napi_get_boolean(env, use_vector, &out);
  return out;
}

static int export_fn(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn) == napi_ok &&
         napi_set_named_property(env, exports, name, fn) == napi_ok;
}

NAPI_MODULE_INIT() {
  napi_value vector;
  pthread_once(&substrate_context_once, init_substrate_context);
  pthread_once(&vector_once, init_vector);
  if (!export_fn(env, exports, "sr25519Verify", js_sr25519_verify) ||
      !export_fn(env, exports, "ed25519Verify", js_ed25519_verify) ||
      !export_fn(env, exports, "setVector", js_set_vector) ||
      napi_create_string_utf8(env, have_vector ? "avx512ifma" : "none", NAPI_AUTO_LENGTH,
                              &vector) != napi_ok ||
      napi_set_named_property(env, exports, "vector", vector) != napi_ok)
    return NULL;
  return exports;
}
