// The thin end-to-end path: a page is written, paged out to zswap, read back, and the process exits.
import { describe, expect, it } from 'vitest';
import { inspect } from '../../impl/world/inspect.ts';
import { op_exit, op_pageout, op_read, op_write } from '../../impl/world/ops.ts';
import { renderSlots } from '../../impl/world/render.ts';
import { failureText, harness } from './harness.ts';

describe('thin end-to-end path', () => {
  it('write -> pageout to zswap -> read back -> exit leaves nothing behind', () => {
    const h = harness({ zswapCapacity: 4 });
    const p = h.w.createProcess(0);
    let got = -1;
    let mid = inspect(h.w);
    const res = h.run(['P1', 0, function* () {
      yield* op_write(h.w, p, 3, 42);
      yield* op_pageout(h.w, p, 3, 1);
      mid = inspect(h.w);
      got = yield* op_read(h.w, p, 3);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    console.log(`after pageout:\n${renderSlots(mid, [1])}`);
    expect(mid.slots).toEqual([
      { slot: 1, swapCount: 1, inSwapcache: false, type: 'ZSWAP', memcgid: 1, backing: { zswap: 1 }, cache: { shadow: expect.any(Number) } },
    ]);
    expect(mid.pteRefs.get(1)).toBe(1);
    expect(got).toBe(42);
    const end = inspect(h.w);
    console.log(`after exit:\n${renderSlots(end, [1])}`);
    expect(end.slots).toEqual([]);
    expect(end.zswap).toEqual([]);
    expect(h.eventsOf(1)).toEqual(['ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL', 'CACHE_ADD', 'LOAD', 'STORE_FOLIO', 'PUT', 'CACHE_DEL', 'FREE']);
    expect(h.mismatches).toEqual([]);
  });
});
