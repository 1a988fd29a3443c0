// What ci->lock protects in the swap-table designs, as checks the oracle runs whenever a cluster lock is released
// (instrumentation: reads only, no scheduling point). Next to the structures of types.ts:
// - a cluster's count is the number of its used entries (bad ones included); a cluster without a table is empty;
// - a used count-carrying entry is held by someone: a shadow entry has a count, a PFN entry's folio is in the swap
//   cache at this slot; extend_table only backs inline counts at COUNT_MAX; a free slot has no memcg id;
// - STE vswap slots: a free slot has no backing; a ZSWAP slot's object is live and names the slot; a SWAPFILE
//   slot's physical slot holds a Pointer back at it (the STE writes the Pointer before the virtual table and clears
//   it after, both sides under the vswap lock), and no slot is both zero-filled and backed;
// - STE physical Pointer slots: the vswap slot points back, unless the pair is in flight (folio_realloc_swap from
//   before the physical allocation to the virtual-table update: `reallocInFlight`) or its vswap cluster lock is held
//   (a holder is between the two updates);
// - no memcg's swap charge is negative.
import type { SwapTableKernel } from './kernel.ts';
import { swp_entry, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';
import { kobj_freed, spin_is_locked } from '../sim.ts';

/** The problems with one cluster and what it protects, its lock being released. */
export function clusterProblems(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo): string[] {
  const out: string[] = [];
  const space = si.vswap ? 'vswap' : `swap${si.index}`;
  const where = `${space} cluster ${ci.id}`;
  const table = ci.table;
  if (!table) {
    if (ci.count !== 0) out.push(`${where} has no table but count ${ci.count}`);
    return out;
  }
  const base = ci.id * si.clusterSize;
  let used = 0;
  table.forEach((tb, i) => {
    const off = base + i;
    const slot = `${space}:${off}`;
    if (tb.kind !== 'null') used++;
    if (tb.kind === 'null' || tb.kind === 'bad') {
      if (ci.memcgTable?.[i]) out.push(`${slot} is free but still records memcg id ${ci.memcgTable[i]}`);
      if (ci.extendTable?.[i]) out.push(`${slot} is free but its extend-table count is ${ci.extendTable[i]}`);
      const vt = ci.dyn?.vtable?.[i];
      if (vt && vt.tag !== 'NONE') out.push(`${slot} is free but still backed (${vt.tag})`);
      return;
    }
    if (tb.kind === 'ptr') {
      if (si.vswap) out.push(`${slot}: a Pointer entry in the vswap device`);
      else out.push(...pointerProblems(k, si, off, tb.voff));
      return;
    }
    // shadow or PFN: a count-carrying entry
    if (tb.count > k.countMax || tb.count < 0) out.push(`${slot} inline count ${tb.count} outside 0..${k.countMax}`);
    if (ci.extendTable?.[i] && tb.count !== k.countMax) out.push(`${slot} has an extend-table count but inline count ${tb.count}`);
    if (tb.kind === 'shadow' && tb.count === 0) out.push(`${slot} is used (a shadow entry) but nothing holds it: count 0, not cached`);
    if (tb.kind === 'pfn') {
      const f = tb.folio;
      const entry = swp_entry(si.type, off);
      if (f.freed || !f.swapcache || entry < f.swap || entry >= f.swap + f.nr) {
        out.push(`${slot}'s PFN entry names ${f}, which ${f.freed ? 'was freed' : `is not in the swap cache at this slot (swap ${f.swap}, swapcache ${f.swapcache})`}`);
      }
    }
    if (si.vswap) out.push(...vswapSlotProblems(k, si, ci, i, tb.zero));
  });
  if (used !== ci.count) out.push(`${where} count ${ci.count}, but ${used} of its slots are used`);
  return out;
}

/** A used vswap slot: its virtual-table entry names a backing that exists and points back. */
function vswapSlotProblems(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, i: number, zero: boolean): string[] {
  const vt = ci.dyn?.vtable?.[i];
  if (!vt || vt.tag === 'NONE') return [];
  const off = ci.id * si.clusterSize + i;
  const slot = `vswap:${off}`;
  const out: string[] = [];
  if (zero) out.push(`${slot} is zero-filled and also backed (${vt.tag})`);
  if (vt.tag === 'ZSWAP') {
    if (kobj_freed(k.m, vt.ze.mem)) out.push(`${slot} says ZSWAP, but its object ${vt.ze.id} was freed`);
    else if (vt.ze.swpentry !== swp_entry(si.type, off)) out.push(`${slot} says ZSWAP, but its object ${vt.ze.id} names slot ${vt.ze.swpentry}`);
    return out;
  }
  const psi = k.swapInfo(vt.type);
  const ptb = psi?.peek(vt.offset);
  if (!psi || ptb?.kind !== 'ptr' || ptb.voff !== off) {
    const what = !psi ? 'no device' : ptb?.kind === 'ptr' ? `a Pointer to vswap:${ptb.voff}` : `a ${ptb?.kind ?? 'missing'} entry`;
    out.push(`${slot} says SWAPFILE swap${psi?.index ?? '?'}:${vt.offset}, which holds ${what}`);
  }
  return out;
}

/** A physical Pointer slot: its vswap owner points back (or the pair is precisely in flight). */
function pointerProblems(k: SwapTableKernel, si: SwapInfoStruct, off: number, voff: number): string[] {
  const vsi = k.vswap?.si;
  if (!vsi) return [`swap${si.index}:${off}: a Pointer entry without a virtual layer`];
  if (k.reallocInFlight.has(swp_entry(vsi.type, voff))) return [];
  const vci = vsi.cluster(voff);
  if (vci && spin_is_locked(k.m, vci.lock)) return [];
  const vt = vci?.dyn?.vtable?.[voff % vsi.clusterSize];
  if (vt?.tag === 'SWAPFILE' && vt.type === si.type && vt.offset === off) return [];
  return [`swap${si.index}:${off} points back at vswap:${voff}, whose virtual table says ${vt ? (vt.tag === 'SWAPFILE' ? `SWAPFILE swap type ${vt.type}:${vt.offset}` : vt.tag) : 'nothing (no cluster)'}`];
}

/** memcg swap charges never go negative (checked at every cluster-lock release: they change under those). */
export function memcgProblems(k: SwapTableKernel): string[] {
  return k.memcgs.filter((mc) => mc.swapCharge < 0 || mc.idRefs < 0).map((mc) => `memcg ${mc.id} swap charge ${mc.swapCharge}, id references ${mc.idRefs}`);
}

/**
 * The release check for this kernel: which cluster a released cluster lock belongs to (looked up by lock id, cached;
 * a miss rescans, as a dynamic cluster may have been created since), and its problems.
 */
export function releaseChecker(k: SwapTableKernel): (lockId: number, name: string) => string[] | null {
  const owner = new Map<number, { si: SwapInfoStruct; ci: SwapClusterInfo }>();
  return (lockId, name) => {
    if (name !== 'swap_cluster_info->lock') return null;
    let o = owner.get(lockId);
    if (!o) {
      for (const si of k.vswap ? [k.vswap.si, ...k.devices] : k.devices) {
        for (const ci of si.clusterInfo.values()) owner.set(ci.lock.id, { si, ci });
      }
      o = owner.get(lockId);
      // a destroyed vswap cluster's last unlock: it is no longer in the pool, so there is nothing left to check
      if (!o) return null;
    }
    const out = clusterProblems(k, o.si, o.ci);
    out.push(...memcgProblems(k));
    return out.length ? out : null;
  };
}
