// Sizes and switches of the simulated kernel. Every size is a parameter so that small configurations reach every
// boundary (cluster ends, device ends, a full zswap pool) in a handful of operations.
import type { FaultName } from './faults.ts';
import type { DesignName } from './swap.ts';

export type MemcgMode = 'v1-memsw' | 'v2';

export interface DeviceConfig {
  /** Physical slots on the device. */
  readonly slots: number;
  /** Physical slots per swap cluster (`SWAPFILE_CLUSTER`); `slots` must be a multiple. */
  readonly clusterSize: number;
  /** Bad slots listed by the swap header; marked at swapon and never allocated. */
  readonly bad?: readonly number[];
  /** Swapped on when the world is created (default true). */
  readonly on?: boolean;
}

export interface KernelConfig {
  /** Which swap-slot layer runs under the shared mm code (see swap.ts). Default 'v6'. */
  readonly design: DesignName;
  /** Virtual slots per vswap cluster (`VSWAP_CLUSTER_SIZE`, 512 in the kernel); a power of two. Default 8. */
  readonly clusterSize: number;
  /** Physical swap devices, in priority order. Default: one device of 16 slots in clusters of 4. */
  readonly devices: readonly DeviceConfig[];
  /** zswap pool capacity in pages; 0 turns zswap off. Default 4. */
  readonly zswapCapacity: number;
  /** 'v2' charges memory.swap on physical slots; 'v1-memsw' records the memcg in memcg1_swapout. Default 'v2'. */
  readonly memcgMode: MemcgMode;
  /** Number of memory cgroups (ids 1..memcgs; id 0 means none). Default 2. */
  readonly memcgs: number;
  /** cgroup v2 `memory.swap.max` per memcg in pages (default unlimited). */
  readonly memcgSwapMax: number;
  /** Folio orders the workload may use (0, 1, 2). Default [0, 1, 2]. */
  readonly orders: readonly number[];
  /** Faults switched on (see faults.ts). Default none. */
  readonly faults: readonly FaultName[];
  /**
   * Swap-table designs: SWP_TB_COUNT_MAX, the largest swap count kept in a table entry (15 on x86-64; small here so
   * that a few forks reach the extend table). Default 3.
   */
  readonly swapCountMax: number;
  /** zswap writeback decompressions that fail (1-based ranks): a corrupt or unreadable object. Default none. */
  readonly zswapDecompressFail: readonly number[];
}

export const DEFAULT_CONFIG: KernelConfig = {
  design: 'v6',
  clusterSize: 8,
  devices: [{ slots: 16, clusterSize: 4 }],
  zswapCapacity: 4,
  memcgMode: 'v2',
  memcgs: 2,
  memcgSwapMax: Number.MAX_SAFE_INTEGER,
  orders: [0, 1, 2],
  faults: [],
  swapCountMax: 3,
  zswapDecompressFail: [],
};

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

/** Fills defaults and rejects configurations the kernel could not have (a bad size is a test bug, not a finding). */
export function resolveConfig(partial: Partial<KernelConfig> = {}): KernelConfig {
  const c: KernelConfig = { ...DEFAULT_CONFIG, ...partial };
  if (!isPowerOfTwo(c.clusterSize)) throw new Error(`clusterSize must be a power of two, got ${c.clusterSize}`);
  for (const o of c.orders) {
    if (!Number.isInteger(o) || o < 0 || 1 << o > c.clusterSize) throw new Error(`order ${o} does not fit a cluster`);
  }
  c.devices.forEach((d, i) => {
    if (!isPowerOfTwo(d.clusterSize) || d.slots % d.clusterSize !== 0) {
      throw new Error(`device ${i}: slots (${d.slots}) must be a multiple of a power-of-two clusterSize`);
    }
    for (const b of d.bad ?? []) if (b < 0 || b >= d.slots) throw new Error(`device ${i}: bad slot ${b} out of range`);
  });
  if (c.memcgs < 1) throw new Error('at least one memcg');
  if (!Number.isInteger(c.swapCountMax) || c.swapCountMax < 2) throw new Error(`swapCountMax must be at least 2, got ${c.swapCountMax}`);
  return c;
}

/** Number of orders the allocator keeps lists for (`SWAP_NR_ORDERS`). */
export function nrOrders(c: KernelConfig): number {
  return Math.log2(c.clusterSize) + 1;
}
