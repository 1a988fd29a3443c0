// Read-only inspection of the swap-table designs (not kernel code): every allocated entry, every cluster, and what a
// quiet machine must not still hold (a cluster with slots, a table or an extend table left, a memcg id recorded).
import type { ClusterSnapshot, SlotSnapshot } from '../swap.ts';
import { slotViewOf } from './instrument.ts';
import type { SwapTableKernel } from './kernel.ts';
import { swp_entry, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';

function spaces(k: SwapTableKernel): SwapInfoStruct[] {
  return k.vswap ? [k.vswap.si, ...k.devices] : [...k.devices];
}

function clustersOf(si: SwapInfoStruct): SwapClusterInfo[] {
  return [...si.clusterInfo.values()].sort((a, b) => a.id - b.id);
}

/** Every slot PTEs may hold that is allocated (shadow or PFN entry), vswap slots first. */
export function inspectSlots(k: SwapTableKernel): SlotSnapshot[] {
  const out: SlotSnapshot[] = [];
  for (const si of spaces(k)) {
    for (const ci of clustersOf(si)) {
      ci.table?.forEach((tb, i) => {
        if (tb.kind !== 'shadow' && tb.kind !== 'pfn') return;
        const off = ci.id * si.clusterSize + i;
        const view = slotViewOf(k, si, off);
        let backing: SlotSnapshot['backing'] = null;
        if (si.vswap) {
          const vt = ci.dyn?.vtable?.[i];
          if (vt?.tag === 'SWAPFILE') backing = { dev: k.swapInfo(vt.type)?.index ?? -1, offset: vt.offset };
          else if (vt?.tag === 'ZSWAP') backing = { zswap: vt.ze.id };
        } else {
          const ze = si.zswapTree.get(off);
          backing = ze ? { zswap: ze.id } : si.written[off] ? { dev: si.index, offset: off } : null;
        }
        out.push({
          slot: swp_entry(si.type, off),
          swapCount: view.swapCount,
          inSwapcache: view.inSwapcache,
          type: view.type,
          memcgid: ci.memcgTable?.[i] ?? 0,
          backing,
          cache: tb.kind === 'pfn' ? { folio: tb.folio.id } : { shadow: tb.shadow },
        });
      });
    }
  }
  return out;
}

/** Every cluster of every space. */
export function inspectClusters(k: SwapTableKernel): ClusterSnapshot[] {
  const out: ClusterSnapshot[] = [];
  for (const si of spaces(k)) {
    for (const ci of clustersOf(si)) {
      const state = [
        ci.flags,
        ci.table ? 'table' : 'no-table',
        ci.extendTable ? `extend[${ci.extendTable.join(',')}]` : '',
        ci.dyn?.vtable ? `vtable[${ci.dyn.vtable.map((v) => (v.tag === 'NONE' ? '-' : v.tag === 'ZSWAP' ? 'Z' : 'S')).join('')}]` : '',
      ].filter(Boolean);
      out.push({
        space: si.vswap ? 'vswap' : `swap${si.index}`,
        id: ci.id,
        order: ci.order,
        count: ci.count,
        state: state.join(' '),
        bitmap: ci.table ? ci.table.map((tb) => tb.kind !== 'null') : new Array<boolean>(si.clusterSize).fill(false),
      });
    }
  }
  return out;
}

/** What a quiet machine must not hold in the swap table's own structures. */
export function quiescenceProblems(k: SwapTableKernel): string[] {
  const out: string[] = [];
  for (const si of spaces(k)) {
    const name = si.vswap ? 'vswap' : `swap${si.index}`;
    for (const ci of clustersOf(si)) {
      const bad = ci.table?.filter((tb) => tb.kind === 'bad').length ?? 0;
      // vswap_si keeps only cluster 0 (its slot 0 is bad); a device's clusters keep their bad slots
      if (si.vswap && ci.id !== 0) out.push(`vswap cluster ${ci.id} not released: count=${ci.count} flags=${ci.flags}`);
      if (ci.count !== bad) out.push(`${name} cluster ${ci.id} count=${ci.count}, expected ${bad} (bad slots)`);
      if (!si.vswap && ci.count === 0 && si.on && (ci.flags !== 'FREE' || ci.table)) {
        out.push(`${name} cluster ${ci.id} is empty but ${ci.flags === 'FREE' ? 'still has its table' : `is ${ci.flags}`}`);
      }
      if (ci.extendTable) out.push(`${name} cluster ${ci.id} still has an extend table`);
      if (ci.memcgTable?.some((id) => id !== 0)) out.push(`${name} cluster ${ci.id} still records a memcg id`);
    }
    if (!si.vswap && si.zswapTree.size) out.push(`${name} zswap tree still holds ${si.zswapTree.size} object(s)`);
  }
  if (k.vswap && k.vswapUsed !== 0) out.push(`vswap_used=${k.vswapUsed}, expected 0`);
  return out;
}
