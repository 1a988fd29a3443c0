// The catalogue of switchable faults: each re-creates a bug class the vswap series (v6 or the Swap Table Edition) or
// the swap table had, or could have had, by changing one decision in the port. All are off by default. Adding one:
// add an entry here, then test `k.faultOn('name')` at the single place in the port where the buggy kernel differed.
import type { DesignName } from './swap.ts';

export interface FaultSpec {
  /** One line: what goes wrong. */
  readonly description: string;
  /** What the faulty code does differently, naming the kernel function. */
  readonly mechanism: string;
  /** The interleaving (or sequence) that exposes it. */
  readonly interleaving: string;
  /**
   * The failure kind a run reports when the fault is exposed; a list when what shows first depends on what the
   * workload does next (e.g. lost data if the page is read back, a leak if it is not).
   */
  readonly expect: string | readonly string[];
  /** The public report this reproduces (series version, thread or commit), or 'not a known report'. */
  readonly report: string;
  /**
   * The configuration the fault needs to be reachable at all (or in reasonable time): a hunt with the fault on draws
   * only such configurations.
   */
  readonly requires?: FaultRequirements;
  /** The designs whose code has the faulty decision (shared mm code: every design). */
  readonly designs: readonly DesignName[];
  /**
   * A race whose window is a step or two wide, which a default hunt finds only after tens of thousands of
   * executions (the figures, measured with `vswap-check bench`, are in BENCHMARKS.md): too slow for the bounded hunt
   * of `npm test`, which instead replays the committed regression that a hunt found and shrank.
   */
  readonly rareRace?: { readonly regression: string };
}

export interface FaultRequirements {
  readonly memcgMode?: 'v1-memsw' | 'v2';
  /** zswap on (a pool) or off (pages go to a device). */
  readonly zswap?: 'on' | 'off';
  /** Swap-table designs: the inline count maximum (small, so that forks overflow into the extend table). */
  readonly swapCountMax?: number;
}

