// The README's host-function table is generated from the registry; this fails when it is stale
// (run `npx tsx scripts/host-functions-table.ts`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostFunctionsTable, withTable } from '../../scripts/host-functions-table.js';
import { PVF_HOST_FUNCTIONS, REFERENCE_ONLY } from '../../runtime/host/registry.js';

describe('README host-function table', () => {
  const readme = readFileSync('README.md', 'utf8');
  it('equals the table generated from the registry', () => {
    expect(withTable(readme)).toBe(readme);
  });
  it('has one row per registry entry (control: the generator sees every name)', () => {
    const table = hostFunctionsTable();
    for (const name of [...PVF_HOST_FUNCTIONS.keys(), ...REFERENCE_ONLY.keys()])
      expect(table).toContain(`\`${name}\``);
    expect(withTable(readme.replace('`ext_allocator_free_version_1`', '`x`'))).not.toBe(
      readme.replace('`ext_allocator_free_version_1`', '`x`'),
    );
  });
});
