// explore: iterative context bounding with each reduction (bounded DPOR, sleep sets, none), on textbook programs whose
// answers are known by hand.
import { describe, expect, it } from 'vitest';
import { Machine, atomic_add, atomic_inc, atomic_set, call_rcu, kfree, kfree_rcu, kmalloc_plain, spin_lock, spin_lock_irq, spin_unlock, spin_unlock_irq, wait_event, type Scheduler, type Task } from '../../impl/sim/index.ts';
import { explore, type Reduction, type Runner } from '../../properties/explore.ts';

const REDUCTIONS: readonly Reduction[] = ['dpor', 'sleep', 'none'];

/** A runner for a hand-written machine: `setup` spawns the tasks on a fresh machine. */
function runner(cpus: number, setup: (m: Machine) => void): Runner {
  return (scheduler: Scheduler, onMachine) => {
    const m = new Machine({ cpus, scheduler, lockdep: false, stepLimit: 1000 });
    onMachine(m);
    setup(m);
    const r = m.run();
    return { failure: r.ok ? null : { kind: r.failure.kind, message: r.failure.message, text: '' }, schedule: m.schedule, steps: r.steps };
  };
}

/** Two tasks take two spinlocks in opposite orders (lockdep off, so only the real deadlock is reported). */
const inversion = runner(2, (m) => {
  const a = m.spinlock('A');
  const b = m.spinlock('B');
  function* take(first: typeof a, second: typeof a): Task {
    yield* spin_lock(m, first);
    yield* spin_lock(m, second);
    yield* spin_unlock(m, second);
    yield* spin_unlock(m, first);
  }
  m.spawn(0, 'AB', () => take(a, b));
  m.spawn(1, 'BA', () => take(b, a));
});

/**
 * Three tasks, a bug that needs two preemptions: B arms only between A's two steps, and C fails only between B's
 * two steps (a1 < b1 < a2 and b1 < c1 < b2).
 */
const threeTasks = runner(3, (m) => {
  let flag = 0;
  let armed = 0;
  m.spawn(0, 'A', function* () {
    yield* m.point('a1');
    flag = 1;
    yield* m.point('a2');
    flag = 0;
  });
  m.spawn(1, 'B', function* () {
    yield* m.point('b1');
    if (flag === 1) armed = 1;
    yield* m.point('b2');
    armed = 0;
  });
  m.spawn(2, 'C', function* () {
    yield* m.point('c1');
    if (armed === 1) m.fail('bug', 'C saw B armed');
  });
});

/** Two CPUs each lock and unlock their own lock three times: every interleaving is equivalent. */
const independentLocks = runner(2, (m) => {
  for (const cpu of [0, 1]) {
    const l = m.spinlock(`L${cpu}`);
    m.spawn(cpu, `T${cpu}`, function* () {
      for (let i = 0; i < 3; i++) {
        yield* spin_lock(m, l);
        yield* spin_unlock(m, l);
      }
    });
  }
});

/**
 * Two tasks whose only conflict is their last step: the reader fails when its last step runs before the writer's.
 * Without preemptions that happens only when the reader starts first, so bounded DPOR must reverse the race at the
 * start of the run (the last context switch before it), where it costs nothing, not where the race is, where it
 * costs a preemption. The reader is on either CPU, so that the search meets the race whichever task it starts first.
 */
const startOrder = (readerCpu: number): Runner =>
  runner(2, (m) => {
    const shared = m.atomic('S', 0);
    const own = [m.atomic('W', 0), m.atomic('R', 0)] as const;
    m.spawn(1 - readerCpu, 'writer', function* () {
      yield* atomic_inc(m, own[0]);
      yield* atomic_set(m, shared, 1);
    });
    m.spawn(readerCpu, 'reader', function* () {
      yield* atomic_inc(m, own[1]);
      if ((yield* atomic_add(m, shared, 0)) === 0) m.fail('bug', 'the reader read S before the writer set it');
    });
  });

