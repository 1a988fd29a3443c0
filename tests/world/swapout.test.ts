// Swap-out to each backing and swap-in from each, sequentially on one CPU, with before/after pictures.
import { describe, expect, it } from 'vitest';
import type { WorldSnapshot } from '../../impl/world/inspect.ts';
import { inspect } from '../../impl/world/inspect.ts';
import { op_exit, op_map_large, op_pageout, op_read, op_write } from '../../impl/world/ops.ts';
import { renderSlots } from '../../impl/world/render.ts';
import { failureText, harness } from './harness.ts';

const desc = (s: WorldSnapshot, slot: number) => s.slots.find((d) => d.slot === slot);

describe('swap-out and swap-in per backing', () => {
  it('zero-filled page -> ZERO, read back as 0 without storage', () => {
    const h = harness({ zswapCapacity: 4 });
    const p = h.w.createProcess(0);
    let out: WorldSnapshot | null = null;
    let got = -1;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 0);
      yield* op_pageout(h.w, p, 0, 1);
      out = inspect(h.w);
      got = yield* op_read(h.w, p, 0);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`swapped out:\n${renderSlots(out!, [1])}`);
    expect(desc(out!, 1)).toMatchObject({ type: 'ZERO', swapCount: 1, inSwapcache: false, backing: null });
    expect(out!.zswap).toEqual([]);
    expect(got).toBe(0);
    expect(h.eventsOf(1)).toEqual(['ALLOC', 'DUP', 'STORE_ZERO', 'CACHE_DEL', 'CACHE_ADD', 'LOAD', 'PUT', 'CACHE_DEL', 'FREE']);
    expect(inspect(h.w).slots).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('zswap off -> SWAPFILE with a write completing in interrupt context, read back from the device', () => {
    const h = harness({ zswapCapacity: 0, devices: [{ slots: 8, clusterSize: 4 }] });
    const p = h.w.createProcess(0);
    const snaps: WorldSnapshot[] = [];
    let got = -1;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 5, 77);
      yield* op_pageout(h.w, p, 5, 1);
      snaps.push(inspect(h.w)); // write in flight: folio still in the swap cache
      yield* op_pageout(h.w, p, 5, 1); // nothing mapped: no-op
      got = yield* op_read(h.w, p, 5);
      snaps.push(inspect(h.w));
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    const [afterOut, afterIn] = snaps as [WorldSnapshot, WorldSnapshot];
    console.log(`after pageout:\n${renderSlots(afterOut, [1])}\nafter read:\n${renderSlots(afterIn, [1])}`);
    expect(desc(afterOut, 1)).toMatchObject({ type: 'SWAPFILE', swapCount: 1, inSwapcache: true, backing: { dev: 0, offset: 0 }, memcgid: 1 });
    expect(afterOut.devices[0]!.allocated.slice(0, 2)).toEqual([true, false]);
    expect(afterOut.devices[0]!.rmap[0]).toBe(1);
    expect(afterOut.memcgs[1]!.swapCharge).toBe(1);
    expect(got).toBe(77);
    // the read found the folio in the swap cache: the PTE's reference moved to it
    expect(desc(afterIn, 1)).toMatchObject({ type: 'SWAPFILE', swapCount: 0, inSwapcache: true });
    const end = inspect(h.w);
    expect(end.slots).toEqual([]);
    expect(end.devices[0]!.allocated.every((a) => !a)).toBe(true);
    expect(end.memcgs[1]!.swapCharge).toBe(0);
    expect(h.physEventsOf(0, 0)).toEqual(['PHYS_ALLOC', 'PHYS_FREE']);
    expect(h.mismatches).toEqual([]);
  });

  it('nothing can back it (zswap off, no device) -> stays FOLIO in the swap cache, activated', () => {
    const h = harness({ zswapCapacity: 0, devices: [] });
    const p = h.w.createProcess(0);
    let out: WorldSnapshot | null = null;
    let got = -1;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 2, 9);
      yield* op_pageout(h.w, p, 2, 1);
      out = inspect(h.w);
      got = yield* op_read(h.w, p, 2);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`after pageout:\n${renderSlots(out!, [1])}`);
    expect(desc(out!, 1)).toMatchObject({ type: 'FOLIO', swapCount: 1, inSwapcache: true, backing: null });
    expect(out!.folios.find((f) => f.swap === 1)).toMatchObject({ dirty: true, mapcount: 0, lru: true });
    expect(got).toBe(9);
    expect(inspect(h.w).slots).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('an order-2 folio takes an aligned range and one contiguous physical range, freed in one batch', () => {
    const h = harness({ zswapCapacity: 0, devices: [{ slots: 8, clusterSize: 4 }] });
    const p = h.w.createProcess(1);
    let out: WorldSnapshot | null = null;
    const reads: number[] = [];
    const res = h.run(['P', 0, function* () {
      yield* op_map_large(h.w, p, 4, 2);
      for (let i = 0; i < 4; i++) yield* op_write(h.w, p, 4 + i, 10 + i);
      yield* op_pageout(h.w, p, 4, 4);
      yield* op_pageout(h.w, p, 4, 4); // no-op: nothing mapped
      out = inspect(h.w);
      for (let i = 0; i < 4; i++) reads.push(yield* op_read(h.w, p, 4 + i));
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`after pageout:\n${renderSlots(out!, [4, 5, 6, 7])}`);
    // cluster 0 of order 2 skips its first range (slot 0 is never handed out)
    expect(out!.clusters[0]).toMatchObject({ id: 0, order: 2, count: 4 });
    for (let i = 0; i < 4; i++) {
      expect(desc(out!, 4 + i)).toMatchObject({ type: 'SWAPFILE', swapCount: 1, memcgid: 2, backing: { dev: 0, offset: i } });
    }
    expect(out!.memcgs[2]!.swapCharge).toBe(4);
    expect(reads).toEqual([10, 11, 12, 13]);
    const end = inspect(h.w);
    expect(end.slots).toEqual([]);
    expect(end.devices[0]!.inuse).toBe(0);
    expect(end.memcgs[2]).toMatchObject({ swapCharge: 0, idRefs: 0 });
    expect(h.mismatches).toEqual([]);
  });
});
