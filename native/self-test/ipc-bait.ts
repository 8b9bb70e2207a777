// Host-side bait for the IPC-namespace attacks: a SysV message queue and a shared memory
// segment in the host's IPC namespace, open to every uid (mode 0666) so that only the
// namespace can keep a sealed process away. The host reads their state from outside.
import { loadLibc } from '../linux/libc.js';

export interface IpcBait {
  readonly msqid: number;
  readonly shmid: number;
  /** msg_qnum of the queue: messages someone sent. */
  messages(): number;
  /** shm_nattch of the segment: processes attached now. */
  attached(): number;
  /** Removes both (IPC_RMID). */
  close(): void;
}

const IPC_PRIVATE = 0;
const IPC_CREAT = 0o1000;
const IPC_RMID = 0;
const IPC_STAT = 2;
// x86_64 glibc layouts: struct ipc_perm is 48 bytes, then
const MSG_QNUM_OFFSET = 80; // struct msqid_ds: stime, rtime, ctime, cbytes, qnum
const SHM_NATTCH_OFFSET = 88; // struct shmid_ds: segsz, atime, dtime, ctime, cpid, lpid, nattch

export async function createIpcBait(): Promise<IpcBait> {
  const libc = await loadLibc();
  const lib = libc.koffi.load('libc.so.6');
  const msgget = lib.func('int msgget(int key, int flags)');
  const msgctl = lib.func('int msgctl(int id, int cmd, void *buf)');
  const shmget = lib.func('int shmget(int key, size_t size, int flags)');
  const shmctl = lib.func('int shmctl(int id, int cmd, void *buf)');
  const msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0o666) as number;
  if (msqid < 0) throw new Error(`msgget: errno ${libc.errno()}`);
  const shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o666) as number;
  if (shmid < 0) {
    msgctl(msqid, IPC_RMID, null);
    throw new Error(`shmget: errno ${libc.errno()}`);
  }
  const stat = (ctl: typeof msgctl, id: number, size: number, offset: number): number => {
    const buf = Buffer.alloc(size);
    if (ctl(id, IPC_STAT, buf) !== 0) return -1;
    return Number(buf.readBigUInt64LE(offset));
  };
  return {
    msqid,
    shmid,
    messages: () => stat(msgctl, msqid, 120, MSG_QNUM_OFFSET),
    attached: () => stat(shmctl, shmid, 112, SHM_NATTCH_OFFSET),
    close: () => {
      msgctl(msqid, IPC_RMID, null);
      shmctl(shmid, IPC_RMID, null);
    },
  };
}