/**
 * A task queues an RCU callback and a kfree_rcu of X (two queues, so either may run first once the task is done);
 * the callback frees Y, or, when `touchesX`, reads X. Both handlers run to their end in their delivery step (atomic
 * deliveries): their two orders are equivalent unless the callback reads X, which the free before it makes a
 * use-after-free.
 */
const twoCallbacks = (touchesX: boolean): Runner =>
  runner(1, (m) => {
    const x = kmalloc_plain(m, 'X');
    const y = kmalloc_plain(m, 'Y');
    m.spawn(0, 'T', function* () {
      yield* call_rcu(m, 'cb', function* (m) {
        if (touchesX) m.access(x, 'cb reads X');
        else kfree(m, y);
      });
      yield* kfree_rcu(m, 'X', x);
    });
  });

/**
 * A task raises an interrupt for its own CPU, then writes W with interrupts off (the write a step after the one that
 * turned them off); the handler fails if it runs before the write. The only failing place is before the
 * interrupts-off section, one preemption: DPOR must see that the handler could not have come before any step of the
 * section, and race it with the step that turned interrupts off.
 */
const beforeIrqsOff = runner(1, (m) => {
  const l = m.spinlock('L');
  const w = kmalloc_plain(m, 'W');
  let written = false;
  m.spawn(0, 'T', function* () {
    m.raise_irq('X', function* (m) {
      m.access(w, 'X reads W');
      if (!written) m.fail('bug', 'X ran before T wrote W');
    });
    yield* m.point('raised');
    yield* spin_lock_irq(m, l);
    yield* m.point('inside');
    m.access(w, 'T writes W');
    written = true;
    yield* spin_unlock_irq(m, l);
  });
});

/**
 * The same with a handler that ends in its delivery step (an atomic delivery) and task steps that name what they
 * touch: the steps that only turn interrupts off or on are no race with it unless a step in between touched what it
 * touches (footprint.ts onlyCpuKey); here the write inside the section did, so the step that turned interrupts off
 * is still the race that puts the handler before the section.
 */
const beforeIrqsOffAtomic = runner(1, (m) => {
  const l = m.spinlock('L');
  let written = false;
  m.spawn(0, 'T', function* () {
    m.raise_irq(
      'X',
      function* (m) {
        m.touchShared('W');
        if (!written) m.fail('bug', 'X ran before T wrote W');
      },
      { cpu: 0 },
    );
    yield* m.pointShared('raised', 'R');
    yield* spin_lock_irq(m, l);
    yield* m.pointShared('inside', 'W');
    written = true;
    yield* spin_unlock_irq(m, l);
  });
});

/**
 * A task raises an interrupt for its own CPU, then runs three interrupts-off sections that touch nothing the handler
 * (an atomic delivery) touches: the handler before any of them, between them or after them reaches one state.
 */
const sectionsApart = runner(1, (m) => {
  const l = m.spinlock('L');
  m.spawn(0, 'T', function* () {
    m.raise_irq('X', function* (m) {
      m.touchShared('W');
    }, { cpu: 0 });
    yield* m.pointShared('raised', 'R');
    for (let i = 0; i < 3; i++) {
      yield* spin_lock_irq(m, l);
      yield* m.pointShared('inside', 'S');
      yield* spin_unlock_irq(m, l);
    }
  });
});

/**
 * A task waits, with a condition that names no key, until X or Y is set; two other CPUs set them, in steps that touch
 * nothing in common. It fails when woken by Y alone, which the first schedule (X set first) does not do: DPOR must
 * still reach the order where Y wakes it, though the wake-up cannot come before whichever setter let it go.
 */
