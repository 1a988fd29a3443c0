// schedule_timeout: a retry loop that sleeps a tick lets the other CPUs make progress even under a schedule that
// never preempts; a retry loop nobody can satisfy is a livelock (step limit), never a false deadlock.
import { describe, expect, it } from 'vitest';
import { ChoicesScheduler, Machine, schedule_timeout, spin_lock, spin_trylock, spin_unlock, wait_event } from '../../impl/sim/index.ts';
import { RETRY_SCHEDULES, holderAndRetrier } from './retry.ts';

describe('schedule_timeout', () => {
  it('lets the holder run: a trylock retry loop completes although nothing preempts the retrier', () => {
    for (const choices of RETRY_SCHEDULES) {
      const r = holderAndRetrier({ scheduler: new ChoicesScheduler(choices), sleep: true });
      expect(r.kind, `choices ${choices}: ${r.message}`).toBe('ok');
      expect(r.holderDone).toBe(true);
    }
  });

  it('two retrying CPUs cannot starve the holder, even under a scheduler that never picks it while they can run', () => {
    // always run the highest runnable CPU: the holder on CPU0 has the lowest "priority", as under PCT
    const highestFirst = { name: 'highest-first', next: (r: readonly { cpu: number }[]) => r.length - 1 };
    const m = new Machine({ cpus: 3, scheduler: highestFirst, stepLimit: 2000 });
    const l = m.spinlock('L');
    let taken = false;
    m.spawn(0, 'holder', function* (m) {
      yield* spin_lock(m, l);
      taken = true;
      for (let i = 0; i < 5; i++) yield* m.point('work under L');
      yield* spin_unlock(m, l);
    });
    for (const cpu of [1, 2]) {
      m.spawn(cpu, `retrier${cpu}`, function* (m) {
        yield* wait_event(m, 'holder took L', () => taken);
        while (!(yield* spin_trylock(m, l))) yield* schedule_timeout(m, 'L busy');
        yield* spin_unlock(m, l);
      });
    }
    const r = m.run();
    expect(r.ok, r.ok ? '' : r.failure.message).toBe(true);
  });

  it('a retry loop that nobody can satisfy is reported as a livelock, not a deadlock', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]), stepLimit: 300 });
    m.spawn(0, 'waiter', function* (m) {
      for (;;) yield* schedule_timeout(m, 'never');
    });
    const r = m.run();
    expect(!r.ok && r.failure.kind).toBe('step-limit');
  });

  it('sleeping in atomic context is reported', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const l = m.spinlock('L');
    m.spawn(0, 'bad', function* (m) {
      yield* spin_lock(m, l);
      yield* schedule_timeout(m, 'under a spinlock');
      yield* spin_unlock(m, l);
    });
    const r = m.run();
    expect(!r.ok && r.failure.kind).toBe('sleep-in-atomic');
  });
});
