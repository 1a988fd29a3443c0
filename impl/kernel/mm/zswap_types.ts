// struct zswap_entry: one compressed page in the zswap pool (mm/zswap.c).
import type { MemHandle } from '../sim.ts';
import type { SwpEntry } from '../swap.ts';

export interface ZswapEntry {
  readonly id: number;
  /** The virtual slot it backs (entry->swpentry). */
  readonly swpentry: SwpEntry;
  /** The page's contents (what decompression gives back). */
  readonly value: number;
  /** The allocation, so use after zswap_entry_free is caught. */
  readonly mem: MemHandle;
}
