// The generator reaches the code it claims to check: a bounded hunt of each design's correct implementation covers
// every state and every transition of both charts (a property whose workloads never reached, say, ZSWAP_WRITEBACK
// would pass while checking nothing there). The one exception is by design: mainline has no virtual layer, so
// swapoff puts pages back into the PTEs and frees their slots; no slot is ever re-pointed at its folio.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesignName } from '../../impl/kernel/swap.ts';
import { CHARTS } from '../../model/charts.ts';
import { summarizeCoverage } from '../../model/coverage/textReport.ts';
import { hunt } from '../../properties/hunt.ts';

const NOT_IN: Partial<Record<DesignName, readonly string[]>> = {
  mainline: ['virtual:allocated.backing.onDisk --SWAPOFF_UNUSE--> allocated.backing.folio'],
};

describe('workload generator coverage', () => {
  it.each(['v6', 'ste', 'mainline'] as const)('a 600-run hunt of %s enters every state and takes every transition of both charts', async (design) => {
    const r = await hunt({ seed: fc.readConfigureGlobal().seed!, runs: 600, seconds: 120, strategy: 'mixed', faults: [], designs: [design] });
    expect(r.failure?.execution.failure ?? null).toBeNull();
    for (const chart of CHARTS) {
      const s = summarizeCoverage(r.coverage, chart);
      expect(s.states.unreached, `${chart.name} states`).toEqual([]);
      expect(s.transitions.unreached, `${chart.name} transitions`).toEqual(NOT_IN[design]?.filter((t) => t.startsWith(`${chart.name}:`)) ?? []);
    }
  });
});
