// What the v6 locks protect, as checks the oracle runs whenever such a lock is released (instrumentation: reads
// only, no scheduling point). Next to the structures of vswap_types.ts and swapfile.ts:
// - vswap cluster->lock: the cluster's count is the number of bits set in its bitmap, and its reference count is at
//   least that (plus one while a per-CPU cache holds it); a free descriptor carries no backing, memcg id, folio or
//   reference (a stale shadow may stay, as mm/vswap.c leaves it); an allocated one is held by someone (a swap count
//   or the swap-cache pin); a folio it names caches the slot (or folio_alloc_swap is still adding it:
//   `allocInFlight`), and out of the swap cache it names none; its type agrees with its backing: SWAPFILE names an
//   allocated physical slot whose reverse map names this slot, ZSWAP a live object that names this slot,
//   ZERO and FOLIO no backing, and FOLIO (the data is only in the folio) is in the swap cache;
// - a physical cluster's ci->lock: a used slot has a reverse map, a free one none; the virtual slot a used one maps
//   back to points at it, unless the pair is in flight (vswap_alloc_swap_slot from before the physical allocation to
//   the descriptor update: `physInFlight`) or that virtual slot's cluster lock is held (a holder is between the two);
// - no memcg's swap charge is negative.
import type { V6Kernel } from './design.ts';
import type { SwapDevice } from './swapfile.ts';
import { isShadow, type VswapCluster } from './vswap_types.ts';
import { kobj_freed, refcount_read, spin_is_locked } from '../sim.ts';

/** The problems with one vswap cluster, its lock being released. */
export function vswapClusterProblems(k: V6Kernel, c: VswapCluster): string[] {
  const out: string[] = [];
  const cs = k.clusterSize;
  let bits = 0;
  c.bitmap.forEach((on, i) => {
    const entry = c.id * cs + i;
    const d = c.descriptors[i]!;
    const name = `vswap ${entry}`;
    if (!on) {
      // (a shadow may stay: v6's __swapcache_clear frees a reclaimed slot without clearing it, as mm/vswap.c does;
      // nothing reads a free slot's shadow and allocation overwrites it)
      if (d.slot || d.zswapEntry) out.push(`${name} is free but still backed (${d.slot ? `swap${d.slot.dev}:${d.slot.offset}` : `zswap object ${d.zswapEntry!.id}`})`);
      if (d.memcgid) out.push(`${name} is free but still charged to memcg ${d.memcgid}`);
      if (d.swapCache !== null && !isShadow(d.swapCache)) out.push(`${name} is free but still names ${d.swapCache}`);
      if (d.swapCount || d.inSwapcache) out.push(`${name} is free but swap_count=${d.swapCount} in_swapcache=${d.inSwapcache ? 1 : 0}`);
      return;
    }
    bits++;
    if (d.swapCount < 0) out.push(`${name} swap_count ${d.swapCount}`);
    if (d.swapCount <= 0 && !d.inSwapcache) out.push(`${name} is allocated but nothing holds it (swap_count 0, not in the swap cache)`);
    const sc = d.swapCache;
    const folio = sc !== null && !isShadow(sc) ? sc : null;
    if (d.inSwapcache) {
      // in_swapcache without a folio: pinned by swapcache_prepare, the folio not added yet, or deleted and not yet
      // unpinned (put_swap_folio) - "(about to be) pinned in swap cache", as struct swp_desc documents it
      if (!folio) {
        // nothing to check
      } else if (k.allocInFlight.has(folio)) {
        // folio_alloc_swap between the descriptors' initialisation and folio->swap (the folio is locked)
      } else if (folio.freed || !folio.swapcache || entry < folio.swap || entry >= folio.swap + folio.nr) {
        out.push(`${name}'s swap cache names ${folio}, which ${folio.freed ? 'was freed' : `does not cache it (swap ${folio.swap}, swapcache ${folio.swapcache})`}`);
      }
    } else if (folio) {
      out.push(`${name} is out of the swap cache but still names ${folio}`);
    }
    switch (d.type) {
      case 'SWAPFILE': {
        const dev = d.slot ? k.devices[d.slot.dev] : undefined;
        if (!d.slot || !dev) out.push(`${name} says SWAPFILE but has no physical slot`);
        else if (!dev.allocated[d.slot.offset] || dev.rmap[d.slot.offset] !== entry) {
          out.push(`${name} says SWAPFILE swap${d.slot.dev}:${d.slot.offset}, which is ${dev.allocated[d.slot.offset] ? `mapped back to vswap ${dev.rmap[d.slot.offset]}` : 'free'}`);
        }
        break;
      }
      case 'ZSWAP':
        if (!d.zswapEntry) out.push(`${name} says ZSWAP but has no zswap object`);
        else if (kobj_freed(k.m, d.zswapEntry.mem)) out.push(`${name} says ZSWAP, but its object ${d.zswapEntry.id} was freed`);
        else if (d.zswapEntry.swpentry !== entry) out.push(`${name} says ZSWAP, but its object ${d.zswapEntry.id} names vswap ${d.zswapEntry.swpentry}`);
        break;
      case 'ZERO':
      case 'FOLIO':
        if (d.slot || d.zswapEntry) out.push(`${name} says ${d.type} but is still backed`);
        if (d.type === 'FOLIO' && !d.inSwapcache) out.push(`${name} says FOLIO (the data is only in the folio) but is out of the swap cache: data lost`);
        break;
    }
  });
  if (bits !== c.count) out.push(`vswap cluster ${c.id} count ${c.count}, but ${bits} bits are set in its bitmap`);
  const refcnt = refcount_read(k.m, c.refcnt);
  const min = c.count + (c.cached ? 1 : 0);
  if (refcnt > 0 && refcnt < min) out.push(`vswap cluster ${c.id} refcnt ${refcnt} < ${c.count} allocated slot(s)${c.cached ? ' + the per-CPU cache' : ''}`);
  return out;
}

