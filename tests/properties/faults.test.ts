// Every fault in the catalogue is found by a bounded hunt with a fixed seed, and reported with its expected kind.
// This is the CI-sized version of `vswap-check bench`: it proves each property can fail for the bug it targets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS, FAULT_NAMES, expectedKinds, faultSpec } from '../../impl/kernel/faults.ts';
import { hunt } from '../../properties/hunt.ts';
import { workloadSize } from '../../properties/workload.ts';

// one seed source for the whole suite: vitest.setup.ts (VSWAP_SEED, or the random seed it prints)
const SEED = fc.readConfigureGlobal().seed!;
/**
 * Executions per fault. Most faults fall within a few hundred; the slowest that is not a rare race
 * (ste-cache-only-mark-unlocked) needs 800-8000 on the seeds measured (BENCHMARKS.md), so the budget leaves room.
 */
const RUNS = 12_000;

describe('the fault catalogue', () => {
  const bounded = FAULT_NAMES.filter((n) => !faultSpec(n).rareRace);
  const rare = FAULT_NAMES.filter((n) => faultSpec(n).rareRace);

  it.each(bounded)(`%s is detected within a bounded hunt (${RUNS} runs)`, async (name) => {
    const r = await hunt({ seed: SEED, runs: RUNS, seconds: 120, shrinkSeconds: 20, strategy: 'mixed', faults: [name] });
    expect(r.failure, `${name} not detected in ${r.executions} executions`).not.toBeNull();
    expect(expectedKinds(FAULTS[name])).toContain(r.failure!.execution.failure?.kind);
    // and it is this fault's failure: with the fault off the same workload and schedule pass
    expect(r.failure!.withoutFaults, `${name}: fails with the fault off too`).toBeNull();
    // shrinking keeps the failure of the same kind and never grows the workload
    expect(workloadSize(r.failure!.workload).ops).toBeLessThanOrEqual(workloadSize(r.failure!.original).ops);
  });

  it.each(rare)('%s, a rare race, has a committed regression that the regression test replays', (name) => {
    const file = join(import.meta.dirname, '../..', faultSpec(name).rareRace!.regression);
    expect(existsSync(file), file).toBe(true);
  });

  // (the correctness properties of tests/properties run the correct code far longer; this is the catalogue's control)
  it('nothing fails with every fault off in a 300-run hunt of the same seed', async () => {
    const r = await hunt({ seed: SEED, runs: 300, seconds: 60, strategy: 'mixed', faults: [] });
    expect(r.failure?.execution.failure ?? null).toBeNull();
    expect(r.executions).toBe(300);
  });
});
