// The chart-side event unions: the same vocabulary as model/events.ts, distributed per event type so that xstate can
// narrow each `on` key to exactly one event object.
import type { PhysicalEventType, VirtualEventType } from './events.ts';

export type VirtualChartEvent = { [K in VirtualEventType]: { readonly type: K } }[VirtualEventType];
export type PhysicalChartEvent = { [K in PhysicalEventType]: { readonly type: K } }[PhysicalEventType];
