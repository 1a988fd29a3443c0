// The vswap allocator and slot primitives driven directly: the three-step search, cluster 0's reserved slot,
// aligned large ranges, swap_duplicate_nr's rollback, swapcache_prepare's errors, and batched frees.
import { describe, expect, it } from 'vitest';
import { folio_alloc } from '../../../impl/kernel/mm/folio.ts';
import type { Folio } from '../../../impl/kernel/mm/folio.ts';
import { asV6, v6Clusters, type V6Kernel } from '../../../impl/kernel/v6/design.ts';
import { folio_alloc_swap } from '../../../impl/kernel/v6/vswap_alloc.ts';
import { swapcache_clear, swapcache_prepare } from '../../../impl/kernel/v6/vswap_cache.ts';
import { EEXIST, ENOENT, swap_duplicate_nr, swap_free_nr } from '../../../impl/kernel/v6/vswap_free.ts';
import type { Task } from '../../../impl/sim/index.ts';
import { inspect } from '../../../impl/world/inspect.ts';
import { renderSlots } from '../../../impl/world/render.ts';
import { failureText, harness } from '../../world/harness.ts';

/** A locked, uptodate folio of the given order charged to memcg 1, given swap slots; returns its first entry. */
function* allocSwap(k: V6Kernel, order: number, memcg = 1): Task<{ folio: Folio; entry: number }> {
  const folio = folio_alloc(k, order, memcg);
  folio.uptodate = true;
  expect(yield* folio_alloc_swap(k, folio)).toBe(true);
  return { folio, entry: folio.swap };
}

