// The kernel port's public surface: the state object, configuration, faults, and the entry points the world uses.
export { Kernel } from './kernel.ts';
export { DEFAULT_CONFIG, resolveConfig, type KernelConfig, type DeviceConfig, type MemcgMode } from './config.ts';
export { FAULTS, FAULT_NAMES, isFaultName, type FaultName, type FaultSpec } from './faults.ts';
export { Folio } from './folio.ts';
export { MmStruct, type Pte } from './mm.ts';
export { SwapDevice } from './swapfile.ts';
export { MemCgroup } from './memcontrol.ts';
export { VswapCluster, type SwpDesc, type SwpEntry } from './vswap_types.ts';
export type { ZswapEntry } from './zswap_types.ts';
