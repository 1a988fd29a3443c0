// do_swap_page's folio-lock window: swap_read_folio unlocks the new folio once the data is in, and do_swap_page
// relocks it and re-checks it is still the swap-cache folio of the entry before mapping. In between the folio is
// in the swap cache, uptodate, unlocked and unmapped, where reclaim, another mm or swapoff can take it.
import { describe, expect, it } from 'vitest';
import { test_bit_locked } from '../../impl/sim/index.ts';
import { inspect } from '../../impl/world/inspect.ts';
import { op_exit, op_pageout, op_read, op_reclaim, op_write } from '../../impl/world/ops.ts';
import { failureText, harness } from './harness.ts';

/** CPUs alternate; the step at `at` is repeated on the same CPU to shift the phase. */
function alternating(at: number): number[] {
  const choices = new Array<number>(3000).fill(1);
  choices[at] = 0;
  return choices;
}

describe('swap-in folio lock window', () => {
  it('the new swap-cache folio is seen uptodate, unlocked and unmapped while do_swap_page runs', () => {
    const h = harness({ zswapCapacity: 4 }, { cpus: 2, choices: alternating(0) });
    const k = h.w.k;
    const p = h.w.createProcess(0);
    let reading = false;
    let firstNew = Infinity;
    let done = false;
    const windows: string[] = [];
    const res = h.run(
      ['P', 0, function* () {
        yield* op_write(h.w, p, 0, 42);
        yield* op_pageout(h.w, p, 0, 1);
        firstNew = k.nextFolioId;
        reading = true;
        expect(yield* op_read(h.w, p, 0)).toBe(42);
        reading = false;
        done = true;
        yield* op_exit(h.w, p);
      }],
      ['observer', 1, function* () {
        while (!done) {
          if (reading) {
            for (const f of k.folios) {
              if (f.id >= firstNew && !f.freed && f.swapcache && f.uptodate && f.mapcount === 0 && !test_bit_locked(h.m, f.lock)) {
                windows.push(`${f}`);
              }
            }
          }
          yield* h.m.point('observe');
        }
      }],
    );
    expect(failureText(res)).toBe('ok');
    expect(windows.length).toBeGreaterThan(0);
    expect(h.mismatches).toEqual([]);
  });

  it('reclaim running against the swap-in under many phases never loses the data or leaks', () => {
    for (let at = 0; at < 60; at += 3) {
      const h = harness({ zswapCapacity: 4 }, { cpus: 2, choices: alternating(at) });
      const p = h.w.createProcess(0);
      let got = -1;
      const res = h.run(
        ['P', 0, function* () {
          yield* op_write(h.w, p, 0, 42);
          yield* op_pageout(h.w, p, 0, 1);
          got = yield* op_read(h.w, p, 0);
          yield* op_exit(h.w, p);
        }],
        ['kswapd', 1, function* () {
          for (let i = 0; i < 6; i++) yield* op_reclaim(h.w, 4);
        }],
      );
      expect(failureText(res), `phase ${at}`).toBe('ok');
      expect(got, `phase ${at}`).toBe(42);
      expect(h.mismatches, `phase ${at}`).toEqual([]);
      const s = inspect(h.w);
      expect(s.slots.filter((d) => d.swapCount !== 0 || !d.inSwapcache), `phase ${at}`).toEqual([]);
    }
  });
});
