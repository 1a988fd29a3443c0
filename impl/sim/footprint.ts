// A step's footprint: what it touched, for explore's partial-order reduction (properties/explore.ts).
//
// The port follows the simulator's data-race-freedom convention (API.md): between two scheduling points code is
// atomic; shared data is read or written either under a simulated lock the context holds, or at a bare scheduling
// point (m.point: a racy read, an atomic op) of its own. Under that convention two steps of different CPUs that are
// both enabled commute unless they touch a common lock, atomic, refcount, object or shared key, so a step records
// only those (a change of one part of a summary that others read whole, as an update: Footprint.updates), plus
// GLOBAL for anything whose effect the keys do not capture: a bare point (unless it names what it
// reads: Machine.pointShared), wait_event (unless its condition reads only a named piece of shared
// state), schedule_timeout, raising an interrupt and spawning a task (their ids are order-dependent). Allocation
// and creating a lock hand out ids too, but only in their own order: they record the allocator's or the lock ids'
// shared key. RCU (rcu.ts): beginning or ending a reader records its CPU's readers key, which call_rcu, kfree_rcu
// and synchronize_rcu's start record for every CPU; synchronize_rcu's wait records GRACE_PERIOD, as does every end
// of a reader it waits for. An interrupt's delivery touches the interrupt (its
// irqKey, also recorded by the step that ended an RCU callback's grace period) and its CPU, and an RCU callback's
// its queue (rcuQueueKey).
//
// Steps of one CPU are dependent, with one exception: an atomic delivery, an interrupt whose handler ran to its end
// within the delivery step (it reached no scheduling point: no lock, no allocation; e.g. an RCU callback that only
// frees). It leaves its CPU as it found it, so it only reads what decides whether the CPU accepts it: its interrupt
// flag and interrupt nesting, which every step that changes them records as the CPU's key. So it commutes with a step
// of the same CPU that does not record the CPU's key and touches nothing it touched, including another atomic
// delivery. (The task it lands on is not part of its effect: the handler runs on top of whatever task is current.) A step that changes
// whether its CPU can step (it waits for a lock, puts its task to sleep, finishes it, or picks the next task) also
// records what each task there waits for. A step is recorded only while a Machine records footprints; otherwise
// every hook is one null check.

/** The shared name (Engine.sharedKey) of a synchronize_rcu's grace period: its wait and the reader ends it waits for. */
export const GRACE_PERIOD = 'rcu grace period';

/** The step depends on everything. */
export const GLOBAL = -1;
/** Nothing to record. */
export const NONE = -2;
export const lockKey = (id: number): number => id * 8;
export const atomicKey = (id: number): number => id * 8 + 1;
export const refcountKey = (id: number): number => id * 8 + 2;
export const objectKey = (id: number): number => id * 8 + 3;
/**
 * Whether this CPU accepts interrupts: its interrupt flag, interrupt nesting, and whether it has a task (it may go
 * down without one). Its preempt count, RCU read-side depth and atomic sections are recorded by no key: only its own
 * steps see them (dependent anyway), and no delivery reads them.
 */
export const cpuKey = (id: number): number => id * 8 + 4;
/** A named piece of shared state reported by the code under test (e.g. a swap slot, by the slot event oracle). */
export const sharedKey = (id: number): number => id * 8 + 5;
/** A pending interrupt (by its sequence number): delivering it on one CPU takes it from every other. */
export const irqKey = (seq: number): number => seq * 8 + 6;
/** A CPU's queue of RCU callbacks of one kind (rcu.ts): delivering its head makes the next one deliverable. */
export const rcuQueueKey = (cpu: number, kfree: boolean): number => (cpu * 2 + (kfree ? 1 : 0)) * 8 + 7;

export const ACCEPTS_HARDIRQ = 1;
export const ACCEPTS_SOFTIRQ = 2;

export class Footprint {
  global = false;
  readonly keys: number[] = [];
  /**
   * Keys the step only updated one part of, as a summary that other steps read whole (e.g. whether any folio is under
   * writeback: each writeback end clears its own folio's flag). Two updates of a key commute with each other; a step
   * that records the key in `keys` (one that reads the whole, or waits on it) depends on each. Each part is recorded
   * under its own key as well (the folio's), so updates of one part still depend on each other.
   */
  readonly updates: number[] = [];
  /** The interrupt (its sequence number) whose handler took the step; -1 for a task's step. */
  irq = -1;
  /**
   * An atomic delivery (see above): it does not record its CPU's key, it only conflicts with the steps that do
   * (independent; explore's DPOR goes further: onlyCpuKey).
   */
  atomic = false;
  /** Before the step, its CPU accepted hardirqs (bit ACCEPTS_HARDIRQ) and softirqs (ACCEPTS_SOFTIRQ). */
  accepts = 0;
  /**
   * The step woke from a wait that steps touching nothing in common can each end (a timeout, a condition with no
   * key): which step let it go is not a dependency the keys record.
   */
  looseWake = false;
  /** A delivery: the steps (by number) it can never come before (PendingIrq.after, and its RCU queue's last delivery). */
  after: readonly number[] | null = null;

  constructor(readonly cpu: number) {}

  add(key: number): void {
    if (key === NONE) return;
    if (key < 0) this.global = true;
    else if (!this.global && !this.keys.includes(key)) {
      this.keys.push(key);
      const u = this.updates.indexOf(key);
      if (u >= 0) this.updates.splice(u, 1);
    }
  }

  /** Records an update of one part of the summary `key` (see updates). */
  addUpdate(key: number): void {
    if (!this.global && !this.keys.includes(key) && !this.updates.includes(key)) this.updates.push(key);
  }
}

/**
 * Two steps commute: neither global, different CPUs (or one an atomic delivery), nothing touched in common (two
 * updates of one summary aside).
 */
export function independent(a: Footprint, b: Footprint): boolean {
  if (a.global || b.global) return false;
  if (a.cpu === b.cpu) {
    if (!a.atomic && !b.atomic) return false;
    const c = cpuKey(a.cpu);
    if ((a.atomic && b.keys.includes(c)) || (b.atomic && a.keys.includes(c))) return false;
  }
  return !touchInCommon(a, b, NONE);
}

/** A key other than `except` that both record, other than as two updates. */
function touchInCommon(a: Footprint, b: Footprint, except: number): boolean {
  for (const k of a.keys) if (k !== except && (b.keys.includes(k) || b.updates.includes(k))) return true;
  for (const k of a.updates) if (b.keys.includes(k)) return true;
  return false;
}

/**
 * An atomic delivery `d` and a step `a` of its CPU have nothing in common but the CPU's key: `a` only changed whether
 * the CPU accepts interrupts (or whether it has a task). With nothing else touching what `d` touches in between,
 * `d` before `a` reaches the state `d` after them reaches, and the other way round (explore's race analysis does not
 * race the two in either order).
 */
export function onlyCpuKey(a: Footprint, d: Footprint): boolean {
  if (a.global || d.global || !d.atomic || a.cpu !== d.cpu) return false;
  return !touchInCommon(a, d, cpuKey(a.cpu));
}
