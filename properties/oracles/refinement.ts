// The refinement oracle: every slot event the implementation emits must be accepted by that slot's chart state
// (xstate's pure transition), and right after it the abstraction of the slot's descriptor must equal the chart's
// state and count. A double free, a use of a freed slot, or a count going below zero is an event the chart refuses.
import type { PhysSlotId, SlotEventRecord } from '../../model/events.ts';
import { checkPhysical, checkVirtual } from '../../model/abstraction.ts';
import { formatPhysicalState, formatVirtualState } from '../../model/format.ts';
import { initialPhysical, initialVirtual, stepPhysical, stepVirtual } from '../../model/refine.ts';
import type { PhysicalSnapshot, VirtualSnapshot } from '../../model/snapshots.ts';
import type { CoverageRecorder } from '../../model/coverage/coverageRecorder.ts';
import { physicalSlotMachine } from '../../model/physicalSlot.ts';
import { virtualSlotMachine } from '../../model/virtualSlot.ts';

export const physKey = (p: PhysSlotId): string => `swap${p.dev}:${p.offset}`;

export class RefinementOracle {
  private readonly virt = new Map<number, VirtualSnapshot>();
  private readonly phys = new Map<string, PhysicalSnapshot>();

  constructor(
    private readonly coverage?: CoverageRecorder,
    /** How the design names a swap entry in reports ("vswap 5", "swap0:5"). */
    private readonly describe: (slot: number) => string = (slot) => `vswap slot ${slot}`,
  ) {
    coverage?.recordInitial(virtualSlotMachine, initialVirtual());
    coverage?.recordInitial(physicalSlotMachine, initialPhysical());
  }

  /**
   * Steps the slot's chart. Returns `{ note }` (the step as `state --EVENT--> state`, for the timeline; empty unless
   * `withNote`) or `{ violation }` (a one-line reason).
   */
  check(r: SlotEventRecord, withNote = true): { note: string; violation?: undefined } | { violation: string; note?: undefined } {
    if (r.space === 'virtual') {
      const before = this.virt.get(r.slot) ?? initialVirtual();
      const res = stepVirtual(before, r.event);
      if (!res.ok) return { violation: `${this.describe(r.slot)}: ${r.by} did ${r.event.type}, but ${res.reason}` };
      this.coverage?.recordStep(res);
      this.virt.set(r.slot, res.snapshot);
      const mismatch = checkVirtual(res.snapshot, r.after);
      if (mismatch) return { violation: `${this.describe(r.slot)} after ${r.event.type} by ${r.by}: ${mismatch}` };
      return { note: withNote ? `${this.describe(r.slot).replace(/ slot /, ' ')} ${r.event.type} -> ${formatVirtualState(res.snapshot).replace(/^allocated\./, '')}` : '' };
    }
    const key = physKey(r.slot);
    const before = this.phys.get(key) ?? initialPhysical();
    const res = stepPhysical(before, r.event);
    if (!res.ok) return { violation: `physical slot ${key}: ${r.by} did ${r.event.type}, but ${res.reason}` };
    this.coverage?.recordStep(res);
    this.phys.set(key, res.snapshot);
    const mismatch = checkPhysical(res.snapshot, r.after);
    if (mismatch) return { violation: `physical slot ${key} after ${r.event.type} by ${r.by}: ${mismatch}` };
    return { note: withNote ? `${key} ${r.event.type} -> ${formatPhysicalState(res.snapshot)}${r.vswap !== undefined ? ` (rmap -> vswap ${r.vswap})` : ''}` : '' };
  }

  /** Slots the chart holds as allocated (for the leak check's cross-reference). */
  liveVirtualSlots(): number[] {
    return [...this.virt].filter(([, s]) => !s.matches('free')).map(([slot]) => slot);
  }
}
