// The 'ste' design: the Swap Table Edition of virtual swap on mainline's swap table. Every operation of the
// swap-table design applies (the swap table itself branches into the virtual layer where the kernel does); the ones
// below choose by entry: a vswap slot takes the virtual layer's path, a physical entry (a direct allocation when
// vswap_si had no room) mainline's.
import type { SwapOps } from '../swap.ts';
import { mainlineOps } from '../swap_table/design.ts';
import type { SwapTableKernel } from '../swap_table/kernel.ts';
import { folio_release_non_phys_swap_backing, folio_release_vswap_backing, vswap_to_phys, vswap_zswap_load, vswap_zswap_store } from './backing.ts';
import { swap_read_source_vswap, swap_writeout_vswap, zswap_writeback_vswap } from './page_io.ts';
import { Vswap } from './vswap.ts';

/** Installs the virtual layer on a swap-table kernel and returns its operations. */
export function steOps(k: SwapTableKernel): SwapOps {
  k.vswap = new Vswap(k);
  const base = mainlineOps(k);
  const v = (entry: number): boolean => k.isVswapEntry(entry);
  return {
    ...base,
    design: 'ste',
    read_swap_cache_async: function* (entry, ref, memcg) {
      // do_swap_page's swap_entry_backend_has_flag(SWP_SYNCHRONOUS_IO): the backend of a vswap slot, looked up with
      // nothing pinning its cluster
      if (v(entry)) yield* vswap_to_phys(k, entry);
      return yield* base.read_swap_cache_async(entry, ref, memcg);
    },
    swap_writeout: (folio) => (v(folio.swap) ? swap_writeout_vswap(k, folio) : base.swap_writeout(folio)),
    swap_read_source: (folio) => (v(folio.swap) ? swap_read_source_vswap(k, folio) : base.swap_read_source(folio)),
    zswap_entry_store: (entry, ze) => (v(entry) ? vswap_zswap_store(k, entry, ze, 'zswap_store') : base.zswap_entry_store(entry, ze)),
    zswap_entry_load: (entry) => (v(entry) ? vswap_zswap_load(k, entry) : base.zswap_entry_load(entry)),
    zswap_store_rollback: function* (folio, stored) {
      if (!v(folio.swap)) return yield* base.zswap_store_rollback(folio, stored);
      // a partial store drops what was stored (and the rest of the folio's backing) before the realloc
      if (stored > 0) yield* folio_release_non_phys_swap_backing(k, folio, 'zswap_store');
    },
    zswap_load_invalidate: (folio) => (v(folio.swap) ? folio_release_vswap_backing(k, folio, 'zswap_load') : base.zswap_load_invalidate(folio)),
    zswap_writeback_entry: (ze, swpentry) => (v(swpentry) ? zswap_writeback_vswap(k, ze, swpentry) : base.zswap_writeback_entry(ze, swpentry)),
  };
}
