// A classic-BPF program builder for seccomp filters (pure: no FFI, no I/O).
//
// Why written here rather than taken from a library: no maintained JavaScript package builds
// seccomp BPF. libseccomp (C) and seccompiler (Rust, used by Polkadot) do, but reaching them
// from Node needs a compiled addon, which is exactly what the sandbox avoids. The program we
// need is small (a deny list with a few argument checks), so it is built here and unit-tested
// instruction by instruction (test/native/linux/bpf.test.ts) and by evaluation.
//
// Layout of every program:
//   1. arch check: seccomp_data.arch must be AUDIT_ARCH_X86_64, else the bad-arch action
//      (kernel doc "Pitfalls: Always check the arch value!": int 0x80 from a 64-bit process
//      arrives with the i386 arch and i386 numbers);
//   2. x32 check: a syscall number with __X32_SYSCALL_BIT gets the bad-arch action;
//   3. one block per rule (unconditional rules first, then rules with an argument check);
//   4. SECCOMP_RET_ALLOW.
import { AUDIT_ARCH_X86_64, X32_SYSCALL_BIT } from './syscalls.js';

/** One `struct sock_filter` (<linux/filter.h>). */
export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

/** Classic BPF opcode parts (<linux/bpf_common.h>). */
export const BPF = {
  LD: 0x00,
  W: 0x00,
  ABS: 0x20,
  JMP: 0x05,
  JEQ: 0x10,
  JSET: 0x40,
  ALU: 0x04,
  AND: 0x50,
  K: 0x00,
  RET: 0x06,
} as const;

/** Filter return values (<linux/seccomp.h>). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  ERRNO: 0x00050000,
  ALLOW: 0x7fff0000,
} as const;

/** Offsets into `struct seccomp_data` (<linux/seccomp.h>); x86_64 is little-endian, so the
 *  low 32 bits of `args[i]` come first. */
export const SECCOMP_DATA = {
  nr: 0,
  arch: 4,
  argLow32: (index: number): number => 16 + 8 * index,
} as const;

/** Longest program the kernel accepts (BPF_MAXINSNS). */
export const BPF_MAX_INSTRUCTIONS = 4096;

export type SeccompAction =
  | { readonly kind: 'allow' }
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'kill-process' };

/** A condition on one argument; only the low 32 bits are compared, on purpose: ioctl's `cmd`
 *  and clone's `flags` are truncated to 32 bits by the kernel, so a check on all 64 bits
 *  could be dodged by setting high bits (CVE-2019-10063). pid_t and `which` arguments are
 *  32-bit ints too. Each kind says when it *matches* (the rule's action then applies). */
export type ArgCondition =
  /** A is one of `values`. */
  | { readonly kind: 'low32-equals-any'; readonly arg: number; readonly values: readonly number[] }
  /** A has a bit of `mask` set. */
  | { readonly kind: 'low32-any-bit'; readonly arg: number; readonly mask: number }
  /** A has no bit of `mask` set. */
  | { readonly kind: 'low32-no-bit'; readonly arg: number; readonly mask: number }
  /** A is not `value`. */
  | { readonly kind: 'low32-not-equal'; readonly arg: number; readonly value: number }
  /** A & `mask` is one of `values`. */
  | {
      readonly kind: 'low32-masked-equals-any';
      readonly arg: number;
      readonly mask: number;
      readonly values: readonly number[];
    };

/** `action` applies to syscall `nr` (when `when` holds; otherwise the call is allowed). */
export interface SyscallRule {
  readonly nr: number;
  readonly action: SeccompAction;
  /** One condition, or several: the action applies when any of them matches. */
  readonly when?: ArgCondition | readonly ArgCondition[];
}

export interface ProgramSpec {
  readonly rules: readonly SyscallRule[];
  /** Action for a foreign arch or an x32 syscall number. */
  readonly badArch: SeccompAction;
  /** Emit the arch and x32 checks. Always true in production; false exists only so that
   *  tests can show that the checks are what stops the i386 and x32 attacks. */
  readonly archCheck: boolean;
}

/** The program cannot be built (a duplicate rule, an out-of-range value, too long). */
export class BpfProgramError extends Error {
  override name = 'BpfProgramError';
}

/** A statement (no jumps). */
export const stmt = (code: number, k: number): BpfInstruction => ({
  code,
  jt: 0,
  jf: 0,
  k: k >>> 0,
});

/** A conditional jump: skip `jt` instructions if true, `jf` if false. */
export const jump = (code: number, k: number, jt: number, jf: number): BpfInstruction => {
  if (jt > 255 || jf > 255) throw new BpfProgramError(`jump offset out of range (${jt}, ${jf})`);
  return { code, jt, jf, k: k >>> 0 };
};

