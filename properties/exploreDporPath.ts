// What DPOR's race analysis (exploreDpor.ts) knows of a path, kept from one run of a depth-first search to the next:
// the runs share every decision before the one the last backtrack changed, so the state after that prefix (its
// threads, vector clocks, and last steps per thread and per key) is the last path's, and an undo log takes the rest
// back instead of rebuilding the prefix.
import type { Footprint } from '../impl/sim/index.ts';
import type { Node, Pending } from './exploreTree.ts';

/** The threads, clocks and last steps of the path analysed last; DporRaces fills in the clocks. */
export abstract class DporPath {
  // threads, numbered in order of appearance along the path: a CPU's tasks (key: the CPU), or an interrupt's handler
  // (key: -1 - its sequence number; a pending delivery's: its id)
  private readonly threadIds = new Map<number | string, number>();
  private readonly keys: (number | string)[] = [];
  protected readonly cpuOf: number[] = [];
  /** Per thread: an interrupt's handler (not a CPU's tasks). */
  protected readonly irqThread: boolean[] = [];
  /** Per thread: an atomic delivery (one step, footprint.ts: so the flag needs no undo, set with the thread's first step). */
  protected readonly atomic: boolean[] = [];
  /** Per position: its step's thread; threadsAt[j]: the threads the steps before j numbered. */
  protected thread = new Int32Array(0);
  private threadsAt = new Int32Array(1);
  /** Vector clocks, `stride` entries per position (DporRaces.backtrack says what they hold). */
  protected stride = 0;
  protected clock = new Int32Array(0);
  /** The positions of the last path analysed, whose threads, clocks and last steps a path sharing them reuses. */
  protected kept = 0;
  // per thread: its positions, its last step, its last global step; the threads with a global step
  protected readonly at: number[][] = [];
  protected lastAny = new Int32Array(0);
  protected lastGlobal = new Int32Array(0);
  protected readonly withGlobal: number[] = [];
  // per key, the last step of each thread that touched it (thread, position pairs); lastUpd: that updated it, a
  // summary's part (Footprint.updates: updates depend on touches, not on each other)
  protected readonly lastKey = new Map<number, number[]>();
  protected readonly lastUpd = new Map<number, number[]>();
  /** What the steps did to lastAny, lastGlobal, lastKey and lastUpd, to undo back to a kept prefix (see rollBack). */
  private readonly undo: number[] = [];
  /** Per position: the undo log's length before its step. */
  private undoAt = new Int32Array(1);

  /**
   * Keeps the first `keep` positions of the last path (the prefix this path shares with it: its decisions and their
   * steps' footprints), numbers the threads of the rest and of the pending steps (returned, per pending step), and
   * makes room for their clocks.
   */
  protected renumber(path: readonly Node[], pending: readonly Pending[], keep: number): number[] {
    const n = path.length;
    this.rollBack(keep);
    this.reserve(n);
    for (let j = keep; j < n; j++) {
      const c = path[j]!.cur;
      const irq = c.fp?.irq ?? -1;
      const t = this.threadOf(irq >= 0 ? -1 - irq : c.cpu, c.cpu);
      this.thread[j] = t;
      this.at[t]!.push(j);
      if (c.fp?.atomic === true) this.atomic[t] = true;
      this.threadsAt[j + 1] = this.keys.length;
    }
    const pendingThreads = pending.map((e) => this.threadOf(e.id !== null && e.irq ? e.id : e.cpu, e.cpu));
    this.widen(this.keys.length, keep);
    this.kept = n;
    return pendingThreads;
  }

  /** How many threads the steps before position j numbered (those with a step before it). */
  protected threadsBefore(j: number): number {
    return this.threadsAt[j]!;
  }

  /** Step j, of thread t, is its thread's last and the last of its thread on each key it touched (undoably). */
  protected stepped(t: number, j: number, fp: Footprint | null): void {
    const { undo, lastAny, lastGlobal } = this;
    // (undoAt[j] was set by the step before, or stands from the kept prefix)
    undo.push(UNDO_ANY, t, 0, lastAny[t]!);
    lastAny[t] = j;
    if (fp === null || fp.global) {
      undo.push(UNDO_GLOBAL, t, 0, lastGlobal[t]!);
      if (lastGlobal[t] === -1) this.withGlobal.push(t);
      lastGlobal[t] = j;
    } else {
      for (const key of fp.keys) this.remember(0, key, t, j);
      for (const key of fp.updates) this.remember(1, key, t, j);
    }
    this.undoAt[j + 1] = undo.length;
  }

