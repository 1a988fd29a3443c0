// A coverage record: how many times each chart state was entered and each defined transition taken. Records from
// many runs (or workers) combine with `mergeCoverage`, which is associative and commutative with `emptyCoverage()`
// as identity, so the order in which runs finish never changes a report.
import type { StateId, TransitionId } from '../chartIds.ts';

export const COVERAGE_FORMAT_VERSION = 1;

export interface CoverageRecord {
  readonly version: typeof COVERAGE_FORMAT_VERSION;
  /** Hit counts; an id never hit is absent (a count is never 0). */
  readonly states: Readonly<Record<StateId, number>>;
  readonly transitions: Readonly<Record<TransitionId, number>>;
}

export function emptyCoverage(): CoverageRecord {
  return { version: COVERAGE_FORMAT_VERSION, states: {}, transitions: {} };
}

function addCounts<K extends string>(a: Readonly<Record<K, number>>, b: Readonly<Record<K, number>>): Record<K, number> {
  const sum = { ...a } as Record<K, number>;
  for (const key of Object.keys(b) as K[]) sum[key] = (sum[key] ?? 0) + b[key];
  return sortKeys(sum);
}

// Keys sorted so that equal records serialize identically, whatever order the hits arrived in.
function sortKeys<K extends string>(counts: Record<K, number>): Record<K, number> {
  const sorted = {} as Record<K, number>;
  for (const key of (Object.keys(counts) as K[]).sort()) sorted[key] = counts[key];
  return sorted;
}

export function mergeCoverage(a: CoverageRecord, b: CoverageRecord): CoverageRecord {
  return {
    version: COVERAGE_FORMAT_VERSION,
    states: addCounts(a.states, b.states),
    transitions: addCounts(a.transitions, b.transitions),
  };
}

export function stateHits(record: CoverageRecord, id: StateId): number {
  return record.states[id] ?? 0;
}

export function transitionHits(record: CoverageRecord, id: TransitionId): number {
  return record.transitions[id] ?? 0;
}

/** Builds a record from plain counts (zero counts are dropped, keys sorted). */
export function coverageFromCounts(
  states: Readonly<Record<string, number>>,
  transitions: Readonly<Record<string, number>>,
): CoverageRecord {
  const positive = (counts: Readonly<Record<string, number>>) =>
    sortKeys(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)));
  return {
    version: COVERAGE_FORMAT_VERSION,
    states: positive(states) as Record<StateId, number>,
    transitions: positive(transitions) as Record<TransitionId, number>,
  };
}
