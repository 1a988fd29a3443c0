// The specification of one physical swap slot: a bit in a device's allocation map and one in its bad-slot map
// (mm/swapfile.c). A bad slot is never handed out; swapoff takes every slot out of service once the device is empty.
import { setup } from 'xstate';
import type { PhysicalChartEvent } from './chartEvents.ts';

export const physicalSlotMachine = setup({
  types: {
    events: {} as PhysicalChartEvent,
  },
}).createMachine({
  id: 'physical',
  initial: 'free',
  states: {
    free: {
      on: {
        // swap_slot_alloc: the reverse map now points at a virtual slot.
        PHYS_ALLOC: { target: 'allocated' },
        // swapon: the swap header lists this slot as bad.
        MARK_BAD: { target: 'bad' },
        // swapoff: the slot leaves service; a slot still allocated cannot (try_to_unuse must empty it first).
        SWAPOFF: { target: 'free' },
      },
    },
    allocated: {
      // swap_slot_free_nr from release_backing.
      on: { PHYS_FREE: { target: 'free' } },
    },
    bad: {
      on: { SWAPOFF: { target: 'free' } },
    },
  },
});

export type PhysicalSlotMachine = typeof physicalSlotMachine;
