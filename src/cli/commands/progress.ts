// Progress of the example runs on stderr, and how many validations they keep in flight.

/** Validations kept in flight per worker: enough to fill each worker's pipeline. */
export const IN_FLIGHT_PER_WORKER = 4;

/** A progress bar on a terminal; plain lines every 10% otherwise; nothing for --json. */
export function progressLine(total: number, quiet: boolean): (done: number) => void {
  const tty = process.stderr.isTTY === true;
  if (quiet && !tty) return () => {};
  let shown = -1;
  return (done) => {
    const tenth = Math.floor((done * 10) / total);
    if (tty) {
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}` +
          (done === total ? '\n' : ''),
      );
    } else if (tenth !== shown) {
      shown = tenth;
      process.stderr.write(`validated ${done}/${total}\n`);
    }
  };
}
