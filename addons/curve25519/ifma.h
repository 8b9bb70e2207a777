/*
 * The variable-time double-base scalar multiplication [a]A + [b]B (B the ed25519 base point)
 * with four field operations at a time: AVX-512 IFMA (52-bit multiply-accumulate) on 256-bit
 * vectors, one point coordinate per lane. The same computation as libsodium's
 * `ge25519_double_scalarmult_vartime` (the same width-5 signed digits, from its `slide_vartime`,
 * and the same additions and doublings in the same order, on the same extended coordinates), so
 * it returns the same group element; only the field arithmetic and the formulas' layout differ.
 * The layout is the one curve25519-dalek's vector backends use (Hisil, Wong, Carter, Dawson,
 * "Twisted Edwards Curves Revisited", 2008: `dbl-2008-hwcd` and `add-2008-hwcd-3`, with the
 * four products of each step in the four lanes).
 *
 * Field elements: radix 2^51, five limbs per lane, each limb one 64-bit lane of a vector.
 * `fe4_mul` takes limbs below 2^52 (what `vpmadd52{l,h}uq` read) and returns limbs below
 * 2^51 + 2^15. The product x_i y_j < 2^104 splits into its low and high 52 bits: the low part
 * belongs to limb i + j, the high part, weighted 2^52 = 2 * 2^51, to limb i + j + 1 twice.
 * Limbs 5..9 fold into 0..4 times 19 (2^255 = 19 mod p), and one carry pass brings every limb
 * below 2^51 but limb 0, which takes 19 times the last carry. Bounds: each z_k < 15 * 2^52, each
 * folded limb < 20 * 2^56 < 2^61, so nothing overflows 64 bits.
 *
 * Subtraction adds 16p (limbs 2^55 - 304 and 2^55 - 16) first, which stays non-negative for
 * every subtrahend here (sums of at most four limbs below 2^52), then carries (`fe4_carry`)
 * before the next multiplication.
 *
 * Used only where the CPU has AVX-512 F, VL and IFMA (checked at load, `ifma_available`);
 * elsewhere libsodium's code serves. The differential tests run both on the same inputs.
 *
 * Why it is written here: libsodium has no vector code for the group, and curve25519-dalek's
 * IFMA backend, whose layout this follows, is Rust behind its `unstable_avx512` option (a nightly
 * compiler); Debian's rustc and the npm registry, what builds here, offer neither it nor any
 * other native ristretto255 code.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_IFMA_BACKEND 1
#include <immintrin.h>

#define IFMA __attribute__((target("avx2,avx512f,avx512vl,avx512ifma")))

typedef struct {
  __m256i l[5];
} fe4;

/* An extended point (X, Y, Z, T) or a cached one (Y - X, Y + X, 2Z, 2dT), lane by lane. */
typedef fe4 ext4;
typedef fe4 cached4;

#define LANES(a, b, c, d) _MM_SHUFFLE(d, c, b, a)

IFMA static inline __m256i lane_mask(int a, int b, int c, int d) {
  return _mm256_set_epi64x(d ? -1 : 0, c ? -1 : 0, b ? -1 : 0, a ? -1 : 0);
}

/* Carries every limb into the next, the last into the first times 19: limbs below 2^63 in,
 * below 2^51 (limb 0: 2^51 + 2^15) out. */
IFMA static inline void fe4_carry(fe4 *r) {
  const __m256i mask = _mm256_set1_epi64x((1LL << 51) - 1);
  __m256i c;
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    c = _mm256_srli_epi64(r->l[i], 51);
    r->l[i] = _mm256_and_si256(r->l[i], mask);
    r->l[i + 1] = _mm256_add_epi64(r->l[i + 1], c);
  }
  c = _mm256_srli_epi64(r->l[4], 51);
  r->l[4] = _mm256_and_si256(r->l[4], mask);
  /* 19c = 16c + 2c + c */
  c = _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(c, 4), _mm256_slli_epi64(c, 1)), c);
  r->l[0] = _mm256_add_epi64(r->l[0], c);
}

