// The world's public surface: the World, its processes, the workload operations and the inspection snapshot.
export { World, type Process } from './world.ts';
export * from './ops.ts';
export { inspect, type WorldSnapshot, type SlotSnapshot, type ClusterSnapshot, type DeviceSnapshot } from './inspect.ts';
export type { ZswapSnapshot, MemcgSnapshot, FolioSnapshot } from './inspect.ts';
export { renderSlots } from './render.ts';
