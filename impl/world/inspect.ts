// A read-only data snapshot of the whole machine for oracles and tests: descriptors, clusters, devices, zswap,
// memcgs, and how many PTEs hold each virtual slot (counted from the page tables, not from the descriptors).
import type { SwapType } from '../../model/events.ts';
import { isShadow } from '../kernel/vswap_types.ts';
import { refcount_read } from '../sim/index.ts';
import type { World } from './world.ts';

export interface DescSnapshot {
  readonly slot: number;
  readonly swapCount: number;
  readonly inSwapcache: boolean;
  readonly type: SwapType;
  readonly memcgid: number;
  /** The backing union: a physical slot, a zswap object, or nothing. */
  readonly backing: { readonly dev: number; readonly offset: number } | { readonly zswap: number } | null;
  /** The swap_cache/shadow union: the cached folio's id, a shadow, or nothing. */
  readonly cache: { readonly folio: number } | { readonly shadow: number } | null;
}

export interface ClusterSnapshot {
  readonly id: number;
  readonly order: number;
  readonly count: number;
  readonly refcnt: number;
  readonly cached: boolean;
  readonly full: boolean;
  readonly onPartialList: boolean;
  /** CPUs whose per-CPU cache holds it. */
  readonly cachedOn: readonly number[];
  readonly bitmap: readonly boolean[];
}

export interface DeviceSnapshot {
  readonly index: number;
  readonly on: boolean;
  readonly writeOk: boolean;
  readonly inuse: number;
  readonly allocated: readonly boolean[];
  readonly bad: readonly boolean[];
  /** Reverse map: the virtual slot each physical slot points back at (0 = none). */
  readonly rmap: readonly number[];
}

export interface ZswapSnapshot {
  readonly id: number;
  readonly swpentry: number;
  readonly value: number;
}

export interface MemcgSnapshot {
  readonly id: number;
  /** v2: memory.swap pages; v1-memsw: the swap part of memsw. */
  readonly swapCharge: number;
  readonly idRefs: number;
}

export interface FolioSnapshot {
  readonly id: number;
  readonly order: number;
  readonly swap: number;
  readonly swapcache: boolean;
  readonly dirty: boolean;
  readonly writeback: boolean;
  readonly lru: boolean;
  readonly mapcount: number;
  readonly refs: number;
  readonly contents: readonly number[];
}

export interface WorldSnapshot {
  /** Every allocated descriptor, by slot. */
  readonly descriptors: readonly DescSnapshot[];
  readonly clusters: readonly ClusterSnapshot[];
  readonly devices: readonly DeviceSnapshot[];
  readonly zswap: readonly ZswapSnapshot[];
  /** Indexed by memcg id; index 0 ("no memcg") included for completeness. */
  readonly memcgs: readonly MemcgSnapshot[];
  /** Live (not freed) folios. */
  readonly folios: readonly FolioSnapshot[];
  /** slot -> number of PTEs (in all live mms) holding that virtual entry. */
  readonly pteRefs: ReadonlyMap<number, number>;
  readonly vswapUsed: number;
  readonly liveMms: number;
}

/** inspect: the snapshot (plain, no scheduling point, changes nothing). */
export function inspect(w: World): WorldSnapshot {
  const k = w.k;
  const descriptors: DescSnapshot[] = [];
  const clusters: ClusterSnapshot[] = [];
  for (const c of [...k.clusterMap.values()].sort((a, b) => a.id - b.id)) {
    c.bitmap.forEach((on, i) => {
      if (!on) return;
      const d = c.descriptors[i]!;
      const sc = d.swapCache;
      descriptors.push({
        slot: c.id * k.clusterSize + i,
        swapCount: d.swapCount,
        inSwapcache: d.inSwapcache,
        type: d.type,
        memcgid: d.memcgid,
        backing: d.slot ? { dev: d.slot.dev, offset: d.slot.offset } : d.zswapEntry ? { zswap: d.zswapEntry.id } : null,
        cache: sc === null ? null : isShadow(sc) ? { shadow: sc.shadow } : { folio: sc.id },
      });
    });
    clusters.push({
      id: c.id,
      order: c.order,
      count: c.count,
      refcnt: refcount_read(w.m, c.refcnt),
      cached: c.cached,
      full: c.full,
      onPartialList: c.onList,
      cachedOn: k.percpuClusters.flatMap((orders, cpu) => (orders.includes(c) ? [cpu] : [])),
      bitmap: [...c.bitmap],
    });
  }
  const pteRefs = new Map<number, number>();
  for (const mm of k.mms) {
    for (const pte of mm.ptes.values()) if (pte.kind === 'swap') pteRefs.set(pte.entry, (pteRefs.get(pte.entry) ?? 0) + 1);
  }
  return {
    descriptors,
    clusters,
    devices: k.devices.map((si) => ({
      index: si.index,
      on: si.on,
      writeOk: si.writeOk,
      inuse: si.inuse,
      allocated: [...si.allocated],
      bad: [...si.bad],
      rmap: [...si.rmap],
    })),
    zswap: k.zswapPool.map((ze) => ({ id: ze.id, swpentry: ze.swpentry, value: ze.value })),
    memcgs: k.memcgs.map((mc) => ({ id: mc.id, swapCharge: mc.swapCharge, idRefs: mc.idRefs })),
    folios: k.folios
      .filter((f) => !f.freed)
      .map((f) => ({
        id: f.id,
        order: f.order,
        swap: f.swap,
        swapcache: f.swapcache,
        dirty: f.dirty,
        writeback: f.writeback,
        lru: f.lru,
        mapcount: f.mapcount,
        refs: f.refs,
        contents: [...f.contents],
      })),
    pteRefs,
    vswapUsed: k.vswapUsed,
    liveMms: k.mms.length,
  };
}