IFMA static inline void fe4_mul(fe4 *r, const fe4 *x, const fe4 *y) {
  __m256i lo[10], hi[10], z[10];
#pragma GCC unroll 10
  for (int k = 0; k < 10; k++) lo[k] = hi[k] = _mm256_setzero_si256();
#pragma GCC unroll 5
  for (int i = 0; i < 5; i++)
#pragma GCC unroll 5
    for (int j = 0; j < 5; j++) {
      lo[i + j] = _mm256_madd52lo_epu64(lo[i + j], x->l[i], y->l[j]);
      hi[i + j + 1] = _mm256_madd52hi_epu64(hi[i + j + 1], x->l[i], y->l[j]);
    }
#pragma GCC unroll 10
  for (int k = 0; k < 10; k++)
    z[k] = _mm256_add_epi64(lo[k], _mm256_add_epi64(hi[k], hi[k]));
#pragma GCC unroll 5
  for (int k = 0; k < 5; k++) {
    __m256i t = z[k + 5];
    t = _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(t, 4), _mm256_slli_epi64(t, 1)), t);
    r->l[k] = _mm256_add_epi64(z[k], t);
  }
  fe4_carry(r);
}

#define PERM(r, x, imm)                                                                        \
  _Pragma("GCC unroll 5") for (int i_ = 0; i_ < 5; i_++)(r).l[i_] =                           \
      _mm256_permute4x64_epi64((x).l[i_], imm)

IFMA static inline void fe4_and(fe4 *r, const fe4 *x, __m256i m) {
#pragma GCC unroll 5
  for (int i = 0; i < 5; i++) r->l[i] = _mm256_and_si256(x->l[i], m);
}

IFMA static inline void fe4_add(fe4 *r, const fe4 *x, const fe4 *y) {
#pragma GCC unroll 5
  for (int i = 0; i < 5; i++) r->l[i] = _mm256_add_epi64(x->l[i], y->l[i]);
}

/* r = x + 16p - y, carried: x - y in every lane. */
IFMA static inline void fe4_sub(fe4 *r, const fe4 *x, const fe4 *y) {
  const __m256i p0 = _mm256_set1_epi64x((1LL << 55) - 304);
  const __m256i pi = _mm256_set1_epi64x((1LL << 55) - 16);
#pragma GCC unroll 5
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm256_sub_epi64(_mm256_add_epi64(x->l[i], i == 0 ? p0 : pi), y->l[i]);
  fe4_carry(r);
}

/* Four libsodium field elements (radix 2^51, limbs below 2^63) into the lanes, carried. */
IFMA static inline void fe4_load(fe4 *r, const fe25519 a, const fe25519 b, const fe25519 c,
                                 const fe25519 d) {
  for (int i = 0; i < 5; i++)
    r->l[i] = _mm256_set_epi64x((long long)d[i], (long long)c[i], (long long)b[i], (long long)a[i]);
  fe4_carry(r);
}

/* The lanes into four libsodium field elements (limbs below 2^52, which its arithmetic takes). */
IFMA static inline void fe4_store(const fe4 *x, fe25519 a, fe25519 b, fe25519 c, fe25519 d) {
  uint64_t t[4];
  for (int i = 0; i < 5; i++) {
    _mm256_storeu_si256((__m256i *)t, x->l[i]);
    a[i] = t[0];
    b[i] = t[1];
    c[i] = t[2];
    d[i] = t[3];
  }
}

/* (Y - X, Y + X, Z, T) of an extended point. */
IFMA static inline void ext4_diff_sum(fe4 *r, const ext4 *p) {
  fe4 pos, x, neg;
  PERM(pos, *p, LANES(1, 1, 2, 3));
  PERM(x, *p, LANES(0, 0, 0, 0));
  fe4_and(&neg, &x, lane_mask(1, 0, 0, 0));
  fe4_and(&x, &x, lane_mask(0, 1, 0, 0));
  fe4_add(&pos, &pos, &x);
  fe4_sub(r, &pos, &neg);
}

