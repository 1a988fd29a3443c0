// Bounded DPOR's race analysis for explore (properties/explore.ts, which states the reduction and its assumptions):
// after each run, the choices the races it shows add to the decisions of the search tree.
import { ACCEPTS_HARDIRQ, ACCEPTS_SOFTIRQ, independent, onlyCpuKey, type Footprint } from '../impl/sim/index.ts';
import { DporPath } from './exploreDporPath.ts';
import { dporAlternatives, type Node, type Pending } from './exploreTree.ts';

/**
 * DPOR (Flanagan and Godefroid, POPL 2005) bounded as BPOR (Coons et al., OOPSLA 2013), after a run of the path.
 * The threads DPOR reorders are the contexts that step: each CPU's tasks (one thread per CPU: its tasks take turns
 * only when one sleeps, which the simulator decides, not the scheduler) and each interrupt's handler, from its
 * delivery on. For each step j and each other thread v, the last step i of v that j depends on is a race (steps of
 * one CPU depend on each other, delivering an interrupt before or after a task's step being a choice of its own,
 * except an atomic delivery, which a step of its CPU depends on only through what both touch: footprint.ts),
 * so the decision before i also tries the next step of j's thread there (initialAt: when that step was not enabled
 * there, one that leads to it; nothing when the bound rules it out there), and the decision at the last context
 * switch before i tries it too, conservatively: reversing the race at i may cost a preemption the bound forbids,
 * where switching at a switch the schedule makes anyway does not (switchAt). A dependent pair is a race only when
 * the earlier step does not already happen before the later one's thread (Flanagan and Godefroid's i -/-> p, by
 * vector clocks): a step ordered before it through a chain of other dependent steps (a lock handed on, a grace
 * period its reader end closed, an interrupt it queued) is reversed, if at all, by reversing a race along the chain.
 * Steps that did not run within the path (left out by the bound where the run was pruned; after a failure or past
 * the step limit, one for every CPU) are pending steps dependent on everything: their footprints are unknown.
 * Races of steps before `from0` (a prefix an earlier run shared, and whose races it added) are not looked at again.
 * One instance serves one depth-first search: consecutive runs share all their decisions before the one the last
 * backtrack changed (`from0`), so the threads and vector clocks of that prefix, which depend on nothing after it, are
 * kept from the last path instead of rebuilt (the same races, in the same order, as rebuilding them).
 * Only races that can be reversed count: an interrupt's delivery is raced only with steps it could have come before
 * (deliveryRaces), and a CPU's step is not raced with the step that let the CPU go (race).
 */
