// Decoding of `PassFatPointerAndDecode` arguments with parity-scale-codec's `Decode::decode`
// rules: compact lengths must be minimal, data must not run out; trailing bytes after the value
// are ignored (`decode`, not `decode_all`). A failure is an error of the host function, which
// traps the guest ("Could not decode value from wasm").
import { HostTrap } from '../engine/traps.js';

const fail = (what: string): never => {
  throw new HostTrap('host-error', `Could not decode value from wasm: ${what}`);
};

export class ScaleArg {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  /** `Compact<u32>`, minimal encodings only. */
  compactU32(): number {
    const b = this.bytes;
    const need = (n: number) => {
      if (this.at + n > b.length) fail('not enough data for a compact integer');
    };
    need(1);
    const first = b[this.at]!;
    switch (first & 3) {
      case 0:
        this.at += 1;
        return first >>> 2;
      case 1: {
        need(2);
        const v = (first | (b[this.at + 1]! << 8)) >>> 2;
        if (v <= 0x3f) fail('out of range compact integer');
        this.at += 2;
        return v;
      }
      case 2: {
        need(4);
        const v =
          (first | (b[this.at + 1]! << 8) | (b[this.at + 2]! << 16) | (b[this.at + 3]! << 24)) >>>
          2;
        if (v <= 0x3fff) fail('out of range compact integer');
        this.at += 4;
        return v;
      }
      default: {
        if (first >>> 2 !== 0) fail('out of range compact integer for u32');
        need(5);
        const v =
          (b[this.at + 1]! |
            (b[this.at + 2]! << 8) |
            (b[this.at + 3]! << 16) |
            (b[this.at + 4]! << 24)) >>>
          0;
        if (v <= 0x3fffffff) fail('out of range compact integer');
        this.at += 5;
        return v;
      }
    }
  }

  /** `Vec<u8>` (a view into the argument). */
  bytesVec(): Uint8Array {
    const len = this.compactU32();
    if (this.at + len > this.bytes.length) fail('not enough data for a byte vector');
    const out = this.bytes.subarray(this.at, this.at + len);
    this.at += len;
    return out;
  }

  /** `Vec<T>`: items are read one by one, so a huge declared length fails when data runs out. */
  vec<T>(item: (r: ScaleArg) => T): T[] {
    const n = this.compactU32();
    const out: T[] = [];
    for (let k = 0; k < n; k++) out.push(item(this));
    return out;
  }
}
