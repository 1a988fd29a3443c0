import { describe, expect, it } from 'vitest';
import { chartShortestPaths } from '../../model/coverage/chartGraph.ts';
import { PHYSICAL_CHART } from '../../model/charts.ts';
import type { PhysicalEventType } from '../../model/events.ts';
import { initialPhysical, stepPhysical } from '../../model/refine.ts';
import type { PhysicalSnapshot } from '../../model/snapshots.ts';

function run(events: readonly PhysicalEventType[]): PhysicalSnapshot {
  let s = initialPhysical();
  for (const type of events) {
    const r = stepPhysical(s, { type });
    if (!r.ok) throw new Error(r.reason);
    s = r.snapshot;
  }
  return s;
}

describe('physical slot chart', () => {
  it('reaches free, allocated and bad', () => {
    const values = new Set(chartShortestPaths(PHYSICAL_CHART).map((p) => String(p.state.value)));
    expect([...values].sort()).toEqual(['allocated', 'bad', 'free']);
  });

  it('never allocates a bad slot', () => {
    const bad = run(['MARK_BAD']);
    expect(bad.can({ type: 'PHYS_ALLOC' })).toBe(false);
    const r = stepPhysical(bad, { type: 'PHYS_ALLOC' });
    expect(r.ok ? 'accepted' : r.reason).toBe('chart refuses PHYS_ALLOC in bad');
  });

  it('refuses a double allocation, a double free and swapoff of an allocated slot', () => {
    expect(stepPhysical(run(['PHYS_ALLOC']), { type: 'PHYS_ALLOC' }).ok).toBe(false);
    expect(stepPhysical(initialPhysical(), { type: 'PHYS_FREE' }).ok).toBe(false);
    expect(stepPhysical(run(['PHYS_ALLOC']), { type: 'SWAPOFF' }).ok).toBe(false);
    expect(stepPhysical(run(['PHYS_ALLOC']), { type: 'MARK_BAD' }).ok).toBe(false);
  });

  it('swapoff returns free and bad slots to free', () => {
    expect(run(['MARK_BAD', 'SWAPOFF']).value).toBe('free');
    expect(run(['PHYS_ALLOC', 'PHYS_FREE', 'SWAPOFF']).value).toBe('free');
  });
});
