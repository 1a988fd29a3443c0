// A read-only data snapshot of the whole machine for oracles and tests: the allocated swap entries and the design's
// clusters (as the swap layer reports them), devices, zswap, memcgs, folios, and how many PTEs hold each swap entry
// (counted from the page tables, not from the swap layer).
import type { ClusterSnapshot, DesignName, SlotSnapshot } from '../kernel/swap.ts';
import type { World } from './world.ts';

export type { ClusterSnapshot, SlotSnapshot };

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
  readonly design: DesignName;
  /** Every allocated swap entry (what PTEs may hold), by entry. */
  readonly slots: readonly SlotSnapshot[];
  /** The design's allocation clusters. */
  readonly clusters: readonly ClusterSnapshot[];
  /** What the design itself finds wrong with its structures if the machine is quiet (e.g. a cluster never freed). */
  readonly swapProblems: readonly string[];
  readonly devices: readonly DeviceSnapshot[];
  readonly zswap: readonly ZswapSnapshot[];
  /** Indexed by memcg id; index 0 ("no memcg") included for completeness. */
  readonly memcgs: readonly MemcgSnapshot[];
  /** Live (not freed) folios. */
  readonly folios: readonly FolioSnapshot[];
  /** entry -> number of PTEs (in all live mms) holding it. */
  readonly pteRefs: ReadonlyMap<number, number>;
  readonly liveMms: number;
  /** How the design names an entry in reports ("vswap 5", "swap0:5"). */
  readonly describe: (entry: number) => string;
}

/** inspect: the snapshot (plain, no scheduling point, changes nothing). */
export function inspect(w: World): WorldSnapshot {
  const k = w.k;
  const pteRefs = new Map<number, number>();
  for (const mm of k.mms) {
    for (const pte of mm.ptes.values()) if (pte.kind === 'swap') pteRefs.set(pte.entry, (pteRefs.get(pte.entry) ?? 0) + 1);
  }
  return {
    design: k.swap.design,
    slots: k.swap.inspectSlots(),
    clusters: k.swap.inspectClusters(),
    swapProblems: k.swap.quiescenceProblems(),
    devices: k.devices.map((si) => {
      const offs = Array.from({ length: si.slots }, (_, off) => off);
      return {
        index: si.index,
        on: si.on,
        writeOk: si.writeOk,
        inuse: si.inuse,
        allocated: offs.map((off) => si.slotState(off) === 'allocated'),
        bad: offs.map((off) => si.slotState(off) === 'bad'),
        rmap: offs.map((off) => si.rmapOf(off)),
      };
    }),
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
    liveMms: k.mms.length,
    describe: (entry) => k.swap.describeSlot(entry),
  };
}
