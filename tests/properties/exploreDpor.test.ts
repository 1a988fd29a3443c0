// DPOR's race analysis (properties/exploreDpor.ts) on real workloads. It keeps the threads and vector clocks of the
// prefix a run shares with the last one (DporRaces), and the simulator builds no footprint for the steps of that
// prefix (Machine.replayedPrefix): both must leave the choices exactly those of a fresh analysis of the whole path
// with every footprint built, so both searches run the same schedules in the same order (both share the race rules,
// which explore.test.ts pins on textbook programs). And the races it leaves out must be ones no outcome needs
// (bench/explore-agreement.ts compares outcomes with the unreduced search).
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../impl/kernel/faults.ts';
import { execute } from '../../properties/execute.ts';
import { explore } from '../../properties/explore.ts';
import { loadTrace, traceWorkload } from '../../traces/load.ts';

/** Every schedule a K = `k` DPOR search of the regression runs, in order, and its result. */
function search(file: string, withFault: boolean, k: number, dporFresh: boolean) {
  const t = loadTrace(`traces/regressions/${file}.json`);
  const w = traceWorkload(t);
  const faults = (withFault ? t.faults : []) as readonly FaultName[];
  const schedules: string[] = [];
  const r = explore(
    (scheduler, onMachine) => {
      const ex = execute(w, { faults, lockdep: t.lockdep, scheduler, onMachine });
      schedules.push(ex.schedule.join(' '));
      return ex;
    },
    { preemptions: k, dporFresh },
  );
  return { status: r.status, bounds: r.bounds, runs: r.runs, schedules };
}

describe('DPOR race analysis', () => {
  // interrupts on both CPUs, pending completions, sleeping tasks, a failure that ends a run early, and queues of RCU
  // callbacks (each delivery's footprint names the one before it, which may lie in the replayed prefix)
  it.each([
    ['swapoff-no-recheck', false],
    ['swapin-no-pte-recheck', false],
    ['ste-rmap-read-no-table', true],
    ['ste-dynamic-publish-unlocked', false],
  ] as const)('keeping the shared prefix runs the schedules a fresh analysis runs (%s, fault %s)', (file, withFault) => {
    const kept = search(file, withFault, 1, false);
    const fresh = search(file, withFault, 1, true);
    expect(kept.runs).toBeGreaterThan(100);
    expect(kept).toEqual(fresh);
  });

  it('numbers each named piece of shared state the same in every run of a search', () => {
    // footprints of different runs meet (a sleeping sibling's against this run's steps): numbered at its first use in
    // each run, a slot first named by a sibling would get another number here, and a step touching it would not wake
    // the sibling
    const t = loadTrace('traces/regressions/ste-rmap-read-no-table.json');
    const w = traceWorkload(t);
    const seen = new Map<string, number>();
    let clashes = 0;
    let runs = 0;
    explore(
      (scheduler, onMachine) => {
        let machine: unknown = null;
        const ex = execute(w, { faults: [], lockdep: t.lockdep, scheduler, onMachine: (m) => { machine = m; onMachine(m); } });
        runs++;
        for (const [name, id] of (machine as { engine: { sharedIds: Map<string, number> } }).engine.sharedIds) {
          if ((seen.get(name) ?? id) !== id) clashes++;
          seen.set(name, id);
        }
        return ex;
      },
      { preemptions: 1 },
    );
    expect(runs).toBeGreaterThan(100);
    expect(seen.size).toBeGreaterThan(10);
    expect(clashes).toBe(0);
  });

  it('does not race an atomic delivery with a later step of its CPU that only turns interrupts off or on', () => {
    // the RCU callbacks that free a cluster's table and the cluster (atomic deliveries) on a CPU whose task then
    // takes interrupt-disabling locks (the swap cache's, the LRU's): 205 runs at K = 1 when each such step was a race
    const r = search('ste-lookup-no-dead-check', false, 1, false);
    expect(r.status).toBe('complete');
    expect(r.runs).toBeLessThan(100);
  });
});
