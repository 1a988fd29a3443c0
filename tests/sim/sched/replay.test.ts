// Strict replay: a recorded schedule reproduces the run exactly; a tampered one fails with replay-mismatch.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChoicesScheduler, Machine, ReplayScheduler, spin_lock, spin_unlock, type Scheduler } from '../../../impl/sim/index.ts';

function build(scheduler: Scheduler): Machine {
  const m = new Machine({ cpus: 2, scheduler });
  const l = m.spinlock('L');
  for (let c = 0; c < 2; c++) {
    m.spawn(c, `t${c}`, function* (m) {
      for (let i = 0; i < 3; i++) {
        yield* spin_lock(m, l);
        yield* m.point('inside');
        yield* spin_unlock(m, l);
      }
      m.raise_irq('done', function* (m) {
        yield* m.point('irq work');
      });
    });
  }
  return m;
}

describe('ReplayScheduler', () => {
  it('replaying a recorded schedule reproduces the identical log', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5 }), { maxLength: 60 }), (choices) => {
        const first = build(new ChoicesScheduler(choices));
        const r1 = first.run();
        const again = build(new ReplayScheduler([...first.schedule]));
        const r2 = again.run();
        expect(r2).toEqual(r1);
        expect(JSON.stringify(again.log)).toBe(JSON.stringify(first.log));
      }),
      { numRuns: 100 },
    );
  });

  it('a tampered schedule fails with replay-mismatch naming the step, the expected id and the runnables', () => {
    const first = build(new ChoicesScheduler([1, 0, 1, 0, 1]));
    expect(first.run().ok).toBe(true);
    const ids = [...first.schedule];
    const at = 3;
    ids[at] = 'cpu7';
    const r = build(new ReplayScheduler(ids)).run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('replay-mismatch');
    expect(r.failure.message).toContain(`step ${at}: recorded 'cpu7' is not runnable; runnable: cpu0, cpu1`);
  });

  it('a truncated schedule fails rather than silently continuing', () => {
    const first = build(new ChoicesScheduler([]));
    first.run();
    const r = build(new ReplayScheduler(first.schedule.slice(0, 4))).run();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.message).toContain('the recording ends after 4 steps');
  });
});
