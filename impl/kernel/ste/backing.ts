// What backs a vswap slot (mm/vswap.h and the STE's mm/swapfile.c part): the 8-byte virtual table per slot says
// NONE (the data is in the swap-cache folio, or zero per the swap table's flag), ZSWAP (a zswap object) or SWAPFILE
// (a physical slot whose own table entry points back: Pointer, with the cache-only bit while the vswap count is 0).
// A slot's backend changes only with its swap-cache folio locked; the vswap cluster lock makes each access atomic.
import type { VirtualEventType } from '../../../model/events.ts';
import type { Folio } from '../mm/folio.ts';
import { mem_cgroup_from_id, mem_cgroup_uncharge_swap } from '../mm/memcontrol.ts';
import { zswap_entry_free } from '../mm/zswap.ts';
import type { ZswapEntry } from '../mm/zswap_types.ts';
import type { Task } from '../sim.ts';
import { lockdep_assert_held, local_lock, local_unlock, sched, spin_lock_nested, spin_unlock } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';
import { swap_alloc_fast, swap_alloc_slow } from '../swap_table/alloc.ts';
import { free_cluster, partial_free_cluster } from '../swap_table/cluster.ts';
import { swap_range_free } from '../swap_table/free.ts';
import { emitCi, emitPhys } from '../swap_table/instrument.ts';
import type { SwapTableKernel } from '../swap_table/kernel.ts';
import { __swap_table_get, __swap_table_set, ci_off, cluster_offset, swap_cluster_lock, swap_cluster_unlock } from '../swap_table/lock.ts';
import { NULL_TB, VT_NONE, swp_entry, swp_offset, swp_type, type SwapClusterInfo, type SwapInfoStruct, type VtEntry } from '../swap_table/types.ts';

/** __vtable_get: the cluster lock is held and the cluster is alive (its virtual table is freed at once when it dies). */
export function __vtable_get(k: SwapTableKernel, ci: SwapClusterInfo, off: number): VtEntry {
  lockdep_assert_held(k.m, ci.lock);
  const d = ci.dyn!;
  if (!d.vtable || !d.vtableMem) return k.m.fail('bug', `NULL pointer dereference: virtual table of dead vswap cluster ${ci.id} read`);
  k.m.access(d.vtableMem, `virtual table of vswap cluster ${ci.id}`);
  return d.vtable[off]!;
}

/** __vtable_set */
export function __vtable_set(k: SwapTableKernel, ci: SwapClusterInfo, off: number, vt: VtEntry): void {
  lockdep_assert_held(k.m, ci.lock);
  const d = ci.dyn!;
  if (!d.vtable || !d.vtableMem) return k.m.fail('bug', `NULL pointer dereference: virtual table of dead vswap cluster ${ci.id} written`);
  k.m.access(d.vtableMem, `virtual table of vswap cluster ${ci.id}`);
  d.vtable[off] = vt;
}

/** vswap_lock_cluster: the locked vswap cluster of entry (swap_cluster_lock: RCU + DEAD check), or null. */
export function* vswap_lock_cluster(k: SwapTableKernel, entry: SwpEntry): Task<{ ci: SwapClusterInfo; voff: number } | null> {
  const si = k.vswap!.si;
  const ci = yield* swap_cluster_lock(k, si, swp_offset(entry));
  return ci ? { ci, voff: ci_off(si, swp_offset(entry)) } : null;
}

/** vswap_to_phys: the physical entry backing a vswap slot, or 0 (NONE, ZSWAP, zero). */
export function* vswap_to_phys(k: SwapTableKernel, entry: SwpEntry): Task<SwpEntry> {
  const l = yield* vswap_lock_cluster(k, entry);
  if (!l) return 0;
  const vt = __vtable_get(k, l.ci, l.voff);
  yield* swap_cluster_unlock(k, l.ci);
  return vt.tag === 'SWAPFILE' ? swp_entry(vt.type, vt.offset) : 0;
}

/** The physical slot behind a SWAPFILE entry. */
function physOf(k: SwapTableKernel, vt: Extract<VtEntry, { tag: 'SWAPFILE' }>): { si: SwapInfoStruct; off: number } {
  const si = k.swapInfo(vt.type);
  if (!si) return k.m.fail('bug', `vswap backing names swap type ${vt.type}, which has no device`);
  return { si, off: vt.offset };
}

