// The Swap Table Edition driven through the world: vswap slots in dynamic clusters created and destroyed on demand;
// physical backing only when zswap cannot take a page, with a reverse-map Pointer and its cache-only bit; the
// physical side reclaiming and swapping off through that reverse map; zswap writeback restoring zswap when
// decompression fails; a direct physical slot when vswap_si cannot get a cluster.
import { describe, expect, it } from 'vitest';
import { asSwapTable } from '../../../impl/kernel/swap_table/kernel.ts';
import { swp_entry } from '../../../impl/kernel/swap_table/types.ts';
import { wait_event } from '../../../impl/sim/index.ts';
import { inspect } from '../../../impl/world/inspect.ts';
import { op_exit, op_fork, op_pageout, op_read, op_swapoff, op_write, op_zswap_writeback } from '../../../impl/world/ops.ts';
import { renderSlots } from '../../../impl/world/render.ts';
import type { Process } from '../../../impl/world/world.ts';
import { quiescenceProblems } from '../../../properties/oracles/quiescence.ts';
import { failureText, harness, type Harness } from '../../world/harness.ts';

const ste = { design: 'ste' as const, clusterSize: 4, devices: [{ slots: 8, clusterSize: 4 }] };
const wbDone = (h: Harness) => wait_event(h.m, 'writes done', () => !h.w.k.folios.some((f) => !f.freed && f.writeback));
/** The physical table entry of swap0:off. */
const ptb = (h: Harness, off: number) => asSwapTable(h.w.k).devices[0]!.peek(off);

