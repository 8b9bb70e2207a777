// Sealed test script: reports what it sees of itself (status fields, fds, environment), and
// what it could read, write or do, as one JSON line; then stays alive until stdin closes.
// argv[2]: JSON { reads?: string[], writes?: string[], asyncReads?: string[], connect?: number }
import { readFileSync, readdirSync, readlinkSync, writeFileSync, promises as fsp } from 'node:fs';
import net from 'node:net';

const plan = JSON.parse(process.argv[2] ?? '{}');
const code = (e) => e?.code ?? String(e);
const status = readFileSync('/proc/self/status', 'utf8');
const field = (name) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1];
const fds = Object.fromEntries(
  readdirSync('/proc/self/fd').map((fd) => {
    try {
      return [fd, readlinkSync(`/proc/self/fd/${fd}`)];
    } catch (e) {
      return [fd, code(e)];
    }
  }),
);
const attempt = (fn) => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return code(e);
  }
};
const report = {
  uid: field('Uid'),
  seccomp: field('Seccomp'),
  noNewPrivs: field('NoNewPrivs'),
  fds,
  env: Object.keys(process.env).sort(),
  reads: (plan.reads ?? []).map((p) => attempt(() => readFileSync(p))),
  writes: (plan.writes ?? []).map((p) => attempt(() => writeFileSync(p, 'written'))),
  asyncReads: await Promise.all(
    (plan.asyncReads ?? []).map((p) => fsp.readFile(p).then(() => 'ok', code)),
  ),
  connect:
    plan.connect === undefined
      ? null
      : await new Promise((resolve) => {
          const s = net.connect(plan.connect, '127.0.0.1', () =>
            s.end('report', () => resolve('ok')),
          );
          s.on('error', (e) => resolve(code(e)));
        }),
};
process.stdout.write(JSON.stringify(report) + '\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
