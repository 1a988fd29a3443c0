// Scenarios of the faults that need two paths to meet on one slot: a swap-in racing zswap writeback, a second
// swap-in, or swapoff. Schedules that interleave two CPUs are drawn from a seeded PRNG (one choice in `density` is
// a preemption); the seeds below were picked so that the race window is hit, and every test checks both the
// faulty and the correct kernel on the same schedule.
import type { FaultName } from '../../../impl/kernel/faults.ts';
import { Prng, wait_event } from '../../../impl/sim/index.ts';
import { op_exit, op_fork, op_pageout, op_read, op_swapoff, op_write, op_zswap_writeback } from '../../../impl/world/ops.ts';
import type { Process } from '../../../impl/world/world.ts';
import { NoPreemptScheduler } from '../../world/harness.ts';
import { flag, scenario, type Scenario } from './outcome.ts';

/**
 * A schedule for two CPUs: about one preemption every `density` steps, reproducible from the seed; null is the
 * schedule without preemption (each CPU runs until it sleeps or ends).
 */
export function schedule(seed: number | null, density = 3, length = 4000): number[] {
  if (seed === null) return [];
  const prng = new Prng(seed);
  return Array.from({ length }, () => (prng.below(density) === 0 ? 1 : 0));
}

/** P swaps a page out to zswap; the shrinker writes it back; P reads it before the write's interrupt. */
export function zswapWritebackRace(faults: FaultName[]): string {
  // one CPU and no preemption: the completion interrupt is taken only once the CPU has nothing else to run
  const s = scenario({ zswapCapacity: 4, faults }, { cpus: 1, scheduler: new NoPreemptScheduler() });
  const w = s.h.w;
  const p = w.createProcess(0);
  const stored = flag(s.h);
  const written = flag(s.h);
  return s.outcome(
    ['P', 0, function* () {
      yield* op_write(w, p, 0, 3);
      yield* op_pageout(w, p, 0, 1);
      stored.set();
      yield* written.wait('zswap writeback submitted');
      s.expectRead('P page 0', yield* op_read(w, p, 0), 3);
      yield* op_exit(w, p);
    }],
    ['shrinker', 0, function* () {
      yield* stored.wait('page in zswap');
      yield* op_zswap_writeback(w, 1);
      written.set();
    }],
  );
}

/** Parent and child fault the same swapped-out slot in at once. */
export function doubleSwapin(seed: number | null): Scenario {
  return (faults) => {
    const s = scenario({ zswapCapacity: 4, faults }, { cpus: 2, choices: schedule(seed) });
    const w = s.h.w;
    const p = w.createProcess(0);
    let child: Process | null = null;
    return s.outcome(
      ['P', 0, function* () {
        yield* op_write(w, p, 0, 2);
        yield* op_pageout(w, p, 0, 1);
        child = yield* op_fork(w, p);
        s.expectRead('P page 0', yield* op_read(w, p, 0), 2);
        yield* op_exit(w, p);
      }],
      ['C', 1, function* () {
        yield* wait_event(s.h.m, 'child forked', () => child !== null);
        s.expectRead('child page 0', yield* op_read(w, child!, 0), 2);
        yield* op_exit(w, child!);
      }],
    );
  };
}

/** P swaps in from the device (the folio stays in the swap cache) and then writes, while swapoff runs. */
export function swapoffRace(seed: number | null): Scenario {
  return (faults) => {
    const s = scenario(
      { zswapCapacity: 0, devices: [{ slots: 8, clusterSize: 4 }], faults },
      { cpus: 2, choices: schedule(seed) },
    );
    const w = s.h.w;
    const p = w.createProcess(0);
    const cached = flag(s.h);
    return s.outcome(
      ['P', 0, function* () {
        yield* op_write(w, p, 0, 2);
        yield* op_pageout(w, p, 0, 1);
        yield* wait_event(s.h.m, 'write to swap done', () => !w.k.folios.some((f) => !f.freed && f.writeback));
        s.expectRead('P page 0', yield* op_read(w, p, 0), 2);
        cached.set();
        yield* op_write(w, p, 0, 5);
        s.expectRead('P page 0', yield* op_read(w, p, 0), 5);
        yield* op_exit(w, p);
      }],
      ['swapoff', 1, function* () {
        yield* cached.wait('folio in the swap cache');
        yield* op_swapoff(w, 0);
      }],
    );
  };
}

/** Two threads of one process read the same swapped-out page at once (the second finds the folio in the cache). */
export function threadsSwapin(seed: number | null): Scenario {
  return (faults) => {
    const s = scenario({ zswapCapacity: 4, faults }, { cpus: 2, choices: schedule(seed) });
    const w = s.h.w;
    const p = w.createProcess(0);
    const swapped = flag(s.h);
    let reading = 2;
    return s.outcome(
      ['P', 0, function* () {
        yield* op_write(w, p, 0, 2);
        yield* op_pageout(w, p, 0, 1);
        swapped.set();
        s.expectRead('P page 0', yield* op_read(w, p, 0), 2);
        reading--;
        yield* wait_event(s.h.m, 'P/t1 done', () => reading === 0);
        yield* op_exit(w, p);
      }],
      ['P/t1', 1, function* () {
        yield* swapped.wait('page swapped out');
        s.expectRead('P/t1 page 0', yield* op_read(w, p, 0), 2);
        reading--;
      }],
    );
  };
}
