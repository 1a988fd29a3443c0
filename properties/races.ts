// Race coverage: which kernel entry points were seen in flight at the same time on the same cluster (both took its
// lock during their call) and on the same swap slot (both changed it), and which lock a call found held by which
// other call. Chart coverage saturates within a second; this one does not, so it can judge and steer a hunt.
// Counting is per pair of calls (one concurrent pair of calls counts once per kind), so the numbers read as "how
// many times these two functions overlapped on shared state".
import { pairKey, racesFromCounts, type RaceCounts } from '../model/coverage/coverageRecord.ts';
import type { ActorRef, SimObserver } from '../impl/sim/index.ts';
import { ENTRY_POINTS } from '../impl/world/ops.ts';

/** Lock classes that are a cluster's lock, in every design. */
const CLUSTER_LOCKS = new Set(['vswap_cluster->lock', 'swap_cluster_info->lock']);

export { ENTRY_POINTS };

interface Call {
  readonly fn: string;
  readonly call: number;
  readonly clusters: Set<number>;
  readonly slots: Set<string>;
}

export class RaceRecorder implements SimObserver {
  private readonly active = new Map<number, Call>();
  private readonly counts = { cluster: new Map<string, number>(), slot: new Map<string, number>(), contention: new Map<string, number>() };
  /** Pairs of calls already counted, per kind (reset with the run: call ids are unique within one run only). */
  private seen = new Set<string>();

  /** A new run: forget the calls in flight (the counts accumulate). */
  startRun(): void {
    this.active.clear();
    this.seen = new Set();
  }

  enter(a: ActorRef): void {
    this.active.set(a.actor, { fn: a.fn, call: a.call, clusters: new Set(), slots: new Set() });
  }

  leave(a: ActorRef): void {
    if (this.active.get(a.actor)?.call === a.call) this.active.delete(a.actor);
  }

  acquired(a: ActorRef, lockId: number, lock: string): void {
    if (CLUSTER_LOCKS.has(lock)) this.touch(a, 'cluster', lockId);
  }

  contended(waiter: ActorRef, holder: ActorRef | null, _lockId: number, lock: string): void {
    // a lock class, not an instance: per-object locks are named after their object ("folio#12")
    const key = `${lock.replace(/#\d+$/, '')}|${waiter.fn}|${holder?.fn ?? 'outside'}`;
    this.counts.contention.set(key, (this.counts.contention.get(key) ?? 0) + 1);
  }

  /** A slot event by the running context (slot: 'v<entry>' or 'p<dev>:<offset>'). */
  slotTouched(a: ActorRef | null, slot: string): void {
    if (a !== null) this.touch(a, 'slot', slot);
  }

  private touch(a: ActorRef, kind: 'cluster' | 'slot', key: number | string): void {
    const me = this.active.get(a.actor);
    if (me === undefined || me.call !== a.call) throw new Error(`races: ${a.fn} (call ${a.call}) touched shared state outside its call`);
    const mine = kind === 'cluster' ? me.clusters : me.slots;
    mine.add(key as never);
    for (const [actor, other] of this.active) {
      if (actor === a.actor) continue;
      const theirs = kind === 'cluster' ? other.clusters : other.slots;
      if (!theirs.has(key as never)) continue;
      const pair = `${kind}:${Math.min(me.call, other.call)}:${Math.max(me.call, other.call)}`;
      if (this.seen.has(pair)) continue;
      this.seen.add(pair);
      const k = pairKey(me.fn, other.fn);
      const m = this.counts[kind];
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  }

  toRecord(): RaceCounts {
    return racesFromCounts({
      cluster: Object.fromEntries(this.counts.cluster),
      slot: Object.fromEntries(this.counts.slot),
      contention: Object.fromEntries(this.counts.contention),
    });
  }

  /** Distinct keys reached so far (for steering: what is new). */
  keys(): Set<string> {
    return raceKeys(this.toRecord());
  }
}

/** Distinct race-coverage keys ('kind:key') of a record. */
export function raceKeys(r: RaceCounts | undefined): Set<string> {
  const out = new Set<string>();
  if (r) for (const kind of ['cluster', 'slot', 'contention'] as const) for (const k of Object.keys(r[kind])) out.add(`${kind}:${k}`);
  return out;
}
