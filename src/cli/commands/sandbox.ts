// `pvf sandbox status | run | self-test`: let anyone see and check the sandbox workers get.
import { constants } from 'node:os';
import { Option, type Command } from 'commander';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { integerArg } from '../input.js';
import { insecureNoSandboxOption, jsonOption, requireAllLayersOption } from '../options.js';
import { printJson } from '../output.js';
import { table, tableWidth } from '../table.js';
import {
  DEFAULT_SANDBOX_OPTIONS,
  resolveSandboxOptions,
  SandboxOptionsError,
  type SandboxOptions,
} from '../../sandbox/options.js';
import { ProgramFilesError } from '../../sandbox/program-files.js';
import { probeSandbox } from '../../sandbox/probe.js';
import { CommandNotRunnableError, planCommand } from '../../sandbox/run-command.js';
import { runSelfTest } from '../../sandbox/self-test/run.js';
import { killSealed, sealedPid, startPlan } from '../../sandbox/spawn.js';

interface SandboxFlags {
  networkAction: 'errno' | 'kill';
  landlock: boolean;
  networkNamespace: boolean;
  namespaces: boolean;
  uid: string;
  gid: string;
  keepRoot?: boolean;
  requireAllLayers?: boolean;
  insecureNoSandbox?: boolean;
  allowRead?: string[];
  json?: boolean;
}

const SIGSYS_STATUS = 128 + constants.signals.SIGSYS;

/** The flags every sandbox subcommand shares, mapped onto SandboxOptions by toOptions(). */
function withSandboxFlags(cmd: Command): Command {
  const { uid, gid } = DEFAULT_SANDBOX_OPTIONS.dropIdentity!;
  return cmd
    .addOption(
      new Option('--network-action <action>', 'what a denied network syscall does')
        .choices(['errno', 'kill'])
        .default(DEFAULT_SANDBOX_OPTIONS.network),
    )
    .option('--no-landlock', 'do not restrict the filesystem with Landlock')
    .option('--no-network-namespace', 'do not give sealed processes a new network namespace')
    .option('--no-namespaces', 'no own PID, IPC and mount namespaces, no minimal root')
    .option('--uid <uid>', 'uid sealed processes drop to when running as root', String(uid))
    .option('--gid <gid>', 'gid sealed processes drop to when running as root', String(gid))
    .option('--keep-root', 'do not drop root in sealed processes (not recommended)')
    .addOption(requireAllLayersOption())
    .addOption(insecureNoSandboxOption());
}

/**
 * Maps the flags onto SandboxOptions and checks them once with the sandbox's own validator:
 * a value it refuses is a usage error.
 */
function toOptions(f: SandboxFlags): SandboxOptions {
  try {
    return resolveSandboxOptions({
      network: f.networkAction,
      landlock: f.landlock,
      networkNamespace: f.networkNamespace,
      namespaces: f.namespaces,
      dropIdentity: f.keepRoot
        ? null
        : { uid: integerArg(f.uid, '--uid'), gid: integerArg(f.gid, '--gid') },
      requireAllLayers: f.requireAllLayers === true,
      insecureNoSandbox: f.insecureNoSandbox === true,
      allowRead: f.allowRead ?? [],
    });
  } catch (e) {
    if (e instanceof SandboxOptionsError) throw new CliError(e.message, ExitCode.Usage);
    throw e;
  }
}

const yes = (b: boolean) => (b ? 'yes' : 'no');

