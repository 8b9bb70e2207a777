// `twox_64` and `twox_128` (sp-io hashing, see hashing.ts) as wasm function bodies, assembled by
// runtime/engine/wasm-host.ts into the module that also holds the guest's allocator, so the
// guest calls them without entering JavaScript and they allocate their digest with a direct
// call. A full Asset Hub block makes about 150,000 `twox_128` calls on 4–20-byte storage
// prefixes: through JavaScript, each paid more for the crossing than for the hash.
//
// XXH64 as its specification gives it (Yann Collet, "xxHash fast digest algorithm",
// doc/xxhash_spec.md, XXH64: stripes of 32 bytes into four accumulators, convergence, then
// 8-, 4- and 1-byte steps and the avalanche); twox_N is XXH64 with seeds 0..N/64-1, each
// digest little-endian, concatenated (sp-crypto-hashing `twox_128_into`). The host function's
// order is hashing.ts's: check the input range (a trap naming it), hash, then allocate
// the digest (the allocator's errors) and write it. hash-functions.ts (hash-wasm's XXH64)
// stays the oracle: test/runtime/host/twox-wasm.test.ts compares digests and errors.
import { HostTrap } from '../engine/traps.js';
import { notRunning } from '../engine/freeing-bump-wasm.js';

const P1 = '0x9E3779B185EBCA87';
const P2 = '0xC2B2AE3D27D4EB4F';
const P3 = '0x165667B19E3779F9';
const P4 = '0x85EBCA77C2B2AE63';
const P5 = '0x27D4EB2F165667C5';

/** `round(acc, input)`: acc + input * P2, rotated left 31, times P1; `acc`, `input` are code. */
const round = (acc: string, input: string) =>
  `${acc}\n${input}\ni64.const ${P2}\ni64.mul\ni64.add\ni64.const 31\ni64.rotl\ni64.const ${P1}\ni64.mul`;

/** `h = (h ^ round(0, v)) * P1 + P4`. */
const merge = (v: string) => `
  local.get $h
  ${round('i64.const 0', `local.get ${v}`)}
  i64.xor
  i64.const ${P1}
  i64.mul
  i64.const ${P4}
  i64.add
  local.set $h`;

/** `lane = round(lane, u64 at p + offset)`. */
const lane = (v: string, offset: number) =>
  `${round(`local.get ${v}`, `local.get $p\ni64.load offset=${offset}`)}\nlocal.set ${v}`;