const loadWord = (offset: number): BpfInstruction => stmt(BPF.LD | BPF.W | BPF.ABS, offset);
const ret = (action: SeccompAction): BpfInstruction => stmt(BPF.RET | BPF.K, actionValue(action));
const JEQ = BPF.JMP | BPF.JEQ | BPF.K;
const JSET = BPF.JMP | BPF.JSET | BPF.K;
const AND = BPF.ALU | BPF.AND | BPF.K;

/** The 32-bit return value of a filter action. */
export function actionValue(action: SeccompAction): number {
  switch (action.kind) {
    case 'allow':
      return SECCOMP_RET.ALLOW;
    case 'kill-process':
      return SECCOMP_RET.KILL_PROCESS;
    case 'errno':
      if (!Number.isInteger(action.errno) || action.errno < 1 || action.errno > 4095)
        throw new BpfProgramError(`errno ${action.errno} out of range 1..4095`);
      return (SECCOMP_RET.ERRNO | action.errno) >>> 0;
  }
}

/** One condition's instructions; `toAction(i)` is the jump offset from the i-th emitted
 *  instruction of the whole body to the action. Non-matching paths fall through (offset 0),
 *  to the next condition or, after the last, to the allow. */
function conditionBlock(
  when: ArgCondition,
  start: number,
  toAction: (index: number) => number,
): BpfInstruction[] {
  if (!Number.isInteger(when.arg) || when.arg < 0 || when.arg > 5)
    throw new BpfProgramError(`argument index ${when.arg} out of range 0..5`);
  const out: BpfInstruction[] = [loadWord(SECCOMP_DATA.argLow32(when.arg))];
  const at = (): number => start + out.length;
  switch (when.kind) {
    case 'low32-masked-equals-any':
    case 'low32-equals-any':
      if (when.values.length === 0) throw new BpfProgramError(`${when.kind} needs a value`);
      // The masked kind compares A & mask (A is reloaded by the next condition anyway).
      if (when.kind === 'low32-masked-equals-any') out.push(stmt(AND, when.mask));
      for (const v of when.values) out.push(jump(JEQ, v, toAction(at()), 0));
      break;
    case 'low32-any-bit':
      out.push(jump(JSET, when.mask, toAction(at()), 0));
      break;
    case 'low32-no-bit':
      out.push(jump(JSET, when.mask, 0, toAction(at())));
      break;
    case 'low32-not-equal':
      out.push(jump(JEQ, when.value, 0, toAction(at())));
      break;
  }
  return out;
}

const conditionLength = (c: ArgCondition): number =>
  1 +
  (c.kind === 'low32-masked-equals-any' ? 1 : 0) +
  (c.kind === 'low32-equals-any' || c.kind === 'low32-masked-equals-any'
    ? Math.max(c.values.length, 1)
    : 1);

function ruleBlock(rule: SyscallRule): BpfInstruction[] {
  if (!rule.when) return [jump(JEQ, rule.nr, 0, 1), ret(rule.action)];
  const conditions: readonly ArgCondition[] = Array.isArray(rule.when)
    ? rule.when
    : [rule.when as ArgCondition];
  if (conditions.length === 0) throw new BpfProgramError('an empty condition list');
  // A holds nr on entry to every block; an argument block reloads A only on its own path,
  // and ends in a return, so A is nr again for the next block.
  const action = conditions.reduce((n, c) => n + conditionLength(c), 0) + 1;
  const body: BpfInstruction[] = [];
  for (const c of conditions) body.push(...conditionBlock(c, body.length, (i) => action - (i + 1)));
  body.push(ret({ kind: 'allow' }), ret(rule.action));
  return [jump(JEQ, rule.nr, 0, body.length), ...body];
}

/** Builds the filter: arch and x32 checks, the rules, then allow everything else. */
export function buildSeccompProgram(spec: ProgramSpec): BpfInstruction[] {
  const seen = new Set<number>();
  for (const r of spec.rules) {
    if (!Number.isInteger(r.nr) || r.nr < 0 || r.nr >= X32_SYSCALL_BIT)
      throw new BpfProgramError(`syscall number ${r.nr} out of range`);
    if (seen.has(r.nr)) throw new BpfProgramError(`two rules for syscall ${r.nr}`);
    seen.add(r.nr);
  }
  const program: BpfInstruction[] = [];
  if (spec.archCheck)
    program.push(
      loadWord(SECCOMP_DATA.arch),
      jump(JEQ, AUDIT_ARCH_X86_64, 1, 0),
      ret(spec.badArch),
      loadWord(SECCOMP_DATA.nr),
      jump(JSET, X32_SYSCALL_BIT, 0, 1),
      ret(spec.badArch),
    );
  else program.push(loadWord(SECCOMP_DATA.nr));
  const ordered = [...spec.rules.filter((r) => !r.when), ...spec.rules.filter((r) => r.when)];
  for (const rule of ordered) program.push(...ruleBlock(rule));
  program.push(ret({ kind: 'allow' }));
  if (program.length > BPF_MAX_INSTRUCTIONS)
    throw new BpfProgramError(`program has ${program.length} instructions (max 4096)`);
  return program;
}
