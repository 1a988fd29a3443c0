// Snapshot types of the two charts, and their initial snapshots (pure: no actor is started).
import { getInitialSnapshot, type SnapshotFrom } from 'xstate';
import { physicalSlotMachine } from './physicalSlot.ts';
import { virtualSlotMachine } from './virtualSlot.ts';

export type VirtualSnapshot = SnapshotFrom<typeof virtualSlotMachine>;
export type PhysicalSnapshot = SnapshotFrom<typeof physicalSlotMachine>;

// Both charts start from the same snapshot every time, and snapshots are immutable, so one instance is shared.
const virtualStart: VirtualSnapshot = getInitialSnapshot(virtualSlotMachine);
const physicalStart: PhysicalSnapshot = getInitialSnapshot(physicalSlotMachine);

/** A slot that was never allocated. */
export function initialVirtual(): VirtualSnapshot {
  return virtualStart;
}

/** A slot of a device that was just swapped on, before its bad-slot list is read. */
export function initialPhysical(): PhysicalSnapshot {
  return physicalStart;
}