/* (Y - X, Y + X, 2Z, 2dT) */
static fe4 cached_factors;

IFMA static inline void ext4_to_cached(cached4 *r, const ext4 *p) {
  fe4 v;
  ext4_diff_sum(&v, p);
  fe4_mul(r, &v, &cached_factors);
}

/* -Q, cached: (Y + X, Y - X, 2Z, -2dT). */
IFMA static inline void cached4_neg(cached4 *r, const cached4 *q) {
  fe4 swapped, t, zero;
  PERM(swapped, *q, LANES(1, 0, 2, 3));
  fe4_and(&t, &swapped, lane_mask(0, 0, 0, 1));
  fe4_and(&swapped, &swapped, lane_mask(1, 1, 1, 0));
  for (int i = 0; i < 5; i++) zero.l[i] = _mm256_setzero_si256();
  fe4_sub(&t, &zero, &t); /* lanes 0-2: 16p, lane 3: 16p - 2dT */
  fe4_and(&t, &t, lane_mask(0, 0, 0, 1));
  fe4_add(r, &swapped, &t); /* one carried value per lane: carried */
}

/* P + Q (add-2008-hwcd-3): (A, B, D, C) = (Y1 - X1, Y1 + X1, Z1, T1) * Q;
 * (E, H, F, G) = (B - A, B + A, D - C, D + C); (X3, Y3, Z3, T3) = (E, G, F, E) * (F, H, G, H). */
IFMA static inline void ext4_add(ext4 *r, const ext4 *p, const cached4 *q) {
  fe4 v, s, pos, t, neg, ehfg, u, w;
  ext4_diff_sum(&v, p);
  fe4_mul(&s, &v, q);
  PERM(pos, s, LANES(1, 1, 2, 2));
  PERM(t, s, LANES(0, 0, 3, 3));
  fe4_and(&neg, &t, lane_mask(1, 0, 1, 0));
  fe4_and(&t, &t, lane_mask(0, 1, 0, 1));
  fe4_add(&pos, &pos, &t);
  fe4_sub(&ehfg, &pos, &neg);
  PERM(u, ehfg, LANES(0, 3, 2, 0));
  PERM(w, ehfg, LANES(2, 1, 3, 1));
  fe4_mul(r, &u, &w);
}

/* r = pos - (a + (t & tm) + (z & zm)), carried: a lane combination of the doubling below. */
IFMA static inline void fe4_sub_sum(fe4 *r, const fe4 *pos, const fe4 *a, const fe4 *t, __m256i tm,
                                    const fe4 *z, __m256i zm) {
  fe4 neg, m;
  fe4_and(&neg, t, tm);
  fe4_add(&neg, a, &neg);
  fe4_and(&m, z, zm);
  fe4_add(&neg, &neg, &m);
  fe4_sub(r, pos, &neg);
}

/* 2P (dbl-2008-hwcd, a = -1): (A, B, Z², D) = (X, Y, Z, X + Y)²; with C = 2Z²,
 * E = D - A - B, G = B - A, F = G - C, H = -A - B; (X3, Y3, Z3, T3) = (E, G, F, E) * (F, H, G, H). */