/** swap_rmap_mark_cache_only / swap_rmap_clear_cache_only: an atomic or/and on the physical table entry. */
export function set_rmap_cache_only(k: SwapTableKernel, vt: Extract<VtEntry, { tag: 'SWAPFILE' }>, on: boolean): void {
  const { si, off } = physOf(k, vt);
  const pci = si.cluster(off)!;
  const tb = pci.table?.[off % si.clusterSize];
  if (!tb || tb.kind !== 'ptr') return k.m.fail('bug', `VM_WARN_ON: swap_rmap_${on ? 'mark' : 'clear'}_cache_only: swap${si.index}:${off} is ${tb?.kind ?? 'gone'}`);
  k.m.touchGuarded(pci.lock);
  pci.table![off % si.clusterSize] = { ...tb, cacheOnly: on };
}

/**
 * __swap_cluster_free_phys_backing: frees a run of physical slots that backed vswap slots, under their cluster's
 * lock taken nested inside the vswap cluster lock (same lock class: SINGLE_DEPTH_NESTING).
 */
export function* __swap_cluster_free_phys_backing(k: SwapTableKernel, si: SwapInfoStruct, off: number, nr: number): Task {
  const pci = si.cluster(off)!;
  yield* spin_lock_nested(k.m, pci.lock, 1);
  pci.count -= nr;
  const start = ci_off(si, off);
  for (let i = 0; i < nr; i++) {
    const tb = __swap_table_get(k, pci, start + i);
    k.warnOn(tb.kind !== 'ptr', `__swap_cluster_free_phys_backing: swap${si.index}:${off + i} is ${tb.kind}`);
    __swap_table_set(k, pci, start + i, NULL_TB);
  }
  for (let i = 0; i < nr; i++) emitPhys(k, si, off + i, 'PHYS_FREE', '__vswap_release_backing');
  yield* swap_range_free(k, si, off, nr);
  if (pci.count === 0) yield* free_cluster(k, si, pci);
  else yield* partial_free_cluster(k, si, pci);
  yield* spin_unlock(k.m, pci.lock);
}

/** vswap_uncharge_cgroup_batch: memsw (v1) uncharges every released slot; v2 only the physically backed ones. */
function vswap_uncharge_cgroup_batch(k: SwapTableKernel, id: number, nr: number, nrSwapfile: number): void {
  const n = k.memsw ? nr : nrSwapfile;
  const memcg = mem_cgroup_from_id(k, id);
  if (n && memcg) mem_cgroup_uncharge_swap(k, memcg, n);
}

/**
 * __vswap_release_backing: frees what backs nr vswap slots of a locked cluster (zswap objects; physical slots, a
 * contiguous run in one go, nested under this lock) and uncharges them per memcg run. Every slot ends NONE with the
 * zero flag clear. The caller records the slots' new state.
 */
export function* __vswap_release_backing(k: SwapTableKernel, ci: SwapClusterInfo, start: number, nr: number): Task {
  lockdep_assert_held(k.m, ci.lock);
  let run: { si: SwapInfoStruct; off: number; len: number } | null = null;
  let batchId = ci.memcgTable?.[start] ?? 0;
  let batchNr = 0;
  let batchSwapfile = 0;
  for (let i = start; i < start + nr; i++) {
    const id = ci.memcgTable?.[i] ?? 0;
    if (id !== batchId) {
      vswap_uncharge_cgroup_batch(k, batchId, batchNr, batchSwapfile);
      batchId = id;
      batchNr = batchSwapfile = 0;
    }
    batchNr++;
    const vt = __vtable_get(k, ci, i);
    const p = vt.tag === 'SWAPFILE' ? physOf(k, vt) : null;
    if (run && (!p || p.si !== run.si || p.off !== run.off + run.len || p.off % p.si.clusterSize === 0)) {
      yield* __swap_cluster_free_phys_backing(k, run.si, run.off, run.len);
      run = null;
    }
    if (p) {
      batchSwapfile++;
      if (run) run.len++;
      else run = { si: p.si, off: p.off, len: 1 };
    } else if (vt.tag === 'ZSWAP') {
      yield* zswap_entry_free(k, vt.ze);
    }
    __vtable_set(k, ci, i, VT_NONE);
    const tb = __swap_table_get(k, ci, i);
    if ((tb.kind === 'pfn' || tb.kind === 'shadow') && tb.zero) __swap_table_set(k, ci, i, { ...tb, zero: false });
  }
  if (run) yield* __swap_cluster_free_phys_backing(k, run.si, run.off, run.len);
  vswap_uncharge_cgroup_batch(k, batchId, batchNr, batchSwapfile);
}

