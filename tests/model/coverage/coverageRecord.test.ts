import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartBasis } from '../../../model/coverage/chartBasis.ts';
import { coverageFromCounts, emptyCoverage, mergeCoverage, type CoverageRecord } from '../../../model/coverage/coverageRecord.ts';
import { CHARTS } from '../../../model/charts.ts';

const stateIds = CHARTS.flatMap((c) => chartBasis(c.machine).states.map((s) => s.id));
const transitionIds = CHARTS.flatMap((c) => chartBasis(c.machine).transitions.map((t) => t.id));

const counts = (ids: readonly string[]) =>
  fc.dictionary(fc.constantFrom(...ids), fc.integer({ min: 0, max: 1_000_000 }), { maxKeys: ids.length });
const records: fc.Arbitrary<CoverageRecord> = fc
  .tuple(counts(stateIds), counts(transitionIds))
  .map(([s, t]) => coverageFromCounts(s, t));

describe('coverage record merge', () => {
  it('is commutative', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        expect(mergeCoverage(a, b)).toEqual(mergeCoverage(b, a));
      }),
    );
  });

  it('is associative', () => {
    fc.assert(
      fc.property(records, records, records, (a, b, c) => {
        expect(mergeCoverage(mergeCoverage(a, b), c)).toEqual(mergeCoverage(a, mergeCoverage(b, c)));
      }),
    );
  });

  it('has the empty record as identity and serializes the same whatever the merge order', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        expect(mergeCoverage(a, emptyCoverage())).toEqual(a);
        expect(JSON.stringify(mergeCoverage(a, b))).toBe(JSON.stringify(mergeCoverage(b, a)));
      }),
    );
  });

  it('adds hit counts', () => {
    const a = coverageFromCounts({ 'virtual:free': 2 }, { 'virtual:free --ALLOC--> allocated': 1 });
    const b = coverageFromCounts({ 'virtual:free': 3, 'physical:bad': 1 }, {});
    expect(mergeCoverage(a, b)).toEqual({
      version: 1,
      states: { 'physical:bad': 1, 'virtual:free': 5 },
      transitions: { 'virtual:free --ALLOC--> allocated': 1 },
    });
  });
});
