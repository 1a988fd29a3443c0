// atomic_t: each read-modify-write is one scheduling point, atomic with respect to every other CPU.
import type { Machine } from './machine.ts';
import type { Task } from './types.ts';
import type { AtomicHandle } from './handles.ts';
import { atomicKey } from './footprint.ts';

function* rmw(m: Machine, a: AtomicHandle, op: string, f: (old: number) => number): Task<number> {
  yield m.engine.point(`${op}(${a.name})`, null, atomicKey(a.id));
  const cell = m.engine.atomics[a.id]!;
  const old = cell.value;
  cell.value = f(old);
  return old;
}

/** atomic_read; plain (put a m.point before it where the kernel's read races). */
export function atomic_read(m: Machine, a: AtomicHandle): number {
  return m.engine.atomics[a.id]!.value;
}
// atomic_set
export function* atomic_set(m: Machine, a: AtomicHandle, v: number): Task {
  yield* rmw(m, a, 'atomic_set', () => v);
}
// atomic_add (returns the new value, like atomic_add_return)
export function* atomic_add(m: Machine, a: AtomicHandle, n: number): Task<number> {
  return (yield* rmw(m, a, 'atomic_add', (o) => o + n)) + n;
}
// atomic_sub (returns the new value, like atomic_sub_return)
export function* atomic_sub(m: Machine, a: AtomicHandle, n: number): Task<number> {
  return (yield* rmw(m, a, 'atomic_sub', (o) => o - n)) - n;
}
// atomic_inc_return
export function* atomic_inc(m: Machine, a: AtomicHandle): Task<number> {
  return (yield* rmw(m, a, 'atomic_inc', (o) => o + 1)) + 1;
}
// atomic_dec_return
export function* atomic_dec(m: Machine, a: AtomicHandle): Task<number> {
  return (yield* rmw(m, a, 'atomic_dec', (o) => o - 1)) - 1;
}
// atomic_dec_and_test
export function* atomic_dec_and_test(m: Machine, a: AtomicHandle): Task<boolean> {
  return (yield* atomic_dec(m, a)) === 0;
}
// atomic_cmpxchg: returns the old value
export function* atomic_cmpxchg(m: Machine, a: AtomicHandle, expected: number, v: number): Task<number> {
  return yield* rmw(m, a, 'atomic_cmpxchg', (o) => (o === expected ? v : o));
}
// atomic_xchg: returns the old value
export function* atomic_xchg(m: Machine, a: AtomicHandle, v: number): Task<number> {
  return yield* rmw(m, a, 'atomic_xchg', () => v);
}
