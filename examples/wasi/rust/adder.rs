// The adder test parachain (polkadot/parachain/test-parachains/adder/src/{lib,wasm_validation}.rs)
// as a `wasi-p1` PVF in Rust with std only, built for wasm32-wasi as a cdylib
// (scripts/build-wasi-examples.sh). ABI (runtime/wasi/preview1/pvf.ts): exports
// pvf_alloc(len) -> ptr and validate_block(ptr, len) -> ptr | len << 32 of SCALE
// `ValidationResult`; a panic is its payload on stderr and exit(1). For the same params it
// returns the same bytes as the Substrate-ABI adder.
use std::io::Write;

const RC: [u64; 24] = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
    0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
    0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
];
const ROT: [u32; 25] = [
    0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
];

fn keccak_f(a: &mut [u64; 25]) {
    for rc in RC {
        let mut c = [0u64; 5];
        for x in 0..5 {
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        }
        for i in 0..25 {
            a[i] ^= c[(i + 4) % 5] ^ c[(i + 1) % 5].rotate_left(1);
        }
        let mut b = [0u64; 25];
        for x in 0..5 {
            for y in 0..5 {
                b[y + 5 * ((2 * x + 3 * y) % 5)] = a[x + 5 * y].rotate_left(ROT[x + 5 * y]);
            }
        }
        for x in 0..5 {
            for y in 0..5 {
                a[x + 5 * y] = b[x + 5 * y] ^ (!b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
            }
        }
        a[0] ^= rc;
    }
}

fn keccak256(input: &[u8]) -> [u8; 32] {
    let mut a = [0u64; 25];
    let mut chunks = input.chunks_exact(136);
    for chunk in &mut chunks {
        absorb(&mut a, chunk);
    }
    let rest = chunks.remainder();
    let mut last = [0u8; 136];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] ^= 0x01;
    last[135] ^= 0x80;
    absorb(&mut a, &last);
    let mut out = [0u8; 32];
    for i in 0..4 {
        out[8 * i..8 * i + 8].copy_from_slice(&a[i].to_le_bytes());
    }
    out
}

fn absorb(a: &mut [u64; 25], block: &[u8]) {
    for i in 0..17 {
        a[i] ^= u64::from_le_bytes(block[8 * i..8 * i + 8].try_into().unwrap());
    }
    keccak_f(a);
}

/// The reference's panic: its payload on stderr, then exit(1).
fn fail(payload: &str) -> ! {
    let _ = writeln!(std::io::stderr(), "{}", payload);
    std::process::exit(1)
}

struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    /// SCALE compact u32, canonical encodings only.
    fn compact(&mut self) -> Option<usize> {
        let b = self.take(1)?[0];
        let v = match b & 3 {
            0 => (b >> 2) as u32,
            1 => {
                let v = u16::from_le_bytes([b, self.take(1)?[0]]) as u32 >> 2;
                if v < 64 { return None; }
                v
            }
            2 => {
                let r = self.take(3)?;
                let v = u32::from_le_bytes([b, r[0], r[1], r[2]]) >> 2;
                if v < 1 << 14 { return None; }
                v
            }
            _ => {
                if b >> 2 != 0 {
                    return None;
                }
                let v = u32::from_le_bytes(self.take(4)?.try_into().unwrap());
                if v < 1 << 30 { return None; }
                v
            }
        };
        Some(v as usize)
    }

    fn vec(&mut self) -> Option<&'a [u8]> {
        let n = self.compact()?;
        self.take(n)
    }
}

#[no_mangle]
pub extern "C" fn pvf_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len.max(1));
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

#[no_mangle]
pub unsafe extern "C" fn validate_block(params: *const u8, len: usize) -> u64 {
    let mut input = Input(std::slice::from_raw_parts(params, len));
    // ValidationParams { parent_head, block_data, relay_parent_number: u32, storage root: H256 }
    let decoded = (|| {
        let head = input.vec()?;
        let block = input.vec()?;
        let number = input.take(4)?;
        input.take(32)?;
        Some((head, block, number))
    })();
    let (head, block, number) = decoded.unwrap_or_else(|| fail("Invalid input data: Error"));
    // HeadData { number: u64, parent_hash: [u8; 32], post_state: [u8; 32] }
    if head.len() < 72 {
        fail("invalid parent head format.: Error");
    }
    // BlockData { state: u64, add: u64 }
    if block.len() < 16 {
        fail("invalid block data format.: Error");
    }
    let parent_hash = keccak256(head);
    let encoded_hash = keccak256(&head[..72]);
    if parent_hash != encoded_hash {
        fail(&format!(
            "assertion failed: `(left == right)`\n  left: `{:?}`,\n right: `{:?}`",
            parent_hash, encoded_hash
        ));
    }
    let state = u64::from_le_bytes(block[..8].try_into().unwrap());
    let add = u64::from_le_bytes(block[8..16].try_into().unwrap());
    if keccak256(&state.to_le_bytes())[..] != head[40..72] {
        fail("Executes block: StateMismatch");
    }
    let post_state = keccak256(&state.wrapping_add(add).to_le_bytes());
    let number_next = u64::from_le_bytes(head[..8].try_into().unwrap()).wrapping_add(1);
    // ValidationResult { head_data: Vec<u8> (72 bytes, compact length 0x21 0x01), no code, no
    // messages, processed_downward_messages: 0, hrmp_watermark: relay_parent_number }
    let mut out = vec![0x21, 0x01];
    out.extend_from_slice(&number_next.to_le_bytes());
    out.extend_from_slice(&parent_hash);
    out.extend_from_slice(&post_state);
    out.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0]);
    out.extend_from_slice(number);
    let result = Box::leak(out.into_boxed_slice());
    result.as_ptr() as u64 | (result.len() as u64) << 32
}
