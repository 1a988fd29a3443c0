// The simulated kernel's whole state, in one object owned by one run (like loom's execution table). This base holds
// what every design shares: memcgs, the LRU, folios, mms, zswap's pool and LRU, the swapon locks, the physical
// devices; each design's subclass adds its swap-slot layer and binds `swap`, the operations the shared mm code
// calls. Every kernel function takes the kernel as `k`. It also carries the instrumentation (slot event records)
// and the VM_WARN_ON / VM_BUG_ON checks.
import type { PhysicalEventType, SlotEventListener, VirtualEventType, VirtualSlotView } from '../../model/events.ts';
import type { KernelConfig } from './config.ts';
import type { FaultName } from './faults.ts';
import type { Folio } from './mm/folio.ts';
import { MemCgroup } from './mm/memcontrol.ts';
import type { MmHooks, MmStruct } from './mm/mm.ts';
import type { ZswapEntry } from './mm/zswap_types.ts';
import type { Machine, Mutex, SpinLock } from './sim.ts';
import type { SwapOps, SwpEntry } from './swap.ts';
import type { SwapInfo } from './swap_info.ts';

export abstract class Kernel {
  readonly faults: ReadonlySet<FaultName>;
  readonly clusterSize: number;
  /** The swap layer of this design, as the mm code calls it. */
  abstract readonly swap: SwapOps;
  /** Physical swap devices, by swap type. */
  abstract readonly devices: readonly SwapInfo[];

  // mm/swapfile.c
  /** swapon_mutex: swapon's publish step and the end of swapoff (not try_to_unuse). */
  readonly swaponMutex: Mutex;
  /** swap_lock: swap_info[] flags (SWP_USED, SWP_WRITEOK) and the avail lists. */
  readonly swapLock: SpinLock;

  // mm/zswap.c: zswap_list_lru, oldest entry first (the shrinker's order), under its list_lru_one lock
  readonly zswapPool: ZswapEntry[] = [];
  /** list_lru_one->lock of zswap_list_lru (one node, one memcg list in this model). */
  readonly zswapLruLock: SpinLock;
  nextZswapId = 1;
  /** Decompressions zswap writeback has done, for config.zswapDecompressFail. */
  zswapWritebackDecompressions = 0;

  // mm/memcontrol.c: index = memcg id; [0] is unused (id 0 means "no memcg")
  readonly memcgs: MemCgroup[];

  // mm/swap.c: one LRU list (oldest first) under lruvec->lru_lock
  readonly lru: Folio[] = [];
  readonly lruLock: SpinLock;
  /** Every folio ever allocated (for inspection; freed ones are flagged). */
  readonly folios: Folio[] = [];
  nextFolioId = 1;

  /** Every live mm, for the reverse-map walk of try_to_unmap. */
  readonly mms: MmStruct[] = [];
  nextMmId = 1;
  /** Page-table instrumentation for the data oracle (set by the workload runner), or null. */
  mmHooks: MmHooks | null = null;

  constructor(
    readonly m: Machine,
    readonly config: KernelConfig,
    readonly listener?: SlotEventListener,
  ) {
    this.faults = new Set(config.faults);
    this.clusterSize = config.clusterSize;
    this.swaponMutex = m.mutex('swapon_mutex');
    this.swapLock = m.spinlock('swap_lock');
    this.lruLock = m.spinlock('lruvec->lru_lock');
    this.zswapLruLock = m.spinlock('list_lru_one->lock');
    this.memcgs = Array.from({ length: config.memcgs + 1 }, (_, id) => new MemCgroup(id, config.memcgSwapMax, m));
  }

  faultOn(name: FaultName): boolean {
    return this.faults.has(name);
  }

  /** do_memsw_account(): cgroup v1 with memory+swap accounting. */
  get memsw(): boolean {
    return this.config.memcgMode === 'v1-memsw';
  }

  /** VM_WARN_ON: a kernel warning is a finding; the run stops with kind 'bug'. */
  warnOn(cond: boolean, what: string): void {
    if (cond) this.m.fail('bug', `VM_WARN_ON: ${what}`);
  }
  /** VM_BUG_ON */
  bugOn(cond: boolean, what: string): void {
    if (cond) this.m.fail('bug', `VM_BUG_ON: ${what}`);
  }

  /** Instrumentation: one record per change of one swap entry, with the swap layer's view right after it. */
  emitVirtualView(slot: SwpEntry, event: VirtualEventType, by: string, after: VirtualSlotView): void {
    // a listener (the refinement oracle) notes the event with the chart state it leads to; without one, note it here
    if (!this.listener) this.m.trace(`${this.swap.describeSlot(slot)} ${event}`);
    this.listener?.({ space: 'virtual', slot, event: { type: event }, after, by });
  }

  /** Instrumentation: one record per change of one physical slot. */
  emitPhysical(dev: SwapInfo, offset: number, event: PhysicalEventType, by: string, vswap?: number): void {
    if (!this.listener) this.m.trace(`swap ${dev.index}:${offset} ${event}`);
    this.listener?.({
      space: 'physical',
      slot: { dev: dev.index, offset },
      event: { type: event },
      after: { state: dev.slotState(offset) },
      by,
      ...(vswap !== undefined ? { vswap } : {}),
    });
  }
}
