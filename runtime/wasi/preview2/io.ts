// `wasi:io/{error,poll,streams}` for PVF components: the only streams that exist are stdin
// (always at its end), stdout and stderr (appended to the bounded log). Nothing ever blocks:
// every pollable is ready at once, so a guest cannot wait on anything.
import type { StdioLog, StdioStream } from '../stdio-log.js';

/** `stream-error` as jco's glue expects a host to throw it. */
const CLOSED = Object.freeze({ tag: 'closed' });

/** How much an output stream accepts per `write` (`check-write`): 1 MiB, always. */
const WRITE_BUDGET = 1n << 20n;

/** `wasi:io/error.error`: never handed out (no operation fails with a last-operation error). */
export class IoError {
  toDebugString(): string {
    return 'io error';
  }
}

/** `wasi:io/poll.pollable`: always ready. */
export class Pollable {
  ready(): boolean {
    return true;
  }
  block(): void {}
}

/** `wasi:io/poll.poll`: every pollable is ready, so all indices. */
export const poll = (list: readonly Pollable[]): Uint32Array => Uint32Array.from(list.keys());

/** `wasi:io/streams.input-stream`: stdin, which is empty and closed. */
export class InputStream {
  read(): never {
    throw CLOSED;
  }
  blockingRead(): never {
    throw CLOSED;
  }
  skip(): never {
    throw CLOSED;
  }
  blockingSkip(): never {
    throw CLOSED;
  }
  subscribe(): Pollable {
    return new Pollable();
  }
}

/** `wasi:io/streams.output-stream`: stdout or stderr, written into the execution's log. */
export class OutputStream {
  constructor(
    private readonly log: StdioLog,
    private readonly stream: StdioStream,
  ) {}
  checkWrite(): bigint {
    return WRITE_BUDGET;
  }
  write(contents: Uint8Array): void {
    this.log.write(this.stream, contents);
  }
  blockingWriteAndFlush(contents: Uint8Array): void {
    this.log.write(this.stream, contents);
  }
  flush(): void {}
  blockingFlush(): void {}
  writeZeroes(len: bigint): void {
    // More than check-write allows is a guest error; the log keeps at most the budget.
    this.log.write(this.stream, new Uint8Array(Number(len < WRITE_BUDGET ? len : WRITE_BUDGET)));
  }
  blockingWriteZeroesAndFlush(len: bigint): void {
    this.writeZeroes(len);
  }
  splice(): never {
    throw CLOSED;
  }
  blockingSplice(): never {
    throw CLOSED;
  }
  subscribe(): Pollable {
    return new Pollable();
  }
}
