// Mainline's swap table driven through the world: slots are physical and start in the swap cache with count 0;
// counts overflow into the extend table (and back); a put frees an uncached count-1 slot at once; the header slot
// and bad slots are never handed out; the cluster lists follow the counts.
import { describe, expect, it } from 'vitest';
import { asSwapTable } from '../../../impl/kernel/swap_table/kernel.ts';
import { swp_entry } from '../../../impl/kernel/swap_table/types.ts';
import { wait_event } from '../../../impl/sim/index.ts';
import { inspect } from '../../../impl/world/inspect.ts';
import { op_exit, op_fork, op_pageout, op_read, op_write } from '../../../impl/world/ops.ts';
import { renderSlots } from '../../../impl/world/render.ts';
import type { Process } from '../../../impl/world/world.ts';
import { quiescenceProblems } from '../../../properties/oracles/quiescence.ts';
import { failureText, harness } from '../../world/harness.ts';

const mainline = { design: 'mainline' as const, zswapCapacity: 0, devices: [{ slots: 16, clusterSize: 4, bad: [2] }] };

describe("mainline's swap table", () => {
  it('gives slots after the header and bad slots, counts PTEs in the entry, frees at the last put', () => {
    const h = harness(mainline);
    const p = h.w.createProcess(0);
    const seen: string[] = [];
    const res = h.run(['P', 0, function* () {
      for (let pg = 0; pg < 3; pg++) yield* op_write(h.w, p, pg, pg + 1);
      yield* op_pageout(h.w, p, 0, 3);
      yield* wait_event(h.m, 'writes done', () => !h.w.k.folios.some((f) => !f.freed && f.writeback));
      const s = inspect(h.w);
      seen.push(renderSlots(s, [swp_entry(0, 1), swp_entry(0, 3), swp_entry(0, 4)]));
      expect(s.slots.map((d) => [d.slot, d.swapCount, d.inSwapcache, d.type])).toEqual([
        [swp_entry(0, 1), 1, true, 'SWAPFILE'],
        [swp_entry(0, 3), 1, true, 'SWAPFILE'],
        [swp_entry(0, 4), 1, true, 'SWAPFILE'],
      ]);
      expect(yield* op_read(h.w, p, 1)).toBe(2);
      yield* op_exit(h.w, p);
    }]);
    console.log(seen.join('\n'));
    expect(failureText(res)).toBe('ok');
    expect(h.eventsOf(swp_entry(0, 1))).toEqual(['ALLOC', 'DUP', 'STORE_SWAPFILE', 'PUT', 'CACHE_DEL', 'FREE']);
    expect(h.physEventsOf(0, 0)).toEqual(['MARK_BAD']);
    expect(h.physEventsOf(0, 2)).toEqual(['MARK_BAD']);
    expect(h.mismatches).toEqual([]);
  });

  it('overflows a count past COUNT_MAX into the extend table, and frees the table when counts come back', () => {
    const h = harness({ ...mainline, swapCountMax: 2 }, { cpus: 2 });
    const k = asSwapTable(h.w.k);
    const p = h.w.createProcess(0);
    const kids: Process[] = [];
    let extendWhileShared: number[] | null = null;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 7);
      yield* op_pageout(h.w, p, 0, 1);
      for (let i = 0; i < 3; i++) kids.push((yield* op_fork(h.w, p))!);
      extendWhileShared = k.devices[0]!.cluster(1)!.extendTable ? [...k.devices[0]!.cluster(1)!.extendTable!] : null;
      for (const c of kids) yield* op_exit(h.w, c);
      expect(k.devices[0]!.cluster(1)!.extendTable).toBeNull();
      expect(yield* op_read(h.w, p, 0)).toBe(7);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    // four PTEs: the inline count says COUNT_MAX, the extend table holds the whole count
    expect(extendWhileShared).toEqual([0, 4, 0, 0]);
    expect(h.eventsOf(swp_entry(0, 1)).filter((e) => e === 'DUP')).toHaveLength(4);
    expect(quiescenceProblems(inspect(h.w))).toEqual([]);
    expect(h.mismatches).toEqual([]);
  });

  it('rolls a fork back when the extend table cannot be had atomically, then retries with GFP_KERNEL', () => {
    // the first may-fail allocation is the extend table's GFP_ATOMIC try
    const h = harness({ ...mainline, swapCountMax: 2 }, { cpus: 1, failslab: [1] });
    const p = h.w.createProcess(0);
    let child: Process | null = null;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 5);
      yield* op_pageout(h.w, p, 0, 1);
      child = yield* op_fork(h.w, p);
      expect(yield* op_read(h.w, child!, 0)).toBe(5);
      yield* op_exit(h.w, child!);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(h.m.log.some((e) => e.notes.some((n) => n.includes('failslab: kmalloc(swap_extend_table, GFP_ATOMIC) fails')))).toBe(true);
    expect(quiescenceProblems(inspect(h.w))).toEqual([]);
  });
});
