// The seccomp BPF builder and the worker policy, checked instruction by instruction and by
// running the program in an interpreter over every syscall number. Pure: runs everywhere.
import { describe, expect, it } from 'vitest';
import {
  actionValue,
  BpfProgramError,
  buildSeccompProgram,
  jump,
  SECCOMP_RET,
  stmt,
} from '../../../native/linux/bpf.js';
import {
  HARDENED_SYSCALLS,
  IO_URING_SYSCALLS,
  NETWORK_SYSCALLS,
  workerSeccompProgram,
} from '../../../native/linux/policy.js';
import { CLONE_NEWNET, CLONE_NEWUSER, SYS, SYS_I386 } from '../../../native/linux/syscalls.js';
import { evaluate } from '../../support/bpf-eval.js';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const LD_ABS = 0x20;
const JEQ = 0x15;
const JSET = 0x45;
const RET = 0x06;
const ALLOW = 0x7fff0000;
const KILL = 0x80000000;
const errno = (e: number) => (0x00050000 | e) >>> 0;

describe('instruction encoding', () => {
  it('encodes statements and jumps as struct sock_filter fields', () => {
    expect(stmt(LD_ABS, 4)).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 });
    expect(jump(JEQ, 0xc000003e, 1, 0)).toEqual({ code: 0x15, jt: 1, jf: 0, k: 0xc000003e });
    expect(stmt(RET, -1)).toEqual({ code: 6, jt: 0, jf: 0, k: 0xffffffff });
    expect(() => jump(JEQ, 0, 256, 0)).toThrow(BpfProgramError);
  });

  it('maps actions to seccomp return values', () => {
    expect(actionValue({ kind: 'allow' })).toBe(SECCOMP_RET.ALLOW);
    expect(actionValue({ kind: 'kill-process' })).toBe(0x80000000);
    expect(actionValue({ kind: 'errno', errno: 13 })).toBe(0x0005000d);
    expect(() => actionValue({ kind: 'errno', errno: 0 })).toThrow(BpfProgramError);
    expect(() => actionValue({ kind: 'errno', errno: 4096 })).toThrow(BpfProgramError);
  });
});

describe('program layout', () => {
  const program = buildSeccompProgram({
    rules: [
      { nr: 41, action: { kind: 'errno', errno: 13 } },
      {
        nr: 16,
        action: { kind: 'errno', errno: 1 },
        when: { kind: 'low32-equals-any', arg: 1, values: [0x5412, 0x541c] },
      },
      {
        nr: 56,
        action: { kind: 'errno', errno: 1 },
        when: { kind: 'low32-any-bit', arg: 0, mask: 0x40000000 },
      },
      { nr: 425, action: { kind: 'errno', errno: 38 } },
    ],
    badArch: { kind: 'kill-process' },
    archCheck: true,
  });

  it('is exactly: arch check, x32 check, plain rules, argument rules, allow', () => {
    expect(program).toEqual([
      // arch
      { code: LD_ABS, jt: 0, jf: 0, k: 4 },
      { code: JEQ, jt: 1, jf: 0, k: X86_64 },
      { code: RET, jt: 0, jf: 0, k: KILL },
      // x32
      { code: LD_ABS, jt: 0, jf: 0, k: 0 },
      { code: JSET, jt: 0, jf: 1, k: 0x40000000 },
      { code: RET, jt: 0, jf: 0, k: KILL },
      // socket -> EACCES
      { code: JEQ, jt: 0, jf: 1, k: 41 },
      { code: RET, jt: 0, jf: 0, k: errno(13) },
      // io_uring_setup -> ENOSYS (plain rules come before argument rules)
      { code: JEQ, jt: 0, jf: 1, k: 425 },
      { code: RET, jt: 0, jf: 0, k: errno(38) },
      // ioctl: low 32 bits of args[1] (offset 24) against TIOCSTI, TIOCLINUX
      { code: JEQ, jt: 0, jf: 5, k: 16 },
      { code: LD_ABS, jt: 0, jf: 0, k: 24 },
      { code: JEQ, jt: 2, jf: 0, k: 0x5412 },
      { code: JEQ, jt: 1, jf: 0, k: 0x541c },
      { code: RET, jt: 0, jf: 0, k: ALLOW },
      { code: RET, jt: 0, jf: 0, k: errno(1) },
      // clone: any namespace bit in the low 32 bits of args[0] (offset 16)
      { code: JEQ, jt: 0, jf: 4, k: 56 },
      { code: LD_ABS, jt: 0, jf: 0, k: 16 },
      { code: JSET, jt: 1, jf: 0, k: 0x40000000 },
      { code: RET, jt: 0, jf: 0, k: ALLOW },
      { code: RET, jt: 0, jf: 0, k: errno(1) },
      // everything else
      { code: RET, jt: 0, jf: 0, k: ALLOW },
    ]);
  });

  it('without the arch check starts directly with the syscall number', () => {
    const p = buildSeccompProgram({
      rules: [],
      badArch: { kind: 'kill-process' },
      archCheck: false,
    });
    expect(p).toEqual([
      { code: LD_ABS, jt: 0, jf: 0, k: 0 },
      { code: RET, jt: 0, jf: 0, k: ALLOW },
    ]);
  });

  it('rejects programs it cannot build correctly', () => {
    const spec = { badArch: { kind: 'kill-process' } as const, archCheck: true };
    const eacces = { kind: 'errno', errno: 13 } as const;
    expect(() =>
      buildSeccompProgram({
        ...spec,
        rules: [
          { nr: 41, action: eacces },
          { nr: 41, action: eacces },
        ],
      }),
    ).toThrow(/two rules/);
    expect(() =>
      buildSeccompProgram({ ...spec, rules: [{ nr: 0x40000000 | 41, action: eacces }] }),
    ).toThrow(/out of range/);
    expect(() =>
      buildSeccompProgram({
        ...spec,
        rules: [
          { nr: 16, action: eacces, when: { kind: 'low32-equals-any', arg: 6, values: [1] } },
        ],
      }),
    ).toThrow(/argument index/);
    expect(() =>
      buildSeccompProgram({
        ...spec,
        rules: [{ nr: 16, action: eacces, when: { kind: 'low32-equals-any', arg: 1, values: [] } }],
      }),
    ).toThrow(/needs a value/);
    const many = Array.from({ length: 300 }, (_, i) => i);
    expect(() =>
      buildSeccompProgram({
        ...spec,
        rules: [
          { nr: 16, action: eacces, when: { kind: 'low32-equals-any', arg: 1, values: many } },
        ],
      }),
    ).toThrow(BpfProgramError);
    const huge = Array.from({ length: 2100 }, (_, i) => ({ nr: i, action: eacces }));
    expect(() => buildSeccompProgram({ ...spec, rules: huge })).toThrow(/max 4096/);
  });
});

