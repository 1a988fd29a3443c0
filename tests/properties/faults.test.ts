// Every fault in the catalogue is found by a bounded hunt with a fixed seed, and reported with its expected kind.
// This is the CI-sized version of `vswap-check bench`: it proves each property can fail for the bug it targets.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FAULTS, FAULT_NAMES, expectedKinds, faultSpec } from '../../impl/kernel/faults.ts';
import { hunt } from '../../properties/hunt.ts';
import { workloadSize } from '../../properties/workload.ts';

const SEED = Number(process.env.VSWAP_SEED ?? 20261126);
/**
 * Executions per fault. Most faults fall within a few hundred; the slowest that is not a rare race
 * (ste-cache-only-mark-unlocked) needs 800-8000 on the seeds measured (BENCHMARKS.md), so the budget leaves room.
 */
const RUNS = 12_000;

describe('the fault catalogue', () => {
  const bounded = FAULT_NAMES.filter((n) => !faultSpec(n).rareRace);
  const rare = FAULT_NAMES.filter((n) => faultSpec(n).rareRace);

  it.each(bounded)(`%s is detected within a bounded hunt (${RUNS} runs)`, (name) => {
    const r = hunt({ seed: SEED, runs: RUNS, seconds: 120, shrinkSeconds: 20, strategy: 'mixed', faults: [name] });
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

  it('nothing fails with every fault off over the same budget', () => {
    const r = hunt({ seed: SEED, runs: 300, seconds: 60, strategy: 'mixed', faults: [] });
    expect(r.failure?.execution.failure ?? null).toBeNull();
    expect(r.executions).toBe(300);
  });
});