describe('vswap allocation', () => {
  it('cluster 0 skips slot 0; a full cached cluster is dropped and the next range comes from a new cluster', () => {
    const h = harness({ clusterSize: 4 });
    const got: number[] = [];
    const res = h.run(['A', 0, function* () {
      for (let i = 0; i < 4; i++) got.push((yield* allocSwap(asV6(h.w.k), 0)).entry);
    }]);
    expect(failureText(res)).toBe('ok');
    const s = inspect(h.w);
    console.log(renderSlots(s, got));
    expect(got).toEqual([1, 2, 3, 4]);
    expect(v6Clusters(asV6(h.w.k)).map((c) => ({ id: c.id, count: c.count, refcnt: c.refcnt, cached: c.cached, full: c.full }))).toEqual([
      { id: 0, count: 3, refcnt: 3, cached: false, full: true },
      { id: 1, count: 1, refcnt: 2, cached: true, full: false },
    ]);
    expect(h.eventsOf(4)).toEqual(['ALLOC']);
  });

  it('orders get their own clusters and aligned ranges; an order-2 range never starts at slot 0', () => {
    const h = harness({ clusterSize: 8 });
    const got: number[] = [];
    const res = h.run(['A', 0, function* () {
      got.push((yield* allocSwap(asV6(h.w.k), 1)).entry);
      got.push((yield* allocSwap(asV6(h.w.k), 2)).entry);
      got.push((yield* allocSwap(asV6(h.w.k), 2)).entry);
      got.push((yield* allocSwap(asV6(h.w.k), 0)).entry);
    }]);
    expect(failureText(res)).toBe('ok');
    const s = inspect(h.w);
    console.log(renderSlots(s, []));
    // order 1 in cluster 0 from slot 2; order 2 in cluster 1 (slots 8 and 12); order 0 in cluster 2
    expect(got).toEqual([2, 8, 12, 16]);
    expect(s.clusters.map((c) => [c.id, c.order])).toEqual([[0, 1], [1, 2], [2, 0]]);
  });

  it('a freed slot of an uncached full cluster puts it on the partial list, where the next allocation finds it', () => {
    const h = harness({ clusterSize: 4 }, { invariants: false }); // primitives called out of protocol
    const got: number[] = [];
    let partialAfterFree = false;
    const res = h.run(['A', 0, function* () {
      const k = asV6(h.w.k);
      const a = [];
      for (let i = 0; i < 4; i++) a.push(yield* allocSwap(k, 0)); // 1,2,3 in cluster 0 (now full), 4 in cluster 1
      // drop the swap-cache pin of slot 2: count 0 and not cached -> freed
      yield* swapcache_clear(k, a[1]!.entry, 1);
      partialAfterFree = v6Clusters(k)[0]!.onPartialList;
      for (let i = 0; i < 4; i++) got.push((yield* allocSwap(k, 0)).entry);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(partialAfterFree).toBe(true);
    // cluster 1 (cached) serves first; when it is full, the partial cluster 0 gives back slot 2
    expect(got).toEqual([5, 6, 7, 2]);
    expect(h.eventsOf(2)).toEqual(['ALLOC', 'CACHE_DEL', 'FREE', 'ALLOC']);
  });
});

describe('slot references', () => {
  it('swap_duplicate_nr rolls back a partial range on a dead slot; swapcache_prepare reports EEXIST and ENOENT', () => {
    const h = harness({ clusterSize: 8 }, { invariants: false }); // primitives called out of protocol
    const out: Record<string, number> = {};
    const res = h.run(['A', 0, function* () {
      const k = asV6(h.w.k);
      const { entry } = yield* allocSwap(k, 1); // slots 2,3 in the swap cache
      out.dup = yield* swap_duplicate_nr(k, entry, 2); // both: swap_count 1
      yield* swapcache_clear(k, entry + 1, 1); // slot 3: swap_count 1, not cached
      out.eexist = yield* swapcache_prepare(k, entry, 2); // slot 2 is cached
      yield* swapcache_clear(k, entry, 1);
      out.prep = yield* swapcache_prepare(k, entry, 2); // neither cached, both referenced: pins both
      yield* swapcache_clear(k, entry, 2);
      yield* swap_free_nr(k, entry + 1, 1); // slot 3 dies
      out.enoent = yield* swapcache_prepare(k, entry, 2); // slot 2 pinned, then slot 3 is dead: rolled back
      out.rollback = yield* swap_duplicate_nr(k, entry, 2); // slot 2 DUP then slot 3 dead: rolled back
      out.count2 = inspect(h.w).slots.find((d) => d.slot === 2)!.swapCount;
      yield* swap_free_nr(k, entry, 1);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(out).toEqual({ dup: 0, eexist: -EEXIST, prep: 0, enoent: -ENOENT, rollback: -ENOENT, count2: 1 });
    expect(h.eventsOf(3)).toEqual(['ALLOC', 'DUP', 'CACHE_DEL', 'CACHE_ADD', 'CACHE_DEL', 'PUT', 'FREE']);
    expect(h.eventsOf(2)).toEqual([
      'ALLOC', 'DUP', 'CACHE_DEL', 'CACHE_ADD', 'CACHE_DEL', 'CACHE_ADD', 'CACHE_DEL', 'DUP', 'PUT', 'PUT', 'FREE',
    ]);
    expect(inspect(h.w).slots).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it("a batched PUT across a cluster and a memcg boundary: each batch uncharges its own memcg", () => {
    const h = harness({ clusterSize: 4, memcgs: 2 }, { invariants: false }); // primitives called out of protocol
    const res = h.run(['A', 0, function* () {
      const k = asV6(h.w.k);
      // slots 1,2 (memcg 1), 3 (memcg 2) in cluster 0; 4 (memcg 2) in cluster 1
      const e = [yield* allocSwap(k, 0, 1), yield* allocSwap(k, 0, 1), yield* allocSwap(k, 0, 2), yield* allocSwap(k, 0, 2)];
      for (const { entry } of e) {
        yield* swap_duplicate_nr(k, entry, 1);
        yield* swapcache_clear(k, entry, 1);
      }
      yield* swap_free_nr(k, 1, 4);
    }]);
    expect(failureText(res)).toBe('ok');
    const frees = h.records.filter((r) => r.space === 'virtual' && r.event.type === 'FREE').map((r) => r.slot);
    expect(frees).toEqual([1, 2, 3, 4]);
    expect(inspect(h.w).slots).toEqual([]);
    expect(inspect(h.w).memcgs.map((m) => m.idRefs)).toEqual([0, 0, 0]);
    expect(h.mismatches).toEqual([]);
  });
});
