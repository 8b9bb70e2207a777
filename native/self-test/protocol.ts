// What the self-test's host side and its sealed attack scripts exchange: the targets the host
// set up (argv[2], JSON) and one JSON line of results on stdout. After printing its results
// a battery keeps running until its stdin closes, so the host can inspect it from outside
// (its fds, a listener it may have opened) while it is still alive.

/** Loopback targets and parent-side bait prepared by the host. */
export interface AttackTargets {
  /** TCP listeners, one per attempt, so evidence is counted per attempt. */
  readonly tcp: Readonly<Record<string, number>>;
  /** HTTP listeners (http.get and fetch). */
  readonly http: Readonly<Record<string, number>>;
  readonly udpPort: number;
  readonly dnsPort: number;
  /** A port nobody listens on: the battery tries to listen there. */
  readonly listenPort: number;
  readonly unixPath: string;
  /** Abstract unix socket name, without the leading NUL. */
  readonly abstractName: string;
  /** A connected TCP socket in the parent, and the fd number it has there. */
  readonly parentSocketFd: number;
  /** Address (decimal) of parent memory holding `secretHex`, for the memory attacks. */
  readonly parentSecretAddress: string;
  readonly secretHex: string;
  /** The host's pid (in the host's PID namespace): the cross-process attacks' target. In a
   *  PID namespace of its own the attacker's parent is not the host (getppid() is 0). */
  readonly hostPid?: number;
  /** A world-writable file outside every allowlist, mtime 1000 s after the epoch, no xattrs. */
  readonly metaFile: string;
}

/** One attempt as the attacker saw it: did it get what it wanted? */
export interface AttemptResult {
  readonly id: string;
  readonly succeeded: boolean;
  readonly detail: string;
}

/** Native attacks that end the process when blocked; each runs in its own process. */
export const FATAL_ATTACKS = ['x32-socket', 'i386-socket-connect', 'i386-socketcall'] as const;
export type FatalAttack = (typeof FATAL_ATTACKS)[number];

/** Prints the results line, then waits for stdin to close and exits 0. */
export function reportAndWait(
  results: readonly AttemptResult[],
  keepAlive: () => void = () => {},
): void {
  process.stdout.write(JSON.stringify({ results }) + '\n');
  keepAlive();
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
}

/** Error code or message of a failed attempt, for the detail column. */
export const why = (err: unknown): string => {
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  return String(e?.code ?? e?.cause?.code ?? e?.message ?? err);
};
