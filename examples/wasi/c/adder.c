// The adder test parachain (polkadot/parachain/test-parachains/adder/src/{lib,wasm_validation}.rs)
// as a `wasi-p1` PVF in C, built with clang and wasi-libc (scripts/build-wasi-examples.sh).
// ABI (runtime/wasi/preview1/pvf.ts): exports pvf_alloc(len) -> ptr and
// validate_block(ptr, len) -> ptr | len << 32 of SCALE `ValidationResult`; a panic is one line
// on stderr and exit(1), with the reference's panic payload. For the same params it returns the
// same bytes as the Substrate-ABI adder.
//
// Built with -DPVF_COMPONENT it is instead the core module of a `component` PVF (world `pvf`,
// examples/wit/pvf.wit): it exports `validate-block` in the canonical ABI plus
// `cabi_realloc`, and scripts/wrap-preview1-component.ts embeds the world and wraps it with
// the standard `wasi_snapshot_preview1` reactor adapter.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#ifdef PVF_COMPONENT
#define ABI1_EXPORT(name) // the component exports only its world's function
#else
#define ABI1_EXPORT(name) EXPORT(name)
#endif

// ---- keccak256 (Keccak-f[1600], rate 136, padding 0x01 .. 0x80) ----
static const uint64_t RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
static const int ROT[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                            25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static uint64_t rotl(uint64_t x, int n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccak_f(uint64_t a[25]) {
  for (int round = 0; round < 24; round++) {
    uint64_t c[5], d[5], b[25];
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int i = 0; i < 25; i++) a[i] ^= d[i % 5];
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], ROT[x + 5 * y]);
    for (int x = 0; x < 5; x++)
      for (int y = 0; y < 5; y++)
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    a[0] ^= RC[round];
  }
}

static void keccak256(const uint8_t *in, size_t len, uint8_t out[32]) {
  uint64_t a[25] = {0};
  uint8_t block[136];
  for (;;) {
    size_t take = len < 136 ? len : 136;
    memset(block, 0, sizeof block);
    memcpy(block, in, take);
    if (take < 136) {
      block[take] ^= 0x01;
      block[135] ^= 0x80;
    }
    for (int i = 0; i < 17; i++) {
      uint64_t w;
      memcpy(&w, block + 8 * i, 8); // wasm is little-endian, as Keccak's lanes are
      a[i] ^= w;
    }
    keccak_f(a);
    if (take < 136) break;
    in += 136;
    len -= 136;
  }
  memcpy(out, a, 32);
}

// ---- panics: the payload on stderr, then exit(1) (the host reports it as the message) ----
static _Noreturn void fail(const char *payload) {
  fprintf(stderr, "%s\n", payload);
  exit(1);
}

static void debug_bytes(char **p, const uint8_t h[32]) {
  *p += sprintf(*p, "[");
  for (int i = 0; i < 32; i++) *p += sprintf(*p, i ? ", %u" : "%u", h[i]);
  *p += sprintf(*p, "]");
}

// ---- SCALE ----
typedef struct {
  const uint8_t *p;
  size_t left;
  int ok;
} reader;

static const uint8_t *take(reader *r, size_t n) {
  if (!r->ok || r->left < n) {
    r->ok = 0;
    return NULL;
  }
  const uint8_t *at = r->p;
  r->p += n;
  r->left -= n;
  return at;
}

static uint32_t compact(reader *r) {
  const uint8_t *b = take(r, 1);
  if (!b) return 0;
  switch (b[0] & 3) {
  case 0: return b[0] >> 2;
  case 1: {
    const uint8_t *c = take(r, 1);
    return c ? (uint32_t)((b[0] | c[0] << 8) >> 2) : 0;
  }
  case 2: {
    const uint8_t *c = take(r, 3);
    return c ? ((uint32_t)b[0] | (uint32_t)c[0] << 8 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 24) >> 2 : 0;
  }
  default: {
    if ((b[0] >> 2) != 0) { r->ok = 0; return 0; } // more than 4 bytes: larger than a PoV
    const uint8_t *c = take(r, 4);
    uint32_t v = 0;
    if (c) memcpy(&v, c, 4);
    if (v < (1u << 30)) r->ok = 0; // not canonical
    return v;
  }
  }
}