IFMA static inline void ext4_dbl(ext4 *r, const ext4 *p) {
  fe4 v, t, s, a, z2, pos, u, w;
  PERM(v, *p, LANES(0, 1, 2, 0));
  PERM(t, *p, LANES(1, 1, 1, 1));
  fe4_and(&t, &t, lane_mask(0, 0, 0, 1));
  fe4_add(&v, &v, &t);
  fe4_carry(&v);
  fe4_mul(&s, &v, &v);
  PERM(a, s, LANES(0, 0, 0, 0));
  PERM(z2, s, LANES(2, 2, 2, 2));
  /* U = (E, G, F, E): (D, B, B, D) - (A + B, A, A + 2Z², A + B) */
  PERM(pos, s, LANES(3, 1, 1, 3));
  PERM(t, s, LANES(1, 1, 2, 1));
  fe4_sub_sum(&u, &pos, &a, &t, lane_mask(1, 0, 1, 1), &z2, lane_mask(0, 0, 1, 0));
  /* W = (F, H, G, H): (B, 0, B, 0) - (A + 2Z², A + B, A, A + B) */
  PERM(t, s, LANES(1, 1, 1, 1));
  fe4_and(&pos, &t, lane_mask(1, 0, 1, 0));
  PERM(t, s, LANES(2, 1, 1, 1));
  fe4_sub_sum(&w, &pos, &a, &t, lane_mask(1, 1, 0, 1), &z2, lane_mask(1, 0, 0, 0));
  fe4_mul(r, &u, &w);
}

IFMA static inline void ext4_from_p3(ext4 *r, const ge25519_p3 *p) {
  fe4_load(r, p->X, p->Y, p->Z, p->T);
}

/* Odd multiples Q, 3Q, ..., 15Q, cached, and their negatives. */
typedef struct {
  cached4 pos[8], neg[8];
} table4;

IFMA static void table4_build(table4 *t, const ext4 *q) {
  ext4 q2, m;
  ext4_to_cached(&t->pos[0], q);
  ext4_dbl(&q2, q);
  for (int k = 1; k < 8; k++) {
    ext4_add(&m, &q2, &t->pos[k - 1]);
    ext4_to_cached(&t->pos[k], &m);
  }
  for (int k = 0; k < 8; k++) cached4_neg(&t->neg[k], &t->pos[k]);
}

static table4 base_table;

/* The ed25519 base point, encoded (y = 4/5, x positive). */
static const unsigned char BASE_POINT[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66};

IFMA static void ifma_init_tables(void) {
  static const fe25519 one = {1, 0, 0, 0, 0}, two = {2, 0, 0, 0, 0};
  ge25519_p3 b;
  ext4 bv;
  fe4_load(&cached_factors, one, one, two, d2);
  if (ge25519_frombytes(&b, BASE_POINT) != 0) abort();
  ext4_from_p3(&bv, &b);
  table4_build(&base_table, &bv);
}

/* r = [a]A + [b]B, a and b 32-byte little-endian scalars below 2^255 (libsodium's contract). */
IFMA static void ge25519_double_scalarmult_vartime_ifma(ge25519_p3 *r, const unsigned char *a,
                                                        const ge25519_p3 *A,
                                                        const unsigned char *b) {
  static const fe25519 zero = {0}, one = {1, 0, 0, 0, 0};
  signed char aslide[256], bslide[256];
  table4 at;
  ext4 av, acc;
  int i;

  slide_vartime(aslide, a);
  slide_vartime(bslide, b);
  ext4_from_p3(&av, A);
  table4_build(&at, &av);
  fe4_load(&acc, zero, one, one, zero);

  for (i = 255; i >= 0; --i)
    if (aslide[i] || bslide[i]) break;
  for (; i >= 0; --i) {
    ext4_dbl(&acc, &acc);
    if (aslide[i] > 0)
      ext4_add(&acc, &acc, &at.pos[aslide[i] / 2]);
    else if (aslide[i] < 0)
      ext4_add(&acc, &acc, &at.neg[(-aslide[i]) / 2]);
    if (bslide[i] > 0)
      ext4_add(&acc, &acc, &base_table.pos[bslide[i] / 2]);
    else if (bslide[i] < 0)
      ext4_add(&acc, &acc, &base_table.neg[(-bslide[i]) / 2]);
  }
  fe4_store(&acc, r->X, r->Y, r->Z, r->T);
}

/* Whether this CPU (and its operating system) runs AVX-512 F, VL and IFMA. */
static int ifma_available(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512ifma");
}
#endif
