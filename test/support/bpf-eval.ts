// A classic-BPF interpreter for the instructions our seccomp builder emits, so tests can
// run a program against any seccomp_data without installing it. Unknown opcodes throw.
import { BPF, type BpfInstruction } from '../../native/linux/bpf.js';

export interface SeccompData {
  readonly nr: number;
  readonly arch: number;
  readonly args?: readonly bigint[];
}

/** Runs `program` on `data` and returns the 32-bit filter result. */
export function evaluate(program: readonly BpfInstruction[], data: SeccompData): number {
  const buf = Buffer.alloc(64);
  buf.writeUInt32LE(data.nr >>> 0, 0);
  buf.writeUInt32LE(data.arch >>> 0, 4);
  (data.args ?? []).forEach((a, i) => buf.writeBigUInt64LE(BigInt.asUintN(64, a), 16 + 8 * i));
  let acc = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const ins = program[pc]!;
    switch (ins.code) {
      case BPF.LD | BPF.W | BPF.ABS:
        acc = buf.readUInt32LE(ins.k);
        break;
      case BPF.JMP | BPF.JEQ | BPF.K:
        pc += acc === ins.k ? ins.jt : ins.jf;
        break;
      case BPF.JMP | BPF.JSET | BPF.K:
        pc += (acc & ins.k) !== 0 ? ins.jt : ins.jf;
        break;
      case BPF.ALU | BPF.AND | BPF.K:
        acc = (acc & ins.k) >>> 0;
        break;
      case BPF.RET | BPF.K:
        return ins.k;
      default:
        throw new Error(`unsupported opcode 0x${ins.code.toString(16)} at ${pc}`);
    }
  }
  throw new Error('program fell off the end');
}
