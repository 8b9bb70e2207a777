/* Test-only native attack code for the containment tests (test/src/sandbox/containment.test.ts):
 * what a PVF that escaped V8 could run inside a sealed worker. Compiled with the system cc
 * during test setup and loaded by the sealed test entry through koffi. Every function returns
 * a count or a non-negative result on success and -errno on failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Forks up to `max` children that sleep forever; returns how many were made, or -errno when
 * the first fork already fails. Stops at the first failure (EAGAIN from pids.max). */
int fork_bomb(int max) {
  int made = 0;
  for (int i = 0; i < max; i++) {
    pid_t p = fork();
    if (p == 0) {
      for (;;) pause();
    }
    if (p < 0) return made ? made : -errno;
    made++;
  }
  return made;
}

/* A child that detaches (own session) and forks a grandchild that sleeps forever; the child
 * exits at once, so the grandchild is re-parented away from the worker. Returns the
 * grandchild's pid or -errno. */
int detached_grandchild(void) {
  int fds[2];
  if (pipe(fds) != 0) return -errno;
  pid_t p = fork();
  if (p < 0) return -errno;
  if (p == 0) {
    setsid();
    pid_t g = fork();
    if (g == 0) {
      close(fds[0]);
      close(fds[1]);
      for (;;) pause();
    }
    int v = g < 0 ? -errno : g;
    (void)!write(fds[1], &v, sizeof v);
    _exit(0);
  }
  close(fds[1]);
  int v = -EIO;
  (void)!read(fds[0], &v, sizeof v);
  close(fds[0]);
  return v;
}

/* Holds `mib` MiB in a memfd filled with write(): page cache that no RSS counts. Returns the
 * MiB held (the fd stays open) or -errno. */
long memfd_hog(long mib) {
  int fd = (int)syscall(SYS_memfd_create, "hog", 0);
  if (fd < 0) return -errno;
  static char chunk[1 << 20];
  memset(chunk, 0x5a, sizeof chunk);
  long held = 0;
  for (; held < mib; held++)
    if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) return held ? held : -errno;
  return held;
}

/* Holds `mib` MiB in a SysV shm segment (attached, touched, already marked for removal so
 * nothing outlives the test). Returns the MiB held or -errno. */
long shm_hog(long mib) {
  int id = shmget(IPC_PRIVATE, (size_t)mib << 20, IPC_CREAT | 0600);
  if (id < 0) return -errno;
  char *p = shmat(id, NULL, 0);
  if (p == (void *)-1) return -errno;
  shmctl(id, IPC_RMID, NULL);
  for (long i = 0; i < (mib << 20); i += 4096) p[i] = 1;
  return mib;
}

/* Sets another process's CPU-time limit to 1 s (it dies of SIGXCPU/SIGKILL after 1 s of CPU). */
int sibling_rlimit_cpu(int pid) {
  struct rlimit r = {1, 1};
  return syscall(SYS_prlimit64, pid, RLIMIT_CPU, &r, NULL) == 0 ? 0 : -errno;
}

int sibling_nice(int pid) { return setpriority(PRIO_PROCESS, pid, 19) == 0 ? 0 : -errno; }

/* Pins another process to CPU 0. */
int sibling_affinity(int pid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  return sched_setaffinity(pid, sizeof set, &set) == 0 ? 0 : -errno;
}

/* SIOCGIFCONF on `fd` (the channel socket): number of interfaces seen, or -errno. */
int ifconf_count(int fd) {
  struct ifreq reqs[32];
  struct ifconf ifc = {.ifc_len = sizeof reqs, .ifc_req = reqs};
  if (ioctl(fd, SIOCGIFCONF, &ifc) != 0) return -errno;
  return ifc.ifc_len / (int)sizeof(struct ifreq);
}

/* SIOCGIFHWADDR of interface `name` through `fd`; 0 or -errno. */
int ifhwaddr(int fd, const char *name) {
  struct ifreq r;
  memset(&r, 0, sizeof r);
  strncpy(r.ifr_name, name, IFNAMSIZ - 1);
  return ioctl(fd, SIOCGIFHWADDR, &r) == 0 ? 0 : -errno;
}

/* An inotify watch on `dir`, left open; returns the inotify fd or -errno. */
int inotify_watch(const char *dir) {
  int fd = inotify_init1(IN_CLOEXEC);
  if (fd < 0) return -errno;
  if (inotify_add_watch(fd, dir, IN_CREATE | IN_OPEN) < 0) return -errno;
  return fd;
}

int do_chmod(const char *path) { return chmod(path, 0777) == 0 ? 0 : -errno; }

/* Sets the file's times to "now" (needs only write permission on a world-writable file). */
int do_utime(const char *path) { return utimes(path, NULL) == 0 ? 0 : -errno; }

int do_setxattr(const char *path) {
  return setxattr(path, "user.pvf", "x", 1, 0) == 0 ? 0 : -errno;
}
