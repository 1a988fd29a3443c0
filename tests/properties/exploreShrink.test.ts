// explore --shrink keeps a change only when a search of the smaller workload, within its budget, finds the same
// kind of failure: a budget too small to reach the failure keeps the workload as it was (it claims nothing it did
// not run), and a workable budget removes what the failure does not need.
import { describe, expect, it } from 'vitest';
import { exploreWorkload } from '../../properties/explore.ts';
import { shrinkExplored } from '../../properties/exploreShrink.ts';
import { workloadSize, type Workload } from '../../properties/workload.ts';
import { loadTrace, traceWorkload } from '../../traces/load.ts';

const t = loadTrace('traces/regressions/double-free.json');
const base = traceWorkload(t);
// the regression plus a process the double free does not need
const padded: Workload = { ...base, processes: [...base.processes, { cpu: 1, memcg: 0, ops: [{ op: 'write', page: 3, value: 7 }, { op: 'read', page: 3 }] }] };
const opts = { faults: ['double-free' as const], lockdep: t.lockdep };

describe('shrinkExplored', () => {
  const found = exploreWorkload(padded, { ...opts, preemptions: 2 });

  it('starts from a failure the search found (at 1 preemption)', () => {
    expect(found.first?.preemptions).toBe(1);
  });

  it('keeps nothing when no candidate search can reach the failure within its budget', async () => {
    // one run covers bound 0 only, where this race cannot happen
    const r = await shrinkExplored(padded, found.first!, { ...opts, runsPerTry: 1 });
    expect(r.kept).toBe(0);
    expect(r.tries).toBeGreaterThan(0);
    expect(r.workload.processes).toEqual(padded.processes);
    expect(r.first).toBe(found.first);
  });

  it('removes what the failure does not need, and the result fails again within the bound', async () => {
    const r = await shrinkExplored(padded, found.first!, { ...opts, runsPerTry: 1000 });
    expect(r.kept).toBeGreaterThan(0);
    expect(workloadSize(r.workload).ops).toBeLessThan(workloadSize(padded).ops);
    expect(r.first.failure.kind).toBe(found.first!.failure.kind);
    const again = exploreWorkload(r.workload, { ...opts, preemptions: r.first.preemptions });
    expect(again.first?.failure.kind).toBe(found.first!.failure.kind);
  });

  it('stops at once when asked, with the workload it had', async () => {
    const r = await shrinkExplored(padded, found.first!, { ...opts, runsPerTry: 1000, stop: () => true });
    expect(r).toMatchObject({ tries: 0, kept: 0 });
    expect(r.workload.processes).toEqual(padded.processes);
  });
});
