// The specification layer: the two statecharts, the event vocabulary, the abstraction from the implementation's
// view, the pure refinement stepper, and statechart coverage. Other layers import from here.
export * from './events.ts';
export type { VirtualChartEvent, PhysicalChartEvent } from './chartEvents.ts';
export { virtualSlotMachine, type VirtualSlotMachine, type VirtualSlotContext } from './virtualSlot.ts';
export { physicalSlotMachine, type PhysicalSlotMachine } from './physicalSlot.ts';
export { CHARTS, VIRTUAL_CHART, PHYSICAL_CHART, chartByName, type ChartInfo } from './charts.ts';
export { stateId, transitionId, splitId, type StateId, type TransitionId } from './chartIds.ts';
export { initialVirtual, initialPhysical, type VirtualSnapshot, type PhysicalSnapshot } from './snapshots.ts';
export { stepVirtual, stepPhysical, activeStates, type StepResult } from './refine.ts';
export { abstractVirtual, abstractPhysical, checkVirtual, checkPhysical, BACKING_STATE } from './abstraction.ts';
export { formatStateValue, formatVirtualState, formatPhysicalState, formatStep } from './format.ts';
export * from './coverage/index.ts';
