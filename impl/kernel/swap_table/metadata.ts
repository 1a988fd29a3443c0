// The swap-table designs' swap metadata alive right now, counted per structure of the size table
// (impl/kernel/metadata.ts). The same state is also counted as 6.19 keeps it (swap_map, swap_cgroup and zeromap
// arrays beside the swap table), for the row of mainline before the swap table took them over. Instrumentation.
import { xaNodes, type MetadataCounts, type MetadataDesign } from '../metadata.ts';
import type { SwapTableKernel } from './kernel.ts';

export function metadataCounts(k: SwapTableKernel, as: Extract<MetadataDesign, '6.19' | 'mainline' | 'ste'>): MetadataCounts {
  // a cluster that holds nothing but bad slots (cluster 0 and the swap header) keeps its table for them: a fixed
  // cost per device, counted apart from the tables of clusters in use
  const onlyBad = (ci: { count: number; table: { kind: string }[] | null }) => ci.table !== null && ci.count === ci.table.filter((t) => t.kind === 'bad').length;
  let devices = 0;
  let slots = 0;
  let clusters = 0;
  let inUse = 0;
  let memcg = 0;
  let extend = 0;
  let zswapNodes = 0;
  for (const si of k.devices) {
    if (!si.on) continue;
    slots += si.slots;
    for (const ci of si.clusterInfo.values()) {
      clusters++;
      if (onlyBad(ci)) {
        devices++;
        continue;
      }
      if (ci.table) inUse++;
      if (ci.memcgTable) memcg++;
      if (ci.extendTable) extend++;
    }
    zswapNodes += xaNodes(si.zswapTree.size);
  }
  if (as === '6.19') {
    return {
      swap_map: slots,
      swap_cgroup: slots,
      zeromap: slots,
      swap_cluster_info: clusters,
      swap_table: inUse,
      swap_table_header: devices,
      zswap_tree_node: zswapNodes,
    };
  }
  if (as === 'mainline') {
    return {
      swap_cluster_info: clusters,
      swap_table: inUse,
      memcg_table: memcg,
      extend_table: extend,
      swap_table_header: devices,
      memcg_table_header: devices,
      zswap_tree_node: zswapNodes,
    };
  }
  const vsi = k.vswap?.si;
  if (!vsi) throw new Error('metadata: an STE row needs the virtual layer');
  // vswap_si's cluster 0 exists from boot on (its slot 0 is bad): a per-device cost while it holds nothing else
  let vclusters = 0;
  let vmemcg = 0;
  let cluster0 = 0;
  for (const ci of vsi.clusterInfo.values()) {
    if (ci.extendTable) extend++;
    if (ci.id === 0 && onlyBad(ci)) {
      cluster0 = 1;
      continue;
    }
    vclusters++;
    if (ci.memcgTable) vmemcg++;
  }
  return {
    vswap_cluster_0: cluster0,
    swap_cluster_info_dynamic: vclusters,
    vswap_swap_table: vclusters,
    virtual_table: vclusters,
    vswap_memcg_table: vmemcg,
    cluster_info_pool_node: xaNodes(vclusters + cluster0),
    swap_cluster_info: clusters,
    swap_table: inUse,
    swap_table_header: devices,
    memcg_table: memcg,
    extend_table: extend,
  };
}
