// Host options without the OS: the isolation and nativeCrypto options are checked once, naming the option.
import { describe, expect, it } from 'vitest';
import { HostOptionError } from '../../../src/host/errors.js';
import { DEFAULT_HOST_OPTIONS, resolveHostOptions } from '../../../src/host/options.js';

describe('host options', () => {
  it("isolation defaults to 'code' and accepts the three modes", () => {
    expect(DEFAULT_HOST_OPTIONS.isolation).toBe('code');
    for (const isolation of ['code', 'job', 'none'] as const)
      expect(resolveHostOptions({ isolation }).isolation).toBe(isolation);
  });

  it('refuses an unknown isolation mode, naming the option', () => {
    expect(() => resolveHostOptions({ isolation: 'process' as never })).toThrow(HostOptionError);
    expect(() => resolveHostOptions({ isolation: 'process' as never })).toThrow(/'isolation'/);
  });
});

describe('nativeCrypto option', () => {
  it('defaults to true and accepts false', () => {
    expect(DEFAULT_HOST_OPTIONS.nativeCrypto).toBe(true);
    expect(resolveHostOptions({ nativeCrypto: false }).nativeCrypto).toBe(false);
  });

  it('refuses anything but a boolean, naming the option', () => {
    expect(() => resolveHostOptions({ nativeCrypto: 'no' as never })).toThrow(/'nativeCrypto'/);
  });
});
