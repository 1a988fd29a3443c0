// Each oracle on its own: it accepts what the kernel rules allow and names what they forbid.
import { describe, expect, it } from 'vitest';
import type { SlotEventRecord, SwapType } from '../../model/events.ts';
import { ShadowMemories } from '../../properties/oracles/data.ts';
import { MmStruct } from '../../impl/kernel/mm/mm.ts';
import { quiescenceProblems } from '../../properties/oracles/quiescence.ts';
import { RefinementOracle } from '../../properties/oracles/refinement.ts';
import type { WorldSnapshot } from '../../impl/world/index.ts';

const v = (slot: number, type: string, after: { allocated?: boolean; swapCount: number; inSwapcache: boolean; type?: SwapType }): SlotEventRecord => ({
  space: 'virtual',
  slot,
  event: { type: type as never },
  after: { allocated: after.allocated ?? true, swapCount: after.swapCount, inSwapcache: after.inSwapcache, type: after.type ?? 'FOLIO' },
  by: 'test',
});

describe('refinement oracle', () => {
  it('accepts a swap-out to zswap and back, then the free', () => {
    const o = new RefinementOracle();
    const seq = [
      v(1, 'ALLOC', { swapCount: 0, inSwapcache: true }),
      v(1, 'DUP', { swapCount: 1, inSwapcache: true }),
      v(1, 'STORE_ZSWAP', { swapCount: 1, inSwapcache: true, type: 'ZSWAP' }),
      v(1, 'CACHE_DEL', { swapCount: 1, inSwapcache: false, type: 'ZSWAP' }),
      v(1, 'CACHE_ADD', { swapCount: 1, inSwapcache: true, type: 'ZSWAP' }),
      v(1, 'LOAD', { swapCount: 1, inSwapcache: true, type: 'ZSWAP' }),
      v(1, 'STORE_FOLIO', { swapCount: 1, inSwapcache: true }),
      v(1, 'PUT', { swapCount: 0, inSwapcache: true }),
      v(1, 'CACHE_DEL', { swapCount: 0, inSwapcache: false }),
      v(1, 'FREE', { allocated: false, swapCount: 0, inSwapcache: false }),
    ];
    for (const r of seq) expect(o.check(r).violation).toBeUndefined();
    expect(o.liveVirtualSlots()).toEqual([]);
  });

  it('refuses a double free, naming the slot and the function', () => {
    const o = new RefinementOracle();
    o.check(v(3, 'ALLOC', { swapCount: 0, inSwapcache: true }));
    o.check(v(3, 'CACHE_DEL', { swapCount: 0, inSwapcache: false }));
    expect(o.check(v(3, 'FREE', { allocated: false, swapCount: 0, inSwapcache: false })).violation).toBeUndefined();
    expect(o.check(v(3, 'FREE', { allocated: false, swapCount: 0, inSwapcache: false })).violation).toMatch(/vswap slot 3: test did FREE, but chart refuses FREE/);
  });

  it('flags a descriptor that disagrees with the chart after an accepted event', () => {
    const o = new RefinementOracle();
    o.check(v(2, 'ALLOC', { swapCount: 0, inSwapcache: true }));
    // DUP accepted, but the descriptor forgot to count it
    expect(o.check(v(2, 'DUP', { swapCount: 0, inSwapcache: true })).violation).toMatch(/after DUP by test: chart says .*count=1/);
  });

  it('refuses allocating a bad physical slot', () => {
    const o = new RefinementOracle();
    const p = (event: string, state: 'free' | 'allocated' | 'bad'): SlotEventRecord => ({
      space: 'physical',
      slot: { dev: 0, offset: 5 },
      event: { type: event as never },
      after: { state },
      by: 'test',
    });
    expect(o.check(p('MARK_BAD', 'bad')).violation).toBeUndefined();
    expect(o.check(p('PHYS_ALLOC', 'allocated')).violation).toMatch(/swap0:5: test did PHYS_ALLOC, but chart refuses/);
  });
});

describe('data oracle', () => {
  it('expects the last store, zero once the PTE is cleared, and at fork what the parent held at the copy', () => {
    const shadows = new ShadowMemories();
    const parent = new MmStruct(1, null as never);
    const child = new MmStruct(2, null as never);
    const s = shadows.of(parent);
    s.write(1, 3);
    expect(s.check('P0/t1', 1, 3)).toBeNull();
    expect(s.check('P0/t1', 1, 2)).toMatch(/P0\/t1 read page 1 = 2, but the last store there \(by any thread\) was 3: data lost/);
    shadows.pteCopied(parent, child, 1);
    // a store after the copy step reaches the parent only (copy-on-write)
    s.write(1, 5);
    expect(shadows.of(child).expected(1)).toBe(3);
    shadows.pteCleared(parent, 1);
    expect(s.expected(1)).toBe(0);
    expect(shadows.of(child).expected(1)).toBe(3);
  });
});

describe('quiescence oracle', () => {
  const clean: WorldSnapshot = {
    design: 'v6',
    slots: [],
    clusters: [{ space: 'vswap', id: 0, order: 0, count: 0, state: 'refcnt=1 cached@cpu1', bitmap: [] }],
    swapProblems: [],
    devices: [{ index: 0, on: true, writeOk: true, inuse: 0, allocated: [false, false], bad: [false, true], rmap: [0, 0] }],
    zswap: [],
    memcgs: [{ id: 1, swapCharge: 0, idRefs: 0 }],
    folios: [],
    pteRefs: new Map(),
    liveMms: 0,
    describe: (e) => `vswap ${e}`,
  };

  it('accepts an idle machine whose only cluster is held by a per-CPU cache', () => {
    expect(quiescenceProblems(clean)).toEqual([]);
  });

  it('names every kind of leftover, and what the design reports about its own structures', () => {
    const leaky: WorldSnapshot = {
      ...clean,
      slots: [{ slot: 9, swapCount: 1, inSwapcache: false, type: 'ZERO', memcgid: 1, backing: null, cache: null }],
      swapProblems: ['vswap cluster 0 not released: count=1 refcnt=2'],
      devices: [{ ...clean.devices[0]!, allocated: [true, false], rmap: [9, 0], inuse: 1 }],
      zswap: [{ id: 4, swpentry: 9, value: 2 }],
      memcgs: [{ id: 1, swapCharge: 1, idRefs: 1 }],
    };
    const p = quiescenceProblems(leaky).join('\n');
    for (const want of ['vswap 9 leaked', 'vswap cluster 0 not released', 'swap0:0 still allocated', 'zswap entry 4 (for vswap 9)', 'memcg 1 swap charge 1']) {
      expect(p).toContain(want);
    }
  });
});