/** `xxh64(p, n, seed) -> u64` over guest memory the caller has checked. */
export const XXH64 = `
  local.get $n
  i64.extend_i32_u
  local.set $total
  local.get $n
  i32.const 32
  i32.ge_u
  if
    local.get $seed
    i64.const ${P1}
    i64.add
    i64.const ${P2}
    i64.add
    local.set $v1
    local.get $seed
    i64.const ${P2}
    i64.add
    local.set $v2
    local.get $seed
    local.set $v3
    local.get $seed
    i64.const ${P1}
    i64.sub
    local.set $v4
    loop
      ${lane('$v1', 0)}
      ${lane('$v2', 8)}
      ${lane('$v3', 16)}
      ${lane('$v4', 24)}
      local.get $p
      i32.const 32
      i32.add
      local.set $p
      local.get $n
      i32.const 32
      i32.sub
      local.tee $n
      i32.const 32
      i32.ge_u
      br_if 0
    end
    local.get $v1
    i64.const 1
    i64.rotl
    local.get $v2
    i64.const 7
    i64.rotl
    i64.add
    local.get $v3
    i64.const 12
    i64.rotl
    i64.add
    local.get $v4
    i64.const 18
    i64.rotl
    i64.add
    local.set $h
    ${merge('$v1')}
    ${merge('$v2')}
    ${merge('$v3')}
    ${merge('$v4')}
  else
    local.get $seed
    i64.const ${P5}
    i64.add
    local.set $h
  end
  local.get $h
  local.get $total
  i64.add
  local.set $h
  block
    loop
      local.get $n
      i32.const 8
      i32.lt_u
      br_if 1
      local.get $h
      ${round('i64.const 0', 'local.get $p\ni64.load')}
      i64.xor
      i64.const 27
      i64.rotl
      i64.const ${P1}
      i64.mul
      i64.const ${P4}
      i64.add
      local.set $h
      local.get $p
      i32.const 8
      i32.add
      local.set $p
      local.get $n
      i32.const 8
      i32.sub
      local.set $n
      br 0
    end
  end
  local.get $n
  i32.const 4
  i32.ge_u
  if
    local.get $h
    local.get $p
    i64.load32_u
    i64.const ${P1}
    i64.mul
    i64.xor
    i64.const 23
    i64.rotl
    i64.const ${P2}
    i64.mul
    i64.const ${P3}
    i64.add
    local.set $h
    local.get $p
    i32.const 4
    i32.add
    local.set $p
    local.get $n
    i32.const 4
    i32.sub
    local.set $n
  end
  block
    loop
      local.get $n
      i32.eqz
      br_if 1
      local.get $h
      local.get $p
      i64.load8_u
      i64.const ${P5}
      i64.mul
      i64.xor
      i64.const 11
      i64.rotl
      i64.const ${P1}
      i64.mul
      local.set $h
      local.get $p
      i32.const 1
      i32.add
      local.set $p
      local.get $n
      i32.const 1
      i32.sub
      local.set $n
      br 0
    end
  end
  ;; avalanche
  local.get $h
  local.get $h
  i64.const 33
  i64.shr_u
  i64.xor
  i64.const ${P2}
  i64.mul
  local.tee $h
  local.get $h
  i64.const 29
  i64.shr_u
  i64.xor
  i64.const ${P3}
  i64.mul
  local.tee $h
  local.get $h
  i64.const 32
  i64.shr_u
  i64.xor
`;

// `fail` codes of the twox functions (the allocator's are 1–13).
const NOT_RUNNING_64 = 20;
const NOT_RUNNING_128 = 21;
const INPUT_OUT_OF_BOUNDS = 22;

/** What `fail(code, ptr, len)` throws for the twox functions, given the memory's size. */
export const TWOX_ERRORS: Readonly<Record<number, (p: number, n: number, size: number) => Error>> =
  {
    [NOT_RUNNING_64]: () => notRunning('ext_hashing_twox_64_version_1'),
    [NOT_RUNNING_128]: () => notRunning('ext_hashing_twox_128_version_1'),
    // GuestMemory.check's message for `fatBytes(ctx, data, 'hash input')`.
    [INPUT_OUT_OF_BOUNDS]: (p, n, size) =>
      new HostTrap('out-of-bounds', `hash input out of bounds: [${p}, ${p + n}) past ${size}`),
  };

/** `twox_{64,128}(data: fat pointer) -> ptr`, with `words` digests of 8 bytes. */
export function twoxBody(words: 1 | 2): string {
  const digests = Array.from(
    { length: words },
    (_, k) => `local.get $p\nlocal.get $n\ni64.const ${k}\ncall $xxh64\nlocal.set $d${k}`,
  ).join('\n');
  const stores = Array.from(
    { length: words },
    (_, k) => `local.get $out\nlocal.get $d${k}\ni64.store offset=${8 * k}`,
  ).join('\n');
  return `
  global.get $active
  i32.eqz
  if
    i32.const ${words === 1 ? NOT_RUNNING_64 : NOT_RUNNING_128}
    i32.const 0
    i32.const 0
    call $fail
    unreachable
  end
  local.get $data
  i32.wrap_i64
  local.set $p
  local.get $data
  i64.const 32
  i64.shr_u
  i32.wrap_i64
  local.set $n
  ;; the input range, against the memory's size now
  local.get $p
  i64.extend_i32_u
  local.get $n
  i64.extend_i32_u
  i64.add
  memory.size
  i64.extend_i32_u
  i64.const 16
  i64.shl
  i64.gt_u
  if
    i32.const ${INPUT_OUT_OF_BOUNDS}
    local.get $p
    local.get $n
    call $fail
    unreachable
  end
  ${digests}
  i32.const ${8 * words}
  call $malloc
  local.set $out
  ${stores}
  local.get $out`;
}
