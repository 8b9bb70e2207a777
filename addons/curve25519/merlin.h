/*
 * The Merlin transcript (merlin 3, STROBE-128 over Keccak-f[1600]) as far as schnorrkel's
 * `verify_simple` uses it: meta-AD, AD and PRF, never KEY or the transport operations. The
 * same steps as @scure/sr25519's Strobe128/Merlin classes (the project's JavaScript oracle) and
 * the merlin crate's strobe.rs; the differential test compares every verdict with both.
 */
#ifndef PVF_MERLIN_H
#define PVF_MERLIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define STROBE_R 166 /* 200 - 128/4 - 2: STROBE-128's rate */
enum { FLAG_I = 1, FLAG_A = 2, FLAG_C = 4, FLAG_T = 8, FLAG_M = 16, FLAG_K = 32 };

typedef struct {
  union {
    uint8_t b[200];
    uint64_t w[25]; /* x86_64 is little-endian: byte i of lane j is b[8j + i] */
  } st;
  size_t pos, pos_begin;
} strobe;

static void keccak_f1600(uint64_t s[25]) {
  static const uint64_t rc[24] = {
      0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
      0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
      0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
      0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
      0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
      0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
      0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
      0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
  static const int rot[24] = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                              27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
  static const int lane[24] = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                               15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};
  uint64_t c[5], t;
  for (int round = 0; round < 24; round++) {
    for (int i = 0; i < 5; i++) c[i] = s[i] ^ s[i + 5] ^ s[i + 10] ^ s[i + 15] ^ s[i + 20];
    for (int i = 0; i < 5; i++) {
      t = c[(i + 4) % 5] ^ ((c[(i + 1) % 5] << 1) | (c[(i + 1) % 5] >> 63));
      for (int j = 0; j < 25; j += 5) s[j + i] ^= t;
    }
    t = s[1];
    for (int i = 0; i < 24; i++) {
      int j = lane[i];
      uint64_t next = s[j];
      s[j] = (t << rot[i]) | (t >> (64 - rot[i]));
      t = next;
    }
    for (int j = 0; j < 25; j += 5) {
      for (int i = 0; i < 5; i++) c[i] = s[j + i];
      for (int i = 0; i < 5; i++) s[j + i] ^= (~c[(i + 1) % 5]) & c[(i + 2) % 5];
    }
    s[0] ^= rc[round];
  }
}

static void strobe_run_f(strobe *s) {
  s->st.b[s->pos] ^= (uint8_t)s->pos_begin;
  s->st.b[s->pos + 1] ^= 0x04;
  s->st.b[STROBE_R + 1] ^= 0x80;
  keccak_f1600(s->st.w);
  s->pos = 0;
  s->pos_begin = 0;
}

static void strobe_absorb(strobe *s, const uint8_t *data, size_t len) {
  for (size_t i = 0; i < len; i++) {
    s->st.b[s->pos++] ^= data[i];
    if (s->pos == STROBE_R) strobe_run_f(s);
  }
}

static void strobe_squeeze(strobe *s, uint8_t *out, size_t len) {
  for (size_t i = 0; i < len; i++) {
    out[i] = s->st.b[s->pos];
    s->st.b[s->pos++] = 0;
    if (s->pos == STROBE_R) strobe_run_f(s);
  }
}

/* A new operation (a continued one, `more`, adds no framing: the flags are the same). */
static void strobe_begin(strobe *s, uint8_t flags) {
  uint8_t frame[2] = {(uint8_t)s->pos_begin, flags};
  s->pos_begin = s->pos + 1;
  strobe_absorb(s, frame, 2);
  if ((flags & (FLAG_C | FLAG_K)) != 0 && s->pos != 0) strobe_run_f(s);
}

static void strobe_init(strobe *s, const char *protocol) {
  static const uint8_t head[6] = {1, STROBE_R + 2, 1, 0, 1, 96};
  memset(s, 0, sizeof *s);
  memcpy(s->st.b, head, 6);
  memcpy(s->st.b + 6, "STROBEv1.0.2", 12);
  keccak_f1600(s->st.w);
  strobe_begin(s, FLAG_M | FLAG_A);
  strobe_absorb(s, (const uint8_t *)protocol, strlen(protocol));
}

static void le32(uint8_t out[4], size_t n) {
  out[0] = (uint8_t)n;
  out[1] = (uint8_t)(n >> 8);
  out[2] = (uint8_t)(n >> 16);
  out[3] = (uint8_t)(n >> 24);
}

/* merlin `append_message(label, message)`. */
static void merlin_append(strobe *s, const char *label, const uint8_t *msg, size_t len) {
  uint8_t n[4];
  le32(n, len);
  strobe_begin(s, FLAG_M | FLAG_A);
  strobe_absorb(s, (const uint8_t *)label, strlen(label));
  strobe_absorb(s, n, 4); /* meta-AD continued */
  strobe_begin(s, FLAG_A);
  strobe_absorb(s, msg, len);
}

/* merlin `challenge_bytes(label, out)`. */
static void merlin_challenge(strobe *s, const char *label, uint8_t *out, size_t len) {
  uint8_t n[4];
  le32(n, len);
  strobe_begin(s, FLAG_M | FLAG_A);
  strobe_absorb(s, (const uint8_t *)label, strlen(label));
  strobe_absorb(s, n, 4);
  strobe_begin(s, FLAG_I | FLAG_A | FLAG_C);
  strobe_squeeze(s, out, len);
}

/* merlin `Transcript::new(label)`. */
static void merlin_init(strobe *s, const char *label) {
  strobe_init(s, "Merlin v1.0");
  merlin_append(s, "dom-sep", (const uint8_t *)label, strlen(label));
}

#endif
