import { describe, expect, it } from 'vitest';
import { abstractVirtual, checkPhysical, checkVirtual } from '../../model/abstraction.ts';
import type { VirtualEventType, VirtualSlotView } from '../../model/events.ts';
import { initialPhysical, initialVirtual, stepPhysical, stepVirtual } from '../../model/refine.ts';
import type { VirtualSnapshot } from '../../model/snapshots.ts';

function run(events: readonly VirtualEventType[]): VirtualSnapshot {
  let s = initialVirtual();
  for (const type of events) {
    const r = stepVirtual(s, { type });
    if (!r.ok) throw new Error(r.reason);
    s = r.snapshot;
  }
  return s;
}

const zswappedInCache: VirtualSlotView = { allocated: true, swapCount: 1, inSwapcache: true, type: 'ZSWAP' };

describe('abstraction function', () => {
  it('maps descriptor fields to the chart state', () => {
    expect(abstractVirtual(zswappedInCache)).toEqual({
      value: { allocated: { cache: 'cached', backing: 'zswapped' } },
      swapCount: 1,
    });
    expect(abstractVirtual({ allocated: false, swapCount: 0, inSwapcache: false, type: 'FOLIO' }).value).toBe('free');
  });

  it('accepts a matching view', () => {
    expect(checkVirtual(run(['ALLOC', 'DUP', 'STORE_ZSWAP']), zswappedInCache)).toBeNull();
    expect(checkVirtual(initialVirtual(), { allocated: false, swapCount: 0, inSwapcache: false, type: 'FOLIO' })).toBeNull();
  });

  it('names both sides of a mismatched cache bit', () => {
    expect(checkVirtual(run(['ALLOC', 'DUP', 'STORE_ZSWAP']), { ...zswappedInCache, inSwapcache: false })).toBe(
      'chart says allocated.{cached,zswapped} count=1, descriptor says in_swapcache=0 type=ZSWAP swap_count=1 ' +
        '(allocated.{uncached,zswapped})',
    );
  });

  it('reports mismatched backing, count and allocation', () => {
    const s = run(['ALLOC', 'DUP', 'STORE_ZSWAP']);
    expect(checkVirtual(s, { ...zswappedInCache, type: 'SWAPFILE' })).toContain('type=SWAPFILE');
    expect(checkVirtual(s, { ...zswappedInCache, swapCount: 2 })).toContain('swap_count=2');
    expect(checkVirtual(s, { ...zswappedInCache, allocated: false })).toContain('descriptor says free');
    expect(checkVirtual(initialVirtual(), zswappedInCache)).toMatch(/^chart says free, descriptor says in_swapcache=1/);
  });

  it('checks physical slots', () => {
    const r = stepPhysical(initialPhysical(), { type: 'PHYS_ALLOC' });
    if (!r.ok) throw new Error(r.reason);
    expect(checkPhysical(r.snapshot, { state: 'allocated' })).toBeNull();
    expect(checkPhysical(r.snapshot, { state: 'bad' })).toBe('chart says allocated, device maps say bad');
  });
});
