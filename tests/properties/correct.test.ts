// The correct implementation, under generated concurrent workloads and schedules, refines both statecharts, never
// loses data, leaves nothing behind at quiescence, and never deadlocks or trips lockdep.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DEFAULT_BOUNDS, workloadArb } from '../../properties/arbitraries.ts';
import { execute } from '../../properties/execute.ts';
import { describeWorkload } from '../../properties/workload.ts';
import { RUNS } from './budget.ts';

function explain(w: Parameters<typeof execute>[0], e: ReturnType<typeof execute>): string {
  return `${e.failure?.kind}: ${e.failure?.message}\n${describeWorkload(w).join('\n')}\n${e.failure?.text ?? ''}`;
}

describe('the correct implementation', () => {
  test.prop([workloadArb(DEFAULT_BOUNDS)], { numRuns: RUNS })('survives random schedules with every oracle on', (w) => {
    const e = execute(w, { faults: [] });
    expect(e.failure, e.failure ? explain(w, e) : '').toBeNull();
  });

  test.prop([workloadArb({ ...DEFAULT_BOUNDS, strategy: 'pct' })], { numRuns: Math.ceil(RUNS / 3) })('survives PCT schedules', (w) => {
    const e = execute(w, { faults: [] });
    expect(e.failure, e.failure ? explain(w, e) : '').toBeNull();
  });
});

describe('executions are deterministic', () => {
  test.prop([workloadArb(DEFAULT_BOUNDS)], { numRuns: 40 })('the same workload gives the same schedule and log twice', (w) => {
    const a = execute(w, { faults: [], keepLog: true });
    const b = execute(w, { faults: [], keepLog: true });
    expect(b.schedule).toEqual(a.schedule);
    expect(b.log).toEqual(a.log);
    expect(b.failure).toEqual(a.failure);
  });

  test.prop([workloadArb(DEFAULT_BOUNDS)], { numRuns: 40 })('a recorded schedule replays strictly to the same log', (w) => {
    const a = execute(w, { faults: [], keepLog: true });
    const r = execute(w, { faults: [], keepLog: true, replay: a.schedule });
    expect(r.log).toEqual(a.log);
    expect(r.failure).toEqual(a.failure);
  });

  test.prop([workloadArb(DEFAULT_BOUNDS), fc.nat()], { numRuns: 20 })('a tampered schedule is refused as a replay mismatch', (w, at) => {
    const a = execute(w, { faults: [] });
    fc.pre(a.schedule.length > 2 && new Set(a.schedule).size > 1);
    const i = at % a.schedule.length;
    const other = a.schedule.find((id) => id !== a.schedule[i])!;
    const tampered = [...a.schedule];
    tampered[i] = `${other}-not-runnable`;
    const r = execute(w, { faults: [], replay: tampered });
    expect(r.failure?.kind).toBe('replay-mismatch');
  });
});
