// Whether the host keeps Node's event loop alive. Worker processes and their pipes are
// unref'd, so an idle host never holds a script open; instead every job submitted and not yet
// settled, every start and every close in progress holds one count here, and while the count
// is above zero one ref'd timer exists. A script doing `await host.validate(...)` therefore
// always gets its outcome, even while the worker that would run it is being respawned from an
// unref'd timer, and a script that forgets `close()` still exits once its jobs are done.

/** A long, never-firing period: the timer exists only to be a ref'd handle. */
const FOREVER_MS = 2 ** 30;

export class KeepAlive {
  private holds = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Takes one hold; the returned function releases it (a second call does nothing). */
  hold(): () => void {
    if (this.holds++ === 0) this.timer = setInterval(noop, FOREVER_MS);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Holds currently taken (for tests and diagnostics). */
  get count(): number {
    return this.holds;
  }
}

function noop(): void {}
