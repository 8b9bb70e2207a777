// The worker's end of the channel: requests arrive on fd 0, frames leave on fd 1. Both are the
// parent's pipes (see src/host/spawner.ts for what kind of fd they are and why). The worker has
// nothing to do between jobs, so it reads synchronously: no event-loop turn per job, and a
// large frame is read straight into its final buffer (one copy, the kernel's).
import { readSync, writevSync } from 'node:fs';
import { type Frame, FrameReader } from '../protocol/frame-reader.js';
import { MAX_HOST_FRAME_BYTES } from '../protocol/messages.js';

const IN_FD = 0;
const OUT_FD = 1;

/** Reused for every small read; frames handed out from it are valid until `onFrame` returns. */
const scratch = Buffer.allocUnsafe(256 * 1024);

/** A read that took longer than this (wall ms) waited for the host: the worker was idle. */
const WAITED_MS = 0.2;

/**
 * Reads frames until the host closes the channel (EOF) and hands each to `onFrame`, one at a
 * time: the next read happens only after the previous frame's handler has settled, so a frame
 * may be a view into the reused read buffer. `waited` says whether the worker sat idle in a
 * read since the previous frame's handler returned (always true for the first frame).
 * `onIdle` runs before a read that follows handled frames (once per batch of frames).
 * @throws {ProtocolError} when the stream does not parse (the worker should then exit).
 */
export async function readFrames(
  onIdle: () => void,
  onFrame: (f: Frame, waited: boolean) => void | Promise<void>,
): Promise<void> {
  const reader = new FrameReader(MAX_HOST_FRAME_BYTES);
  const ready: Frame[] = [];
  const collect = (f: Frame) => void ready.push(f);
  let waited = true;
  let handled = false;
  for (;;) {
    for (let f = ready.shift(); f !== undefined; f = ready.shift()) {
      const pending = onFrame(f, waited);
      waited = false;
      handled = true;
      if (pending !== undefined) await pending;
    }
    const target = reader.pendingTarget();
    // Between requests (not inside a large frame): the time the worker may wait for the host.
    // If a request is already waiting, the idle work is done first; it is work for the next
    // request (see Jobs.idle), so it only moves.
    if (target === undefined && handled) onIdle();
    handled = false;
    const started = performance.now();
    const n =
      target !== undefined
        ? readSync(IN_FD, target, 0, target.length, null)
        : readSync(IN_FD, scratch, 0, scratch.length, null);
    if (n === 0) return;
    if (performance.now() - started > WAITED_MS) waited = true;
    if (target !== undefined) reader.filled(n, collect);
    else reader.feed(scratch.subarray(0, n), collect);
  }
}

/** Writes one frame (its chunks, in order) with as few syscalls as the kernel allows. */
export function writeFrame(chunks: Uint8Array[]): void {
  let bufs = chunks;
  for (;;) {
    let left = 0;
    for (const b of bufs) left += b.length;
    const n = writevSync(OUT_FD, bufs);
    if (n >= left) return;
    // Partial write (a signal or a full socket buffer): continue after the written bytes.
    let skip = n;
    const rest: Uint8Array[] = [];
    for (const b of bufs) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    bufs = rest;
  }
}
