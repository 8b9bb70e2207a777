// Self-test battery, JavaScript level: what untrusted code that stays inside V8 could try.
// Runs sealed: `node js-attacks.js '<AttackTargets JSON>'`. Each attempt reports whether it
// got through; the host counts what its loopback listeners really received.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { promises as dns } from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { reportAndWait, why, type AttackTargets, type AttemptResult } from './protocol.js';

type Outcome = Omit<AttemptResult, 'id'>;

const targets = JSON.parse(process.argv[2] ?? '{}') as AttackTargets;
const kept: net.Server[] = [];
const ok = (detail: string): Outcome => ({ succeeded: true, detail });
const no = (err: unknown): Outcome => ({ succeeded: false, detail: why(err) });

function port(table: Readonly<Record<string, number>>, id: string): number {
  const p = table[id];
  if (p === undefined) throw new Error(`no target for ${id}`);
  return p;
}

/** Connects, says who it is, hangs up. */
const connect = (opts: net.NetConnectOpts, id: string): Promise<Outcome> =>
  new Promise((resolve) => {
    const s = net.connect(opts, () => s.end(id, () => resolve(ok('connected'))));
    s.on('error', (e) => resolve(no(e)));
  });

const CONNECT_FROM_CODE = (p: number, who: string) =>
  `const s=require('net').connect(${p},'127.0.0.1',()=>s.end('${who}'));`;

const attempts: Record<string, () => Promise<Outcome>> = {
  'net.connect': () =>
    connect({ host: '127.0.0.1', port: port(targets.tcp, 'net.connect') }, 'net.connect'),
  'http.get': () =>
    new Promise((resolve) => {
      const req = http.get(
        { host: '127.0.0.1', port: port(targets.http, 'http.get'), path: '/' },
        (res) => {
          res.resume();
          resolve(ok(`HTTP ${res.statusCode}`));
        },
      );
      req.on('error', (e) => resolve(no(e)));
    }),
  fetch: async () => {
    try {
      const res = await fetch(`http://127.0.0.1:${port(targets.http, 'fetch')}/`);
      return ok(`HTTP ${res.status}`);
    } catch (e) {
      return no(e);
    }
  },
  'dgram.send': () =>
    new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      s.on('error', (e) => resolve(no(e)));
      s.send('dgram.send', targets.udpPort, '127.0.0.1', (e) => {
        s.close();
        resolve(e ? no(e) : ok('sent'));
      });
    }),
  'dns.resolve4 (c-ares)': async () => {
    const r = new dns.Resolver({ timeout: 500, tries: 1 });
    r.setServers([`127.0.0.1:${targets.dnsPort}`]);
    try {
      return ok(`resolved ${(await r.resolve4('example.com')).join(',')}`);
    } catch (e) {
      return no(e);
    }
  },
  'dns.lookup (getaddrinfo)': async () => {
    try {
      return ok(`resolved ${(await dns.lookup('example.com')).address}`);
    } catch (e) {
      return no(e);
    }
  },
  'net.listen': () =>
    new Promise((resolve) => {
      const srv = net.createServer((c) => c.end());
      srv.on('error', (e) => resolve(no(e)));
      srv.listen(targets.listenPort, '127.0.0.1', () => {
        kept.push(srv); // stays open so the host can try to connect
        resolve(ok('listening'));
      });
    }),
  'unix socket (path)': () => connect({ path: targets.unixPath }, 'unix'),
  'unix socket (abstract)': () => connect({ path: `\0${targets.abstractName}` }, 'abstract'),
  'worker thread': () =>
    new Promise((resolve) => {
      const code =
        CONNECT_FROM_CODE(port(targets.tcp, 'worker thread'), 'worker') +
        "s.on('connect',()=>require('worker_threads').parentPort.postMessage('connected'));" +
        "s.on('error',e=>require('worker_threads').parentPort.postMessage('error '+e.code));";
      const w = new Worker(code, { eval: true });
      w.on('message', (m: string) => {
        void w.terminate();
        resolve(m === 'connected' ? ok('connected') : no(m.replace(/^error /, '')));
      });
      w.on('error', (e) => resolve(no(e)));
    }),
  'child process': () =>
    new Promise((resolve) => {
      const code =
        'process.exitCode=2;' +
        CONNECT_FROM_CODE(port(targets.tcp, 'child process'), 'child') +
        "s.on('connect',()=>{process.exitCode=0});s.on('error',e=>{console.error(e.code);process.exitCode=3});";
      const child = spawn(process.execPath, ['-e', code], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('error', (e) => resolve(no(e)));
      child.on('exit', (code, signal) =>
        resolve(code === 0 ? ok('connected') : no(signal ?? `child exit ${code}`)),
      );
    }),
};

// `tripwire` mode: one connect, for running under the kill action (the process must die).
const selected = process.argv[3] === 'tripwire' ? ['net.connect'] : Object.keys(attempts);
const results: AttemptResult[] = [];
for (const id of selected) {
  const attempt = attempts[id]!;
  const timeout = new Promise<Outcome>((r) => setTimeout(() => r(no('timeout')), 3000).unref());
  results.push({ id, ...(await Promise.race([attempt().catch(no), timeout])) });
}
reportAndWait(results);
