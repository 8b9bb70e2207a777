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
  CONTAINMENT_SYSCALLS,
  HARDENED_SYSCALLS,
  IO_URING_SYSCALLS,
  NETWORK_SYSCALLS,
  PROCESS_CREATION_SYSCALLS,
  SELF_ONLY_SYSCALLS,
  workerSeccompProgram,
  XATTR_SYSCALLS,
} from '../../../native/linux/policy.js';
import {
  CLONE_NEWNET,
  CLONE_NEWUSER,
  SIOCGIFCONF,
  SIOCGIFHWADDR,
  SYS,
  SYS_I386,
  TCFLSH,
  TCSETS,
  TERMINAL_MUTATING_IOCTLS,
  TIOCSWINSZ,
} from '../../../native/linux/syscalls.js';
import { evaluate } from '../../support/bpf-eval.js';

const X86_64 = 0xc000003e;
const I386 = 0x40000003;
const LD_ABS = 0x20;
const JEQ = 0x15;
const JSET = 0x45;
const AND = 0x54;
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

  it('encodes a list of conditions: any match takes the action, the negated kinds jump on false', () => {
    const p = buildSeccompProgram({
      rules: [
        {
          nr: 16,
          action: { kind: 'errno', errno: 1 },
          when: [
            { kind: 'low32-masked-equals-any', arg: 1, mask: 0xff00, values: [0x8900, 0x8b00] },
            { kind: 'low32-not-equal', arg: 0, value: 0 },
            { kind: 'low32-no-bit', arg: 2, mask: 0x10000 },
          ],
        },
      ],
      badArch: { kind: 'kill-process' },
      archCheck: false,
    });
    expect(p).toEqual([
      { code: LD_ABS, jt: 0, jf: 0, k: 0 },
      { code: JEQ, jt: 0, jf: 10, k: 16 },
      // args[1] & 0xff00 in {0x8900, 0x8b00} -> action (8 and 7 ahead)
      { code: LD_ABS, jt: 0, jf: 0, k: 24 },
      { code: AND, jt: 0, jf: 0, k: 0xff00 },
      { code: JEQ, jt: 6, jf: 0, k: 0x8900 },
      { code: JEQ, jt: 5, jf: 0, k: 0x8b00 },
      // args[0] != 0 -> action: equal falls through, otherwise jump
      { code: LD_ABS, jt: 0, jf: 0, k: 16 },
      { code: JEQ, jt: 0, jf: 3, k: 0 },
      // args[2] without bit 0x10000 -> action
      { code: LD_ABS, jt: 0, jf: 0, k: 32 },
      { code: JSET, jt: 0, jf: 1, k: 0x10000 },
      { code: RET, jt: 0, jf: 0, k: ALLOW },
      { code: RET, jt: 0, jf: 0, k: errno(1) },
      { code: RET, jt: 0, jf: 0, k: ALLOW },
    ]);
    const at = (args: bigint[]) => evaluate(p, { nr: 16, arch: X86_64, args });
    expect(at([0n, 0x8912n, 0x10000n])).toBe(errno(1));
    expect(at([0n, 0x1_0000_8b01n, 0x10000n])).toBe(errno(1));
    expect(at([5n, 0x5401n, 0x10000n])).toBe(errno(1));
    expect(at([0n, 0x5401n, 0n])).toBe(errno(1));
    expect(at([0n, 0x5401n, 0x10000n])).toBe(ALLOW);
    expect(at([0x1_0000_0000n, 0x8a12n, 0x3d0f00n])).toBe(ALLOW); // high bits ignored
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
      [
        ...NETWORK_SYSCALLS,
        ...IO_URING_SYSCALLS,
        ...HARDENED_SYSCALLS,
        ...CONTAINMENT_SYSCALLS,
        ...XATTR_SYSCALLS,
        ...PROCESS_CREATION_SYSCALLS,
        'clone3',
        'clone', // flags 0 is a fork
      ].map((s) => SYS[s as keyof typeof SYS]),
    );
    for (let nr = 0; nr < 600; nr++) {
      if (denied.has(nr)) continue;
      expect(run(nr, [0n, 0n]), `nr ${nr}`).toBe(ALLOW);
    }
  });

  it('denies the containment list with EPERM, xattrs with ENOTSUP, new processes with EPERM', () => {
    for (const s of CONTAINMENT_SYSCALLS) expect(run(SYS[s]), s).toBe(errno(1));
    for (const s of XATTR_SYSCALLS) expect(run(SYS[s]), s).toBe(errno(95));
    for (const s of PROCESS_CREATION_SYSCALLS) expect(run(SYS[s]), s).toBe(errno(1));
    const run2 = workerSeccompProgram('errno', { newProcesses: true });
    for (const s of PROCESS_CREATION_SYSCALLS)
      expect(evaluate(run2, { nr: SYS[s], arch: X86_64 }), s).toBe(ALLOW);
    expect(evaluate(run2, { nr: SYS.clone, arch: X86_64, args: [0x1200011n] })).toBe(ALLOW);
    expect(evaluate(run2, { nr: SYS.clone, arch: X86_64, args: [BigInt(CLONE_NEWNET)] })).toBe(
      errno(1),
    );
    // negative control: the same syscalls under a network-only program are allowed
    expect(
      run(
        SYS.memfd_create,
        [],
        X86_64,
        buildSeccompProgram({ rules: [], badArch: { kind: 'kill-process' }, archCheck: true }),
      ),
    ).toBe(ALLOW);
  });

  it('allows pid 0 (the caller) only for prlimit64, sched_set*; setpriority only PRIO_PROCESS of self', () => {
    for (const s of SELF_ONLY_SYSCALLS) {
      expect(run(SYS[s], [0n, 7n]), s).toBe(ALLOW);
      expect(run(SYS[s], [1234n, 7n]), s).toBe(errno(1));
      expect(run(SYS[s], [0x1_0000_0000n]), `${s}: pid_t is 32 bits`).toBe(ALLOW);
    }
    expect(run(SYS.setpriority, [0n, 0n, 10n])).toBe(ALLOW);
    expect(run(SYS.setpriority, [0n, 1234n, 10n])).toBe(errno(1));
    expect(run(SYS.setpriority, [2n /* PRIO_USER */, 0n, 10n])).toBe(errno(1));
    expect(run(SYS.setpriority, [1n /* PRIO_PGRP */, 0n, 10n])).toBe(errno(1));
  });

  it('denies socket-interface and wireless ioctls and every terminal-mutating ioctl', () => {
    for (const cmd of [SIOCGIFCONF, SIOCGIFHWADDR, 0x8933 /* SIOCGIFINDEX */, 0x8b01])
      expect(run(SYS.ioctl, [3n, BigInt(cmd)]), cmd.toString(16)).toBe(errno(1));
    for (const cmd of TERMINAL_MUTATING_IOCTLS) {
      expect(run(SYS.ioctl, [0n, BigInt(cmd)]), cmd.toString(16)).toBe(errno(1));
      expect(run(SYS.ioctl, [0n, BigInt(cmd) | 0x402c0000n]), `${cmd.toString(16)} sized`).toBe(
        errno(1),
      );
    }
    for (const cmd of [TCSETS, TIOCSWINSZ, TCFLSH])
      expect(run(SYS.ioctl, [1n, BigInt(cmd)])).toBe(errno(1));
    // what Node and libuv use: TCGETS, TIOCGWINSZ, FIONREAD, FIONBIO, FIOCLEX, FIONCLEX
    for (const cmd of [0x5401, 0x5413, 0x541b, 0x5421, 0x5451, 0x5450])
      expect(run(SYS.ioctl, [0n, BigInt(cmd)]), cmd.toString(16)).toBe(ALLOW);
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

  it('blocks clone with namespace flags and forks, allows thread clones', () => {
    expect(run(SYS.clone, [BigInt(CLONE_NEWUSER | CLONE_NEWNET | 17)])).toBe(errno(1));
    expect(run(SYS.clone, [BigInt(CLONE_NEWNET | 0x10000)])).toBe(errno(1));
    expect(run(SYS.clone, [0x80n /* CLONE_NEWTIME */])).toBe(errno(1));
    expect(run(SYS.clone, [0x3d0f00n /* pthread_create's flags */])).toBe(ALLOW);
    expect(run(SYS.clone, [0x1200011n /* fork: CHILD_SETTID|CHILD_CLEARTID|SIGCHLD */])).toBe(
      errno(1),
    );
    expect(run(SYS.clone, [0x10000n << 32n /* CLONE_THREAD only in high bits */])).toBe(errno(1));
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
