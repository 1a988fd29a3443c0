// refcount_t: the lib/refcount.c warnings (underflow, addition on 0, decrement to 0) end the run.
import { describe, expect, it } from 'vitest';
import {
  ChoicesScheduler,
  Machine,
  refcount_dec,
  refcount_dec_and_test,
  refcount_inc,
  refcount_inc_not_zero,
  refcount_read,
  type RefcountHandle,
  type Task,
} from '../../impl/sim/index.ts';

function run(initial: number, body: (m: Machine, r: RefcountHandle) => Task) {
  const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
  const r = m.refcount('cluster->refcnt', initial);
  m.spawn(0, 't', (m) => body(m, r));
  return { m, r, result: m.run() };
}

describe('refcount', () => {
  it('reports underflow', () => {
    const { result } = run(1, function* (m, r) {
      yield* refcount_dec_and_test(m, r);
      yield* refcount_dec_and_test(m, r);
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failure.kind).toBe('refcount');
      expect(result.failure.message).toContain('underflow; use-after-free.');
    }
  });

  it('reports an increment from zero', () => {
    const { result } = run(0, function* (m, r) {
      yield* refcount_inc(m, r);
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure.message).toContain('addition on 0; use-after-free.');
  });

  it('refcount_dec must not drop the last reference', () => {
    const { result } = run(1, function* (m, r) {
      yield* refcount_dec(m, r);
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.failure.message).toContain('decrement hit 0; leaking memory.');
  });

  it('inc_not_zero refuses a dead object and counts correctly otherwise', () => {
    const seen: boolean[] = [];
    const { m, r, result } = run(1, function* (m, r) {
      seen.push(yield* refcount_inc_not_zero(m, r));
      seen.push(yield* refcount_dec_and_test(m, r));
      seen.push(yield* refcount_dec_and_test(m, r));
      seen.push(yield* refcount_inc_not_zero(m, r));
    });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([true, false, true, false]);
    expect(refcount_read(m, r)).toBe(0);
  });
});