/** The event a slot's backing change is recorded as: from its type before to NONE with the folio cached. */
function releasedEvent(before: string, swapoff: boolean): VirtualEventType {
  return swapoff && before === 'SWAPFILE' ? 'SWAPOFF_UNUSE' : 'STORE_FOLIO';
}

/**
 * folio_release_vswap_backing: the locked swap-cache folio becomes the only copy of its vswap slots' data (after a
 * zswap load, and swapoff taking the slots off a device).
 */
export function* folio_release_vswap_backing(k: SwapTableKernel, folio: Folio, by: string, swapoff = false): Task {
  const l = yield* vswap_lock_cluster(k, folio.swap);
  if (!l) return;
  const before = Array.from({ length: folio.nr }, (_, i) => typeOf(k, l.ci, l.voff + i));
  yield* __vswap_release_backing(k, l.ci, l.voff, folio.nr);
  for (let i = 0; i < folio.nr; i++) if (before[i] !== 'FOLIO') emitCi(k, k.vswap!.si, l.ci, l.voff + i, releasedEvent(before[i]!, swapoff), by);
  yield* swap_cluster_unlock(k, l.ci);
}

/**
 * folio_release_non_phys_swap_backing: before a writeout, backing that is not physical (zswap from an earlier
 * cycle, zero) is dropped; a physical run is kept for reuse. Decided on the first slot.
 */
export function* folio_release_non_phys_swap_backing(k: SwapTableKernel, folio: Folio, by: string): Task {
  const l = yield* vswap_lock_cluster(k, folio.swap);
  if (!l) return;
  const first = __vtable_get(k, l.ci, l.voff);
  if (first.tag !== 'SWAPFILE' && first.tag !== 'NONE') {
    const before = Array.from({ length: folio.nr }, (_, i) => typeOf(k, l.ci, l.voff + i));
    yield* __vswap_release_backing(k, l.ci, l.voff, folio.nr);
    for (let i = 0; i < folio.nr; i++) if (before[i] !== 'FOLIO') emitCi(k, k.vswap!.si, l.ci, l.voff + i, 'STORE_FOLIO', by);
  }
  yield* swap_cluster_unlock(k, l.ci);
}

/** The chart's backing type of a vswap slot right now (instrumentation). */
function typeOf(k: SwapTableKernel, ci: SwapClusterInfo, i: number): string {
  const vt = ci.dyn?.vtable?.[i];
  const tb = ci.table?.[i];
  if (vt?.tag === 'SWAPFILE') return 'SWAPFILE';
  if (vt?.tag === 'ZSWAP') return 'ZSWAP';
  return tb && (tb.kind === 'pfn' || tb.kind === 'shadow') && tb.zero ? 'ZERO' : 'FOLIO';
}

/** vswap_zswap_store: a zswap object becomes the backing of one vswap slot (the old backing released first). */
export function* vswap_zswap_store(k: SwapTableKernel, entry: SwpEntry, ze: ZswapEntry, by: string): Task {
  const l = yield* vswap_lock_cluster(k, entry);
  if (!l) return k.m.fail('bug', `vswap_zswap_store: vswap ${swp_offset(entry)}'s cluster is gone`);
  yield* __vswap_release_backing(k, l.ci, l.voff, 1);
  __vtable_set(k, l.ci, l.voff, { tag: 'ZSWAP', ze });
  emitCi(k, k.vswap!.si, l.ci, l.voff, 'STORE_ZSWAP', by);
  yield* swap_cluster_unlock(k, l.ci);
}

