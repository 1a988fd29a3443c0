// Bounded DPOR's race analysis for explore (properties/explore.ts, which states the reduction and its assumptions):
// after each run, the choices the races it shows add to the decisions of the search tree.
import { ACCEPTS_HARDIRQ, ACCEPTS_SOFTIRQ, cpuKey, independent, type Footprint } from '../impl/sim/index.ts';
import type { Node, Pending } from './explore.ts';

/**
 * DPOR (Flanagan and Godefroid, POPL 2005) bounded as BPOR (Coons et al., OOPSLA 2013), after a run of the path.
 * The threads DPOR reorders are the contexts that step: each CPU's tasks (one thread per CPU: its tasks take turns
 * only when one sleeps, which the simulator decides, not the scheduler) and each interrupt's handler, from its
 * delivery on. For each step j and each other thread v, the last step i of v that j depends on is a race (steps of
 * one CPU depend on each other, delivering an interrupt before or after a task's step being a choice of its own,
 * except an atomic delivery, footprint.ts),
 * so the decision before i also tries the next step of j's thread there (every choice, if that one is not available
 * within the bound), and the decision at the last context switch before i tries it too, conservatively: reversing
 * the race at i may cost a preemption the bound forbids, where switching at a switch the schedule makes anyway does
 * not. No happens-before filter: a race through a chain of dependent steps only adds choices (more runs, never
 * fewer). Steps that did not run within the path (left out by the bound where the run was pruned; after a failure
 * or past the step limit, one for every CPU) are pending steps dependent on everything: their footprints are unknown.
 * Races of steps before `from0` (a prefix an earlier run shared, and whose races it added) are not looked at again.
 * Only races that can be reversed count: an interrupt's delivery is raced only with steps it could have come before
 * (deliveryRaces), and a CPU's step is not raced with the step that let the CPU go (race).
 */
