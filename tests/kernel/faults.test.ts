// Each fault of the catalogue: its hand-written scenario fails with the catalogue's expected kind when the fault is
// on, and passes with the fault off (same workload, same schedule).
import { describe, expect, it } from 'vitest';
import { FAULTS, FAULT_NAMES, expectedKinds } from '../../impl/kernel/faults.ts';
import type { FaultName } from '../../impl/kernel/faults.ts';
import { ACCOUNTING, rewriteAfterSwapout } from './fault_scenarios/accounting.ts';
import { LIFETIME } from './fault_scenarios/lifetime.ts';
import { LOCKING, swapoutExit } from './fault_scenarios/locking.ts';
import type { Scenario } from './fault_scenarios/outcome.ts';
import { doubleSwapin, swapoffRace, threadsSwapin, zswapWritebackRace } from './fault_scenarios/races.ts';
import { STE } from './fault_scenarios/ste.ts';

const RACES: Partial<Record<FaultName, Scenario>> = {
  'zswap-writeback-early-release': zswapWritebackRace,
  // PRNG schedule seeds found to hit each race window (see races.ts)
  'swapin-eexist-as-success': doubleSwapin(1),
  'swapoff-no-recheck': swapoffRace(4),
  'swapin-no-pte-recheck': threadsSwapin(2),
};

const SCENARIOS: Partial<Record<FaultName, Scenario>> = { ...LOCKING, ...LIFETIME, ...RACES, ...ACCOUNTING, ...STE };

describe('fault catalogue', () => {
  it('documents every fault', () => {
    for (const name of FAULT_NAMES) {
      const f = FAULTS[name];
      expect(f.description.length, name).toBeGreaterThan(20);
      expect(f.mechanism.length, name).toBeGreaterThan(20);
      expect(f.interleaving.length, name).toBeGreaterThan(20);
    }
  });

  it('has a scenario for every fault', () => {
    expect(FAULT_NAMES.filter((n) => !SCENARIOS[n])).toEqual([]);
  });

  for (const name of FAULT_NAMES) {
    it(`${name}: fails with '${expectedKinds(FAULTS[name]).join("' or '")}' when on, passes when off`, () => {
      const run = SCENARIOS[name]!;
      expect(expectedKinds(FAULTS[name])).toContain(run([name]));
      expect(run([])).toBe('ok');
    });
  }

  it('memcg1-swapout-relock needs cgroup v1: on v2 the same scenario passes', () => {
    expect(swapoutExit('v2')(['memcg1-swapout-relock'])).toBe('ok');
  });

  it('free-swap-skips-uncharge needs cgroup v2: on v1 the same scenario passes', () => {
    expect(rewriteAfterSwapout('v1-memsw')(['free-swap-skips-uncharge'])).toBe('ok');
  });

  it('the race scenarios are races: without preemption the faulty kernels pass', () => {
    expect(doubleSwapin(null)(['swapin-eexist-as-success'])).toBe('ok');
    expect(swapoffRace(null)(['swapoff-no-recheck'])).toBe('ok');
    expect(threadsSwapin(null)(['swapin-no-pte-recheck'])).toBe('ok');
  });
});