static uint64_t u64le(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static uint8_t *result;

ABI1_EXPORT("pvf_alloc") uint8_t *pvf_alloc(size_t len) { return malloc(len ? len : 1); }

ABI1_EXPORT("validate_block") uint64_t validate_block(const uint8_t *params, size_t len) {
  // ValidationParams { parent_head: Vec<u8>, block_data: Vec<u8>, relay_parent_number: u32,
  // relay_parent_storage_root: H256 }
  reader r = {params, len, 1};
  size_t head_len = compact(&r);
  const uint8_t *head = take(&r, head_len);
  size_t block_len = compact(&r);
  const uint8_t *block = take(&r, block_len);
  const uint8_t *number = take(&r, 4);
  take(&r, 32);
  if (!r.ok) fail("Invalid input data: Error");
  // HeadData { number: u64, parent_hash: [u8; 32], post_state: [u8; 32] }
  if (head_len < 72) fail("invalid parent head format.: Error");
  // BlockData { state: u64, add: u64 }
  if (block_len < 16) fail("invalid block data format.: Error");
  uint8_t parent_hash[32], encoded_hash[32], state_hash[32], post_state[32];
  keccak256(head, head_len, parent_hash);
  keccak256(head, 72, encoded_hash);
  if (memcmp(parent_hash, encoded_hash, 32) != 0) {
    static char message[512];
    char *p = message + sprintf(message, "assertion failed: `(left == right)`\n  left: `");
    debug_bytes(&p, parent_hash);
    p += sprintf(p, "`,\n right: `");
    debug_bytes(&p, encoded_hash);
    sprintf(p, "`");
    fail(message);
  }
  uint64_t state = u64le(block), add = u64le(block + 8);
  keccak256(block, 8, state_hash);
  if (memcmp(state_hash, head + 40, 32) != 0) fail("Executes block: StateMismatch");
  uint64_t next = state + add;
  keccak256((const uint8_t *)&next, 8, post_state);
  // ValidationResult { head_data: Vec<u8> (72 bytes), new_validation_code: None,
  // upward_messages: [], horizontal_messages: [], processed_downward_messages: 0 (u32),
  // hrmp_watermark: u32 }
  result = malloc(2 + 72 + 1 + 1 + 1 + 4 + 4);
  uint8_t *o = result;
  *o++ = (72 << 2 | 1) & 0xff; // compact 72: two-byte mode
  *o++ = (72 << 2) >> 8;
  uint64_t n = u64le(head) + 1;
  memcpy(o, &n, 8);
  memcpy(o + 8, parent_hash, 32);
  memcpy(o + 40, post_state, 32);
  o += 72;
  *o++ = 0;
  *o++ = 0;
  *o++ = 0;
  memset(o, 0, 4);
  memcpy(o + 4, number, 4);
  o += 8;
  return (uint64_t)(uintptr_t)result | (uint64_t)(o - result) << 32;
}

#ifdef PVF_COMPONENT
// Canonical ABI of `validate-block: func(params: list<u8>) -> result<list<u8>, string>`: the
// list arrives as (ptr, len) in memory the host got from cabi_realloc; the result is three
// flat values, so it is returned through memory: { u8 tag (0 = ok); u32 ptr; u32 len }. A
// panic never returns: stderr and exit(1) become wasi:cli/exit through the adapter.
static uint32_t ret_area[3];

EXPORT("cabi_realloc")
void *cabi_realloc(void *old, size_t old_size, size_t align, size_t new_size) {
  (void)old_size;
  (void)align; // malloc aligns to 16, more than any canonical ABI type needs
  return realloc(old, new_size ? new_size : 1);
}

EXPORT("validate-block") uint32_t *validate_block_component(uint8_t *params, size_t len) {
  uint64_t packed = validate_block(params, len);
  ret_area[0] = 0; // ok
  ret_area[1] = (uint32_t)packed;
  ret_area[2] = (uint32_t)(packed >> 32);
  return ret_area;
}
#endif
