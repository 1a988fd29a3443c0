// Swap metadata: what each design allocates per slot, per cluster and per device, with sizes from public sources
// (x86_64, 4 KiB pages, SWAPFILE_CLUSTER = 512). A design's walker (metadataCounts in its folder) counts the
// structures alive in a kernel's state; `priceMetadata` multiplies them by these sizes. A design or a structure
// missing from the table is an error, never a zero.
//
// Sources: S16/S17 = vswap v5/v6 covers (lore 20260320192735.748051-1 / 20260505153854.1612033-1-nphamcs@gmail.com);
// S6 = swap table P4 (lore 20260517-swap-table-p4-v5-0-88ae43e064c7@tencent.com); S10/S11 = STE RFC v1/v2 covers
// (lore 20260528212955.1912856-1 / 20260612193738.2183968-1-nphamcs@gmail.com); S13 = STE v2 2/7; v619 =
// torvalds/linux v6.19 mm/swap.h, mm/swapfile.c, mm/swap_cgroup.c; vswap.c = intel-lab-lkp/linux mm/vswap.c
// @03fb548d (the v6 series). "fields" means: summed from the structure's fields on x86_64 (pointers and longs 8 B,
// spinlock_t 4 B without lock debugging, list_head and rcu_head 16 B), rounded up to 8.

/** Per design row of the comparison: what is priced. '6.19' prices the mainline port's state as 6.19 keeps it. */
export const METADATA_DESIGNS = ['6.19', 'mainline', 'v6', 'ste'] as const;
export type MetadataDesign = (typeof METADATA_DESIGNS)[number];

export interface SizeEntry {
  /** Bytes per counted unit. */
  readonly bytes: number;
  /** What one unit is (a slot of the device, a live cluster, an entry). */
  readonly unit: string;
  readonly source: string;
  /**
   * A fixed cost per device (the swap header's cluster table, the STE's pre-allocated vswap cluster 0): not scaled
   * with the device's size when a small simulated device stands for a large one.
   */
  readonly perDevice?: true;
}

// An xarray's 8 B slots live in its nodes: pricing the nodes prices the slots (a lone entry needs no node).
const XA_NODE = { bytes: 576, unit: 'xarray node (64 slots of 8 B + header)', source: 'lib/xarray.c: struct xa_node, 576 B on 64-bit (XA_CHUNK_SIZE 64)' };
const HEADER_TABLE = {
  bytes: 4096,
  unit: 'device (cluster 0, which holds the swap header)',
  source: 'the header slot is a Bad entry in the swap table, so cluster 0 keeps a table from swapon on',
  perDevice: true,
} as const;

