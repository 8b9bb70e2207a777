// Where this process's cgroups are, read from /proc/self/cgroup and /proc/self/mountinfo, and
// which of them a per-worker cgroup can be made under. Pure parsing plus a few stat calls; no
// cgroup is created or changed here.
//
// Supported layouts:
//   - pure cgroup v2 (one `cgroup2` mount): memory and pids come from the v2 hierarchy when
//     the parent's cgroup.subtree_control enables them for children; cgroup.kill ends a tree.
//   - hybrid / v1 (controllers on `cgroup` mounts, an optional `cgroup2` mount with no
//     controllers beside them): memory and pids from their v1 hierarchies, the whole-tree
//     kill from the v2 hierarchy's cgroup.kill when present (it needs no controller), else
//     the v1 freezer, else a kill loop over cgroup.procs.
// A worker cgroup is always a child of the cgroup this process is in, per hierarchy: we
// never create elsewhere and never change a cgroup we did not create.
import { accessSync, constants, readFileSync } from 'node:fs';

/** One place a worker cgroup can be made: the directory of this process's own cgroup. */
export interface CgroupBase {
  readonly version: 1 | 2;
  /** Directory of this process's cgroup in that hierarchy (children go beneath it). */
  readonly dir: string;
  /** The line prefix of /proc/<pid>/cgroup naming this hierarchy (`0:` for v2, `4:memory`). */
  readonly hierarchy: string;
  /** This process's cgroup path inside the hierarchy (as in /proc/self/cgroup). */
  readonly path: string;
}

export type Found<T> =
  { readonly ok: true; readonly base: T } | { readonly ok: false; readonly reason: string };

export interface CgroupLayout {
  /** The v2 hierarchy, for cgroup.kill (and memory/pids when it has them). */
  readonly v2: Found<CgroupBase>;
  readonly memory: Found<CgroupBase>;
  readonly pids: Found<CgroupBase>;
  /** v1 freezer, used to stop a tree before killing it when there is no cgroup.kill. */
  readonly freezer: Found<CgroupBase>;
}

interface Mount {
  readonly root: string;
  readonly point: string;
  readonly fstype: string;
  readonly superOptions: readonly string[];
}

/** Decodes the octal escapes mountinfo uses for spaces and the like. */
const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const left = line.slice(0, dash).split(' ');
    const right = line.slice(dash + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    mounts.push({
      root: unescape(left[3]!),
      point: unescape(left[4]!),
      fstype: right[0]!,
      superOptions: right[2]!.split(','),
    });
  }
  return mounts;
}

/** `/proc/<pid>/cgroup` as (hierarchy id, controllers, path) entries. */
export function parseProcCgroup(
  text: string,
): { id: string; controllers: string[]; path: string }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, ctrls, ...rest] = line.split(':');
      return { id: id!, controllers: ctrls ? ctrls.split(',') : [], path: rest.join(':') };
    });
}

const writable = (dir: string): boolean => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

/** Our cgroup's directory on `mount`, or null when the mount shows another subtree. */
function dirOn(mount: Mount, path: string): string | null {
  const root = mount.root === '/' ? '' : mount.root;
  if (root && path !== root && !path.startsWith(`${root}/`)) return null;
  const rest = path.slice(root.length);
  return rest === '' || rest === '/' ? mount.point : mount.point + rest;
}

function found(base: CgroupBase): Found<CgroupBase> {
  return writable(base.dir)
    ? { ok: true, base }
    : {
        ok: false,
        reason: `unavailable: not delegated (${base.dir} is not writable by uid ${process.getuid?.()})`,
      };
}

/** Reads the layout of this process (or of the given texts, for tests). */
export function detectCgroups(
  procCgroup = safeRead('/proc/self/cgroup'),
  mountinfo = safeRead('/proc/self/mountinfo'),
): CgroupLayout {
  const none = (reason: string): Found<CgroupBase> => ({ ok: false, reason });
  if (procCgroup === null || mountinfo === null) {
    const r = 'unavailable: /proc/self/cgroup or mountinfo unreadable (not Linux?)';
    return { v2: none(r), memory: none(r), pids: none(r), freezer: none(r) };
  }
  const mounts = parseMountinfo(mountinfo);
  const entries = parseProcCgroup(procCgroup);

  let v2: Found<CgroupBase> = none('unavailable: no cgroup2 mount');
  const unified = entries.find((e) => e.id === '0' && e.controllers.length === 0);
  const v2mount = mounts.find((m) => m.fstype === 'cgroup2' && unified && dirOn(m, unified.path));
  if (unified && v2mount) {
    v2 = found({
      version: 2,
      dir: dirOn(v2mount, unified.path)!,
      hierarchy: '0:',
      path: unified.path,
    });
  }
  const v2Has = (ctrl: string): boolean =>
    v2.ok && (safeRead(`${v2.base.dir}/cgroup.subtree_control`) ?? '').split(/\s+/).includes(ctrl);

  const v1 = (ctrl: string): Found<CgroupBase> => {
    const entry = entries.find((e) => e.controllers.includes(ctrl));
    if (!entry) return none(`unavailable: no ${ctrl} controller on a v1 hierarchy`);
    const mount = mounts.find(
      (m) => m.fstype === 'cgroup' && m.superOptions.includes(ctrl) && dirOn(m, entry.path),
    );
    if (!mount) return none(`unavailable: the ${ctrl} hierarchy is not mounted here`);
    return found({
      version: 1,
      dir: dirOn(mount, entry.path)!,
      hierarchy: `${entry.id}:${entry.controllers.join(',')}`,
      path: entry.path,
    });
  };
  const pick = (ctrl: 'memory' | 'pids'): Found<CgroupBase> => {
    if (v2Has(ctrl)) return v2;
    const old = v1(ctrl);
    if (old.ok || !v2.ok) return old;
    return none(
      `unavailable: ${ctrl} is not enabled for children of ${v2.base.dir} (cgroup.subtree_control) and not on a v1 hierarchy`,
    );
  };
  return { v2, memory: pick('memory'), pids: pick('pids'), freezer: v1('freezer') };
}

function safeRead(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
