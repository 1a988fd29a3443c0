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
    expect: 'bug',
  },
} as const satisfies Record<string, FaultSpec>;

export type FaultName = keyof typeof FAULTS;
export const FAULT_NAMES: readonly FaultName[] = Object.keys(FAULTS) as FaultName[];

export function isFaultName(s: string): s is FaultName {
  return Object.hasOwn(FAULTS, s);
}
