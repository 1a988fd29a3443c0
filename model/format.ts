// How chart states and steps read in failures and traces: `allocated.{cached,zswapped} count=1` and
// `before --EVENT--> after`.
import type { StateValue } from 'xstate';
import type { PhysicalSnapshot, VirtualSnapshot } from './snapshots.ts';

/** A state value with parallel regions flattened: `{allocated: {cache: 'cached', backing: 'zswapped'}}` reads
 * `allocated.{cached,zswapped}`. */
export function formatStateValue(value: StateValue): string {
  if (typeof value === 'string') return value;
  const parts = Object.entries(value).map(([key, child]) => {
    if (child === undefined) return key;
    if (typeof child === 'string') return `${key}.${child}`;
    const regions = Object.values(child);
    // A parallel node lists its regions' leaves; a compound node has exactly one active child.
    if (regions.length > 1 && regions.every((r) => typeof r === 'string')) return `${key}.{${regions.join(',')}}`;
    return `${key}.${formatStateValue(child)}`;
  });
  return parts.join(',');
}

export function formatVirtualState(snapshot: VirtualSnapshot): string {
  const value = formatStateValue(snapshot.value);
  return snapshot.matches('free') ? value : `${value} count=${snapshot.context.swapCount}`;
}

export function formatPhysicalState(snapshot: PhysicalSnapshot): string {
  return formatStateValue(snapshot.value);
}

export function formatStep(before: string, eventType: string, after: string): string {
  return `${before} --${eventType}--> ${after}`;
}
