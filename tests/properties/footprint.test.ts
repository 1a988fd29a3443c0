// explore's reduction is sound only if steps the footprints call independent really commute: the data-race-freedom
// convention of impl/sim/footprint.ts (shared state is touched under a held lock, at a point of its own, or through
// an accessor that names it). This checks the convention on generated workloads (properties/footprintAudit.ts). It
// found the gaps the port had (a folio's refcount and flags, memcg counters, the mm list and the LRU removal of a
// freed folio, all changed under different locks).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DEFAULT_BOUNDS, workloadArb } from '../../properties/arbitraries.ts';
import { auditSwaps } from '../../properties/footprintAudit.ts';
import { RUNS } from './budget.ts';

describe('step footprints', () => {
  test.prop([workloadArb(DEFAULT_BOUNDS), fc.nat()], { numRuns: Math.max(10, Math.ceil(RUNS / 4)) })(
    'two adjacent steps called independent commute: swapped, every context does the same',
    (w, offset) => {
      // up to 24 pairs spread over the run, starting at a generated offset
      expect(auditSwaps(w, 24, offset).mismatches).toEqual([]);
    },
  );

  test.prop([workloadArb(DEFAULT_BOUNDS), fc.nat()], { numRuns: Math.max(10, Math.ceil(RUNS / 4)) })(
    "an interrupt's delivery called independent of the step next to it commutes with it",
    (w, offset) => {
      expect(auditSwaps(w, 12, offset, true).mismatches).toEqual([]);
    },
  );
});
