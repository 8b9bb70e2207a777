// The host-call warm-up a worker runs when it loads (runtime/host/call-warmup.ts): its module
// goes through the engine as a PVF does and reaches every host function it names, through the
// registry the engine links PVFs against, with signatures that verify (a warm-up whose calls
// failed would warm the failure paths instead). Whether it makes the first validation faster is
// measured, not asserted (`npm run bench -- blocks`, cold rows).
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GuestMemory } from '../../../runtime/engine/memory.js';
import type { HostContext, HostFunction } from '../../../runtime/host/context.js';
import {
  CALLS,
  WARM_UP_ROUNDS,
  WARMED_UP_HOST_FUNCTIONS,
  warmUpHostCalls,
  warmUpModule,
} from '../../../runtime/host/call-warmup.js';
import { PVF_HOST_FUNCTIONS } from '../../../runtime/host/registry.js';
import { WASM_HOST_IMPORTS } from '../../../runtime/engine/wasm-host.js';

const calls = new Map<string, number>();
const results = new Map<string, unknown[]>();

beforeAll(() => {
  // Counted where the engine looks the imports up when it links a module.
  const registry = PVF_HOST_FUNCTIONS as Map<string, HostFunction>;
  for (const name of WARMED_UP_HOST_FUNCTIONS) {
    const f = registry.get(name)!;
    registry.set(name, {
      signature: f.signature,
      call: (ctx: HostContext, ...args) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        const r = f.call(ctx, ...args);
        if (/verify/.test(name)) results.set(name, [...(results.get(name) ?? []), r]);
        return r;
      },
    });
  }
});

describe('the host-call warm-up', () => {
  it('is a valid module of host functions the registry has', () => {
    expect(WebAssembly.validate(warmUpModule())).toBe(true);
    for (const name of WARMED_UP_HOST_FUNCTIONS) expect(PVF_HOST_FUNCTIONS.has(name)).toBe(true);
  });

  it('runs through the engine, calling each host function, with every signature accepted', () => {
    const out = warmUpHostCalls();
    if (out.kind !== 'valid') throw new Error(`warm-up outcome: ${out.kind}`);
    // Both checks every 64th round, one more in the batch, and the batch's own verdict.
    const checks = 2 * Math.ceil(WARM_UP_ROUNDS / 64);
    // The result's encoding: compact(4), the count, no code, no messages, two zero u32s.
    const r = out.result;
    expect(r.length).toBe(16);
    expect(r[0]).toBe(4 << 2);
    const yes = new DataView(r.buffer, r.byteOffset).getInt32(1, true);
    expect(yes).toBe(checks + 2);
    // The guest's calls of the functions served in wasm (the allocator, twox) go to those of
    // its memory, never through the registry's JavaScript (runtime/engine/instance.ts); every
    // other one does.
    for (const name of WARMED_UP_HOST_FUNCTIONS) {
      if (name in WASM_HOST_IMPORTS) expect(calls.get(name) ?? 0).toBe(0);
      else expect(calls.get(name) ?? 0).toBeGreaterThan(0);
    }
    expect(calls.get('ext_hashing_blake2_128_version_1')).toBeGreaterThanOrEqual(WARM_UP_ROUNDS);
    // The control for `yes`: each verification answered 1, none refused.
    for (const name of [
      'ext_crypto_sr25519_verify_version_2',
      'ext_crypto_ed25519_verify_version_1',
    ])
      expect(new Set(results.get(name))).toEqual(new Set([1]));
  });

  it('grows its memory while host functions run, as a PVF does', () => {
    // A grown memory detaches the host's view of it, which host code then makes anew: a path a
    // warm-up that never grows leaves without type feedback, so that the first real validation
    // threw away optimized host code (V8's --trace-deopt). Without the growth there is one view
    // per call, the one it starts with (checked by taking the growth out).
    const refresh = vi.spyOn(GuestMemory.prototype as unknown as { refresh(): void }, 'refresh');
    try {
      warmUpHostCalls();
      const perCall = refresh.mock.calls.length / CALLS;
      expect(perCall).toBeGreaterThan(1 + WARM_UP_ROUNDS / 64 / 2);
    } finally {
      refresh.mockRestore();
    }
  });
});
