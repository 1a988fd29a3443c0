// cgroup v1 (memsw) and v2 swap accounting along swap-out, swap-in and free.
import { describe, expect, it } from 'vitest';
import type { WorldSnapshot } from '../../impl/world/inspect.ts';
import { inspect } from '../../impl/world/inspect.ts';
import { op_exit, op_pageout, op_read, op_write } from '../../impl/world/ops.ts';
import { renderSlots } from '../../impl/world/render.ts';
import { failureText, harness } from '../world/harness.ts';

const desc = (s: WorldSnapshot, slot: number) => s.slots.find((d) => d.slot === slot);

describe('memcg swap accounting', () => {
  it('v1-memsw: memcg1_swapout records the id and charges swap; swap-in clears both', () => {
    const h = harness({ memcgMode: 'v1-memsw', zswapCapacity: 4 });
    const p = h.w.createProcess(1);
    const snaps: WorldSnapshot[] = [];
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 4);
      yield* op_pageout(h.w, p, 0, 1);
      snaps.push(inspect(h.w));
      yield* op_read(h.w, p, 0);
      snaps.push(inspect(h.w));
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    const [out, back] = snaps as [WorldSnapshot, WorldSnapshot];
    console.log(`swapped out:\n${renderSlots(out, [1])}\nswapped in:\n${renderSlots(back, [1])}`);
    expect(desc(out, 1)).toMatchObject({ memcgid: 2, type: 'ZSWAP' });
    expect(out.memcgs[2]).toMatchObject({ swapCharge: 1, idRefs: 1 });
    expect(desc(back, 1)).toMatchObject({ memcgid: 0, inSwapcache: true, swapCount: 0 });
    expect(back.memcgs[2]).toMatchObject({ swapCharge: 0, idRefs: 0 });
    expect(inspect(h.w).memcgs.every((m) => m.swapCharge === 0 && m.idRefs === 0)).toBe(true);
    expect(h.mismatches).toEqual([]);
  });

  it('v1-memsw: freeing a swapped-out slot uncharges its memsw swap part', () => {
    const h = harness({ memcgMode: 'v1-memsw', zswapCapacity: 0, devices: [{ slots: 4, clusterSize: 4 }] });
    const p = h.w.createProcess(0);
    let out: WorldSnapshot | null = null;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 4);
      yield* op_write(h.w, p, 1, 5);
      yield* op_pageout(h.w, p, 0, 2);
      yield* op_pageout(h.w, p, 0, 2);
      out = inspect(h.w);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`swapped out:\n${renderSlots(out!, [1, 2])}`);
    // both folios were still under writeback at the second pageout: memcg1_swapout has not run yet
    expect(out!.memcgs[1]).toMatchObject({ swapCharge: 0 });
    expect(desc(out!, 1)).toMatchObject({ memcgid: 0, type: 'SWAPFILE', inSwapcache: true });
    const end = inspect(h.w);
    expect(end.memcgs[1]).toMatchObject({ swapCharge: 0, idRefs: 0 });
    expect(end.slots).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('v2: memory.swap is charged only for physical slots; swap.max 0 leaves the folio in the swap cache', () => {
    const h = harness({ memcgMode: 'v2', zswapCapacity: 0, memcgSwapMax: 0, devices: [{ slots: 4, clusterSize: 4 }] });
    const p = h.w.createProcess(0);
    let out: WorldSnapshot | null = null;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 4);
      yield* op_pageout(h.w, p, 0, 1);
      out = inspect(h.w);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`after pageout:\n${renderSlots(out!, [1])}`);
    expect(desc(out!, 1)).toMatchObject({ type: 'FOLIO', memcgid: 1, inSwapcache: true });
    expect(out!.memcgs[1]).toMatchObject({ swapCharge: 0, idRefs: 1 });
    expect(h.physEventsOf(0, 0)).toEqual(['PHYS_ALLOC', 'PHYS_FREE']);
    expect(inspect(h.w).memcgs[1]).toMatchObject({ swapCharge: 0, idRefs: 0 });
    expect(h.mismatches).toEqual([]);
  });
});
