// The catalogue of switchable faults: each re-creates a bug class the vswap series had (or could have had) by
// changing one decision in the port. All are off by default. Adding one: add an entry here, then test
// `faultOn(k, 'name')` at the single place in the port where the buggy kernel differed.

export interface FaultSpec {
  /** One line: what goes wrong. */
  readonly description: string;
  /** What the faulty code does differently, naming the kernel function. */
  readonly mechanism: string;
  /** The interleaving (or sequence) that exposes it. */
  readonly interleaving: string;
  /** The failure kind a run reports when the fault is exposed. */
  readonly expect: string;
  /** The public report this reproduces (series version, thread or commit), or 'not a known report'. */
  readonly report: string;
  /** Configuration the fault needs to be reachable at all. */
  readonly requires?: { readonly memcgMode?: 'v1-memsw' | 'v2' };
}

export const FAULTS = {
  'memcg1-swapout-relock': {
    description: 'memcg1_swapout records the swap cgroup by re-taking the vswap cluster lock its caller holds (v3, v4)',
    mechanism:
      '__vswap_remove_mapping holds the cluster lock (IRQs off) and calls memcg1_swapout, which calls ' +
      'swap_cgroup_record -> vswap_cgroup_record -> vswap_iter -> spin_lock(&cluster->lock) instead of the ' +
      'lock-held variant __swap_cgroup_record.',
    interleaving: 'None needed: any reclaim of a swap-cache folio reaching __remove_mapping on cgroup v1 with memsw.',
    report:
      'virtual swap series v3 and v4 (fixed in v5: the record is done under the lock the caller already holds)',
    expect: 'self-deadlock',
    requires: { memcgMode: 'v1-memsw' },
  },
  'zap-leak': {
    description: 'zap_pte_range clears a swap PTE without dropping its reference when a batch crosses a vswap cluster',
    mechanism:
      'zap_nonpresent_ptes cuts its free_swap_and_cache_nr batch at a vswap cluster boundary and skips the entry ' +
      'at the boundary (off by one): the PTE is cleared, the slot keeps swap_count 1 forever.',
    interleaving:
      'Sequential: swap out pages whose virtual slots straddle a cluster boundary (slot 7 and 8 with clusters of 8), ' +
      'then munmap or exit. At quiescence a slot with no PTE still has swap_count 1.',
    report:
      'not a known report',
    expect: 'leak',
  },
  'double-free': {
    description: 'swap_free_nr decides to free a slot from a count read after dropping the cluster lock',
    mechanism:
      'vswap_free_nr_any_cache_only decrements swap_count under the cluster lock, unlocks, then re-reads ' +
      'swap_count/in_swapcache without the lock and frees when both are zero. Two PUTs of the last two references ' +
      'can both see zero and both call vswap_free_nr.',
    interleaving:
      'Parent and forked child share a swapped-out slot (swap_count 2). Both exit on two CPUs: CPU0 decrements ' +
      '2->1 and unlocks, CPU1 decrements 1->0 and unlocks, then both read 0 and both free the slot.',
    report:
      'not a known report',
    expect: 'bug',
  },
  'partial-scan-spin-lock': {
    description: 'folio_alloc_swap scans the partial cluster list with spin_lock instead of spin_trylock (xa_lock -> cluster)',
    mechanism:
      'folio_alloc_swap, step 2, holds xa_lock(&vswap_cluster_map) and takes each partial cluster with ' +
      'spin_lock(&cluster->lock). release_vswap_slot_nr and vswap_cluster_free take the two the other way round ' +
      '(cluster->lock, then xa_lock), which is why the kernel uses spin_trylock there.',
    interleaving:
      'Two orders, no overlap needed: a cluster is freed or put back on the partial list (cluster -> xa_lock), and ' +
      'later an allocation whose per-CPU cluster is missing or full scans a non-empty partial list (xa_lock -> ' +
      'cluster). With both running at once on two CPUs this is an ABBA deadlock; lockdep sees the cycle at once.',
    report:
      'not a known report',
    expect: 'lockdep-circular',
  },
  'writeback-end-irq-lock': {
    description: 'the write completion takes the vswap cluster (swap-cache) lock from hardirq; elsewhere it is taken with IRQs on',
    mechanism:
      'end_swap_bio_write -> folio_end_writeback -> __folio_end_writeback treats the swap cache like a tagged ' +
      'mapping and clears the writeback tag under the swap-cache lock, i.e. spin_lock_irqsave(&cluster->lock) in ' +
      'hardirq. vswap_iter takes that lock class with plain spin_lock and interrupts enabled: {IN-HARDIRQ-W} vs ' +
      '{HARDIRQ-ON-W}.',
    interleaving:
      'Any swap-out to a physical device: the bio completion interrupt takes the cluster lock after some task took ' +
      'it with interrupts on. If the interrupt lands on a CPU spinning in vswap_iter on that very lock, the CPU ' +
      'deadlocks on itself.',
    report:
      'not a known report',
    expect: 'lockdep-irq-inversion',
  },
  'cpu-dead-alloc': {
    description: 'vswap_cpu_dead frees an emptied cluster with an allocating xarray erase (GFP_KERNEL) under its locks',
    mechanism:
      "vswap_cpu_dead drops the dead CPU's cached reference; when it was the last one it calls vswap_cluster_free, " +
      'whose xarray erase allocates a node with GFP_KERNEL (xas_alloc). The DEAD callback itself runs in process ' +
      'context on the control CPU and may sleep, but this allocation sits inside its RCU read section and under the ' +
      'cluster spinlock, where it may not.',
    interleaving:
      'Sequential: a process on CPU1 swaps a page out (CPU1 caches the cluster) and exits (the slot is freed, the ' +
      'cluster keeps only the per-CPU reference); then CPU1 goes offline and the dead callback frees the cluster.',
    report:
      "raised in Peter Zijlstra's review of v4 09/21 (LKML, 2026-03-19) about xas_alloc in __xa_erase from vswap_cpu_dead",
    expect: 'sleep-in-atomic',
  },
  'cluster-free-no-rcu': {
    description: 'vswap_cluster_free frees the cluster at once (kfree) instead of after an RCU grace period (call_rcu)',
    mechanism:
      'vswap_cluster_free unpublishes the cluster from vswap_cluster_map and kfree()s it directly. Lookups ' +
      '(xa_load under rcu_read_lock, then spin_lock(&cluster->lock)) and the freeing path itself, which still ' +
      'holds cluster->lock and unlocks it afterwards, touch the freed cluster.',
    interleaving:
      'Sequential is enough: the last slot of an uncached cluster is freed (e.g. an order-2 folio fills a cluster of ' +
      '4, is swapped out, then unmapped); the caller\'s spin_unlock(&cluster->lock) writes freed memory. ' +
      'Concurrently, a CPU that loaded the cluster from the xarray and spins on its lock reads it after the free.',
    report:
      'not a known report (v4 already used kvfree_rcu)',
    expect: 'use-after-free',
  },
  'free-batch-cluster-boundary': {
    description: 'swap_free_nr\'s batched free is not flushed at a vswap cluster boundary, so it is applied to the next cluster',
    mechanism:
      'vswap_free_nr_any_cache_only accumulates a run of slots to free and must call vswap_free_nr before ' +
      'vswap_iter moves to the next cluster. Without that flush the run is released against the next cluster: ' +
      'the kernel would drop the wrong cluster\'s refcount and bitmap bits; the port, like a CONFIG_DEBUG_VM ' +
      'kernel, stops at __vswap_iter\'s VM_WARN_ON(cluster->id != VSWAP_VAL_CLUSTER_IDX(i)) first.',
    interleaving:
      'Sequential: swap out pages whose slots straddle a cluster boundary (slots 7 and 8 with clusters of 8) so ' +
      'that no PTE or swap-cache folio keeps them, then munmap or exit: one free_swap_and_cache_nr run crosses it.',
    report:
      'not a known report',
    expect: 'bug',
  },
  'zswap-writeback-early-release': {
    description: 'zswap writeback drops the compressed copy and the swap-cache folio before the disk write completes',
    mechanism:
      'zswap_writeback_entry, treating the submitted bio as the owner of the data, frees the zswap entry and ' +
      'deletes its folio from the swap cache (swap_cache_del_folio) around __swap_writepage, instead of leaving ' +
      'the folio in the swap cache under writeback until end_swap_bio_write.',
    interleaving:
      'P swaps a page out to zswap; the shrinker writes it back: the slot now points at a physical slot whose data ' +
      'only arrives with the completion interrupt, and no folio caches it. P reads the page before the interrupt: ' +
      'do_swap_page reads the device and gets stale data.',
    report:
      "not this slip; the same class as the zswap data-loss fix 'mm: zswap: fix data loss on SWP_SYNCHRONOUS_IO devices' (2024)",
    expect: 'data',
  },
  'swapin-eexist-as-success': {
    description: 'do_swap_page treats -EEXIST from swapcache_prepare as success and brings the page in a second time',
    mechanism:
      'do_swap_page ignores swapcache_prepare\'s -EEXIST (another task pinned the slot and is adding its own ' +
      'folio) and goes on with swap_cache_add_folio and swap_read_folio without holding the pin: two folios are ' +
      'installed for one slot (VM_WARN_ON_FOLIO in swap_cache_add_folio).',
    interleaving:
      'Two users of one swapped-out slot fault it in at once (parent and forked child, or a fault racing the zswap ' +
      'shrinker or swapoff): A pins the slot; before A adds its folio, B gets -EEXIST and carries on.',
    report:
      'not a known report of this slip; the -EEXIST handling of swapcache_prepare in mm/swap_state.c has a history of races',
    expect: 'bug',
  },
  'free-swap-skips-uncharge': {
    description: 'folio_free_swap frees SWAPFILE slots without uncharging memory.swap on cgroup v2',
    mechanism:
      'folio_free_swap calls vswap_free_nr with the uncharge left out of release_backing, as if memcg1_swapin had ' +
      'already moved the charge back at swap-in (true on cgroup v1 only). On cgroup v2, memory.swap of a ' +
      'physical slot is dropped only in release_backing, so the charge stays forever.',
    interleaving:
      'Sequential, cgroup v2, zswap off or full: swap a page out to the device, write it again (do_swap_page frees ' +
      'the swap through folio_free_swap), exit. At quiescence the memcg still has a swap charge.',
    report:
      'not a known report',
    expect: 'leak',
    requires: { memcgMode: 'v2' },
  },
  'swapoff-no-recheck': {
    description: 'try_to_unuse stores a swap-cache folio into a slot without re-checking that the folio still belongs to it',
    mechanism:
      'try_to_unuse looks the folio up in the swap cache, then sleeps in folio_lock/folio_wait_writeback and calls ' +
      'vswap_store_folio without re-checking folio_matches_swap_entry and the slot\'s device: a folio freed from ' +
      'the swap cache meanwhile is stored into a slot it no longer belongs to (VM_BUG_ON in vswap_store_folio).',
    interleaving:
      'P read-faults a page from the device (its folio stays in the swap cache) while swapoff finds that folio; ' +
      'before swapoff locks it, P writes the page (do_wp_page -> folio_free_swap) or unmaps it, freeing the slot.',
    report:
      'not in the vswap series; the classic try_to_unuse race of the swap code (a folio that no longer belongs to the entry)',
    expect: 'bug',
  },
  'cpu-dead-keeps-cache-ref': {
    description: 'vswap_cpu_dead forgets the per-CPU cached cluster without dropping the reference the cache held',
    mechanism:
      'vswap_cpu_dead clears percpu_vswap_cluster.clusters[order] and cluster->cached but omits ' +
      'refcount_dec_and_test(&cluster->refcnt): the cluster keeps one reference nobody owns and is never freed.',
    interleaving:
      'Sequential: a process on CPU1 swaps out (CPU1 caches the cluster); CPU1 goes offline; everything exits. ' +
      'At quiescence the empty cluster still has refcnt 1 and no CPU caches it.',
    report:
      'not a known report',
    expect: 'leak',
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES: readonly FaultName[] = Object.keys(FAULTS) as FaultName[];

export function isFaultName(s: string): s is FaultName {
  return Object.hasOwn(FAULTS, s);
}
