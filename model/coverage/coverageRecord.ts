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
  /** Race coverage (the implementation's side; absent in records from before it existed). */
  readonly races?: RaceCounts;
}

/**
 * Which kernel entry points were seen in flight together, by name (the charts do not know them: the names and the
 * full list come from the implementation). Keys: "a|b" with a <= b for a pair, "lock|waiter|holder" for contention.
 */
export interface RaceCounts {
  /** Two calls in flight at once that both took the same cluster's lock during the call. */
  readonly cluster: Readonly<Record<string, number>>;
  /** Two calls in flight at once that both changed the same swap slot (virtual or physical). */
  readonly slot: Readonly<Record<string, number>>;
  /** A call found a lock (by lock class name) held by another call. */
  readonly contention: Readonly<Record<string, number>>;
}

export const RACE_KINDS = ['cluster', 'slot', 'contention'] as const;

export function emptyCoverage(): CoverageRecord {
  return { version: COVERAGE_FORMAT_VERSION, states: {}, transitions: {} };
}

/** The key of an unordered pair of entry points. */
export function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

// Counts saturate at 2^53 - 1 (what JSON numbers hold exactly), so that merging many records never yields a file
// the reader refuses; a count that large means "reached", which is all a report needs of it.
function addCounts<K extends string>(a: Readonly<Record<K, number>>, b: Readonly<Record<K, number>>): Record<K, number> {
  const sum = { ...a } as Record<K, number>;
  for (const key of Object.keys(b) as K[]) sum[key] = Math.min(Number.MAX_SAFE_INTEGER, (sum[key] ?? 0) + b[key]);
  return sortKeys(sum);
}

// Keys sorted so that equal records serialize identically, whatever order the hits arrived in.
function sortKeys<K extends string>(counts: Record<K, number>): Record<K, number> {
  const sorted = {} as Record<K, number>;
  for (const key of (Object.keys(counts) as K[]).sort()) sorted[key] = counts[key];
  return sorted;
}

export function mergeCoverage(a: CoverageRecord, b: CoverageRecord): CoverageRecord {
  const races = a.races && b.races ? mergeRaces(a.races, b.races) : (a.races ?? b.races);
  return {
    version: COVERAGE_FORMAT_VERSION,
    states: addCounts(a.states, b.states),
    transitions: addCounts(a.transitions, b.transitions),
    ...(races ? { races } : {}),
  };
}

function mergeRaces(a: RaceCounts, b: RaceCounts): RaceCounts {
  return { cluster: addCounts(a.cluster, b.cluster), slot: addCounts(a.slot, b.slot), contention: addCounts(a.contention, b.contention) };
}

/** Race counts from plain counts (zero counts dropped, keys sorted). */
export function racesFromCounts(r: { [K in (typeof RACE_KINDS)[number]]: Readonly<Record<string, number>> }): RaceCounts {
  const positive = (counts: Readonly<Record<string, number>>) => sortKeys(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)));
  return { cluster: positive(r.cluster), slot: positive(r.slot), contention: positive(r.contention) };
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
