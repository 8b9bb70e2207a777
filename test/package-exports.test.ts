// The package as an embedder imports it, by name through package.json's exports map (Node
// resolves a package's own name from inside it): the validator API at the root, the example
// PVFs and block producers under `pvf-runtime/examples`, Prometheus under `pvf-runtime/metrics`
// (prom-client, an optional peer, loaded by that subpath only), and every error the API throws.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Examples from '../src/examples/index.js';

const BUILT = existsSync(join(import.meta.dirname, '../dist/index.js'));
/** Imported by name at run time (the specifiers are values, so typechecking needs no build). */
const load = (specifier: string) => import(specifier) as Promise<Record<string, unknown>>;

describe.runIf(BUILT)('package exports', () => {
  it('the root has the validator API and its errors, and no example helpers', async () => {
    const root = await load('pvf-runtime');
    for (const name of [
      'ValidationHost',
      'DEFAULT_HOST_OPTIONS',
      'HostOptionError',
      'HostRequestError',
      'UnknownCodeError',
      'QueueFullError',
      'HostClosedError',
      'WorkerStartError',
      'SandboxUnavailableError',
      'SandboxOptionsError',
      'stderrLogger',
      'NO_METRICS',
    ])
      expect(root[name], name).toBeDefined();
    for (const name of ['AdderChain', 'UndyingChain', 'exampleCode'])
      expect(root[name]).toBeUndefined();
  });

  it('pvf-runtime/examples has the example PVFs and their producers', async () => {
    const examples = (await load('pvf-runtime/examples')) as unknown as typeof Examples;
    const block = new examples.AdderChain().next();
    expect(block.expected.kind).toBe('valid');
    expect(examples.exampleCode('adder').subarray(0, 4)).toEqual(
      new Uint8Array([0, 0x61, 0x73, 0x6d]),
    );
  });

  it('pvf-runtime/metrics has the Prometheus metrics; only it loads prom-client', async () => {
    const metrics = await load('pvf-runtime/metrics');
    expect(typeof metrics.prometheusHostMetrics).toBe('function');
    const root = await load('pvf-runtime');
    expect(root.prometheusHostMetrics).toBeUndefined();
    const dist = (f: string) => readFileSync(join(import.meta.dirname, '../dist', f), 'utf8');
    // The control: the subpath's bundle does import it.
    expect(dist('metrics.js')).toMatch(/from ["']prom-client["']/);
    for (const f of ['index.js', 'cli.js', 'examples-api.js', 'collator.js'])
      expect(dist(f), f).not.toMatch(/prom-client/);
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8'));
    expect(pkg.dependencies['prom-client']).toBeUndefined();
    expect(pkg.peerDependenciesMeta['prom-client']).toEqual({ optional: true });
  });
});
