// `pvf sandbox self-test`: attacks from inside sealed processes, judged by the attacker's own
// report AND by evidence gathered outside (loopback listeners, /proc, parent memory). An
// attempt counts as blocked only if both agree that nothing got through.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FATAL_ATTACKS, type AttemptResult } from '../../../native/self-test/protocol.js';
import { defaultLauncherPath } from '../launch-plan.js';
import { resolveSandboxOptions, type SandboxOptions } from '../options.js';
import { sealExpectations, spawnSealed, type SealedSpawnOptions } from '../spawn.js';
import { verifySealed, type SealReport } from '../verify.js';
import { isolationRoute } from '../host-support.js';
import { runBattery, type BatteryRun } from './battery.js';
import { isolationRows } from './isolation.js';
import { startLab, type Lab } from './lab.js';

export interface SelfTestRow {
  readonly level: 'js' | 'native' | 'seal';
  readonly attempt: string;
  readonly expected: string;
  readonly actual: string;
  readonly evidence: string;
  readonly blocked: boolean;
}

export interface SelfTestReport {
  readonly rows: readonly SelfTestRow[];
  readonly allBlocked: boolean;
}

/** What a sealed attempt should end with (the filter's answer, or the layer that stops it). */
const EXPECTED: Record<string, string> = {
  'net.connect': 'EACCES',
  'http.get': 'EACCES',
  fetch: 'fetch failed (EACCES)',
  'dgram.send': 'EACCES',
  'dns.resolve4 (c-ares)': 'fails, no packet',
  'dns.lookup (getaddrinfo)': 'fails',
  'net.listen': 'EACCES',
  'unix socket (path)': 'EACCES',
  'unix socket (abstract)': 'EACCES',
  'worker thread': 'EACCES',
  'child process': 'fails (EPERM: no fork)',
  io_uring_setup: 'ENOSYS',
  'pidfd_getfd (parent socket)': 'EPERM',
  'ptrace (parent)': 'EPERM',
  '/proc/<ppid>/mem write': 'EACCES',
  'process_vm_readv (parent)': 'EPERM',
  'kill(parent, 0)': 'EPERM',
  'unshare(user+net namespaces)': 'EPERM',
  'setns(host netns)': 'EACCES or EPERM',
  'own allow-all filter, then socket()': 'EACCES (filters stack)',
  'fork()': 'EPERM',
  'prlimit64(parent), read only': 'EPERM',
  'setpriority(parent)': 'EPERM',
  'sched_setaffinity(parent)': 'EPERM',
  'SIOCGIFCONF on the channel': 'EPERM',
  memfd_create: 'EPERM',
  'SysV shmget': 'EPERM',
  'SysV msgget': 'EPERM',
  inotify_init1: 'EPERM',
  'utimensat (file outside)': 'EPERM',
  'setxattr (file outside)': 'EOPNOTSUPP',
};

/** Folders koffi needs to load: the sealed native battery is the only sealed code that may. */
export function koffiReadPaths(): string[] {
  const koffiDir = dirname(createRequire(import.meta.url).resolve('koffi'));
  const scoped = join(dirname(koffiDir), '@koromix');
  return [koffiDir, ...(existsDir(scoped) ? [scoped] : [])];
}

const existsDir = (p: string): boolean => {
  try {
    readdirSync(p);
    return true;
  } catch {
    return false;
  }
};

const ringFds = (pid: number): number =>
  readdirSync(`/proc/${pid}/fd`).filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:[io_uring]';
    } catch {
      return false;
    }
  }).length;

const tracerPid = (): string =>
  /^TracerPid:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '?';

interface Inspection {
  readonly seal: SealReport;
  readonly rings: number;
  readonly listenReachable?: boolean;
}

function launch(
  script: string,
  args: string[],
  sandbox: Partial<SandboxOptions>,
  lab: Lab | null,
): Promise<BatteryRun> {
  const opts: SealedSpawnOptions = { script, args, stdio: ['pipe', 'pipe', 'pipe'], sandbox };
  const expect = sealExpectations(opts);
  return runBattery(spawnSealed(opts), async (pid): Promise<Inspection> => ({
    seal: verifySealed(pid, expect),
    rings: ringFds(pid),
    ...(lab ? { listenReachable: await lab.probeListenPort() } : {}),
  }));
}

/** The attempts a battery reported, or null if it did not report. */
const resultsOf = (run: BatteryRun): readonly AttemptResult[] | null => {
  const r = run.report as { results?: unknown } | null;
  return Array.isArray(r?.results) ? (r.results as AttemptResult[]) : null;
};

const sealRow = (name: string, run: BatteryRun): SelfTestRow => {
  const seal = (run.inspected as Inspection | undefined)?.seal;
  return {
    level: 'seal',
    attempt: `${name}: checked from outside`,
    expected: 'Seccomp 2 + NoNewPrivs 1 on every thread, no stray socket, no io_uring',
    actual: seal
      ? seal.kind === 'unsealed'
        ? seal.problems.join('; ')
        : seal.kind
      : 'did not start',
    evidence: '/proc/<pid>/task/*/status, /proc/<pid>/fd',
    blocked: seal?.kind === 'sealed',
  };
};

