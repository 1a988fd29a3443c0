// folio_alloc_swap publishes a new cluster before initialising it (xa_alloc, then spin_lock_init, refcount_set,
// descriptors, bitmap): a stale tryget_swap_entry in that window must fail, and a lookup that takes the cluster
// lock without pinning first must be reported.
import { describe, expect, it } from 'vitest';
import { asV6 } from '../../../impl/kernel/v6/design.ts';
import { folio_alloc } from '../../../impl/kernel/mm/folio.ts';
import { folio_alloc_swap } from '../../../impl/kernel/v6/vswap_alloc.ts';
import { put_swap_entry, tryget_swap_entry } from '../../../impl/kernel/v6/vswap_cache.ts';
import { noCluster, vswap_iter, vswap_iter_done } from '../../../impl/kernel/v6/vswap_iter.ts';
import { rcu_read_lock, rcu_read_unlock, refcount_read } from '../../../impl/sim/index.ts';
import type { Task } from '../../../impl/sim/index.ts';
import { failureText, harness } from '../../world/harness.ts';
import type { Harness } from '../../world/harness.ts';

/** CPU 0 allocates slot 1 in a new cluster 0; CPU 1 waits until cluster 0 is in the map, then runs `probe`. */
function race(probe: (h: Harness) => Task, choices: number[]): { h: Harness; text: string } {
  const h = harness({ clusterSize: 4 }, { cpus: 2, choices });
  const k = asV6(h.w.k);
  const res = h.run(
    ['alloc', 0, function* () {
      const folio = folio_alloc(k, 0, 1);
      folio.uptodate = true;
      expect(yield* folio_alloc_swap(k, folio)).toBe(true);
    }],
    ['stale', 1, function* () {
      while (!k.clusterMap.has(0)) yield* h.m.point('poll vswap_cluster_map');
      yield* probe(h);
    }],
  );
  return { h, text: failureText(res) };
}

/** The two CPUs alternate, except that the one running at step `at` also runs the next step (shifts the phase). */
function alternating(at: number): number[] {
  const choices = new Array<number>(400).fill(1);
  choices[at] = 0;
  return choices;
}

describe('publication of a new vswap cluster', () => {
  it('a tryget_swap_entry between xa_alloc and refcount_set fails; after refcount_set it pins the cluster', () => {
    const seen: { ok: boolean; refcntBefore: number }[] = [];
    for (let at = 0; at < 40; at++) {
      const choices = alternating(at);
      const { text } = race(function* (h) {
        const c = asV6(h.w.k).clusterMap.get(0)!;
        const refcntBefore = refcount_read(h.m, c.refcnt);
        const ref = yield* tryget_swap_entry(asV6(h.w.k), 1);
        seen.push({ ok: ref !== null, refcntBefore });
        if (ref) yield* put_swap_entry(asV6(h.w.k), 1, ref);
      }, choices);
      expect(text).toBe('ok');
    }
    expect(seen.some((s) => !s.ok)).toBe(true);
    expect(seen.some((s) => s.ok)).toBe(true);
    // a failure is only possible while the cluster is published with its count still 0
    for (const s of seen.filter((x) => !x.ok)) expect(s.refcntBefore).toBe(0);
  });

  it('a lookup that takes the cluster lock without pinning, before spin_lock_init, is reported', () => {
    const texts: string[] = [];
    for (let at = 0; at < 40; at++) {
      const choices = alternating(at);
      const { text } = race(function* (h) {
        const ref = noCluster();
        yield* rcu_read_lock(h.m);
        yield* vswap_iter(asV6(h.w.k), ref, 1);
        yield* vswap_iter_done(asV6(h.w.k), ref);
        yield* rcu_read_unlock(h.m);
      }, choices);
      texts.push(text);
    }
    expect(texts.some((t) => t.includes('before spin_lock_init'))).toBe(true);
  });
});
