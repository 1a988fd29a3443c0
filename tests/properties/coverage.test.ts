// The generator reaches the code it claims to check: a bounded hunt of the correct implementation covers every
// state and every transition of both charts (a property whose workloads never reached, say, ZSWAP_WRITEBACK would
// pass while checking nothing there).
import { describe, expect, it } from 'vitest';
import { CHARTS } from '../../model/charts.ts';
import { summarizeCoverage } from '../../model/coverage/textReport.ts';
import { hunt } from '../../properties/hunt.ts';

describe('workload generator coverage', () => {
  it('a 600-run hunt enters every state and takes every transition of both charts', () => {
    const r = hunt({ seed: Number(process.env.VSWAP_SEED ?? 20261126), runs: 600, seconds: 120, strategy: 'mixed', faults: [] });
    expect(r.failure?.execution.failure ?? null).toBeNull();
    for (const chart of CHARTS) {
      const s = summarizeCoverage(r.coverage, chart);
      expect(s.states.unreached, `${chart.name} states`).toEqual([]);
      expect(s.transitions.unreached, `${chart.name} transitions`).toEqual([]);
    }
  });
});
