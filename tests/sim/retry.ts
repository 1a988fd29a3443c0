// The scenario the schedule tests share: CPU0 holds lock L for a step while CPU1 retries a trylock of it, either
// sleeping a tick between tries (schedule_timeout) or retrying at once.
import { Machine, schedule_timeout, spin_lock, spin_trylock, spin_unlock, type Scheduler } from '../../impl/sim/index.ts';

/** Switch to the retrier after 0..3 steps of the holder, then never preempt again (as choices). */
export const RETRY_SCHEDULES = [0, 1, 2, 3].map((n) => [...Array<number>(n).fill(0), 1]);

export function holderAndRetrier(opts: { scheduler: Scheduler; sleep: boolean; fairSteps?: number }) {
  const m = new Machine({ cpus: 2, scheduler: opts.scheduler, stepLimit: 500, fairSteps: opts.fairSteps ?? 0 });
  const l = m.spinlock('L');
  let holderDone = false;
  m.spawn(0, 'holder', function* (m) {
    yield* spin_lock(m, l);
    yield* m.point('work under L');
    yield* spin_unlock(m, l);
    holderDone = true;
  });
  m.spawn(1, 'retrier', function* (m) {
    while (!(yield* spin_trylock(m, l))) {
      if (opts.sleep) yield* schedule_timeout(m, 'L busy');
      else yield* m.point('L busy, retry at once');
    }
    yield* spin_unlock(m, l);
  });
  const r = m.run();
  return { kind: r.ok ? 'ok' : r.failure.kind, message: r.ok ? '' : r.failure.message, holderDone, fairFrom: m.fairFrom };
}
