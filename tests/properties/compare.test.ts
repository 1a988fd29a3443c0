// The comparison's metadata walk: on a tiny device the structures it counts are the ones counted by hand (so the
// walk can be wrong, and this would say so), pricing refuses a design or a structure the size table does not know,
// and the locking accounting sees the same operations in every design.
import { describe, expect, it } from 'vitest';
import { priceMetadata, xaNodes } from '../../impl/kernel/metadata.ts';
import { fillDevice, lockingRun } from '../../properties/compare.ts';

const tiny = { slots: 16, cluster: 4 };
const counts = (design: 'v6' | 'ste' | 'mainline', backing: 'zswap' | 'disk', pages: number) =>
  Object.fromEntries(fillDevice(design, backing, pages, tiny).k.swap.metadata().map((r) => [r.design, r.counts]));

describe('metadata walk', () => {
  it('counts by hand: 5 pages swapped out to a 16-slot device in clusters of 4', () => {
    // mainline: slots 1-5 (slot 0 is the header) -> clusters 0 and 1 hold pages; 2 and 3 are free, without tables
    const m = counts('mainline', 'disk', 5);
    expect(m.mainline).toEqual({ swap_cluster_info: 4, swap_table: 2, memcg_table: 2, extend_table: 0, swap_table_header: 0, memcg_table_header: 0, zswap_tree_node: 0 });
    expect(m['6.19']).toEqual({ swap_map: 16, swap_cgroup: 16, zeromap: 16, swap_cluster_info: 4, swap_table: 2, swap_table_header: 0, zswap_tree_node: 0 });
    // v6: virtual slots 1-3 in cluster 0 (its first slot is never handed out) and 4-5 in cluster 1, 4 descriptors
    // each (two map entries: one xarray node); their physical slots 1-5 are in clusters 0 and 1, whose reverse-map
    // tables exist
    expect(counts('v6', 'disk', 5).v6).toEqual({ vswap_cluster: 2, swp_desc: 8, vswap_cluster_map_node: 1, swap_bitmaps: 16, swap_cluster_info: 4, rmap_table: 2 });
    // STE with zswap and no swapfile: vswap_si's cluster 0 (slot 0 bad) stays as booted; the 5 pages take two new
    // dynamic clusters (3 pool entries: one xarray node); nothing physical
    expect(counts('ste', 'zswap', 5).ste).toEqual({
      vswap_cluster_0: 1,
      swap_cluster_info_dynamic: 2,
      vswap_swap_table: 2,
      virtual_table: 2,
      vswap_memcg_table: 2,
      cluster_info_pool_node: 1,
      swap_cluster_info: 0,
      swap_table: 0,
      swap_table_header: 0,
      memcg_table: 0,
      extend_table: 0,
    });
    // an empty device: only what swapon allocates (the header cluster's table is a per-device cost)
    expect(counts('mainline', 'disk', 0).mainline).toMatchObject({ swap_table: 0, swap_table_header: 1, memcg_table_header: 1 });
  });

  it('prices what it counts, scales all but the per-device items, and refuses what it does not know', () => {
    const p = priceMetadata('mainline', { swap_cluster_info: 4, swap_table: 2, swap_table_header: 1 }, 10);
    expect(p.total).toBe(4 * 48 + 2 * 4096 + 4096);
    expect(p.scaledTotal).toBe((4 * 48 + 2 * 4096) * 10 + 4096);
    expect(() => priceMetadata('v7', { swap_table: 1 })).toThrow(/design 'v7' is not in the size table/);
    expect(() => priceMetadata('v6', { swap_map: 1 })).toThrow(/'swap_map' has no size for design 'v6'/);
    expect(xaNodes(1)).toBe(0);
    expect(xaNodes(64)).toBe(1);
    expect(xaNodes(65)).toBe(3);
  });
});

describe('locking accounting', () => {
  it('sees every operation of the fixed workload in every design', () => {
    for (const design of ['v6', 'ste', 'mainline'] as const) {
      const rows = lockingRun(design, 'zswap');
      for (const r of rows) {
        expect(r.calls, `${design} ${r.op}`).toBeGreaterThan(0);
        expect(r.acquisitions, `${design} ${r.op}`).toBeGreaterThan(0);
      }
    }
  });
});