/** The problems with one physical cluster (offsets [start, start + size) of si), its lock being released. */
export function physClusterProblems(k: V6Kernel, si: SwapDevice, start: number): string[] {
  const out: string[] = [];
  for (let off = start; off < start + si.clusterSize; off++) {
    const name = `swap${si.index}:${off}`;
    const back = si.rmap[off]!;
    if (!si.allocated[off]) {
      if (back) out.push(`${name} is free but maps back to vswap ${back}`);
      continue;
    }
    if (!back) {
      out.push(`${name} is allocated but maps back to nothing`);
      continue;
    }
    if (k.physInFlight.has(back)) continue;
    const c = k.clusterMap.get(Math.floor(back / k.clusterSize));
    if (c && c.lockInitialised && spin_is_locked(k.m, c.lock)) continue;
    const d = c?.bitmap[back % k.clusterSize] ? c.descriptors[back % k.clusterSize] : undefined;
    if (d?.type !== 'SWAPFILE' || d.slot?.dev !== si.index || d.slot.offset !== off) {
      out.push(`${name} maps back to vswap ${back}, which ${d ? `says ${d.type}${d.slot ? ` swap${d.slot.dev}:${d.slot.offset}` : ''}` : 'is free'}`);
    }
  }
  return out;
}

/** memcg swap charges never go negative. */
export function memcgProblems(k: V6Kernel): string[] {
  return k.memcgs.filter((mc) => mc.swapCharge < 0 || mc.idRefs < 0).map((mc) => `memcg ${mc.id} swap charge ${mc.swapCharge}, id references ${mc.idRefs}`);
}

/** The release check for this kernel: which cluster a released lock belongs to (cached by lock id), and its problems. */
export function releaseChecker(k: V6Kernel): (lockId: number, name: string) => string[] | null {
  const vswap = new Map<number, VswapCluster>();
  const phys = new Map<number, { si: SwapDevice; start: number }>();
  k.devices.forEach((si) => si.clusters.forEach((ci, c) => phys.set(ci.lock.id, { si, start: c * si.clusterSize })));
  return (lockId, name) => {
    let out: string[] | null = null;
    if (name === 'vswap_cluster->lock') {
      let c = vswap.get(lockId);
      if (!c) {
        for (const x of k.clusterMap.values()) if (x.lockInitialised) vswap.set(x.lock.id, x);
        c = vswap.get(lockId);
      }
      if (c) out = vswapClusterProblems(k, c);
    } else if (name === 'swap_cluster_info->lock') {
      const p = phys.get(lockId);
      if (p) out = physClusterProblems(k, p.si, p.start);
    } else {
      return null;
    }
    const mc = memcgProblems(k);
    if (mc.length) (out ??= []).push(...mc);
    return out?.length ? out : null;
  };
}