/** Runs every battery (in parallel) and judges each attempt. */
export async function runSelfTest(partial: Partial<SandboxOptions> = {}): Promise<SelfTestReport> {
  const options = resolveSandboxOptions(partial);
  const scripts = join(dirname(options.launcher ?? defaultLauncherPath()), 'sandbox');
  const jsScript = join(scripts, 'js-attacks.js');
  const nativeScript = join(scripts, 'native-attacks.js');
  const nativeOptions = { ...options, allowRead: [...options.allowRead, ...koffiReadPaths()] };
  const lab = await startLab();
  try {
    const targets = JSON.stringify(lab.targets);
    const tracerBefore = tracerPid();
    const route = isolationRoute(options.networkNamespace);
    const isolation =
      options.namespaces && route.kind === 'unshare'
        ? isolationRows(join(scripts, 'isolation-attacks.js'), nativeOptions)
        : Promise.resolve<SelfTestRow[]>([
            {
              level: 'seal',
              attempt: 'isolation battery',
              expected: 'own PID, IPC and mount namespaces',
              actual: `not run: ${options.namespaces ? (route.kind === 'unavailable' ? route.reason : '') : 'namespaces disabled'}`,
              evidence: 'see pvf sandbox status',
              blocked: true,
            },
          ]);
    const [js, native, tripwire, ...fatal] = await Promise.all([
      launch(jsScript, [targets], options, lab),
      launch(nativeScript, [targets, 'batch'], nativeOptions, null),
      launch(jsScript, [targets, 'tripwire'], { ...options, network: 'kill' }, null),
      ...FATAL_ATTACKS.map((a) => launch(nativeScript, [targets, a], nativeOptions, null)),
    ]);
    // Anything an attacker did send is then surely in the listeners' counts.
    await new Promise((r) => setTimeout(r, 100));
    const rows: SelfTestRow[] = [];
    const evidence = (id: string, r: AttemptResult): { text: string; clean: boolean } => {
      const c = lab.counters.get(id);
      if (c)
        return {
          text: `listener got ${c.connections} conn/packets, ${c.bytes} bytes`,
          clean: c.connections === 0,
        };
      switch (id) {
        case 'net.listen': {
          const reachable = (js.inspected as Inspection | undefined)?.listenReachable;
          return {
            text: `port reachable from host: ${reachable ? 'yes' : 'no'}`,
            clean: reachable === false,
          };
        }
        case 'io_uring_setup': {
          const rings = (native.inspected as Inspection | undefined)?.rings;
          return { text: `io_uring fds in /proc/<pid>/fd: ${rings ?? '?'}`, clean: rings === 0 };
        }
        case 'pidfd_getfd (parent socket)': {
          const bytes = lab.counters.get('parent socket')?.bytes ?? -1;
          return { text: `parent socket's peer got ${bytes} bytes`, clean: bytes === 0 };
        }
        case '/proc/<ppid>/mem write': {
          const intact = lab.bait.read().equals(lab.bait.secret);
          return { text: `parent bait memory ${intact ? 'intact' : 'OVERWRITTEN'}`, clean: intact };
        }
        case 'utimensat (file outside)': {
          const mtime = statSync(lab.targets.metaFile).mtimeMs;
          return { text: `file mtime ${mtime / 1000} s`, clean: mtime === 1_000_000 };
        }
        case 'ptrace (parent)': {
          const now = tracerPid();
          return { text: `parent TracerPid ${now}`, clean: now === tracerBefore };
        }
        default:
          return { text: r.succeeded ? '' : '—', clean: true };
      }
    };
    const judge = (level: 'js' | 'native', run: BatteryRun) => {
      for (const r of resultsOf(run) ?? []) {
        const e = evidence(r.id, r);
        rows.push({
          level,
          attempt: r.id,
          expected: EXPECTED[r.id] ?? 'denied',
          actual: r.succeeded ? `GOT THROUGH: ${r.detail}` : r.detail,
          evidence: e.text,
          blocked: !r.succeeded && e.clean,
        });
      }
      if (resultsOf(run) === null)
        rows.push({
          level,
          attempt: `${level} battery`,
          expected: 'runs and reports',
          actual: died(run),
          evidence: '—',
          blocked: false,
        });
    };
    judge('js', js);
    rows.push(sealRow('js battery', js));
    judge('native', native);
    rows.push(sealRow('native battery', native));
    for (const [name, run] of [
      ['net.connect with network=kill', tripwire],
      ...FATAL_ATTACKS.map((a, i) => [a, fatal[i]!] as const),
    ] as const) {
      const counter = name === 'i386-socket-connect' ? lab.counters.get(name) : undefined;
      const killed = run.signal === 'SIGSYS';
      rows.push({
        level: 'native',
        attempt: name,
        expected: 'killed by SIGSYS',
        actual: killed
          ? 'killed by SIGSYS'
          : (resultsOf(run)
              ?.map((r) => r.detail)
              .join('; ') ?? died(run)),
        evidence: counter
          ? `listener got ${counter.connections} conn, ${counter.bytes} bytes`
          : 'exit signal',
        blocked: killed && (counter?.connections ?? 0) === 0,
      });
    }
    rows.push(...(await isolation));
    return { rows, allBlocked: rows.every((r) => r.blocked) };
  } finally {
    await lab.close();
  }
}

const died = (run: BatteryRun): string =>
  `${run.signal ? `signal ${run.signal}` : `exit ${run.code}`}${run.stderr ? `: ${run.stderr.trim().split('\n')[0]}` : ''}`;
