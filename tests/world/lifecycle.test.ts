// Fork/exit, zswap writeback, swapoff with slots in every state, swapon with bad slots, and CPU offline.
import { asV6, v6Clusters, type V6ClusterSnapshot } from '../../impl/kernel/v6/design.ts';
import { describe, expect, it } from 'vitest';
import type { WorldSnapshot } from '../../impl/world/inspect.ts';
import { inspect } from '../../impl/world/inspect.ts';
import {
  op_cpu_offline,
  op_exit,
  op_fork,
  op_pageout,
  op_read,
  op_reclaim,
  op_swapoff,
  op_swapon,
  op_write,
  op_zswap_writeback,
} from '../../impl/world/ops.ts';
import type { Process } from '../../impl/world/world.ts';
import { renderSlots } from '../../impl/world/render.ts';
import { failureText, harness } from './harness.ts';

const desc = (s: WorldSnapshot, slot: number) => s.slots.find((d) => d.slot === slot);

describe('process lifecycle and background paths', () => {
  it('fork shares a swapped slot (DUP) and a COW page; both exit cleanly', () => {
    const h = harness({ zswapCapacity: 4 });
    const p = h.w.createProcess(0);
    let child: Process | null = null;
    const snaps: WorldSnapshot[] = [];
    const reads: number[] = [];
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 5);
      yield* op_write(h.w, p, 1, 6);
      yield* op_pageout(h.w, p, 0, 1);
      snaps.push(inspect(h.w));
      child = (yield* op_fork(h.w, p))!;
      // the shared present page is unmapped from both mms: one reference per PTE
      yield* op_pageout(h.w, p, 1, 1);
      snaps.push(inspect(h.w));
      yield* op_write(h.w, child, 1, 60);
      reads.push(yield* op_read(h.w, p, 1), yield* op_read(h.w, child, 1), yield* op_read(h.w, child, 0));
      yield* op_exit(h.w, child);
      reads.push(yield* op_read(h.w, p, 0));
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    const [before, after] = snaps as [WorldSnapshot, WorldSnapshot];
    console.log(`before fork:\n${renderSlots(before, [1, 2])}\nafter fork + pageout:\n${renderSlots(after, [1, 2])}`);
    expect(desc(before, 1)).toMatchObject({ swapCount: 1 });
    expect(desc(after, 1)).toMatchObject({ swapCount: 2, type: 'ZSWAP' });
    expect(after.pteRefs.get(1)).toBe(2);
    expect(desc(after, 2)).toMatchObject({ swapCount: 2, type: 'ZSWAP', inSwapcache: false });
    expect(after.pteRefs.get(2)).toBe(2);
    expect(reads).toEqual([6, 60, 5, 5]);
    expect(h.eventsOf(2).filter((e) => e === 'DUP')).toHaveLength(2);
    const end = inspect(h.w);
    expect(end.slots).toEqual([]);
    expect(end.zswap).toEqual([]);
    expect(end.folios).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('zswap writeback moves ZSWAP to SWAPFILE and frees the zswap object', () => {
    const h = harness({ zswapCapacity: 2, devices: [{ slots: 4, clusterSize: 4 }] });
    const p = h.w.createProcess(0);
    const snaps: WorldSnapshot[] = [];
    let got = -1;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 31);
      yield* op_pageout(h.w, p, 0, 1);
      snaps.push(inspect(h.w));
      yield* op_zswap_writeback(h.w, 1);
      snaps.push(inspect(h.w));
      yield* op_reclaim(h.w, 8);
      snaps.push(inspect(h.w));
      got = yield* op_read(h.w, p, 0);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    const [zs, wb, rc] = snaps as [WorldSnapshot, WorldSnapshot, WorldSnapshot];
    console.log(`before:\n${renderSlots(zs, [1])}\nafter writeback:\n${renderSlots(wb, [1])}\nafter reclaim:\n${renderSlots(rc, [1])}`);
    expect(desc(zs, 1)).toMatchObject({ type: 'ZSWAP', inSwapcache: false });
    expect(desc(wb, 1)).toMatchObject({ type: 'SWAPFILE', inSwapcache: true, backing: { dev: 0, offset: 0 }, swapCount: 1 });
    expect(wb.zswap).toEqual([]);
    expect(wb.memcgs[1]!.swapCharge).toBe(1);
    expect(desc(rc, 1)).toMatchObject({ type: 'SWAPFILE', inSwapcache: false });
    expect(got).toBe(31);
    expect(h.eventsOf(1).slice(0, 6)).toEqual(['ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL', 'CACHE_ADD', 'ZSWAP_WRITEBACK']);
    expect(inspect(h.w).slots).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('swapoff empties a device with slots on disk, in the swap cache, and leaves ZSWAP/ZERO alone', () => {
    const h = harness({ zswapCapacity: 1, devices: [{ slots: 4, clusterSize: 4, bad: [1] }] });
    const p = h.w.createProcess(0);
    const snaps: WorldSnapshot[] = [];
    const reads: number[] = [];
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 2, 22);
      yield* op_pageout(h.w, p, 2, 1); // slot 1: ZSWAP (pool now full)
      yield* op_write(h.w, p, 0, 10);
      yield* op_pageout(h.w, p, 0, 1); // slot 2: SWAPFILE
      yield* op_reclaim(h.w, 8); // ... and out of the swap cache
      yield* op_write(h.w, p, 1, 11);
      yield* op_pageout(h.w, p, 1, 1); // slot 3: SWAPFILE, folio still in the swap cache
      yield* op_write(h.w, p, 3, 0);
      yield* op_pageout(h.w, p, 3, 1); // slot 4: ZERO
      snaps.push(inspect(h.w));
      yield* op_swapoff(h.w, 0);
      snaps.push(inspect(h.w));
      for (const pg of [0, 1, 2, 3]) reads.push(yield* op_read(h.w, p, pg));
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    const [on, off] = snaps as [WorldSnapshot, WorldSnapshot];
    console.log(`before swapoff:\n${renderSlots(on, [1, 2, 3, 4])}\nafter swapoff:\n${renderSlots(off, [1, 2, 3, 4])}`);
    expect(on.devices[0]).toMatchObject({ allocated: [true, false, true, false], bad: [false, true, false, false], inuse: 2 });
    expect(desc(on, 2)).toMatchObject({ type: 'SWAPFILE', inSwapcache: false, backing: { dev: 0, offset: 0 } });
    expect(desc(on, 3)).toMatchObject({ type: 'SWAPFILE', inSwapcache: true, backing: { dev: 0, offset: 2 } });
    expect(off.devices[0]).toMatchObject({ on: false, inuse: 0, allocated: [false, false, false, false], bad: [false, false, false, false] });
    expect(desc(off, 1)).toMatchObject({ type: 'ZSWAP' });
    expect(desc(off, 2)).toMatchObject({ type: 'FOLIO', inSwapcache: true, swapCount: 1, backing: null });
    expect(desc(off, 3)).toMatchObject({ type: 'FOLIO', inSwapcache: true, swapCount: 1, backing: null });
    expect(desc(off, 4)).toMatchObject({ type: 'ZERO' });
    expect(off.memcgs[1]!.swapCharge).toBe(0);
    expect(h.eventsOf(2)).toContain('SWAPOFF_UNUSE');
    expect(h.eventsOf(3)).toContain('SWAPOFF_UNUSE');
    expect(h.physEventsOf(0, 1)).toEqual(['MARK_BAD', 'SWAPOFF']);
    expect(h.physEventsOf(0, 0)).toEqual(['PHYS_ALLOC', 'PHYS_FREE', 'SWAPOFF']);
    expect(reads).toEqual([10, 11, 22, 0]);
    expect(inspect(h.w).slots).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('swapon marks bad slots, and allocation skips them', () => {
    const h = harness({ zswapCapacity: 0, devices: [{ slots: 4, clusterSize: 4, bad: [0, 2], on: false }] });
    const p = h.w.createProcess(0);
    let out: WorldSnapshot | null = null;
    const res = h.run(['P', 0, function* () {
      yield* op_swapon(h.w, 0);
      yield* op_write(h.w, p, 0, 1);
      yield* op_write(h.w, p, 1, 2);
      yield* op_pageout(h.w, p, 0, 2);
      out = inspect(h.w);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`after swapon + pageout:\n${renderSlots(out!, [1, 2])}`);
    expect(out!.devices[0]).toMatchObject({ on: true, bad: [true, false, true, false], allocated: [false, true, false, true] });
    expect(h.physEventsOf(0, 0)).toEqual(['MARK_BAD']);
    expect(h.physEventsOf(0, 1)).toEqual(['PHYS_ALLOC', 'PHYS_FREE']);
    expect(h.mismatches).toEqual([]);
  });

  it('CPU offline un-caches the dead CPU cluster; the cluster is freed when its last slot goes', () => {
    const h = harness({ zswapCapacity: 4 }, { cpus: 2 });
    const p = h.w.createProcess(0);
    const snaps: WorldSnapshot[] = [];
    const clusters: V6ClusterSnapshot[][] = [];
    const res = h.run(
      ['P', 1, function* () {
        yield* op_write(h.w, p, 0, 3);
        yield* op_pageout(h.w, p, 0, 1);
        snaps.push(inspect(h.w));
        clusters.push(v6Clusters(asV6(h.w.k)));
      }],
      ['hotplug', 0, function* () {
        yield* op_cpu_offline(h.w, 1);
        snaps.push(inspect(h.w));
        clusters.push(v6Clusters(asV6(h.w.k)));
        yield* op_exit(h.w, p);
      }],
    );
    expect(failureText(res)).toBe('ok');
    const [cached, dead] = snaps as [WorldSnapshot, WorldSnapshot];
    console.log(`before offline:\n${renderSlots(cached, [1])}\nafter offline:\n${renderSlots(dead, [1])}`);
    expect(clusters[0]![0]).toMatchObject({ id: 0, cached: true, cachedOn: [1], refcnt: 2, count: 1 });
    expect(clusters[1]![0]).toMatchObject({ id: 0, cached: false, cachedOn: [], refcnt: 1, count: 1, onPartialList: false });
    expect(inspect(h.w).clusters).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });
});
