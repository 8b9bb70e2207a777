// The source name of the minimal root's tmpfs, as /proc/<pid>/mountinfo shows it: the launcher
// mounts it, the host's outside check looks for it. Pure, no FFI.
export const MINIMAL_ROOT_SOURCE = 'pvf-root';