  /** Step j of thread t touched (updated: `upd`) the key: its pair in lastKey (lastUpd), and the undo record. */
  private remember(upd: number, key: number, t: number, j: number): void {
    const m = upd === 0 ? this.lastKey : this.lastUpd;
    const pairs = m.get(key);
    if (pairs === undefined) {
      m.set(key, [t, j]);
      this.undo.push(UNDO_PAIR + upd, key, 0, 0);
      return;
    }
    let x = 0;
    while (x < pairs.length && pairs[x] !== t) x += 2;
    if (x < pairs.length) {
      this.undo.push(UNDO_POS + upd, key, x, pairs[x + 1]!);
      pairs[x + 1] = j;
    } else {
      pairs.push(t, j);
      this.undo.push(UNDO_PAIR + upd, key, 0, 0);
    }
  }

  /** The thread of a context (numbered on first sight). */
  private threadOf(key: number | string, cpu: number): number {
    let t = this.threadIds.get(key);
    if (t === undefined) {
      t = this.keys.length;
      this.threadIds.set(key, t);
      this.keys.push(key);
      this.cpuOf.push(cpu);
      this.irqThread.push(typeof key === 'string' || key < 0);
      this.atomic.push(false);
      this.at.push([]);
    }
    return t;
  }

  /** Back to the state after the first `keep` positions of the last path: undoes what the steps after did, and forgets the threads they numbered. */
  private rollBack(keep: number): void {
    const { undo, lastAny, lastGlobal } = this;
    const to = keep < this.kept ? this.undoAt[keep]! : undo.length;
    while (undo.length > to) {
      const old = undo.pop()!;
      const x = undo.pop()!;
      const a = undo.pop()!;
      const kind = undo.pop()!;
      if (kind === UNDO_ANY) lastAny[a] = old;
      else if (kind === UNDO_GLOBAL) {
        lastGlobal[a] = old;
        if (old === -1) this.withGlobal.pop();
      } else {
        const m = (kind & 1) === 0 ? this.lastKey : this.lastUpd;
        const pairs = m.get(a)!;
        if (kind >= UNDO_POS) pairs[x + 1] = old;
        else if (pairs.length === 2) m.delete(a);
        else pairs.length -= 2;
      }
    }
    for (const list of this.at) while (list.length > 0 && list[list.length - 1]! >= keep) list.pop();
    const count = this.threadsAt[keep]!;
    for (let t = count; t < this.keys.length; t++) this.threadIds.delete(this.keys[t]!);
    for (const a of [this.keys, this.cpuOf, this.irqThread, this.atomic, this.at]) a.length = count;
  }

  /** Room for n positions (the kept ones copied). */
  private reserve(n: number): void {
    if (n <= this.thread.length) return;
    const cap = Math.max(n, 2 * this.thread.length, 64);
    const thread = new Int32Array(cap);
    thread.set(this.thread);
    this.thread = thread;
    const threadsAt = new Int32Array(cap + 1);
    threadsAt.set(this.threadsAt);
    this.threadsAt = threadsAt;
    const undoAt = new Int32Array(cap + 1);
    undoAt.set(this.undoAt);
    this.undoAt = undoAt;
    const clock = new Int32Array(cap * this.stride).fill(-1);
    clock.set(this.clock);
    this.clock = clock;
  }

  /** Room for `threads` entries in each clock (the first `keep` positions' copied). */
  private widen(threads: number, keep: number): void {
    if (threads <= this.stride) return;
    const stride = Math.max(threads, 2 * this.stride, 4);
    const clock = new Int32Array(this.thread.length * stride).fill(-1);
    for (let j = 0; j < keep; j++) clock.set(this.clock.subarray(j * this.stride, (j + 1) * this.stride), j * stride);
    this.clock = clock;
    this.stride = stride;
    for (const name of ['lastAny', 'lastGlobal'] as const) {
      const last = new Int32Array(stride).fill(-1);
      last.set(this[name]);
      this[name] = last;
    }
  }
}

// the undo log's records (kind, key or thread, pair index, old value); +1: of lastUpd instead of lastKey
const UNDO_ANY = 0;
const UNDO_GLOBAL = 1;
const UNDO_PAIR = 2;
const UNDO_POS = 4;
