// refcount_t with lib/refcount.c's checks: addition on 0, underflow and saturation are reported.
import type { Machine } from './machine.ts';
import type { Task } from './types.ts';
import type { RefcountHandle } from './handles.ts';
import { refcountKey } from './footprint.ts';

/** INT_MAX: lib/refcount.c saturates there; we report instead. */
const REFCOUNT_MAX = 0x7fffffff;

function cell(m: Machine, r: RefcountHandle): { readonly name: string; value: number } {
  return m.engine.refcounts[r.id]!;
}

function warn(m: Machine, r: RefcountHandle, op: string, what: string, old: number): never {
  return m.engine.fail('refcount', `refcount_t: ${what} ('${r.name}', ${op} on ${old})`, {
    lines: [`refcount '${r.name}' was ${old} before ${op}`],
  });
}

// refcount_add: __refcount_add
export function* refcount_add(m: Machine, r: RefcountHandle, n: number): Task {
  yield m.engine.point(`refcount_add(${r.name})`, null, refcountKey(r.id));
  const c = cell(m, r);
  if (c.value === 0) warn(m, r, 'refcount_add', 'addition on 0; use-after-free.', 0);
  if (c.value + n > REFCOUNT_MAX || c.value < 0) warn(m, r, 'refcount_add', 'saturated; leaking memory.', c.value);
  c.value += n;
}
// refcount_inc: __refcount_inc
export function* refcount_inc(m: Machine, r: RefcountHandle): Task {
  yield* refcount_add(m, r, 1);
}
// refcount_inc_not_zero: fails (false) instead of warning when the count is 0
export function* refcount_inc_not_zero(m: Machine, r: RefcountHandle): Task<boolean> {
  yield m.engine.point(`refcount_inc_not_zero(${r.name})`, null, refcountKey(r.id));
  const c = cell(m, r);
  if (c.value === 0) return false;
  if (c.value + 1 > REFCOUNT_MAX) warn(m, r, 'refcount_inc_not_zero', 'saturated; leaking memory.', c.value);
  c.value += 1;
  return true;
}
// refcount_sub_and_test: true when the count reached 0
export function* refcount_sub_and_test(m: Machine, r: RefcountHandle, n: number): Task<boolean> {
  yield m.engine.point(`refcount_sub_and_test(${r.name})`, null, refcountKey(r.id));
  const c = cell(m, r);
  if (c.value - n < 0) warn(m, r, 'refcount_sub_and_test', 'underflow; use-after-free.', c.value);
  c.value -= n;
  return c.value === 0;
}
// refcount_dec_and_test
export function* refcount_dec_and_test(m: Machine, r: RefcountHandle): Task<boolean> {
  return yield* refcount_sub_and_test(m, r, 1);
}
// refcount_dec: must not reach 0 (the last reference goes through refcount_dec_and_test)
export function* refcount_dec(m: Machine, r: RefcountHandle): Task {
  yield m.engine.point(`refcount_dec(${r.name})`, null, refcountKey(r.id));
  const c = cell(m, r);
  if (c.value <= 0) warn(m, r, 'refcount_dec', 'underflow; use-after-free.', c.value);
  if (c.value === 1) warn(m, r, 'refcount_dec', 'decrement hit 0; leaking memory.', c.value);
  c.value -= 1;
}
/** refcount_read; plain. */
export function refcount_read(m: Machine, r: RefcountHandle): number {
  return cell(m, r).value;
}
// refcount_set
export function* refcount_set(m: Machine, r: RefcountHandle, v: number): Task {
  yield m.engine.point(`refcount_set(${r.name})`, null, refcountKey(r.id));
  cell(m, r).value = v;
}