export function registerSandboxCommand(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('inspect and exercise the OS sandbox that seals worker processes');

  withSandboxFlags(
    sandbox
      .command('status')
      .description('report each sandbox layer: available here? applied to workers?'),
  )
    .addOption(jsonOption())
    .action(
      action(async (flags: SandboxFlags) => {
        const status = await probeSandbox(toOptions(flags));
        if (flags.json) printJson(status);
        else {
          process.stdout.write(`${status.platform}\n\n`);
          process.stdout.write(
            table(
              ['layer', 'available', 'workers get it', 'detail'],
              status.layers.map((l) => [l.layer, yes(l.available), yes(l.applied), l.detail]),
              tableWidth(),
            ),
          );
          const v = status.verdict;
          process.stdout.write(
            `\n${
              v.kind === 'secure'
                ? 'secure: every enabled layer is applied'
                : v.kind === 'degraded'
                  ? `secure (network filter applied); missing optional layers: ${v.missing.join(', ')}`
                  : v.kind === 'insecure'
                    ? `INSECURE (explicit opt-out): ${v.reason}`
                    : `refused: ${v.reason}`
            }\n`,
          );
        }
        if (status.verdict.kind === 'refused') return ExitCode.SandboxUnavailable;
        if (flags.requireAllLayers && status.verdict.kind === 'degraded')
          return ExitCode.SandboxUnavailable;
        return ExitCode.Ok;
      }),
    );

  withSandboxFlags(
    sandbox
      .command('run')
      .description('run COMMAND under exactly the layers a worker gets; exits with its status')
      .usage('[options] -- COMMAND [ARGS...]')
      .argument('<command>', 'program to run sealed')
      .argument('[args...]', 'its arguments'),
  )
    .option(
      '--allow-read <path>',
      'also allow reading PATH (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(
      action(async (command: string, args: string[], flags: SandboxFlags) => {
        const options = toOptions(flags);
        let plan;
        try {
          plan = planCommand(command, args, options);
        } catch (e) {
          // A command that cannot run exits as a shell would (127 not found, 126 not executable).
          if (e instanceof CommandNotRunnableError) {
            process.stderr.write(`pvf: ${e.message}\n`);
            return e.status;
          }
          // An --allow-read path cannot be used as given.
          if (e instanceof SandboxOptionsError || e instanceof ProgramFilesError)
            throw new CliError(e.message, ExitCode.BadInput);
          throw e;
        }
        const child = startPlan(plan, ['inherit', 'inherit', 'inherit']);
        // The sealed process has its own session: terminal signals reach only us. Pass them on,
        // to the command itself: the `unshare` in front of it blocks SIGINT and SIGTERM. As
        // pid 1 of its namespace the command ignores a signal it has no handler for, so a
        // second signal kills it.
        let forwarded: NodeJS.Signals | undefined;
        let forced = false;
        const forward = (sig: NodeJS.Signals) => {
          if (forwarded) {
            forced = true;
            return killSealed(child);
          }
          forwarded = sig;
          const pid = sealedPid(child);
          if (pid === undefined) return killSealed(child);
          try {
            process.kill(pid, sig);
          } catch {
            // already gone
          }
        };
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, forward);
        const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
          (resolve, reject) => {
            child.on('error', reject);
            child.on('exit', (c, s) => resolve([c, s]));
          },
        );
        // Killed on a second signal: report that signal, as a shell would, whatever the
        // `unshare` wrapper made of the SIGKILL.
        if (forced && forwarded) return 128 + (constants.signals[forwarded] ?? 0);
        if (signal === 'SIGSYS') {
          process.stderr.write('pvf: killed by the sandbox: forbidden system call\n');
          return SIGSYS_STATUS;
        }
        if (signal) return 128 + (constants.signals[signal] ?? 0);
        return code ?? 1;
      }),
    );

  withSandboxFlags(
    sandbox
      .command('self-test')
      .description('attack from inside sealed processes and show that every attempt is blocked'),
  )
    .addOption(jsonOption())
    .action(
      action(async (flags: SandboxFlags) => {
        const report = await runSelfTest(toOptions(flags));
        if (flags.json) printJson(report);
        else {
          process.stdout.write(
            table(
              ['level', 'attempt', 'expected', 'actual', 'server/outside evidence', 'result'],
              report.rows.map((r) => [
                r.level,
                r.attempt,
                r.expected,
                r.actual,
                r.evidence,
                r.blocked ? 'blocked' : 'BYPASS',
              ]),
              tableWidth(),
            ),
          );
          const bypasses = report.rows.filter((r) => !r.blocked).length;
          process.stdout.write(
            bypasses === 0
              ? `\nall ${report.rows.length} attempts blocked\n`
              : `\n${bypasses} of ${report.rows.length} attempts NOT blocked\n`,
          );
        }
        return report.allBlocked ? ExitCode.Ok : ExitCode.Invalid;
      }),
    );
}
