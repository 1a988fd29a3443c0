// Building the kernel of one design: the shared mm state plus that design's swap-slot layer.
import type { SlotEventListener } from '../../model/events.ts';
import { resolveConfig, type KernelConfig } from './config.ts';
import type { Kernel } from './kernel.ts';
import type { Machine } from './sim.ts';
import { steOps } from './ste/design.ts';
import { mainlineOps } from './swap_table/design.ts';
import { SwapTableKernel } from './swap_table/kernel.ts';
import { V6Kernel } from './v6/design.ts';

/** A kernel of config.design (default v6), with the configuration checked and its defaults filled. */
export function createKernel(m: Machine, config: Partial<KernelConfig> = {}, listener?: SlotEventListener): Kernel {
  const c = resolveConfig(config);
  switch (c.design) {
    case 'v6':
      return new V6Kernel(m, c, listener);
    case 'mainline': {
      const k = new SwapTableKernel(m, c, listener);
      k.swap = mainlineOps(k);
      return k;
    }
    case 'ste': {
      const k = new SwapTableKernel(m, c, listener);
      k.swap = steOps(k);
      return k;
    }
  }
}
