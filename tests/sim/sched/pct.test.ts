// PctScheduler: reproducible from its seed, explores different interleavings across seeds, prints its bound.
import { describe, expect, it } from 'vitest';
import { Machine, PctScheduler, spin_lock, spin_unlock } from '../../../impl/sim/index.ts';

function run(seed: number, depth = 3) {
  const pct = new PctScheduler({ seed, depth, expectedSteps: 60 });
  const m = new Machine({ cpus: 3, scheduler: pct, lockdep: false });
  const l = m.spinlock('L');
  for (let c = 0; c < 3; c++) {
    m.spawn(c, `t${c}`, function* (m) {
      for (let i = 0; i < 4; i++) {
        yield* spin_lock(m, l);
        yield* spin_unlock(m, l);
      }
    });
  }
  const r = m.run();
  return { pct, r, schedule: m.schedule.join(' ') };
}

describe('PctScheduler', () => {
  it('is reproducible from its seed', () => {
    expect(run(42).schedule).toBe(run(42).schedule);
  });

  it('different seeds give different schedules', () => {
    const schedules = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => run(s).schedule));
    expect(schedules.size).toBeGreaterThan(2);
  });

  it('reports 1/(n·k^(d-1)) for the run', () => {
    const { pct, r } = run(7, 3);
    expect(r.ok).toBe(true);
    const b = pct.probabilityBound();
    expect(b.n).toBe(3);
    expect(b.k).toBe(r.steps);
    expect(b.d).toBe(3);
    expect(b.probability).toBeCloseTo(1 / (3 * r.steps * r.steps), 12);
    expect(b.text).toContain(`1/(n·k^(d-1)) = 1/(3·${r.steps}^2)`);
  });
});