const eitherWakes = runner(3, (m) => {
  const ax = m.atomic('X', 0);
  const ay = m.atomic('Y', 0);
  let x = 0;
  let y = 0;
  // (a free choice takes the highest CPU first: the first schedule is waiter, setX, waiter woken, setY)
  m.spawn(2, 'waiter', function* () {
    yield* wait_event(m, 'X or Y', () => x === 1 || y === 1);
    if (x === 0) m.fail('bug', 'woken by Y alone');
  });
  m.spawn(1, 'setX', function* () {
    yield* atomic_set(m, ax, 1);
    x = 1;
  });
  m.spawn(0, 'setY', function* () {
    yield* atomic_set(m, ay, 1);
    y = 1;
  });
});

/**
 * T1 sets G and raises X for its own CPU, then sleeps until X's handler sets D; T0 sleeps until G is set, then fails
 * if it reads S before T1, woken, writes it. Without preemptions that happens only when T0 runs while T1 sleeps. The
 * first schedule delivers X there; T1's write then races with T0's read where switching costs a preemption, and the
 * last context switch before it in the bound's terms is the delivery (T1 could not go on), not the handler's return
 * to T1, where another CPU would cost one too.
 */
const wokenByHandler = runner(2, (m) => {
  const s = m.atomic('S', 0);
  let g = 0;
  let d = 0;
  m.spawn(1, 'T1', function* () {
    yield* m.pointShared('set G', 'G');
    g = 1;
    m.raise_irq('X', function* (m) {
      m.touchShared('D');
      d = 1;
    }, { cpu: 1 });
    yield* wait_event(m, 'D', () => d === 1, 'D');
    yield* atomic_set(m, s, 1);
  });
  m.spawn(0, 'T0', function* () {
    yield* wait_event(m, 'G', () => g === 1, 'G');
    if ((yield* atomic_add(m, s, 0)) === 0) m.fail('bug', 'T0 read S before T1 wrote it');
  });
});

/**
 * T raises an interrupt aimed at no CPU and finishes; U, on the other CPU, takes one step. The handler touches
 * nothing, so no run shows a race, yet which CPU it lands on is an outcome: it fails on CPU `failOn`.
 */
const landsOn = (failOn: number): Runner =>
  runner(2, (m) => {
    m.spawn(0, 'T', function* () {
      m.raise_irq('X', function* (m) {
        if (m.cpu() === failOn) m.fail('bug', `X ran on CPU${failOn}`);
      });
      yield* m.point('raised');
    });
    m.spawn(1, 'U', function* () {
      yield* m.point('u');
    });
  });

/**
 * Two tasks each set their own part of a summary S (as writeback ends clear their own folio's flag, behind "any folio
 * under writeback"): recorded as updates of S (Machine.touchShared's 'update') they commute with each other; recorded as plain
 * touches they do not. A reader of the whole of S, when there is one, fails on seeing U0's part without U1's.
 */
const summary = (record: 'update' | 'touch', reader: boolean): Runner =>
  runner(3, (m) => {
    const parts = [false, false];
    for (const cpu of [0, 1]) {
      m.spawn(cpu, `U${cpu}`, function* () {
        yield* m.pointShared(`set part ${cpu}`, `part ${cpu}`);
        parts[cpu] = true;
        if (record === 'update') m.touchShared('S', 'update');
        else m.touchShared('S');
      });
    }
    if (reader) {
      m.spawn(2, 'R', function* () {
        yield* m.pointShared('read S', 'S');
        if (parts[0] && !parts[1]) m.fail('bug', "R saw U0's part without U1's");
      });
    }
  });

