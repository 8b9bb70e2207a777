// Whether an unprivileged uid can reach a path: checked before a launch that drops root, so
// a worker bundle in a private (0700) folder fails with a clear message instead of a
// sealed Node that cannot open its own script.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The permission class `uid`/`gid` falls in for a file, and whether `bit` (r=4, x=1) is set. */
function allowed(path: string, uid: number, gid: number, bit: number): boolean {
  const st = statSync(path);
  const shift = st.uid === uid ? 6 : st.gid === gid ? 3 : 0;
  return ((st.mode >> shift) & bit) !== 0;
}

/** The first reason `uid`/`gid` (no supplementary groups) cannot read `path`, or null.
 *  `parents: false` skips the folders above it (in a minimal root they are not the host's). */
export function unreadableReason(
  path: string,
  uid: number,
  gid: number,
  { parents = true }: { parents?: boolean } = {},
): string | null {
  for (let dir = dirname(path); parents; dir = dirname(dir)) {
    if (!allowed(dir, uid, gid, 1)) return `directory ${dir} is not searchable`;
    if (dirname(dir) === dir) break;
  }
  const isDir = statSync(path).isDirectory();
  if (!allowed(path, uid, gid, 4)) return `${path} is not readable`;
  if (isDir && !allowed(path, uid, gid, 1)) return `${path} is not searchable`;
  return null;
}
