// zswap_list_lru's lock: zswap_store adds under it, zswap_entry_free deletes under it (nested in the vswap cluster
// lock when release_backing frees a ZSWAP slot), and the shrinker reads swpentry under it and drops it before the
// writeback. The lock graph must carry the kernel's edge vswap_cluster->lock -> list_lru_one->lock, and none from
// list_lru_one->lock to a lock the writeback takes.
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../impl/sim/index.ts';
import { test_bit_locked } from '../../impl/sim/index.ts';
import { zswap_shrink } from '../../impl/kernel/mm/zswap.ts';
import { op_exit, op_pageout, op_write } from '../../impl/world/ops.ts';
import { failureText, harness } from '../world/harness.ts';

/** Lock-class dependencies lockdep recorded, as 'from -> to' names. */
function edges(m: Machine): string[] {
  const classes = m.engine.lockdep!.classes.all;
  return classes.flatMap((c) => [...c.out.values()].map((e) => `${classes[e.from]!.name} -> ${classes[e.to]!.name}`));
}

describe('zswap list_lru lock', () => {
  it('freeing a ZSWAP slot takes the list_lru lock inside the vswap cluster lock', () => {
    const h = harness({ zswapCapacity: 4 });
    const p = h.w.createProcess(0);
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 7);
      yield* op_pageout(h.w, p, 0, 1);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(h.w.k.zswapPool).toEqual([]);
    expect(edges(h.m)).toContain('vswap_cluster->lock -> list_lru_one->lock');
  });

  it('the shrinker holds the list_lru lock only around picking the object, not across the writeback', () => {
    const h = harness({ zswapCapacity: 4, devices: [{ slots: 8, clusterSize: 4 }] });
    const p = h.w.createProcess(0);
    let written = -1;
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 7);
      yield* op_pageout(h.w, p, 0, 1);
      written = yield* zswap_shrink(h.w.k, 1);
      yield* op_exit(h.w, p);
    }]);
    expect(failureText(res)).toBe('ok');
    expect(written).toBe(1);
    expect(edges(h.m).filter((e) => e.startsWith('list_lru_one->lock ->'))).toEqual([]);
  });

  it('zswap_writeback_entry frees the object before the write unlocks the folio (no object left behind a SWAPFILE slot)', () => {
    for (let at = 0; at < 40; at++) {
      const choices = new Array<number>(2000).fill(1);
      choices[at] = 0;
      const h = harness({ zswapCapacity: 4, devices: [{ slots: 8, clusterSize: 4 }] }, { cpus: 2, choices });
      const k = h.w.k;
      const p = h.w.createProcess(0);
      let done = false;
      const seen: string[] = [];
      const res = h.run(
        ['P', 0, function* () {
          yield* op_write(h.w, p, 0, 7);
          yield* op_pageout(h.w, p, 0, 1);
          yield* zswap_shrink(k, 1);
          done = true;
          yield* op_exit(h.w, p);
        }],
        ['observer', 1, function* () {
          while (!done) {
            // a folio under writeback whose lock is free: zswap_writeback_entry is past __swap_writepage
            for (const f of k.folios) {
              if (f.writeback && !test_bit_locked(h.m, f.lock) && k.zswapPool.some((ze) => ze.swpentry === f.swap)) seen.push(`${f}`);
            }
            yield* h.m.point('observe');
          }
        }],
      );
      expect(failureText(res), `phase ${at}`).toBe('ok');
      expect(seen, `phase ${at}`).toEqual([]);
    }
  });
});