describe('the worker policy, evaluated', () => {
  const errnoProgram = workerSeccompProgram('errno');
  const killProgram = workerSeccompProgram('kill');
  const run = (nr: number, args: bigint[] = [], arch = X86_64, p = errnoProgram) =>
    evaluate(p, { nr, arch, args });

  it('denies every network syscall with EACCES, or kills with the kill option', () => {
    for (const s of NETWORK_SYSCALLS) {
      expect(run(SYS[s]), s).toBe(errno(13));
      expect(run(SYS[s], [], X86_64, killProgram), s).toBe(KILL);
    }
  });

  it('answers io_uring with ENOSYS even in kill mode (libuv must fall back, not die)', () => {
    for (const s of IO_URING_SYSCALLS) {
      expect(run(SYS[s])).toBe(errno(38));
      expect(run(SYS[s], [], X86_64, killProgram)).toBe(errno(38));
    }
  });

  it('denies the hardened list with EPERM and clone3 with ENOSYS', () => {
    for (const s of HARDENED_SYSCALLS) expect(run(SYS[s]), s).toBe(errno(1));
    expect(run(SYS.clone3)).toBe(errno(38));
  });

  it('allows every other x86_64 syscall', () => {
    const denied = new Set<number>(
      [...NETWORK_SYSCALLS, ...IO_URING_SYSCALLS, ...HARDENED_SYSCALLS, 'clone3'].map(
        (s) => SYS[s as keyof typeof SYS],
      ),
    );
    for (let nr = 0; nr < 600; nr++) {
      if (denied.has(nr)) continue;
      expect(run(nr, [0n, 0n]), `nr ${nr}`).toBe(ALLOW);
    }
  });

  it('kills any non-x86_64 arch and any x32 number', () => {
    expect(run(SYS_I386.socket, [], I386)).toBe(KILL);
    expect(run(SYS_I386.socketcall, [1n], I386)).toBe(KILL);
    expect(run(1, [], I386)).toBe(KILL); // even a harmless i386 write
    expect(run(0x40000000 | SYS.socket)).toBe(KILL);
    expect(run(0x40000000 | 1)).toBe(KILL);
  });

  it('blocks TIOCSTI/TIOCLINUX on the low 32 bits only (CVE-2019-10063)', () => {
    expect(run(SYS.ioctl, [0n, 0x5412n])).toBe(errno(1));
    expect(run(SYS.ioctl, [0n, 0x541cn])).toBe(errno(1));
    expect(run(SYS.ioctl, [0n, 0x1_0000_5412n])).toBe(errno(1));
    expect(run(SYS.ioctl, [0n, 0xffffffff_00005412n])).toBe(errno(1));
    expect(run(SYS.ioctl, [0n, 0x5421n /* FIONBIO */])).toBe(ALLOW);
    expect(run(SYS.ioctl, [0n, 0x5413n /* TIOCGWINSZ */])).toBe(ALLOW);
  });

  it('blocks clone with namespace flags, allows thread and fork clones', () => {
    expect(run(SYS.clone, [BigInt(CLONE_NEWUSER | CLONE_NEWNET | 17)])).toBe(errno(1));
    expect(run(SYS.clone, [BigInt(CLONE_NEWNET)])).toBe(errno(1));
    expect(run(SYS.clone, [0x80n /* CLONE_NEWTIME */])).toBe(errno(1));
    expect(run(SYS.clone, [0x3d0f00n /* pthread_create's flags */])).toBe(ALLOW);
    expect(run(SYS.clone, [0x1200011n /* fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD */])).toBe(
      ALLOW,
    );
  });

  it('negative control: without the arch check, i386 socket() is allowed', () => {
    const naive = buildSeccompProgram({
      rules: [{ nr: SYS.socket, action: { kind: 'errno', errno: 13 } }],
      badArch: { kind: 'kill-process' },
      archCheck: false,
    });
    expect(evaluate(naive, { nr: SYS.socket, arch: X86_64 })).toBe(errno(13));
    expect(evaluate(naive, { nr: SYS_I386.socket, arch: I386 })).toBe(ALLOW);
  });
});
