// The 'mainline' design: mainline's swap table with no virtual layer. PTEs hold physical entries; a slot's count,
// swap-cache folio, zero flag and memcg live in its cluster's tables; zswap keeps its own tree per device. These
// operations are also the base the STE's (../ste/design.ts) fall back to for entries that are not vswap slots.
import type { Folio } from '../mm/folio.ts';
import type { Task } from '../sim.ts';
import { spin_is_locked, spin_lock_irqsave, spin_unlock_irqrestore } from '../sim.ts';
import type { SwapOps, SwapRef, SwpEntry } from '../swap.ts';
import type { SwapInfo } from '../swap_info.ts';
import { folio_alloc_swap } from './alloc.ts';
import { folio_dup_swap, folio_put_swap, swap_dup_entry_direct, swap_put_entries_direct, swap_retry_table_alloc } from './count.ts';
import { describeEntry, entryView } from './instrument.ts';
import { inspectClusters, inspectSlots, quiescenceProblems } from './inspect.ts';
import { releaseChecker } from './invariants.ts';
import { metadataCounts } from './metadata.ts';
import type { SwapTableKernel } from './kernel.ts';
import { __swap_cluster_lock, ci_off, swap_cluster_lock, swap_cluster_unlock, swap_cluster_unlock_irq } from './lock.ts';
import { __swap_cgroup_clear, __swap_cgroup_get, __swap_cgroup_set } from './memcg.ts';
import { swap_read_source, swap_writeout } from './page_io.ts';
import { folio_free_swap } from './reclaim.ts';
import { __swap_cache_del_folio, swap_cache_get_folio, swap_cache_read_folio } from './swap_state.ts';
import { setup_swap_device, swapoff_teardown, try_to_unuse } from './swapoff.ts';
import { swp_offset, swp_type, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';
import { zswap_tree_load, zswap_tree_load_invalidate, zswap_tree_rollback, zswap_tree_store, zswap_writeback_entry } from './zswap.ts';

/** get_swap_device: a users reference on the entry's device (vswap_si has none to take: always granted). */
export function* get_swap_device(k: SwapTableKernel, entry: SwpEntry): Task<SwapRef | null> {
  const si = k.swapInfo(swp_type(entry));
  if (!entry || !si) return null;
  if (si.vswap) return { si: null };
  yield* k.m.pointShared(`percpu_ref_tryget_live(swap ${si.index} users)`, si.usersName);
  if (!si.usersLive || swp_offset(entry) >= si.slots) return null;
  si.users++;
  return { si };
}

/** put_swap_device */
export function* put_swap_device(k: SwapTableKernel, ref: SwapRef): Task {
  const si = ref.si;
  if (!si) return;
  yield* k.m.pointShared(`percpu_ref_put(swap ${si.index} users)`, si.usersName);
  k.warnOn(si.users <= 0, `put_swap_device: swap ${si.index} users underflow`);
  si.users--;
}

/** A memcg record operation under the entry's cluster lock. */
function* withCluster<T>(k: SwapTableKernel, entry: SwpEntry, fn: (si: SwapInfoStruct, ci: SwapClusterInfo, off: number) => T): Task<T> {
  const { si, off } = k.entryInfo(entry);
  const ci = yield* swap_cluster_lock(k, si, off);
  if (!ci) return k.m.fail('bug', `${k.swap.describeSlot(entry)}: its cluster is gone`);
  const r = fn(si, ci, ci_off(si, off));
  yield* swap_cluster_unlock(k, ci);
  return r;
}

export function mainlineOps(k: SwapTableKernel): SwapOps {
  return {
    design: k.config.design,
    folio_alloc_swap: (folio) => folio_alloc_swap(k, folio),
    get_swap_device: (entry) => get_swap_device(k, entry),
    put_swap_device: (_entry, ref) => put_swap_device(k, ref),
    swap_cache_get_folio: (entry) => swap_cache_get_folio(k, entry),
    read_swap_cache_async: (entry, ref, memcg) => swap_cache_read_folio(k, entry, ref, memcg),
    folio_free_swap: (folio) => folio_free_swap(k, folio),
    folio_dup_swap: (folio, entry) => folio_dup_swap(k, folio, entry),
    swap_dup_entries_direct: function* (entry, nr) {
      // copy_nonpresent_pte, one PTE at a time
      for (let i = 0; i < nr; i++) {
        const err = yield* swap_dup_entry_direct(k, entry + i);
        if (err) return { done: i, err };
      }
      return { done: nr, err: 0 };
    },
    swap_retry_table_alloc: (entry) => swap_retry_table_alloc(k, entry),
    folio_put_swap: (folio, entry) => folio_put_swap(k, folio, entry),
    swap_put_entries_direct: (entry, nr) => swap_put_entries_direct(k, entry, nr),
    swap_cache_lock_irq: function* (entry) {
      const { si, off } = k.entryInfo(entry);
      const ci = yield* __swap_cluster_lock(k, si, off, true);
      if (!ci) return k.m.fail('bug', `swap_cluster_get_and_lock_irq: ${k.swap.describeSlot(entry)}'s cluster is gone`);
      return ci;
    },
    swap_cache_unlock_irq: (_entry, token) => swap_cluster_unlock_irq(k, token as SwapClusterInfo),
    remove_mapping_swapcache: function* (folio, entry, shadow, token) {
      const ci = token as SwapClusterInfo;
      yield* __swap_cache_del_folio(k, ci, folio, entry, shadow, true);
      yield* swap_cluster_unlock_irq(k, ci);
    },
    swap_cache_lock_irqsave: function* (entry) {
      const { si, off } = k.entryInfo(entry);
      const ci = si.cluster(off);
      if (!ci) return null;
      const flags = yield* spin_lock_irqsave(k.m, ci.lock);
      return { token: ci, flags };
    },
    swap_cache_unlock_irqrestore: function* (_entry, held) {
      yield* spin_unlock_irqrestore(k.m, (held.token as SwapClusterInfo).lock, held.flags as never);
    },
    __swap_cgroup_record: (folio, memcgid, entry, token) => {
      const { si, off } = k.entryInfo(entry);
      __swap_cgroup_set(k, token as SwapClusterInfo, ci_off(si, off), folio.nr, memcgid);
    },
    swap_cgroup_record: (folio, memcgid, entry) => withCluster(k, entry, (_si, ci, i) => __swap_cgroup_set(k, ci, i, folio.nr, memcgid)),
    lookup_swap_cgroup_id: (entry) => withCluster(k, entry, (_si, ci, i) => __swap_cgroup_get(k, ci, i)),
    swap_cgroup_clear: (entry, nr) => withCluster(k, entry, (_si, ci, i) => __swap_cgroup_clear(k, ci, i, nr)),
    swap_writeout: (folio) => swap_writeout(k, folio),
    swap_read_source: (folio) => swap_read_source(k, folio),
    zswap_entry_store: (entry, ze) => zswap_tree_store(k, entry, ze),
    zswap_entry_load: (entry) => zswap_tree_load(k, entry),
    zswap_store_rollback: (folio: Folio) => zswap_tree_rollback(k, folio),
    zswap_load_invalidate: (folio) => zswap_tree_load_invalidate(k, folio),
    zswap_writeback_entry: (ze, swpentry) => zswap_writeback_entry(k, ze, swpentry),
    setup_swap_device: (si: SwapInfo) => setup_swap_device(k, si as SwapInfoStruct),
    try_to_unuse: (si) => try_to_unuse(k, si as SwapInfoStruct),
    swapoff_teardown: (si) => swapoff_teardown(k, si as SwapInfoStruct),
    // the per-CPU caches hold offsets only, checked on use: nothing to do when a CPU dies
    cpu_dead: function* () {},
    clusterSizeOf: (entry) => k.swapInfo(swp_type(entry))?.clusterSize ?? k.clusterSize,
    slotView: (entry) => entryView(k, entry),
    inspectSlots: () => inspectSlots(k),
    inspectClusters: () => inspectClusters(k),
    quiescenceProblems: () => quiescenceProblems(k),
    slotLocked: (entry) => {
      const ci = k.swapInfo(swp_type(entry))?.cluster(swp_offset(entry));
      return ci !== undefined && spin_is_locked(k.m, ci.lock);
    },
    describeSlot: (entry) => describeEntry(k, entry),
    releaseChecker: () => releaseChecker(k),
    metadata: () =>
      k.vswap
        ? [{ design: 'ste' as const, counts: metadataCounts(k, 'ste') }]
        : [
            { design: 'mainline' as const, counts: metadataCounts(k, 'mainline') },
            { design: '6.19' as const, counts: metadataCounts(k, '6.19') },
          ],
  };
}