export const SIZE_TABLE: Readonly<Record<MetadataDesign, Readonly<Record<string, SizeEntry>>>> = {
  '6.19': {
    swap_map: { bytes: 1, unit: 'device slot', source: 'v619 swapfile.c: si->swap_map, one unsigned char per slot (vzalloc at swapon)' },
    swap_cgroup: { bytes: 2, unit: 'device slot', source: 'v619 swap_cgroup.c: one unsigned short id per slot (static array per device)' },
    zeromap: { bytes: 0.125, unit: 'device slot', source: 'v619 swapfile.c: si->zeromap, one bit per slot' },
    swap_cluster_info: { bytes: 32, unit: 'device cluster', source: 'v619 swap.h: lock 4, count 2, flags 1, order 1, table 8, list 16 (fields)' },
    swap_table: { bytes: 4096, unit: 'cluster in use', source: 'v619 swap_table.h: atomic_long_t entries[512], allocated while the cluster is in use (S27)' },
    swap_table_header: HEADER_TABLE,
    zswap_tree_node: { ...XA_NODE, source: `v619 zswap.c: the per-device zswap xarray (S16: "zswap tree"); ${XA_NODE.source}` },
  },
  mainline: {
    swap_cluster_info: { bytes: 48, unit: 'device cluster', source: 'S6: 48 B per cluster ("~0.09375 B/slot static")' },
    swap_table: { bytes: 4096, unit: 'cluster in use', source: 'S6 swap_table.h: atomic_long_t entries[512] per cluster in use' },
    memcg_table: { bytes: 1024, unit: 'cluster in use', source: 'S6: struct swap_memcg_table, unsigned short id[512], 1024 B kmalloc per cluster (CONFIG_MEMCG)' },
    extend_table: { bytes: 2048, unit: 'cluster with a count past COUNT_MAX', source: 'S6 swap.h: unsigned int *extend_table, 512 x 4 B' },
    swap_table_header: HEADER_TABLE,
    memcg_table_header: { ...HEADER_TABLE, bytes: 1024, source: 'S6: the header cluster\'s table comes with its memcg_table' },
    zswap_tree_node: { ...XA_NODE, source: `mm/zswap.c: the per-device zswap xarray; ${XA_NODE.source}` },
  },
  v6: {
    vswap_cluster: { bytes: 112, unit: 'vswap cluster', source: 'vswap.c struct vswap_cluster: lock 4, rcu/list 16, id 8, bitfields 4, refcnt 4, bitmap[512 bits] 64, descriptors 8 (fields)' },
    swp_desc: { bytes: 24, unit: 'descriptor (512 per vswap cluster, vzalloc)', source: 'S16/S17: struct swp_desc is 24 B (pahole)' },
    vswap_cluster_map_node: { ...XA_NODE, source: `vswap.c: the vswap_cluster_map xarray; ${XA_NODE.source}` },
    swap_bitmaps: { bytes: 0.25, unit: 'device slot', source: 'S16/S17: two bitmaps replace swap_map (allocated, bad): 2 bits per slot' },
    swap_cluster_info: { bytes: 32, unit: 'device cluster', source: 'v619 swap.h layout (the series keeps it; fields)' },
    rmap_table: { bytes: 4096, unit: 'device cluster in use', source: 'vswap.c vswap_rmap_set: the physical cluster\'s swap table holds the reverse map, 8 B per slot' },
  },
  ste: {
    swap_cluster_info_dynamic: { bytes: 80, unit: 'vswap cluster', source: 'S13: ci 48 + index 4 (+4 pad) + rcu 16 + virtual_table 8 (fields)' },
    vswap_swap_table: { bytes: 4096, unit: 'vswap cluster', source: 'S11/S13: a vswap cluster has an ordinary swap table, 8 B per slot' },
    virtual_table: { bytes: 4096, unit: 'vswap cluster', source: 'S10: the virtual table, 8 B per slot (vs 24 B swp_desc)' },
    vswap_memcg_table: { bytes: 1024, unit: 'vswap cluster', source: 'S11 (v2 6/7): memcg_table allocated eagerly for vswap clusters, 2 B per slot' },
    cluster_info_pool_node: { ...XA_NODE, source: `S13: the si->cluster_info_pool xarray; ${XA_NODE.source}` },
    vswap_cluster_0: {
      bytes: 80 + 4096 + 4096 + 1024,
      unit: 'device (vswap_si\'s cluster 0, pre-allocated with its slot 0 bad)',
      source: 'S12/S13: vswap_init allocates cluster 0 with the tables above; priced like the others',
      perDevice: true,
    },
    swap_cluster_info: { bytes: 48, unit: 'device cluster', source: 'S6: 48 B per physical cluster, static' },
    swap_table: { bytes: 4096, unit: 'device cluster in use', source: 'S14: the physical table holds the reverse-map Pointer, 8 B per slot' },
    memcg_table: { bytes: 1024, unit: 'device cluster used directly', source: 'S11 (v2 6/7): a physical memcg_table only once a slot is used directly' },
    extend_table: { bytes: 2048, unit: 'cluster with a count past COUNT_MAX', source: 'S6 swap.h: 512 x 4 B' },
    swap_table_header: HEADER_TABLE,
  },
};

/** How many of each structure a kernel holds right now, for one design row. */
export type MetadataCounts = Readonly<Record<string, number>>;

export interface PricedItem {
  readonly struct: string;
  readonly count: number;
  /** count x size. */
  readonly bytes: number;
  /** Bytes once a simulated device stands for one `scale` times larger (per-device items are not scaled). */
  readonly scaledBytes: number;
  readonly unit: string;
  readonly source: string;
}

/**
 * Counts priced with the size table; `scale` is how many times larger the device the figures stand for is. An
 * unknown design or structure throws (never prices as zero).
 */
export function priceMetadata(design: string, counts: MetadataCounts, scale = 1): { total: number; scaledTotal: number; items: PricedItem[] } {
  if (!(METADATA_DESIGNS as readonly string[]).includes(design)) {
    throw new Error(`metadata: design '${design}' is not in the size table (known: ${METADATA_DESIGNS.join(', ')})`);
  }
  const table = SIZE_TABLE[design as MetadataDesign];
  const items: PricedItem[] = [];
  for (const [struct, count] of Object.entries(counts)) {
    const size = table[struct];
    if (size === undefined) throw new Error(`metadata: '${struct}' has no size for design '${design}' in the size table`);
    const bytes = count * size.bytes;
    items.push({ struct, count, bytes, scaledBytes: size.perDevice ? bytes : bytes * scale, unit: size.unit, source: size.source });
  }
  return { total: items.reduce((s, i) => s + i.bytes, 0), scaledTotal: items.reduce((s, i) => s + i.scaledBytes, 0), items };
}

/** xarray nodes for n entries with dense indices (one leaf per 64, plus the parents above them). */
export function xaNodes(n: number): number {
  if (n <= 1) return 0;
  let nodes = 0;
  for (let level = Math.ceil(n / 64); ; level = Math.ceil(level / 64)) {
    nodes += level;
    if (level <= 1) break;
  }
  return nodes;
}
