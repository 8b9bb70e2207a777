// The queue's priority scheduling against the reference's own tests
// (polkadot/node/core/pvf/src/execute/queue.rs, `test_unscheduled_*`), and its bound.
import { describe, expect, it } from 'vitest';
import { type Priority, Scheduler } from '../../../src/host/scheduler.js';

function schedule(waiting: [Priority, number][], picks = 12): Priority[] {
  const s = new Scheduler<Priority>(10_000);
  for (const [p, n] of waiting) for (let i = 0; i < n; i++) s.push(p, p);
  return Array.from({ length: picks }, () => s.next()!);
}
const count = (xs: Priority[], p: Priority) => xs.filter((x) => x === p).length;

describe('Scheduler', () => {
  it('with every kind waiting, a window of 12 holds 8 disputes, 3 approvals, 1 backing of system paras', () => {
    const got = schedule([
      ['dispute', 12],
      ['approval', 12],
      ['backing-system-paras', 12],
      ['backing', 12],
    ]);
    expect([
      count(got, 'dispute'),
      count(got, 'approval'),
      count(got, 'backing-system-paras'),
    ]).toEqual([8, 3, 1]);
  });

  it('without system paras: 8 disputes, 3 approvals, 1 backing', () => {
    const got = schedule([
      ['dispute', 12],
      ['approval', 12],
      ['backing', 12],
    ]);
    expect([count(got, 'dispute'), count(got, 'approval'), count(got, 'backing')]).toEqual([
      8, 3, 1,
    ]);
  });

  it('without disputes: 9 approvals, 2 backing of system paras, 1 backing', () => {
    const got = schedule([
      ['approval', 12],
      ['backing-system-paras', 12],
      ['backing', 12],
    ]);
    expect([
      count(got, 'approval'),
      count(got, 'backing-system-paras'),
      count(got, 'backing'),
    ]).toEqual([9, 2, 1]);
  });

  it('does not postpone a lone backing job behind approvals', () => {
    expect(
      schedule(
        [
          ['approval', 12],
          ['backing', 1],
        ],
        4,
      ),
    ).toEqual(['approval', 'backing', 'approval', 'approval']);
  });

  it('is bounded: a full queue refuses, a requeued job goes first', () => {
    const s = new Scheduler<string>(2);
    expect(s.push('a', 'backing')).toBe(true);
    expect(s.push('b', 'backing')).toBe(true);
    expect(s.push('c', 'backing')).toBe(false);
    s.requeue('z', 'backing');
    expect([s.next(), s.next(), s.next(), s.next()]).toEqual(['z', 'a', 'b', undefined]);
  });
});
