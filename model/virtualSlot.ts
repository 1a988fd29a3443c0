// The specification of one swap entry as PTEs see it, as an xstate statechart: a virtual swap slot (one
// `struct swp_desc` of mm/vswap.c in v6; one slot of the STE's ghost device vswap_si) or, with no virtual layer, a
// physical slot (mainline's swap table). The reference count is derived (swap_count + in_swapcache), so the chart
// keeps swap_count in its context and in_swapcache as the `cache` region; the backing is the `backing` region. The
// three designs refine the same chart unchanged; one transition is unreachable by design in mainline: swapoff puts
// pages back into the PTEs and frees their slots, so no slot is re-pointed at its folio (SWAPOFF_UNUSE).
import { and, assign, not, or, setup, stateIn } from 'xstate';
import type { VirtualChartEvent } from './chartEvents.ts';

export interface VirtualSlotContext {
  /** swap_count: page-table entries (and shmem mappings) that refer to the slot. */
  readonly swapCount: number;
}

const inCache = stateIn({ allocated: { cache: 'cached' } });
const folioBacked = stateIn({ allocated: { backing: 'folio' } });

export const virtualSlotMachine = setup({
  types: {
    context: {} as VirtualSlotContext,
    events: {} as VirtualChartEvent,
  },
  guards: {
    hasSwapCount: ({ context }) => context.swapCount > 0,
    noSwapCount: ({ context }) => context.swapCount === 0,
  },
  actions: {
    // __vswap_alloc_from_cluster: a fresh descriptor starts with no PTE references.
    clearSwapCount: assign({ swapCount: 0 }),
    // swap_duplicate_nr: one more PTE refers to the slot.
    incSwapCount: assign({ swapCount: ({ context }) => context.swapCount + 1 }),
    // swap_free_nr: one PTE reference dropped.
    decSwapCount: assign({ swapCount: ({ context }) => context.swapCount - 1 }),
  },
}).createMachine({
  id: 'virtual',
  initial: 'free',
  context: { swapCount: 0 },
  states: {
    free: {
      on: {
        // folio_alloc_swap: the slot starts pinned by the swap cache, backed by the folio itself.
        ALLOC: { target: 'allocated', actions: 'clearSwapCount' },
      },
    },
    allocated: {
      type: 'parallel',
      on: {
        // swap_duplicate_nr returns -ENOENT on a dead slot (no count and not in the swap cache).
        DUP: { guard: or(['hasSwapCount', inCache]), actions: 'incSwapCount' },
        // swap_free_nr: the count never goes below zero; a PUT at zero is a double put.
        PUT: { guard: 'hasSwapCount', actions: 'decSwapCount' },
        // vswap_free_nr: released exactly when swap_count == 0 and the slot is not in the swap cache.
        FREE: { target: 'free', guard: and(['noSwapCount', not(inCache)]), actions: 'clearSwapCount' },
      },
      states: {
        cache: {
          initial: 'cached',
          states: {
            cached: {
              on: {
                // __swapcache_clear: deleting the only copy of data that PTEs still reference would lose it.
                CACHE_DEL: { target: 'uncached', guard: or(['noSwapCount', not(folioBacked)]) },
              },
            },
            uncached: {
              on: {
                // swapcache_prepare: -ENOENT on a dead slot; -EEXIST (no transition from `cached`) when pinned.
                CACHE_ADD: { target: 'cached', guard: 'hasSwapCount' },
              },
            },
          },
        },
        backing: {
          initial: 'folio',
          // Every store releases the previous backing first (release_backing), so it may start from any backing;
          // all of them run with the folio locked in the swap cache.
          on: {
            // swap_zeromap_folio_set
            STORE_ZERO: { target: '.zero', guard: inCache },
            // zswap_entry_store
            STORE_ZSWAP: { target: '.zswapped', guard: inCache },
            // vswap_alloc_swap_slot from swap_writeout
            STORE_SWAPFILE: { target: '.onDisk', guard: inCache },
            // vswap_store_folio / vswap_prepare_writeout
            STORE_FOLIO: { target: '.folio', guard: inCache },
          },
          states: {
            folio: {},
            zero: {
              // swap_read_folio filling zeroes into the swap-cache folio.
              on: { LOAD: { target: 'zero', guard: inCache } },
            },
            zswapped: {
              on: {
                // zswap_load into the swap-cache folio.
                LOAD: { target: 'zswapped', guard: inCache },
                // zswap_writeback_entry: the folio it decompressed into is in the swap cache.
                ZSWAP_WRITEBACK: { target: 'onDisk', guard: inCache },
              },
            },
            onDisk: {
              on: {
                // swap_read_folio from the physical slot.
                LOAD: { target: 'onDisk', guard: inCache },
                // try_to_unuse: swapoff moved the data into the swap-cache folio.
                SWAPOFF_UNUSE: { target: 'folio', guard: inCache },
              },
            },
          },
        },
      },
    },
  },
});

export type VirtualSlotMachine = typeof virtualSlotMachine;