describe('explore', () => {
  it.each(REDUCTIONS)('a two-task lock-order inversion needs exactly one preemption (%s)', (reduction) => {
    const k0 = explore(inversion, { preemptions: 0, reduction });
    expect(k0.status).toBe('complete');
    expect(k0.first).toBeNull();
    const k1 = explore(inversion, { preemptions: 1, reduction });
    expect(k1.status).toBe('failure');
    expect(k1.first!.failure.kind).toBe('deadlock');
    expect(k1.first!.preemptions).toBe(1);
    expect(k1.first!.bound).toBe(1);
  });

  it.each(REDUCTIONS)('an interrupt aimed at no CPU is delivered on each CPU that accepts it (%s)', (reduction) => {
    for (const cpu of [0, 1]) {
      const r = explore(landsOn(cpu), { preemptions: 0, reduction });
      expect(r.status).toBe('failure');
      expect(r.first!.failure.message).toBe(`X ran on CPU${cpu}`);
    }
  });

  it.each(REDUCTIONS)('a race is reversed at the last switch that costs nothing, not where a handler returned (%s)', (reduction) => {
    const r = explore(wokenByHandler, { preemptions: 0, reduction });
    expect(r.status).toBe('failure');
    expect(r.first!.preemptions).toBe(0);
    expect(r.first!.failure.message).toBe('T0 read S before T1 wrote it');
  });

  it.each(REDUCTIONS)('a race reversed at no cost where the schedule switches anyway is found without preemptions (%s)', (reduction) => {
    for (const readerCpu of [0, 1]) {
      const r = explore(startOrder(readerCpu), { preemptions: 0, reduction });
      expect(r.status).toBe('failure');
      expect(r.first!.preemptions).toBe(0);
      expect(r.first!.failure.message).toBe('the reader read S before the writer set it');
    }
  });

  it('a three-task bug needing two preemptions is not found at K = 1 and is found at K = 2', () => {
    for (const reduction of REDUCTIONS) {
      const k1 = explore(threeTasks, { preemptions: 1, reduction });
      expect(k1.status).toBe('complete');
      expect(k1.completedBound).toBe(1);
      const k2 = explore(threeTasks, { preemptions: 2, reduction });
      expect(k2.status).toBe('failure');
      expect(k2.first!.preemptions).toBe(2);
      expect(k2.first!.failure.message).toBe('C saw B armed');
    }
  });

  it('a budget cuts the search short and never claims the bound', () => {
    const r = explore(threeTasks, { preemptions: 1, maxSchedules: 3 });
    expect(r.status).toBe('cut');
    expect(r.runs).toBe(3);
    expect(r.completedBound).toBeLessThan(1);
    let asked = 0;
    const s = explore(threeTasks, { preemptions: 1, stop: () => ++asked > 2 });
    expect(s.status).toBe('cut');
  });

  it('the reductions prune equivalent interleavings of independent steps, and the counts are deterministic', () => {
    const full = explore(independentLocks, { preemptions: 2, reduction: 'none' });
    const sleep = explore(independentLocks, { preemptions: 2, reduction: 'sleep' });
    const dpor = explore(independentLocks, { preemptions: 2 });
    for (const r of [full, sleep, dpor]) expect(r.status).toBe('complete');
    expect(sleep.bounds[2]!.schedules).toBeLessThan(full.bounds[2]!.schedules);
    // no two steps of different CPUs conflict: one schedule stands for all of them
    expect(dpor.bounds.map((b) => b.schedules)).toEqual([1, 1, 1]);
    expect(explore(independentLocks, { preemptions: 2 })).toEqual(dpor);
    expect(explore(independentLocks, { preemptions: 2, reduction: 'sleep' })).toEqual(sleep);
  });

  it('orders atomic deliveries on one CPU only where they conflict', () => {
    const counts = (prog: Runner, reduction: Reduction) => {
      const r = explore(prog, { preemptions: 0, iterate: false, stopAtFailure: false, reduction });
      expect(r.status).not.toBe('cut');
      return [r.bounds[0]!.schedules, r.bounds[0]!.failing];
    };
    // every reduction runs the order that fails
    for (const reduction of REDUCTIONS) expect(counts(twoCallbacks(true), reduction)).toEqual([2, 1]);
    // and DPOR and sleep sets take the two orders of the independent ones as one
    expect(counts(twoCallbacks(false), 'none')).toEqual([2, 0]);
    expect(counts(twoCallbacks(false), 'sleep')).toEqual([1, 0]);
    expect(counts(twoCallbacks(false), 'dpor')).toEqual([1, 0]);
  });

  it('takes updates of one summary in either order as one, and orders each with a reader of the whole', () => {
    const schedules = (prog: Runner, reduction: Reduction): number => {
      const r = explore(prog, { preemptions: 0, reduction });
      expect(r.status).toBe('complete');
      return r.bounds[0]!.schedules;
    };
    // the two tasks start in either order: DPOR runs one schedule when their updates commute, both when S is touched
    // (sleep sets keep both either way: neither start leaves its CPU unable to step, see explore.ts)
    expect(schedules(summary('update', false), 'none')).toBe(2);
    expect(schedules(summary('touch', false), 'dpor')).toBe(2);
    expect(schedules(summary('update', false), 'dpor')).toBe(1);
    for (const reduction of REDUCTIONS) {
      const r = explore(summary('update', true), { preemptions: 0, reduction });
      expect(r.status).toBe('failure');
      expect(r.first!.failure.message).toBe("R saw U0's part without U1's");
    }
  });

  it.each(REDUCTIONS)('an interrupt is raced with the step that turned interrupts off, not with the steps it cannot precede (%s)', (reduction) => {
    const r = explore(beforeIrqsOff, { preemptions: 1, reduction });
    expect(r.status).toBe('failure');
    expect(r.first!.failure.message).toBe('X ran before T wrote W');
    expect(r.first!.preemptions).toBe(1);
  });

  it.each(REDUCTIONS)('an atomic delivery is raced with the step that turned interrupts off when the section touched what it touches (%s)', (reduction) => {
    const r = explore(beforeIrqsOffAtomic, { preemptions: 1, reduction });
    expect(r.status).toBe('failure');
    expect(r.first!.failure.message).toBe('X ran before T wrote W');
    expect(r.first!.preemptions).toBe(1);
  });

  it('does not race an atomic delivery with steps of its CPU that only turn interrupts off or on', () => {
    const schedules = (reduction: Reduction) => explore(sectionsApart, { preemptions: 1, iterate: false, reduction }).bounds[0]!.schedules;
    expect(schedules('dpor')).toBe(1);
    expect(schedules('none')).toBeGreaterThan(3);
  });

  it.each(REDUCTIONS)('a wake-up any of several independent steps can cause is found caused by each (%s)', (reduction) => {
    const r = explore(eitherWakes, { preemptions: 2, reduction });
    expect(r.status).toBe('failure');
    expect(r.first!.failure.message).toBe('woken by Y alone');
  });

  it('counts the failing schedules within a bound', () => {
    const r = explore(inversion, { preemptions: 1, iterate: false, stopAtFailure: false });
    expect(r.status).toBe('failure');
    expect(r.bounds).toHaveLength(1);
    expect(r.bounds[0]!.failing).toBeGreaterThan(0);
    expect(r.failingKinds.deadlock).toBe(r.bounds[0]!.failing);
    expect(() => explore(inversion, { preemptions: -1 })).toThrow(/whole number/);
  });

  it('slices of a sharded search together run every schedule of the whole search, each exactly once', () => {
    for (const prog of [threeTasks, independentLocks, inversion]) {
      // (slices use sleep sets: DPOR's backtracking points come from runs a slice may not own)
      const whole = explore(prog, { preemptions: 2, iterate: false, stopAtFailure: false, reduction: 'sleep' });
      for (const count of [2, 3]) {
        const slices = Array.from({ length: count }, (_, index) => explore(prog, { preemptions: 2, iterate: false, stopAtFailure: false, shard: { index, count } }));
        const sum = (f: (r: (typeof slices)[number]) => number): number => slices.reduce((n, r) => n + f(r), 0);
        expect(sum((r) => r.bounds[0]!.schedules)).toBe(whole.bounds[0]!.schedules);
        expect(sum((r) => r.bounds[0]!.failing)).toBe(whole.bounds[0]!.failing);
      }
    }
  });
});