/** vswap_zswap_load: the zswap object backing a vswap slot, or null. */
export function* vswap_zswap_load(k: SwapTableKernel, entry: SwpEntry): Task<ZswapEntry | null> {
  const l = yield* vswap_lock_cluster(k, entry);
  if (!l) return null;
  const vt = __vtable_get(k, l.ci, l.voff);
  yield* swap_cluster_unlock(k, l.ci);
  return vt.tag === 'ZSWAP' ? vt.ze : null;
}

/**
 * folio_realloc_swap: physical slots for a locked vswap swap-cache folio: the existing run if the first slot has
 * one, else a new allocation (its Pointer entries written under the physical lock), charged to memory.swap (v2),
 * then recorded in the virtual table under the vswap lock. The old backing (a zswap object in writeback) is the
 * caller's. Returns the physical entry, or 0.
 */
export function* folio_realloc_swap(k: SwapTableKernel, folio: Folio): Task<SwpEntry> {
  const vsi = k.vswap!.si;
  let l = yield* vswap_lock_cluster(k, folio.swap);
  if (!l) return k.m.fail('bug', `folio_realloc_swap: ${folio}'s vswap cluster is gone`);
  const first = __vtable_get(k, l.ci, l.voff);
  if (first.tag === 'SWAPFILE') {
    yield* swap_cluster_unlock(k, l.ci);
    return swp_entry(first.type, first.offset);
  }
  const memcgid = l.ci.memcgTable?.[l.voff] ?? 0;
  // fault 'ste-realloc-under-vswap-lock': the physical allocation is made with the vswap lock still held
  const nested = k.faultOn('ste-realloc-under-vswap-lock');
  for (let i = 0; i < folio.nr; i++) k.reallocInFlight.add(folio.swap + i);
  if (!nested) yield* swap_cluster_unlock(k, l.ci);
  yield* local_lock(k.m, k.percpuSwapLock);
  let phys = yield* swap_alloc_fast(k, folio);
  if (!phys) phys = yield* swap_alloc_slow(k, folio);
  yield* local_unlock(k.m, k.percpuSwapLock);
  if (nested) yield* swap_cluster_unlock(k, l.ci);
  if (!phys) {
    for (let i = 0; i < folio.nr; i++) k.reallocInFlight.delete(folio.swap + i);
    return 0;
  }
  const psi = k.swapInfo(swp_type(phys))!;
  // mem_cgroup_charge_backing_phys_swap (v2 only; memsw charges at memcg1_swapout)
  const memcg = mem_cgroup_from_id(k, memcgid);
  if (!k.memsw && memcg) {
    if (memcg.swapCharge + folio.nr > memcg.swapMax) {
      yield* __swap_cluster_free_phys_backing(k, psi, swp_offset(phys), folio.nr);
      for (let i = 0; i < folio.nr; i++) k.reallocInFlight.delete(folio.swap + i);
      return 0;
    }
    memcg.swapCharge += folio.nr;
  }
  yield* sched(k.m, `folio_realloc_swap: ${folio} -> swap${psi.index}:${swp_offset(phys)}`);
  l = yield* vswap_lock_cluster(k, folio.swap);
  if (!l) return k.m.fail('bug', `folio_realloc_swap: ${folio}'s vswap cluster is gone`);
  for (let i = 0; i < folio.nr; i++) {
    const before = __vtable_get(k, l.ci, l.voff + i);
    __vtable_set(k, l.ci, l.voff + i, { tag: 'SWAPFILE', type: psi.type, offset: swp_offset(phys) + i });
    k.reallocInFlight.delete(folio.swap + i);
    emitCi(k, vsi, l.ci, l.voff + i, before.tag === 'ZSWAP' ? 'ZSWAP_WRITEBACK' : 'STORE_SWAPFILE', 'folio_realloc_swap');
  }
  yield* swap_cluster_unlock(k, l.ci);
  return phys;
}

/** The first offset of the cluster a vswap slot is in (for pictures and tests). */
export function vswapClusterBase(k: SwapTableKernel, ci: SwapClusterInfo): number {
  return cluster_offset(k.vswap!.si, ci);
}
