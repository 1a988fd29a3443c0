// Instrumentation of the swap-table designs (not kernel code): the chart-facing view of a swap entry read off the
// tables, and the event records. For a physical slot PTEs refer to directly (mainline), "is the data on the device"
// is not kernel state; the `written` ghost map (set when a write is issued, cleared when the data moves elsewhere or
// the slot is freed) stands in for it, like a test-only field of a kernel shim.
import type { PhysicalEventType, VirtualEventType, VirtualSlotView } from '../../../model/events.ts';
import type { SwpEntry } from '../swap.ts';
import type { SwapTableKernel } from './kernel.ts';
import { swp_entry, swp_offset, swp_type, type SwapClusterInfo, type SwapInfoStruct } from './types.ts';

const FREE_VIEW: VirtualSlotView = Object.freeze({ allocated: false, swapCount: 0, inSwapcache: false, type: 'FOLIO' });

/** The view of slot `off` of si: allocated = shadow or pfn entry; count = inline or extend_table's. */
export function slotViewOf(k: SwapTableKernel, si: SwapInfoStruct, off: number): VirtualSlotView {
  const ci = si.cluster(off);
  const i = off % si.clusterSize;
  const tb = ci?.table?.[i];
  if (!ci || !tb || (tb.kind !== 'shadow' && tb.kind !== 'pfn')) return FREE_VIEW;
  const swapCount = tb.count < k.countMax ? tb.count : (ci.extendTable?.[i] ?? tb.count);
  let type: VirtualSlotView['type'];
  if (si.vswap) {
    const vt = ci.dyn?.vtable?.[i];
    type = vt?.tag === 'SWAPFILE' ? 'SWAPFILE' : vt?.tag === 'ZSWAP' ? 'ZSWAP' : tb.zero ? 'ZERO' : 'FOLIO';
  } else {
    type = tb.zero ? 'ZERO' : si.zswapTree.has(off) ? 'ZSWAP' : si.written[off] ? 'SWAPFILE' : 'FOLIO';
  }
  return { allocated: true, swapCount, inSwapcache: tb.kind === 'pfn', type };
}

/** slotView for any entry value. */
export function entryView(k: SwapTableKernel, entry: SwpEntry): VirtualSlotView {
  const si = k.swapInfo(swp_type(entry));
  return si ? slotViewOf(k, si, swp_offset(entry)) : FREE_VIEW;
}

/** One record for slot `off` of si (an entry PTEs may hold), with its view right now, or an explicit one. */
export function emitSlot(k: SwapTableKernel, si: SwapInfoStruct, off: number, event: VirtualEventType, by: string, view?: VirtualSlotView): void {
  k.emitVirtualView(swp_entry(si.type, off), event, by, view ?? slotViewOf(k, si, off));
}

/** The same for slot `i` of cluster ci. */
export function emitCi(k: SwapTableKernel, si: SwapInfoStruct, ci: SwapClusterInfo, i: number, event: VirtualEventType, by: string, view?: VirtualSlotView): void {
  emitSlot(k, si, ci.id * si.clusterSize + i, event, by, view);
}

/** A physical-chart record (physical devices only; vswap_si's slots are virtual). */
export function emitPhys(k: SwapTableKernel, si: SwapInfoStruct, off: number, event: PhysicalEventType, by: string, vswap?: number): void {
  if (!si.vswap) k.emitPhysical(si, off, event, by, vswap);
}

/** How an entry reads in reports. */
export function describeEntry(k: SwapTableKernel, entry: SwpEntry): string {
  const si = k.swapInfo(swp_type(entry));
  if (!si) return `swap entry ${entry}`;
  return si.vswap ? `vswap ${swp_offset(entry)}` : `swap${si.index}:${swp_offset(entry)}`;
}