describe('the Swap Table Edition', () => {
  it('creates vswap clusters on demand (cluster 0 keeps only its bad slot) and destroys them when they empty', () => {
    const h = harness({ ...ste, zswapCapacity: 8 });
    const k = asSwapTable(h.w.k);
    const p = h.w.createProcess(0);
    const clusters: number[][] = [];
    const res = h.run(['P', 0, function* () {
      for (let pg = 0; pg < 5; pg++) yield* op_write(h.w, p, pg, pg + 1);
      yield* op_pageout(h.w, p, 0, 5);
      clusters.push([...k.vswap!.si.clusterInfo.keys()]);
      yield* op_exit(h.w, p);
      clusters.push([...k.vswap!.si.clusterInfo.keys()]);
    }]);
    expect(failureText(res)).toBe('ok');
    // slots 4..7 in cluster 1, slot 8 in cluster 2; both destroyed at exit
    expect(clusters).toEqual([[0, 1, 2], [0]]);
    expect(h.eventsOf(4)).toEqual(['ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL', 'PUT', 'FREE']);
    expect(quiescenceProblems(inspect(h.w))).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('gives a vswap slot a physical slot only when zswap rejects it; the reverse map marks it cache-only at count 0', () => {
    const h = harness({ ...ste, zswapCapacity: 0 });
    const p = h.w.createProcess(0);
    const seen: string[] = [];
    const rmaps: unknown[] = [];
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 4);
      yield* op_pageout(h.w, p, 0, 1);
      yield* wbDone(h);
      rmaps.push(ptb(h, 1));
      seen.push(renderSlots(inspect(h.w), [4]));
      // read it back (the written folio is still in the swap cache): the slot stays cached and SWAPFILE, its count
      // drops to 0 as the PTE maps the folio again -> the physical slot is cache-only
      expect(yield* op_read(h.w, p, 0)).toBe(4);
      rmaps.push(ptb(h, 1));
      yield* op_exit(h.w, p);
    }]);
    console.log(seen.join('\n'));
    expect(failureText(res)).toBe('ok');
    expect(rmaps).toEqual([
      { kind: 'ptr', voff: 4, cacheOnly: false },
      { kind: 'ptr', voff: 4, cacheOnly: true },
    ]);
    expect(h.eventsOf(4)).toEqual(['ALLOC', 'DUP', 'STORE_SWAPFILE', 'PUT', 'CACHE_DEL', 'FREE']);
    expect(h.physEventsOf(0, 1)).toEqual(['PHYS_ALLOC', 'PHYS_FREE']);
    expect(h.mismatches).toEqual([]);
  });

  it('a fork of a cache-only slot clears the bit again (0 -> 1)', () => {
    const h = harness({ ...ste, zswapCapacity: 0 });
    const p = h.w.createProcess(0);
    let child: Process | null = null;
    const bits: unknown[] = [];
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 4);
      yield* op_pageout(h.w, p, 0, 1);
      yield* wbDone(h);
      // a second page keeps the first's cluster and physical slot alive while page 0 goes round
      yield* op_write(h.w, p, 1, 6);
      yield* op_pageout(h.w, p, 1, 1);
      yield* wbDone(h);
      yield* op_pageout(h.w, p, 0, 1);
      child = yield* op_fork(h.w, p);
      bits.push((ptb(h, 1) as { cacheOnly?: boolean }).cacheOnly);
      yield* op_exit(h.w, child!);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(bits).toEqual([false]);
    expect(h.mismatches).toEqual([]);
  });

  it('swapoff of the physical device moves every vswap slot it backs to its folio (PTEs untouched)', () => {
    const h = harness({ ...ste, zswapCapacity: 0 }, { cpus: 2 });
    const p = h.w.createProcess(0);
    const res = h.run(['P', 0, function* () {
      for (let pg = 0; pg < 3; pg++) yield* op_write(h.w, p, pg, pg + 2);
      yield* op_pageout(h.w, p, 0, 3);
      yield* wbDone(h);
      yield* op_swapoff(h.w, 0);
      expect(asSwapTable(h.w.k).devices[0]!.on).toBe(false);
      for (let pg = 0; pg < 3; pg++) expect(yield* op_read(h.w, p, pg)).toBe(pg + 2);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(h.eventsOf(4)).toContain('SWAPOFF_UNUSE');
    expect(h.physEventsOf(0, 1).at(-1)).toBe('SWAPOFF');
    expect(h.mismatches).toEqual([]);
  });

  it('zswap writeback installs the physical slot first and restores zswap when decompression fails', () => {
    const h = harness({ ...ste, zswapCapacity: 4, zswapDecompressFail: [1] });
    const p = h.w.createProcess(0);
    let failed = -1;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 9);
      yield* op_pageout(h.w, p, 0, 1);
      failed = yield* op_zswap_writeback(h.w, 1);
      expect(yield* op_zswap_writeback(h.w, 1)).toBe(1);
      yield* wbDone(h);
      expect(yield* op_read(h.w, p, 0)).toBe(9);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(failed).toBe(0);
    // the failed attempt: ZSWAP -> SWAPFILE -> ZSWAP again (the physical slot freed), then the one that worked
    expect(h.eventsOf(4)).toEqual([
      'ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL',
      'CACHE_ADD', 'ZSWAP_WRITEBACK', 'STORE_ZSWAP', 'CACHE_DEL',
      'CACHE_ADD', 'ZSWAP_WRITEBACK',
      // the written-back folio is still cached when P reads: it is mapped again, no read from the device
      'PUT', 'CACHE_DEL', 'FREE',
    ]);
    expect(h.mismatches).toEqual([]);
  });

  it('falls back to a physical slot PTEs hold directly when vswap_si cannot get a new cluster', () => {
    // the first may-fail allocation is alloc_swap_scan_dynamic's kzalloc of the cluster (GFP_ATOMIC)
    const h = harness({ ...ste, zswapCapacity: 4 }, { failslab: [1] });
    const p = h.w.createProcess(0);
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 3);
      yield* op_pageout(h.w, p, 0, 1);
      expect(yield* op_read(h.w, p, 0)).toBe(3);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    // type 1 is the physical device (vswap_si took type 0 at boot)
    expect(h.eventsOf(swp_entry(1, 1))).toEqual(['ALLOC', 'DUP', 'STORE_ZSWAP', 'CACHE_DEL', 'CACHE_ADD', 'LOAD', 'STORE_FOLIO', 'PUT', 'CACHE_DEL', 'FREE']);
    expect(h.mismatches).toEqual([]);
  });
});
