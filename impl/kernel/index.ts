// The kernel port's public surface: the state object, configuration, designs, faults, and what the world uses.
export { Kernel } from './kernel.ts';
export { createKernel } from './designs.ts';
export { DEFAULT_CONFIG, resolveConfig, type KernelConfig, type DeviceConfig, type MemcgMode } from './config.ts';
export { FAULTS, FAULT_NAMES, isFaultName, type FaultName, type FaultSpec } from './faults.ts';
export { DESIGN_NAMES, DESIGN_TITLES, isDesignName, type DesignName, type SwapOps, type SwpEntry } from './swap.ts';
export { Folio } from './mm/folio.ts';
export { MmStruct, type Pte } from './mm/mm.ts';
export { SwapInfo } from './swap_info.ts';
export { MemCgroup } from './mm/memcontrol.ts';
export { V6Kernel, asV6 } from './v6/design.ts';
export type { ZswapEntry } from './mm/zswap_types.ts';
