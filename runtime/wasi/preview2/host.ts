// A capability-free, deterministic WASI 0.2 import map for PVF components, in the shape jco's
// generated glue reads (`imports['wasi:cli/stdout'].getStdout`, unversioned keys, resources as
// classes). It provides cli, io, clocks, random and filesystem — the interfaces toolchain-built
// components import even for hello-world code — with no capability behind any of them:
// empty args and environment, stdin at its end, stdout/stderr into the bounded log, fixed
// clocks, the params-derived random stream, and a filesystem with zero preopens (no descriptor
// can ever be obtained). There is no `wasi:sockets/*` and no `wasi:http/*` entry; reading any
// missing interface throws {@link ComponentLinkError}, the second line of defence behind the
// prepare-time refusal.
import { HostTrap } from '../../engine/traps.js';
import {
  CLOCK_RESOLUTION_NS,
  DeterministicRandom,
  FIXED_MONOTONIC_NS,
  FIXED_REALTIME_NS,
  INSECURE_SEED,
} from '../deterministic.js';
import { isNetworkInterface } from '../policy.js';
import { StdioLog } from '../stdio-log.js';
import { InputStream, IoError, OutputStream, Pollable, poll } from './io.js';

/** The guest called `wasi:cli/exit`: the call ends here. */
export class ComponentExit extends Error {
  override name = 'ComponentExit';
  constructor(readonly code: number) {
    super(`the PVF called wasi:cli/exit with code ${code}`);
  }
}

/** The glue asked for an interface the host does not provide. */
export class ComponentLinkError extends Error {
  override name = 'ComponentLinkError';
}

/** Largest `get-random-bytes` request served: 16 MiB (larger ones trap as out-of-memory). */
const MAX_RANDOM_REQUEST = 16n << 20n;

// Never handed out (no preopens, no terminals), but the glue needs the classes to exist.
class Descriptor {}
class DirectoryEntryStream {}
class TerminalInput {}
class TerminalOutput {}

const datetime = (ns: bigint) => ({
  seconds: ns / 1_000_000_000n,
  nanoseconds: Number(ns % 1_000_000_000n),
});

/** What one execution owns: its streams and its random stream. */
export interface Preview2Execution {
  readonly stdin: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly random: DeterministicRandom;
}

/** Fresh streams over the execution's log, and its random stream. */
export const preview2Execution = (
  log: StdioLog,
  random: DeterministicRandom,
): Preview2Execution => ({
  stdin: new InputStream(),
  stdout: new OutputStream(log, 'stdout'),
  stderr: new OutputStream(log, 'stderr'),
  random,
});

/** One execution's import map: fresh streams and the execution's log and random stream. */
export function preview2Imports(
  log: StdioLog,
  random: DeterministicRandom,
): Record<string, object> {
  const execution = preview2Execution(log, random);
  return importsOver(() => execution);
}

/**
 * The import map whose every function answers for `now()`, the execution in progress (one map
 * can then serve many executions, see ./switchable.ts).
 */
export function importsOver(now: () => Preview2Execution): Record<string, object> {
  const randomBytes = (len: bigint): Uint8Array => {
    if (len > MAX_RANDOM_REQUEST)
      throw new HostTrap(
        'out-of-memory',
        `get-random-bytes(${len}) exceeds ${MAX_RANDOM_REQUEST} bytes`,
      );
    return now().random.next(Number(len));
  };
  const imports: Record<string, object> = {
    'wasi:cli/environment': {
      getEnvironment: (): [string, string][] => [],
      getArguments: (): string[] => [],
      initialCwd: (): undefined => undefined,
    },
    'wasi:cli/exit': {
      exit: (status: { tag: 'ok' | 'err' }): never => {
        throw new ComponentExit(status.tag === 'ok' ? 0 : 1);
      },
      exitWithCode: (code: number): never => {
        throw new ComponentExit(code);
      },
    },
    'wasi:cli/stdin': { getStdin: () => now().stdin },
    'wasi:cli/stdout': { getStdout: () => now().stdout },
    'wasi:cli/stderr': { getStderr: () => now().stderr },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: (): undefined => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: (): undefined => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: (): undefined => undefined },
    'wasi:clocks/wall-clock': {
      now: () => datetime(FIXED_REALTIME_NS),
      resolution: () => datetime(CLOCK_RESOLUTION_NS),
    },
    'wasi:clocks/monotonic-clock': {
      now: () => FIXED_MONOTONIC_NS,
      resolution: () => CLOCK_RESOLUTION_NS,
      subscribeInstant: () => new Pollable(),
      subscribeDuration: () => new Pollable(),
    },
    'wasi:filesystem/preopens': { getDirectories: (): [] => [] },
    'wasi:filesystem/types': {
      Descriptor,
      DirectoryEntryStream,
      filesystemErrorCode: (): undefined => undefined,
    },
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll },
    'wasi:io/streams': { InputStream, OutputStream },
    'wasi:random/random': {
      getRandomBytes: randomBytes,
      getRandomU64: () => now().random.nextU64(),
    },
    'wasi:random/insecure': {
      getInsecureRandomBytes: randomBytes,
      getInsecureRandomU64: () => now().random.nextU64(),
    },
    'wasi:random/insecure-seed': { insecureSeed: () => [...INSECURE_SEED] },
  };
  return guard(imports);
}

/** Wraps the map so that reading a missing interface fails loudly, naming it. */
function guard(imports: Record<string, object>): Record<string, object> {
  return new Proxy(imports, {
    get(target, key) {
      if (typeof key !== 'string' || Object.hasOwn(target, key)) return target[key as string];
      throw new ComponentLinkError(
        `the PVF imports ${key}, which this host does not provide` +
          (isNetworkInterface(key) ? ': PVFs may not use the network' : ''),
      );
    },
  });
}

/** The interfaces provided, by unversioned name (what prepare checks imports against). */
export const PREVIEW2_PROVIDED: ReadonlySet<string> = new Set(
  Object.keys(preview2Imports(new StdioLog(0), new DeterministicRandom(new Uint8Array(0)))),
);
