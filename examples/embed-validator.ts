// How a validator node embeds pvf-runtime: one ValidationHost for the node's lifetime, backing
// and approval requests with their priorities and timeouts, a decision for every outcome kind,
// Prometheus metrics on a loopback port, and a clean shutdown.
//
//   npm run example:embed [-- --blocks N --port P --hold]   (builds, then runs this file)
//
// --hold keeps the host and /metrics up after the workload until Ctrl-C (SIGINT) or SIGTERM.
//
// In a project of your own, import the same names from 'pvf-runtime' and 'pvf-runtime/examples'. The candidates here come
// from the example block producers, standing in for what a node receives from collators.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type HostOptions,
  QueueFullError,
  type ValidationOutcome,
  ValidationHost,
} from '../src/index.js';
import { prometheusHostMetrics } from '../src/metrics/index.js';
import { AdderChain, type Candidate, exampleCode, UndyingChain } from '../src/examples/index.js';

/** What the node does with an outcome, following polkadot-sdk's candidate-validation. */
export type Decision = 'vote-valid' | 'vote-invalid' | 'abstain';

/**
 * Every outcome kind, handled as polkadot-sdk's candidate-validation maps PVF host results
 * (polkadot/node/core/candidate-validation/src/lib.rs): ambiguous failures (already retried
 * once by the host for approvals) become an invalid verdict; the host's own faults and
 * non-deterministic preparation failures give no verdict at all.
 */
export function decide(outcome: ValidationOutcome): Decision {
  switch (outcome.kind) {
    case 'valid':
      // A real node also compares outcome.result with the candidate's commitments here.
      return 'vote-valid';
    case 'invalid':
      // The PVF rejected the block, trapped, or ran past its timeout: deterministic.
      return 'vote-invalid';
    case 'possibly-invalid':
      // A worker died or erred in a way the candidate may have caused: for backing this
      // means "do not back", for approval a vote against.
      return 'vote-invalid';
    case 'preparation-error':
      // Deterministic errors mean the code itself is broken; others say nothing about it.
      return outcome.deterministic ? 'vote-invalid' : 'abstain';
    case 'internal-error':
      // Our own fault (never the candidate's): do not vote.
      return 'abstain';
  }
}

export interface DemoOptions {
  /** Adder blocks to back and then approve. */
  readonly blocks: number;
  /** Loopback port for /metrics (0: any free port). */
  readonly port: number;
  /** Host options, e.g. worker count (tests also pass bundle paths). */
  readonly host?: Partial<HostOptions>;
  /** The example PVFs (default: the ones `npm run build` produced). */
  readonly adder?: Uint8Array;
  readonly undying?: Uint8Array;
  readonly log?: (line: string) => void;
  /** After the workload, keep serving until SIGINT or SIGTERM, then shut down. */
  readonly hold?: boolean;
}

export interface DemoReport {
  readonly decisions: { label: string; kind: string; outcome: string; decision: Decision }[];
  /** The /metrics text scraped over HTTP just before shutdown. */
  readonly metricsText: string;
}

/** Starts a host and a metrics endpoint, validates a small workload, and shuts both down. */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { metrics, registry } = prometheusHostMetrics();
  const server = await serveMetrics(options.port, async () => ({
    type: registry.contentType,
    body: await registry.metrics(),
  }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  log(`metrics: ${url}`);
  const host = await ValidationHost.create({ ...options.host, metrics });
  const decisions: DemoReport['decisions'] = [];
  try {
    // Precheck once (as the node does when a PVF is first seen); validate by hash afterwards.
    const adder = await host.prepare(options.adder ?? exampleCode('adder'));
    if (adder.kind !== 'prepared') throw new Error(`adder precheck: ${adder.message}`);
    const undying = await host.prepare(options.undying ?? exampleCode('undying'));
    if (undying.kind !== 'prepared') throw new Error(`undying precheck: ${undying.message}`);

    const chain = new AdderChain();
    const blocks: Candidate[] = Array.from({ length: options.blocks }, () => chain.next());
    blocks.push(chain.invalid('state-mismatch'));
    // A block ordering far more work than a 300 ms budget allows: a hard timeout.
    const heavy = new UndyingChain().paramsFor({ tombstones: 4096, iterations: 1_000_000 });

    const run = async (
      label: string,
      kind: 'backing' | 'approval',
      codeHash: Uint8Array,
      params: Uint8Array,
      timeoutMs?: number,
    ) => {
      // Backing has the reference's 2 s budget and no retry; approval 12 s and one retry.
      const outcome = await submit(() => host.validate({ codeHash, params, kind, timeoutMs }));
      const decision = decide(outcome);
      const what = outcome.kind === 'valid' ? 'valid' : `${outcome.kind} (${outcome.message})`;
      decisions.push({ label, kind, outcome: outcome.kind, decision });
      log(`${label} ${kind}: ${what} -> ${decision}`);
    };

    // Backing first, as the node does when a collation arrives; then, while approvals of
    // those blocks are queued, new backing work still jumps ahead of them (priorities).
    await Promise.all(blocks.map((b) => run(b.label, 'backing', adder.codeHash, b.params)));
    await Promise.all([
      ...blocks.map((b) => run(b.label, 'approval', adder.codeHash, b.params)),
      run('undying #1', 'backing', undying.codeHash, heavy, 300),
    ]);
    const response = await fetch(url);
    const metricsText = await response.text();
    if (options.hold) {
      log(`serving ${url} until Ctrl-C`);
      await new Promise((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return { decisions, metricsText };
  } finally {
    // Clean shutdown: pending jobs end with HostClosedError, workers are killed and reaped.
    await host.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Submits with backoff while the host's queue is full (its backpressure signal). */
async function submit<T>(request: () => Promise<T>): Promise<T> {
  for (let delay = 10; ; delay = Math.min(delay * 2, 1000)) {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof QueueFullError)) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** GET /metrics on 127.0.0.1 only: metrics are for the operator, not the network. */
function serveMetrics(
  port: number,
  render: () => Promise<{ type: string; body: string }>,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    render().then(
      ({ type, body }) => res.writeHead(200, { 'content-type': type }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      blocks: { type: 'string', default: '20' },
      port: { type: 'string', default: '9615' },
      hold: { type: 'boolean', default: false },
    },
  });
  const report = await runDemo({
    blocks: Number(values.blocks),
    port: Number(values.port),
    hold: values.hold,
  });
  const tally: Record<string, number> = {};
  for (const d of report.decisions) tally[d.decision] = (tally[d.decision] ?? 0) + 1;
  console.log(`decisions: ${JSON.stringify(tally)}`);
  const counters = /^polkadot_pvf_\w+(?<!_bucket)(\{[^}]*\})? /;
  console.log(
    report.metricsText
      .split('\n')
      .filter((l) => counters.test(l))
      .join('\n'),
  );
}
