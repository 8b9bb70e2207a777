// The job-path warm-up a worker runs when it loads (runtime/worker/job-warmup.ts): the host-call
// warm-up module goes through the protocol's encoding and decoding and a job runner of its own,
// as a request of the host would, and comes out with the engine's own verdict. Whether it makes
// the first validation faster is measured, not asserted (README, Performance).
import { describe, expect, it, vi } from 'vitest';
import { warmUpHostCalls } from '../../../runtime/host/call-warmup.js';
import { Jobs } from '../../../runtime/worker/jobs.js';
import { warmUpJobPath } from '../../../runtime/worker/job-warmup.js';

describe('the job-path warm-up', () => {
  it('prepares and executes through the job runner, with the engine verdict', async () => {
    const prepare = vi.spyOn(Jobs.prototype, 'prepare');
    const execute = vi.spyOn(Jobs.prototype, 'execute');
    try {
      const [prepared, executed] = await warmUpJobPath();
      expect(prepared).toMatchObject({ kind: 'prepared' });
      const engine = warmUpHostCalls();
      if (engine.kind !== 'valid' || executed?.kind !== 'valid')
        throw new Error(`outcomes: ${engine.kind}, ${executed?.kind}`);
      expect(executed.result).toEqual(engine.result);
      // Each request as the worker reads it: the decoder's copy, a PoV with its fields.
      expect(prepare).toHaveBeenCalledTimes(1);
      expect(prepare.mock.calls[0]![1]).toBe('compile');
      expect(execute).toHaveBeenCalledTimes(1);
      const input = execute.mock.calls[0]![1];
      expect(input).toMatchObject({ kind: 'pov', relayParentNumber: 1 });
      expect(input.kind === 'pov' && [...input.blockData]).toEqual(new Array(64).fill(0));
    } finally {
      prepare.mockRestore();
      execute.mockRestore();
    }
  });
});
