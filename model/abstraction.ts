// The abstraction function: what chart state a slot is in, read off the implementation's view of it (the
// descriptor fields of struct swp_desc, or the physical maps), and the check that the chart agrees.
import { matchesState, type StateValue } from 'xstate';
import type { PhysicalSlotView, SwapType, VirtualSlotView } from './events.ts';
import { formatPhysicalState, formatStateValue, formatVirtualState } from './format.ts';
import type { PhysicalSnapshot, VirtualSnapshot } from './snapshots.ts';

/** Backing region state for each descriptor `type`. */
export const BACKING_STATE: Readonly<Record<SwapType, 'folio' | 'zero' | 'zswapped' | 'onDisk'>> = {
  FOLIO: 'folio',
  ZERO: 'zero',
  ZSWAP: 'zswapped',
  SWAPFILE: 'onDisk',
};

export interface AbstractVirtualState {
  readonly value: StateValue;
  /** Only meaningful while allocated: a free slot's count is not part of the chart. */
  readonly swapCount: number;
}

/** Chart state of a virtual slot as its descriptor describes it. */
export function abstractVirtual(view: VirtualSlotView): AbstractVirtualState {
  if (!view.allocated) return { value: 'free', swapCount: 0 };
  return {
    value: { allocated: { cache: view.inSwapcache ? 'cached' : 'uncached', backing: BACKING_STATE[view.type] } },
    swapCount: view.swapCount,
  };
}

/** Chart state of a physical slot as the device's maps describe it. */
export function abstractPhysical(view: PhysicalSlotView): StateValue {
  return view.state;
}

function describeDescriptor(view: VirtualSlotView): string {
  if (!view.allocated) return 'descriptor says free (allocation bit clear)';
  return `descriptor says in_swapcache=${view.inSwapcache ? 1 : 0} type=${view.type} swap_count=${view.swapCount}`;
}

/** null when the chart and the descriptor agree, else one line naming both sides. */
export function checkVirtual(snapshot: VirtualSnapshot, view: VirtualSlotView): string | null {
  const expected = abstractVirtual(view);
  const sameState = matchesState(expected.value, snapshot.value);
  const sameCount = !view.allocated || snapshot.context.swapCount === expected.swapCount;
  if (sameState && sameCount) return null;
  return `chart says ${formatVirtualState(snapshot)}, ${describeDescriptor(view)} (${formatStateValue(expected.value)})`;
}

/** null when the chart and the physical slot's maps agree, else one line naming both sides. */
export function checkPhysical(snapshot: PhysicalSnapshot, view: PhysicalSlotView): string | null {
  if (matchesState(abstractPhysical(view), snapshot.value)) return null;
  return `chart says ${formatPhysicalState(snapshot)}, device maps say ${view.state}`;
}
