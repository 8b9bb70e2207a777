// Sealed test entry for the containment tests: loads the cc-compiled attack library (argv[2],
// native/containment.c) through koffi, as a PVF that escaped V8 would run native code, runs
// the attacks listed in argv[3] (JSON [{ attack, arg }]) in order, reports each result
// (a count, a pid or -errno) as one JSON line, and stays alive until stdin closes so that
// the test can gather its evidence from outside.
import { reportAndWait } from '../../../../native/self-test/protocol.js';

type Step = { readonly attack: string; readonly arg?: number | string };

const koffi = (await import('koffi')).default;
const lib = koffi.load(process.argv[2]!);
const ifhwaddr = lib.func('int ifhwaddr(int fd, const char *name)') as (
  fd: number,
  name: string,
) => number;
const fns: Record<string, (arg: never) => number> = {
  fork_bomb: lib.func('int fork_bomb(int max)'),
  detached_grandchild: lib.func('int detached_grandchild(void)'),
  memfd_hog: lib.func('long memfd_hog(long mib)'),
  shm_hog: lib.func('long shm_hog(long mib)'),
  sibling_rlimit_cpu: lib.func('int sibling_rlimit_cpu(int pid)'),
  sibling_nice: lib.func('int sibling_nice(int pid)'),
  sibling_affinity: lib.func('int sibling_affinity(int pid)'),
  ifconf_count: lib.func('int ifconf_count(int fd)'),
  // arg: "<fd>:<interface name>"
  ifhwaddr: (arg: string) => ifhwaddr(Number(arg.split(':')[0]), arg.split(':')[1]!),
  inotify_watch: lib.func('int inotify_watch(const char *dir)'),
  chmod: lib.func('int do_chmod(const char *path)'),
  utime: lib.func('int do_utime(const char *path)'),
  setxattr: lib.func('int do_setxattr(const char *path)'),
};
const steps = JSON.parse(process.argv[3] ?? '[]') as Step[];
const results = steps.map(({ attack, arg }) => {
  const fn = fns[attack];
  if (!fn) throw new Error(`unknown attack ${attack}`);
  const value = fn((arg ?? 0) as never);
  return { id: attack, succeeded: value >= 0, detail: String(value) };
});
reportAndWait(results);
