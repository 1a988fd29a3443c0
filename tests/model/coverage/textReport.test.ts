import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartBasis } from '../../../model/coverage/chartBasis.ts';
import { coverageFromCounts } from '../../../model/coverage/coverageRecord.ts';
import { coverageText } from '../../../model/coverage/textReport.ts';
import { CHARTS, PHYSICAL_CHART } from '../../../model/charts.ts';

const allStates = CHARTS.flatMap((c) => chartBasis(c.machine).states.map((s) => s.id));
const allTransitions = CHARTS.flatMap((c) => chartBasis(c.machine).transitions.map((t) => t.id));
const local = (id: string) => id.slice(id.indexOf(':') + 1);

function unreachedTransitionLines(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  let inList = false;
  for (const line of lines) {
    if (line.endsWith('transitions never taken:')) inList = true;
    else if (!line.startsWith('    ')) inList = false;
    else if (inList) out.push(line.trim());
  }
  return out;
}

describe('coverage text report', () => {
  it('names exactly the transitions not hit', () => {
    fc.assert(
      fc.property(fc.subarray(allTransitions), (hit) => {
        const record = coverageFromCounts(
          Object.fromEntries(allStates.map((id) => [id, 1])),
          Object.fromEntries(hit.map((id) => [id, 3])),
        );
        const text = coverageText(record);
        const missed = allTransitions.filter((id) => !hit.includes(id)).map(local);
        expect(unreachedTransitionLines(text).sort()).toEqual([...missed].sort());
        expect(text).not.toContain('states never entered');
      }),
      { numRuns: 50 },
    );
  });

  it('prints covered/total per chart and the states never entered', () => {
    const record = coverageFromCounts({ 'physical:free': 4 }, { 'physical:free --SWAPOFF--> free': 2 });
    const text = coverageText(record, [PHYSICAL_CHART]);
    expect(text).toContain('states      1/3 (33%)');
    expect(text).toContain('transitions 1/5 (20%)');
    expect(text).toContain('  states never entered:\n    allocated\n    bad\n');
  });

  it('lists ids that no chart defines', () => {
    const text = coverageText(coverageFromCounts({ 'virtual:gone': 1 }, {}));
    expect(text).toContain('ids in the record that the charts do not define (1):\n  virtual:gone');
  });
});
