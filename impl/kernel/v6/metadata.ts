// The v6 design's swap metadata alive right now, counted per structure of the size table (impl/kernel/metadata.ts):
// vswap clusters with their 512 descriptors each, the cluster map, and each swapped-on device's bitmaps, cluster
// headers and the reverse-map tables of its clusters in use. Instrumentation: reads only.
import { xaNodes, type MetadataCounts } from '../metadata.ts';
import type { V6Kernel } from './design.ts';

export function metadataCounts(k: V6Kernel): MetadataCounts {
  const clusters = k.clusterMap.size;
  let slots = 0;
  let devClusters = 0;
  let inUse = 0;
  for (const si of k.devices) {
    if (!si.on) continue;
    slots += si.slots;
    devClusters += si.clusters.length;
    for (let c = 0; c < si.clusters.length; c++) {
      const base = c * si.clusterSize;
      if (si.allocated.slice(base, base + si.clusterSize).some(Boolean)) inUse++;
    }
  }
  return {
    vswap_cluster: clusters,
    swp_desc: clusters * k.clusterSize,
    vswap_cluster_map_node: xaNodes(clusters),
    swap_bitmaps: slots,
    swap_cluster_info: devClusters,
    rmap_table: inUse,
  };
}