const ALL: readonly DesignName[] = ['v6', 'ste', 'mainline'];
const V6: readonly DesignName[] = ['v6'];
const STE: readonly DesignName[] = ['ste'];
const SWAP_TABLE: readonly DesignName[] = ['ste', 'mainline'];

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
    designs: ALL,
  },
  'zap-leak': {
    description: 'zap_pte_range clears a swap PTE without dropping its reference when a batch crosses a vswap cluster',
    mechanism:
      'zap_nonpresent_ptes cuts its free_swap_and_cache_nr batch at a vswap cluster boundary and skips the entry ' +
      'at the boundary (off by one): the PTE is cleared, the slot keeps swap_count 1 forever.',
    interleaving:
      'Sequential: swap out pages whose virtual slots straddle a cluster boundary (slot 7 and 8 with clusters of 8), ' +
      'then munmap or exit. At quiescence a slot with no PTE still has swap_count 1. With a swapoff of that ' +
      'device in the workload, try_to_unuse never sees the slot free and retries for ever (a livelock).',
    report:
      'not a known report',
    expect: ['leak', 'step-limit'],
    designs: ALL,
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
    expect: ['bug', 'invariant'],
    designs: V6,
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
    designs: V6,
  },
  'writeback-end-irq-lock': {
    description: 'the write completion takes the vswap cluster (swap-cache) lock from hardirq; elsewhere it is taken with IRQs on',
    mechanism:
      'end_swap_bio_write -> folio_end_writeback -> __folio_end_writeback treats the swap cache like a tagged ' +
      'mapping and clears the writeback tag under the swap-cache lock, i.e. spin_lock_irqsave(&cluster->lock) in ' +
      'hardirq. vswap_iter (v6) and swap_cluster_lock (the swap-table designs) take that lock class with plain ' +
      'spin_lock and interrupts enabled: {IN-HARDIRQ-W} vs {HARDIRQ-ON-W}.',
    interleaving:
      'Any swap-out to a physical device: the bio completion interrupt takes the cluster lock after some task took ' +
      'it with interrupts on. If the interrupt lands on a CPU spinning in vswap_iter on that very lock, the CPU ' +
      'deadlocks on itself (spinlock recursion), which a run may hit before lockdep has seen both usages.',
    report:
      'not a known report',
    expect: ['lockdep-irq-inversion', 'self-deadlock'],
    designs: ALL,
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
    designs: V6,
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
    designs: V6,
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
    expect: ['bug', 'invariant'],
    designs: V6,
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
    designs: V6,
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
    designs: V6,
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
    designs: V6,
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
    designs: V6,
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
    designs: V6,
  },
  'ste-lookup-no-dead-check': {
    description: 'a vswap cluster lookup takes the cluster lock without RCU and without checking that the cluster died',
    mechanism:
      "vswap_lock_cluster as in the STE's RFC v2 (2/7): xa_load on vswap_si's cluster pool and spin_lock, with no " +
      'rcu_read_lock around the two and no check of CLUSTER_FLAG_DEAD once the lock is held. vswap_free_cluster ' +
      'erases an emptied cluster, marks it DEAD under its lock, kfree()s its virtual table at once and frees the ' +
      'cluster itself after a grace period: a lookup that loaded the cluster before the erase reads a dead cluster ' +
      '(its freed virtual table), or one already freed because no RCU section held the grace period back.',
    interleaving:
      "A swap-in of a PTE that is going stale (do_swap_page checks the slot's backend, swap_entry_backend_has_flag -> " +
      'vswap_to_phys, with no pin on the cluster) loads the cluster while the last slot of it is being freed on ' +
      'another CPU (an exit or munmap of a forked sibling): the free empties, erases and kills the cluster; the ' +
      "lookup then takes the dead cluster's lock and reads its virtual table.",
    report:
      'inferred from the STE series: RFC v2 2/7 has the bare lookup (20260612193738.2183968-3-nphamcs@gmail.com); the ' +
      'later revision (linux-mm mm/vswap.h @0822e81d) routes vswap_lock_cluster through swap_cluster_lock, which checks DEAD under RCU',
    expect: ['rcu-use-after-free', 'use-after-free', 'bug'],
    requires: { zswap: 'on' },
    designs: STE,
  },
  'ste-cluster-free-no-rcu': {
    description: 'vswap_free_cluster frees the dynamic cluster at once (kfree) instead of after a grace period (kfree_rcu)',
    mechanism:
      'vswap_free_cluster unlinks the emptied cluster, frees its tables, erases it from the pool and marks it DEAD, ' +
      'then kfree()s struct swap_cluster_info_dynamic directly. Its caller still holds ci->lock and unlocks it ' +
      'afterwards (the lock is inside the freed structure), and RCU readers that found the cluster before the erase ' +
      'spin on that lock.',
    interleaving:
      'Sequential is enough: the last slot of a vswap cluster is freed (a process swaps a page out and exits); the ' +
      "freeing path's spin_unlock(&ci->lock) writes freed memory.",
    report: "not a known report (the P4 ghost-swapfile RFC and the STE use kfree_rcu for exactly this)",
    expect: 'use-after-free',
    designs: STE,
  },
  'ste-cache-only-mark-unlocked': {
    description: 'the cache-only bit of a physical slot is set after the vswap cluster lock is dropped, with a plain read-modify-write',
    mechanism:
      'swap_put_entries_cluster notes which cached vswap slots go from count 1 to 0 and, to keep the put loop short, ' +
      'sets SWP_RMAP_CACHE_ONLY on their physical slots only after spin_unlock: it reads the physical table entry, ' +
      'then writes it back with the bit set. Outside the vswap lock nothing keeps the slot SWAPFILE: the folio can ' +
      'be reclaimed and its physical slot freed (and reused) in between, and the stale write puts a reverse-map ' +
      "entry back into a free (or someone else's) physical slot.",
    interleaving:
      'P0 maps a swapped-in page (its vswap slot cached, SWAPFILE) and unmaps it: the put takes the count 1 -> 0 and ' +
      'drops the lock; before the deferred mark, reclaim on another CPU removes the folio from the swap cache, which ' +
      'frees the vswap slot and its physical slot; the mark then writes Pointer|C into the freed physical slot.',
    report: "not a known report (the STE's rule that the reverse map is only touched while the vtable holds SWAPFILE under the vswap lock, mm/vswap.h)",
    expect: ['bug', 'leak', 'use-after-free', 'invariant'],
    requires: { zswap: 'off' },
    designs: STE,
  },
  'swap-table-extend-no-recheck': {
    description: "swap_extend_table_alloc installs its new extend table without re-checking that none was installed meanwhile",
    mechanism:
      'swap_dup_entries_cluster drops ci->lock to allocate the extend table of a cluster whose slot must overflow ' +
      "COUNT_MAX. After retaking the lock, swap_extend_table_alloc installs the table without checking whether another " +
      'CPU, overflowing another slot of the same cluster, already installed one: the first table, holding whole ' +
      'counts of overflowed slots, is replaced by a zeroed one and the counts are lost.',
    interleaving:
      'Two processes fork at once, each duplicating a swap entry whose count is COUNT_MAX - 1, both in one cluster ' +
      'without an extend table: both drop the lock and allocate; the first installs its table and overflows its ' +
      "slot (extend[a] = MAX); the second replaces the table: slot a's count is gone, and the next put of it finds " +
      'an extend count below COUNT_MAX.',
    report: 'not a known report (swap_extend_table_alloc re-checks table, count and an existing extend table, mm/swapfile.c @000bd100)',
    expect: ['refinement', 'bug'],
    requires: { swapCountMax: 2 },
    designs: SWAP_TABLE,
  },
  'ste-writeback-no-restore': {
    description: 'zswap writeback of a vswap slot does not put the zswap backing back when decompression fails',
    mechanism:
      'zswap_writeback_entry gives the vswap slot its physical slot (folio_realloc_swap: the virtual table now says ' +
      'SWAPFILE and no longer points at the zswap object) before decompressing. When decompression fails it must ' +
      "restore ZSWAP (vswap_zswap_store, which also frees the new physical slot); here it only takes its folio out " +
      'of the swap cache: the slot says SWAPFILE for a physical slot that was never written, and the zswap object is ' +
      'referenced by nothing.',
    interleaving:
      'A page is swapped out to zswap; the shrinker writes it back and decompression fails (an unreadable object): ' +
      'a later read of the page returns what the physical slot held before (lost data); if it is never read, the ' +
      'orphaned zswap object is still there when everything has exited (leak).',
    report: "the STE's RFC v2 3/7 restores with vswap_zswap_store on decompression failure (20260612193738.2183968-4-nphamcs@gmail.com); this slip is not a known report",
    expect: ['data', 'leak'],
    requires: { zswap: 'on' },
    designs: STE,
  },
  'ste-realloc-under-vswap-lock': {
    description: 'folio_realloc_swap allocates the physical slot while still holding the vswap cluster lock',
    mechanism:
      "folio_realloc_swap reads the first slot's virtual-table entry under the vswap cluster lock and, instead of " +
      'dropping the lock before the physical allocation, calls swap_alloc_fast/slow with it held: ' +
      'local_lock(percpu_swap_cluster) and a physical ci->lock (the same lock class as the vswap one) are taken under ' +
      'a vswap ci->lock, the reverse of the allocator order local_lock -> ci->lock (and the allocator may sleep to ' +
      "populate a cluster's table). Lockdep sees the same class taken twice without a nesting annotation first.",
    interleaving:
      'None needed for lockdep: any writeout of a vswap folio that zswap rejects (zswap off or full) takes ' +
      'vswap ci->lock -> percpu_swap_cluster.lock, while every physical allocation takes percpu_swap_cluster.lock -> ' +
      'ci->lock.',
    report: 'not a known report (the STE takes the two locks one after the other on this path, never nested: RFC v2 3/7)',
    expect: 'lockdep-recursive',
    requires: { zswap: 'off' },
    designs: STE,
  },
  'ste-dynamic-publish-unlocked': {
    description: 'alloc_swap_scan_dynamic publishes a new vswap cluster in the pool before taking its lock (as the RFCs do)',
    mechanism:
      'alloc_swap_scan_dynamic allocates a cluster with its tables, xa_alloc()s it into vswap_si->cluster_info_pool ' +
      '(lowest free index, so an index a destroyed cluster had), and only then spin_lock()s it and scans it. Between ' +
      'the two, the cluster is live, empty and usable to anyone who looks it up: a CPU whose per-CPU offset hint still ' +
      'names that index (from the destroyed cluster) takes the lock, allocates there, and when that slot is freed ' +
      'again the emptied cluster is destroyed (DEAD, tables freed). The creator then locks a dead cluster and scans ' +
      'its freed table (VM_WARN_ON(!cluster_is_usable) in alloc_swap_scan_cluster, then a NULL table).',
    interleaving:
      'CPU1 allocated from vswap cluster 1, which emptied and was destroyed; its per-CPU hint still names slot 8. ' +
      'CPU0 creates a new cluster, which xa_alloc numbers 1, and is delayed before spin_lock (an interrupt). CPU1 ' +
      "swaps out a page that no PTE maps: its hint leads it into the new cluster 1, where it takes slot 8; " +
      'swap_writeout frees the slot at once, the cluster empties and vswap_free_cluster destroys it. CPU0 locks it.',
    report:
      'found by this suite in the STE RFC v2 (20260612193738.2183968-2/-3-nphamcs@gmail.com) and the P4 ghost-swapfile ' +
      'RFC 15/15 (20260220-swap-table-p4-v1-15-104795d19815@tencent.com), which both publish before locking; not a known report',
    expect: 'bug',
    designs: STE,
    rareRace: { regression: 'traces/regressions/ste-dynamic-publish-unlocked.json' },
  },
  'ste-rmap-read-no-table': {
    description: "the vswap pass of try_to_unuse reads a physical slot's reverse map under its cluster lock without checking that the cluster still has a table (as the RFC does)",
    mechanism:
      'try_to_unuse first walks the physical device for Pointer slots: find_next_to_unuse sees slot i in use without ' +
      'a lock, then the pass takes the cluster lock and reads the slot with __swap_table_get. Nothing pins the slot ' +
      'in between: when its vswap owner releases the backing (a swap-in, a free, another writeout) and it was the ' +
      "cluster's last used slot, the cluster is freed and swap_cluster_free_table sets its table to NULL. " +
      '__swap_table_get does not check (only the RCU reader swap_table_get does): a NULL pointer dereference. ' +
      'try_to_reclaim_vswap_backing reads the same way after its caller dropped the lock; the port models both ' +
      'with one helper, which the correct version makes treat a table-less cluster as free.',
    interleaving:
      'A vswap slot is backed by the only used slot of a physical cluster. Swapoff of that device finds the slot in ' +
      'use; before it takes the cluster lock, the owner releases the backing (here: the folio is freed from swap), ' +
      "the physical cluster empties and loses its table; swapoff locks the cluster and reads the table.",
    report:
      'found by this suite in the STE RFC v2 3/7 (20260612193738.2183968-4-nphamcs@gmail.com: try_to_unuse and ' +
      'try_to_reclaim_vswap_backing); not a known report',
    expect: 'bug',
    designs: STE,
    rareRace: { regression: 'traces/regressions/ste-rmap-read-no-table.json' },
  },
  'swapin-no-pte-recheck': {
    description: 'do_swap_page maps the swapped-in folio without re-checking, under the PTE lock, that the PTE is still the swap entry it faulted on',
    mechanism:
      'do_swap_page reads the swap PTE, finds or reads the folio, locks it, then takes the PTE lock. The kernel then ' +
      'checks pte_same(): the PTE may have changed meanwhile. Here only "is there a PTE" is checked: when another ' +
      'thread of the process faulted the same page in first, the PTE is already present, and this fault maps the ' +
      'folio again and drops the swap reference again (folio_put_swap) - a reference that was the other fault\'s.',
    interleaving:
      'Two threads of one process read the same swapped-out page. Both find the folio (one reads it in, the other ' +
      'finds it in the swap cache); the first maps it and puts its swap reference; the second, without pte_same, ' +
      'puts one more: the swap count goes below the number of PTEs (the page-table-lock invariant), a put on a count ' +
      'of 0, or a slot freed while another process still maps it - whose next fault then retries for ever (a ' +
      'livelock: VM_FAULT_OOM only retries).',
    report: 'not a known report (mm/memory.c has checked pte_same here since swap-in was first made lockless)',
    expect: ['refinement', 'bug', 'data', 'leak', 'invariant', 'step-limit'],
    designs: ALL,
  },
  'ste-rmap-large-first-entry': {
    description: "a large folio's physical slots all get the reverse-map Pointer of the folio's first vswap slot",
    mechanism:
      '__swap_cluster_alloc_entries, giving a large vswap folio its physical run, writes one precomputed Pointer (the ' +
      "folio's first vswap slot, as RFC v1 precomputed it for the single-page case) into every slot instead of " +
      "first+i. The virtual table says SWAPFILE first+i for each slot: for every slot past the first the two maps " +
      'disagree. Physical-side reclaim and swapoff follow the Pointer to the wrong vswap slot, fail the re-validation ' +
      'under the folio lock, and skip the slot for ever: swapoff never finishes (a livelock) - if anything runs them.',
    interleaving:
      'None needed for the invariant: any large folio written to a device with zswap off or full. The end-to-end ' +
      'symptom needs a swapoff of that device while the folio is still swapped out.',
    report: 'not a known report (STE RFC v1 precomputed the single-page Pointer; the later code writes first+i)',
    expect: ['invariant', 'step-limit'],
    designs: STE,
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES: readonly FaultName[] = Object.keys(FAULTS) as FaultName[];

export function isFaultName(s: string): s is FaultName {
  return Object.hasOwn(FAULTS, s);
}

/** A fault's spec, typed as the interface (the catalogue's literal types hide optional fields). */
export function faultSpec(name: FaultName): FaultSpec {
  return FAULTS[name];
}

/** The kinds a fault may be reported as. */
export function expectedKinds(f: FaultSpec): readonly string[] {
  return typeof f.expect === 'string' ? [f.expect] : f.expect;
}