export class DporRaces extends DporPath {
  /** Adds the races of the path (run to its end, then the pending steps) to its decisions; see the class. */
  backtrack(path: Node[], pending: readonly Pending[], from0: number): void {
    const n = path.length;
    // the prefix before from0 is the last path's: its threads, clocks and last steps are kept (DporPath)
    const keep = Math.min(from0, this.kept, n);
    const pendingThreads = this.renumber(path, pending, keep);
    const { cpuOf, irqThread, atomic, at, withGlobal, lastKey, lastUpd, lastAny, lastGlobal, thread } = this;
    const threads = cpuOf.length;
    // vector clocks: clock[j * S + v] is the last position of thread v that happens before step j or is j (-1:
    // none); happens-before is program order, dependence between steps in the order they ran, and a delivery's
    // Footprint.after (the steps that raised, queued or enabled it: its thread starts after them). A step's clock
    // depends only on the steps before it, so the kept prefix's stand.
    const S = this.stride;
    const clock = this.clock;
    /** The clock of thread t just before step j (its previous step's, or for a delivery the join of its after steps'). */
    const before = new Int32Array(S);
    const clockBefore = (t: number, j: number): void => {
      before.fill(-1);
      const prev = lastAny[t]!;
      if (prev >= 0) joinInto(before, prev);
      const after = j < n ? path[j]!.cur.fp?.after : null;
      if (prev < 0 && after) for (const a of after) if (a >= 0 && a < j) joinInto(before, a);
    };
    const joinInto = (dst: Int32Array, i: number): void => {
      const o = i * S;
      for (let v = 0; v < threads; v++) if (clock[o + v]! > dst[v]!) dst[v] = clock[o + v]!;
    };
    /** Step j's clock: the clock before it, its own position, and the clocks of the steps it depends on (joined by the caller). */
    const openClock = (t: number, j: number): void => {
      clock.set(before, j * S);
      clock[j * S + t] = j;
    };
    const joinClock = (j: number, i: number): void => {
      const o = j * S;
      const q = i * S;
      for (let v = 0; v < threads; v++) if (clock[q + v]! > clock[o + v]!) clock[o + v] = clock[q + v]!;
    };
    // the threads of each CPU, apart from atomic deliveries (footprint.ts), which depend on a step of their CPU only
    // through what both touch
    const onCpu: number[][] = [];
    for (let t = 0; t < threads; t++) {
      onCpu[cpuOf[t]!] ??= [];
      if (!atomic[t]) onCpu[cpuOf[t]!]!.push(t);
    }
    /** The first position after i with a step of thread p (n: none). */
    const nextAfter = (i: number, p: number): number => {
      const list = at[p]!;
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (list[mid]! <= i) lo = mid + 1;
        else hi = mid;
      }
      return lo < list.length ? list[lo]! : n;
    };
    // switchAt[i]: the last position <= i that was a context switch in the bound's terms, where any other choice costs
    // no more than the one taken: the CPU that stepped last could not go on, or the choice taken was a preemption (0,
    // the start of the run, counts as one). A handler's return to the task it interrupted changes the thread but is
    // not one: another CPU there would cost a preemption.
    const switchAt = new Int32Array(n);
    for (let s = 1; s < n; s++) switchAt[s] = !path[s]!.lastCanStep || path[s]!.cur.cost > 0 ? s : switchAt[s - 1]!;
    // (a race of thread p at i adds the same choices whichever of p's steps it is with: each pair once)
    const raced = new Set<number>();
    const race = (i: number, p: number, id: string | null): void => {
      if (id === null) {
        if (raced.has(i * threads + p)) return;
        raced.add(i * threads + p);
      }
      // the choice at i that starts p's way to the racing step: p's next step after i, if it is available there
      const k = nextAfter(i, p);
      // a CPU that could not step before i and could after it was let go by i (a lock released, a condition made
      // true, a grace period ended): its step cannot come before i, so the race cannot be reversed, here or at an
      // earlier switch (source-DPOR's reversible races, Abdulla et al. 2014). Any other step that could have let it
      // go touches what it waited for, so it races with i and its order is explored; not so for a timeout or a
      // condition without a key, which steps touching nothing in common can each end (Footprint.looseWake).
      if (id === null && !irqThread[p] && cpuOf[p]! < 31 && k < n && path[k]!.cur.fp?.looseWake !== true) {
        const bit = 1 << cpuOf[p]!;
        if ((path[i]!.stepping & bit) === 0 && (path[i + 1]!.stepping & bit) !== 0) return;
      }
      addChoice(path[i]!, initialAt(i, p, id ?? (k < n ? path[k]!.cur.id : null), k), false);
      if (i > 0) {
        const s = switchAt[i - 1]!;
        const ks = nextAfter(s - 1, p);
        addChoice(path[s]!, id ?? (ks < n ? path[ks]!.cur.id : null), true);
      }
    };
    /**
     * The choice at i that starts the racing step's way: `want` (p's next step) when it was enabled there; when it was
     * not, a step that must come first: the earliest step after i that happens before p's step (in `before`) and not
     * after i, which has nothing before it in that sequence, so it was enabled at i if what enables a step is a
     * dependency (source-DPOR's initials, Abdulla et al. 2014): not for a step woken loosely (Footprint.looseWake).
     * Null (every choice) when there is none.
     */
    const initialAt = (i: number, p: number, want: string | null, k: number): string | null => {
      const node = path[i]!;
      if (want === null || node.avail.some((a) => a.id === want) || node.over.includes(want)) return want;
      if (k < n && path[k]!.cur.fp?.looseWake === true) return null;
      const ti = thread[i]!;
      let first = n;
      for (let v = 0; v < threads; v++) {
        if (v === ti || v === p) continue;
        const x = nextAfter(i, v);
        if (x < first && x <= before[v]! && clock[x * S + ti]! < i) first = x;
      }
      return first < n ? path[first]!.cur.id : null;
    };
    const candidates = (m: Map<number, number[]>, key: number): void => {
      const pairs = m.get(key);
      if (pairs !== undefined) for (let x = 0; x < pairs.length; x += 2) candidate(pairs[x]!, pairs[x + 1]!);
    };
    // the last dependent step of each other thread, for one step (reset after it)
    const cand = new Int32Array(threads).fill(-1);
    const touched: number[] = [];
    const candidate = (v: number, i: number): void => {
      if (i < 0) return;
      if (cand[v] === -1) touched.push(v);
      if (i > cand[v]!) cand[v] = i;
    };
    /** The races of one step of `t`, not a delivery (fp null: unknown, dependent on everything), with the last steps of the others. */
    const racesOf = (t: number, j: number, fp: Footprint | null, id: string | null, report: boolean): void => {
      if (fp === null || fp.global) {
        for (let v = 0; v < threads; v++) candidate(v, lastAny[v]!);
      } else {
        // steps of one CPU depend on each other, except atomic deliveries, which a later step of their CPU depends on
        // only through what both touch (the keys below): one that turned interrupts off or on, and touched nothing
        // else the delivery touched, reaches with the delivery moved after it the state it reached (onlyCpuKey, the
        // mirror of deliveryRaces' case). Moving it there moves it past the steps in between too, so if one of them
        // touched what it touches, that step is the race, and adds the same choices. (Deliveries themselves are
        // raced by deliveryRaces.)
        for (const v of onCpu[cpuOf[t]!]!) candidate(v, lastAny[v]!);
        for (const v of withGlobal) candidate(v, lastGlobal[v]!);
        for (const key of fp.keys) {
          candidates(lastKey, key);
          candidates(lastUpd, key);
        }
        for (const key of fp.updates) candidates(lastKey, key);
      }
      for (const v of touched) {
        const i = cand[v]!;
        if (j < n) joinClock(j, i);
        if (report && v !== t && i > before[v]!) race(i, t, id);
        cand[v] = -1;
      }
      touched.length = 0;
    };
    /**
     * The races of an interrupt's delivery: for each other thread, its last step the delivery depends on and could have
     * come before. Not one that happens before it (the step that raised or queued it, ended its grace period, or
     * delivered the callback queued before it: Footprint.after, and what happens before those), nor a step of its CPU
     * taken while the CPU did not accept it (interrupts off, or a softirq inside a handler): whether it did is the
     * stepping thread's own doing (a handler's delivery aside, which is taken as able), so the two are never enabled
     * together; the thread's step before that, which turned interrupts off, is the race. (Flanagan and Godefroid's
     * "may be co-enabled".) Nor, for an atomic delivery, a step of its CPU that only turned interrupts off or on (or
     * gave the CPU a task) when no step since touched what the delivery touches: before it, the delivery reaches the
     * state it reached where it ran (onlyCpuKey). Each thread's last step it depends on joins its clock, race or not.
     */
    const deliveryRaces = (j: number, t: number, report: boolean): void => {
      const fj = path[j]!.cur.fp!;
      const accepted = path[j]!.cur.id.startsWith('irq:') ? ACCEPTS_HARDIRQ : ACCEPTS_SOFTIRQ;
      // per thread: 1 once its last dependent step joined the clock, 2 once its race (or that it has none) is known
      const state = new Uint8Array(threads);
      state[t] = 2;
      // threads with a step before j still to settle (numbered in order of appearance: the delivery's own is not one)
      let left = this.threadsBefore(j);
      // whether a step since i touched what an atomic delivery touches (not only its CPU's key): until one did, a step
      // of its CPU that only turned interrupts off or on is no race (onlyCpuKey: the delivery before it reaches the
      // same state as where it ran); after, it is the point before which the delivery must come to precede that step
      let conflictSince = false;
      /** The scan reaches step i, of thread v. */
      const scan = (i: number, v: number): void => {
        const fi = path[i]!.cur.fp;
        const indep = fi !== null && independent(fi, fj);
        if (!indep) {
          if (!conflictSince && fi !== null && onlyCpuKey(fi, fj)) return;
          conflictSince = true;
        }
        if (state[v] === 2 || indep) return;
        if (state[v] === 0) {
          joinClock(j, i);
          state[v] = 1;
        }
        if (!report || i <= before[v]!) {
          state[v] = 2;
          left--;
          return;
        }
        if (fi !== null && fi.cpu === fj.cpu && at[v]![0] !== i && (fi.accepts & accepted) === 0) return;
        state[v] = 2;
        left--;
        race(i, t, null);
      };
      for (let i = j - 1; i >= 0 && left > 0; i--) {
        const v = thread[i]!;
        scan(i, v);
        // (past its first step, a thread has nothing more to show: settled, so the scan stops once every thread is)
        if (at[v]![0] === i && state[v] !== 2) {
          state[v] = 2;
          left--;
        }
      }
    };
    // (the kept prefix's clocks and last steps stand, and the run that first had it added its races)
    for (let j = keep; j < n; j++) {
      const t = thread[j]!;
      const fp = path[j]!.cur.fp;
      clockBefore(t, j);
      openClock(t, j);
      if (fp !== null && fp.irq >= 0 && at[t]![0] === j) deliveryRaces(j, t, j >= from0);
      else racesOf(t, j, fp, null, j >= from0);
      this.stepped(t, j, fp);
    }
    // the steps left pending, after all that ran
    pending.forEach((e, x) => {
      clockBefore(pendingThreads[x]!, n);
      racesOf(pendingThreads[x]!, n, null, e.id, true);
    });
  }
}

/**
 * DPOR: the decision also tries this choice, unless it ran or will; when the choice was not enabled there, every
 * available choice (one of them leads to it); when it was enabled but beyond the bound, nothing (as BPOR: the
 * conservative point at the last switch before the race is where the bound lets it be reversed).
 */
function addChoice(node: Node, id: string | null, conservative: boolean): void {
  const one = id === null ? undefined : node.avail.find((a) => a.id === id);
  if (one === undefined && id !== null && node.over.includes(id)) return;
  // an interrupt's delivery: on every CPU that accepts it (dporAlternatives)
  const add = one === undefined ? node.avail : one.irq ? [one, ...dporAlternatives(node.avail, one.id)] : [one];
  for (const a of add) {
    if (node.cur.id === a.id || node.done.some((d) => d.id === a.id)) continue;
    const queued = node.todo.find((t) => t.id === a.id);
    if (queued !== undefined) {
      if (conservative) queued.conservative = true;
      continue;
    }
    // asleep: an equivalent schedule was explored, unless the bound made this choice necessary
    if (!conservative && node.sleep.some((s) => s.id === a.id)) continue;
    node.todo.push({ ...a, conservative });
  }
}