export function dporBacktrack(path: Node[], pending: readonly Pending[], from0: number): void {
  const n = path.length;
  // threads, numbered in order of appearance: a CPU's tasks (key: the CPU), or an interrupt's handler (key: -1 - its
  // sequence number; a pending delivery's: its id)
  const threadIds = new Map<number | string, number>();
  const cpuOf: number[] = [];
  /** Per thread: an interrupt's handler (not a CPU's tasks). */
  const irqThread: boolean[] = [];
  const threadOf = (key: number | string, cpu: number): number => {
    let t = threadIds.get(key);
    if (t === undefined) {
      t = cpuOf.length;
      threadIds.set(key, t);
      cpuOf.push(cpu);
      irqThread.push(typeof key === 'string' || key < 0);
    }
    return t;
  };
  const thread = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const c = path[j]!.cur;
    const irq = c.fp?.irq ?? -1;
    thread[j] = threadOf(irq >= 0 ? -1 - irq : c.cpu, c.cpu);
  }
  const pendingThreads = pending.map((e) => threadOf(e.id !== null && e.irq ? e.id : e.cpu, e.cpu));
  const threads = cpuOf.length;
  // each thread's positions, in order; the threads of each CPU, apart from atomic deliveries (footprint.ts), which
  // depend on a step of their CPU only through its key
  const at: number[][] = Array.from({ length: threads }, () => []);
  const atomic = new Uint8Array(threads);
  for (let j = 0; j < n; j++) {
    at[thread[j]!]!.push(j);
    if (path[j]!.cur.fp?.atomic === true) atomic[thread[j]!] = 1;
  }
  const onCpu: number[][] = [];
  const atomicOnCpu: number[][] = [];
  for (let t = 0; t < threads; t++) {
    onCpu[cpuOf[t]!] ??= [];
    atomicOnCpu[cpuOf[t]!] ??= [];
    (atomic[t] === 1 ? atomicOnCpu : onCpu)[cpuOf[t]!]!.push(t);
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
  // switchAt[i]: the last position <= i where another thread took over (0, the start of the run, counts as one)
  const switchAt = new Int32Array(n);
  for (let s = 1; s < n; s++) switchAt[s] = thread[s] !== thread[s - 1] ? s : switchAt[s - 1]!;
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
    addChoice(path[i]!, id ?? (k < n ? path[k]!.cur.id : null), false);
    if (i > 0) {
      const s = switchAt[i - 1]!;
      const ks = nextAfter(s - 1, p);
      addChoice(path[s]!, id ?? (ks < n ? path[ks]!.cur.id : null), true);
    }
  };
  // per thread: its last step, its last global step; per key: the threads that touched it and their last positions
  const lastAny = new Int32Array(threads).fill(-1);
  const lastGlobal = new Int32Array(threads).fill(-1);
  const withGlobal: number[] = [];
  const lastKey = new Map<number, number[]>();
  // the last dependent step of each other thread, for one step (reset after it)
  const cand = new Int32Array(threads).fill(-1);
  const touched: number[] = [];
  const candidate = (v: number, i: number): void => {
    if (i < 0) return;
    if (cand[v] === -1) touched.push(v);
    if (i > cand[v]!) cand[v] = i;
  };
  /** The races of one step of `t`, not a delivery (fp null: unknown, dependent on everything), with the last steps of the others. */
  const racesOf = (t: number, fp: Footprint | null, id: string | null): void => {
    if (fp === null || fp.global) {
      for (let v = 0; v < threads; v++) candidate(v, lastAny[v]!);
    } else {
      // steps of one CPU depend on each other, except atomic deliveries: on a step that records the CPU's key
      // (deliveries themselves are raced by deliveryRaces)
      const c = cpuOf[t]!;
      for (const v of onCpu[c]!) candidate(v, lastAny[v]!);
      if (fp.keys.includes(cpuKey(c))) for (const v of atomicOnCpu[c]!) candidate(v, lastAny[v]!);
      for (const v of withGlobal) candidate(v, lastGlobal[v]!);
      for (const key of fp.keys) {
        const pairs = lastKey.get(key);
        if (pairs !== undefined) for (let x = 0; x < pairs.length; x += 2) candidate(pairs[x]!, pairs[x + 1]!);
      }
    }
    for (const v of touched) {
      if (v !== t) race(cand[v]!, t, id);
      cand[v] = -1;
    }
    touched.length = 0;
  };
  /**
   * The races of an interrupt's delivery: for each other thread, its last step the delivery depends on and could have
   * come before. Not one it can never precede (the step that raised or queued it, ended its grace period, or
   * delivered the callback queued before it: Footprint.after), nor a step of its CPU taken while the CPU did not
   * accept it (interrupts off, or a softirq inside a handler): whether it did is the stepping thread's own doing
   * (a handler's delivery aside, which is taken as able), so the two are never enabled together; the thread's step
   * before that, which turned interrupts off, is the race. (Flanagan and Godefroid's "may be co-enabled".)
   */
  const deliveryRaces = (j: number, t: number): void => {
    const fj = path[j]!.cur.fp!;
    const accepted = path[j]!.cur.id.startsWith('irq:') ? ACCEPTS_HARDIRQ : ACCEPTS_SOFTIRQ;
    const resolved = new Uint8Array(threads);
    resolved[t] = 1;
    let left = threads - 1;
    for (let i = j - 1; i >= 0 && left > 0; i--) {
      const v = thread[i]!;
      if (resolved[v] === 1) continue;
      const fi = path[i]!.cur.fp;
      if (fi !== null && independent(fi, fj)) continue;
      if (fj.after !== null && fj.after.includes(i)) continue;
      if (fi !== null && fi.cpu === fj.cpu && at[v]![0] !== i && (fi.accepts & accepted) === 0) continue;
      resolved[v] = 1;
      left--;
      race(i, t, null);
    }
  };
  for (let j = 0; j < n; j++) {
    if (j >= from0) {
      const fp = path[j]!.cur.fp;
      if (fp !== null && fp.irq >= 0 && at[thread[j]!]![0] === j) deliveryRaces(j, thread[j]!);
      else racesOf(thread[j]!, fp, null);
    }
    const t = thread[j]!;
    const fp = path[j]!.cur.fp;
    lastAny[t] = j;
    if (fp === null || fp.global) {
      if (lastGlobal[t] === -1) withGlobal.push(t);
      lastGlobal[t] = j;
    } else {
      for (const key of fp.keys) {
        const pairs = lastKey.get(key);
        if (pairs === undefined) lastKey.set(key, [t, j]);
        else {
          let x = 0;
          while (x < pairs.length && pairs[x] !== t) x += 2;
          if (x < pairs.length) pairs[x + 1] = j;
          else pairs.push(t, j);
        }
      }
    }
  }
  // the steps left pending, after all that ran
  pending.forEach((e, x) => racesOf(pendingThreads[x]!, null, e.id));
}

/** DPOR: the decision also tries this choice (every available choice when it is not available), unless it ran or will. */
function addChoice(node: Node, id: string | null, conservative: boolean): void {
  const one = id === null ? undefined : node.avail.find((a) => a.id === id);
  for (const a of one !== undefined ? [one] : node.avail) {
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
