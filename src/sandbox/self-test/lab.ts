// The self-test's loopback lab: listeners that count what sealed attackers manage to send
// (server-side evidence, independent of what the attacker claims), a connected socket in
// this process for the fd-stealing attack, and memory bait for the memory attacks.
import dgram from 'node:dgram';
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBait, type Bait } from '../../../native/self-test/bait.js';
import type { AttackTargets } from '../../../native/self-test/protocol.js';

/** What one listener received. */
export interface Counter {
  connections: number;
  bytes: number;
}

export interface Lab {
  readonly targets: AttackTargets;
  /** Evidence per attempt id (listeners are per attempt). */
  readonly counters: ReadonlyMap<string, Counter>;
  readonly bait: Bait;
  /** Whether anything accepts connections on the port the attacker tried to listen on. */
  probeListenPort(): Promise<boolean>;
  close(): Promise<void>;
}

export const TCP_ATTEMPTS = [
  'net.connect',
  'worker thread',
  'child process',
  'i386-socket-connect',
  'parent socket',
];
export const HTTP_ATTEMPTS = ['http.get', 'fetch'];

const listening = (server: net.Server, opts: net.ListenOptions): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts, () => {
      const a = server.address();
      resolve(typeof a === 'object' && a ? a.port : 0);
    });
  });

function countingServer(counter: Counter, accepted: Set<net.Socket>): net.Server {
  return net.createServer((c) => {
    accepted.add(c);
    counter.connections++;
    c.on('data', (d) => (counter.bytes += d.length));
    c.on('error', () => {});
  });
}

/** A DNS answer to `query` (its first question) with one A record, 127.0.0.1: lets an
 *  unsealed resolver succeed, so a negative control can tell "blocked" from "no answer". */
function dnsAnswer(query: Buffer): Buffer | null {
  if (query.length < 17) return null;
  let end = 12;
  while (end < query.length && query[end] !== 0) end += query[end]! + 1;
  const question = query.subarray(12, end + 5);
  const header = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  query.copy(header, 0, 0, 2);
  const answer = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, question, answer]);
}

async function udpCounter(
  counter: Counter,
  reply?: (m: Buffer) => Buffer | null,
): Promise<{ socket: dgram.Socket; port: number }> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (m, from) => {
    counter.connections++;
    counter.bytes += m.length;
    const answer = reply?.(m);
    if (answer) socket.send(answer, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port };
}

/** A free loopback port (bound, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await listening(s, { host: '127.0.0.1', port: 0 });
  await new Promise((r) => s.close(r));
  return port;
}

export async function startLab(): Promise<Lab> {
  const counters = new Map<string, Counter>();
  const counter = (id: string): Counter => {
    const c = { connections: 0, bytes: 0 };
    counters.set(id, c);
    return c;
  };
  const servers: net.Server[] = [];
  const accepted = new Set<net.Socket>(); // destroyed on close
  const tcp: Record<string, number> = {};
  for (const id of TCP_ATTEMPTS) {
    const s = countingServer(counter(id), accepted);
    servers.push(s);
    tcp[id] = await listening(s, { host: '127.0.0.1', port: 0 });
  }
  const httpPorts: Record<string, number> = {};
  for (const id of HTTP_ATTEMPTS) {
    const c = counter(id);
    const s = http.createServer((_req, res) => res.end('reached'));
    s.on('connection', (sock) => {
      accepted.add(sock);
      c.connections++;
    });
    servers.push(s);
    httpPorts[id] = await listening(s, { host: '127.0.0.1', port: 0 });
  }
  const udp = await udpCounter(counter('dgram.send'));
  const dns = await udpCounter(counter('dns.resolve4 (c-ares)'), dnsAnswer);
  // World-accessible, so that only the sandbox (not file permissions) stops a connect.
  const dir = mkdtempSync(join(tmpdir(), 'pvf-self-test-'));
  chmodSync(dir, 0o755);
  const unixPath = join(dir, 'lab.sock');
  const unixServer = countingServer(counter('unix socket (path)'), accepted);
  servers.push(unixServer);
  await listening(unixServer, { path: unixPath });
  chmodSync(unixPath, 0o777);
  const abstractName = `pvf-self-test-${process.pid}-${Date.now()}`;
  const abstractServer = countingServer(counter('unix socket (abstract)'), accepted);
  servers.push(abstractServer);
  await listening(abstractServer, { path: `\0${abstractName}` });

  const parentSocket = net.connect({ host: '127.0.0.1', port: tcp['parent socket']! });
  await new Promise<void>((resolve, reject) => {
    parentSocket.once('connect', resolve);
    parentSocket.once('error', reject);
  });
  const parentSocketFd = (parentSocket as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (parentSocketFd === undefined || parentSocketFd < 0)
    throw new Error('cannot read the fd of the bait socket');
  const metaFile = join(dir, 'world-writable');
  writeFileSync(metaFile, '');
  chmodSync(metaFile, 0o666);
  utimesSync(metaFile, 1000, 1000);
  const bait = await createBait();
  const listenPort = await freePort();

  return {
    counters,
    bait,
    targets: {
      tcp,
      http: httpPorts,
      udpPort: udp.port,
      dnsPort: dns.port,
      listenPort,
      unixPath,
      abstractName,
      parentSocketFd,
      parentSecretAddress: bait.address,
      secretHex: bait.secret.toString('hex'),
      hostPid: process.pid,
      metaFile,
    },
    probeListenPort: () =>
      new Promise((resolve) => {
        const s = net.connect({ host: '127.0.0.1', port: listenPort }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
        s.setTimeout(1000, () => {
          s.destroy();
          resolve(false);
        });
      }),
    close: async () => {
      parentSocket.destroy();
      udp.socket.close();
      dns.socket.close();
      for (const c of accepted) c.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
