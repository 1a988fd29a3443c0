// Two processes and a reclaim/writeback/swapoff kernel thread interleaved on two CPUs under many schedules: every
// run must end without a kernel bug or lock problem, with each process reading back what it wrote, records that
// match the descriptors, and nothing left behind once everyone exited.
import { describe, expect, it } from 'vitest';
import { Prng } from '../../impl/sim/index.ts';
import type { Task } from '../../impl/sim/index.ts';
import { inspect } from '../../impl/world/inspect.ts';
import {
  op_exit,
  op_fork,
  op_map_large,
  op_pageout,
  op_read,
  op_reclaim,
  op_swapoff,
  op_swapon,
  op_write,
  op_zswap_writeback,
} from '../../impl/world/ops.ts';
import type { Process } from '../../impl/world/world.ts';
import { failureText, harness } from './harness.ts';

function runOnce(seed: number, memcgMode: 'v1-memsw' | 'v2'): string[] {
  const prng = new Prng(seed);
  const choices = Array.from({ length: 3000 }, () => (prng.below(4) === 0 ? 1 : 0));
  const h = harness(
    { clusterSize: 4, zswapCapacity: 2, memcgMode, devices: [{ slots: 8, clusterSize: 4, bad: [3] }] },
    { cpus: 2, choices },
  );
  const wrong: string[] = [];
  const a = h.w.createProcess(0);
  const b = h.w.createProcess(1);
  function* proc(p: Process, base: number): Task {
    yield* op_map_large(h.w, p, 4, 1);
    for (let i = 0; i < 6; i++) yield* op_write(h.w, p, i, base + i);
    yield* op_pageout(h.w, p, 0, 6);
    const child = (yield* op_fork(h.w, p))!;
    yield* op_write(h.w, child, 1, base + 100);
    for (let i = 0; i < 6; i++) {
      const want = i === 1 ? base + 100 : base + i;
      const got = yield* op_read(h.w, child, i);
      if (got !== want) wrong.push(`child of P${p.pid} page ${i}: ${got} != ${want}`);
    }
    yield* op_exit(h.w, child);
    yield* op_pageout(h.w, p, 0, 6);
    for (let i = 0; i < 6; i++) {
      const got = yield* op_read(h.w, p, i);
      if (got !== base + i) wrong.push(`P${p.pid} page ${i}: ${got} != ${base + i}`);
    }
    yield* op_exit(h.w, p);
  }
  const res = h.run(
    ['A', 0, () => proc(a, 10)],
    ['B', 1, () => proc(b, 50)],
    ['kswapd', 1, function* () {
      yield* op_reclaim(h.w, 4);
      yield* op_zswap_writeback(h.w, 2);
      yield* op_swapoff(h.w, 0);
      yield* op_reclaim(h.w, 8);
      yield* op_swapon(h.w, 0);
    }],
  );
  const problems = res.ok ? [] : [failureText(res)];
  problems.push(...wrong, ...h.mismatches);
  if (res.ok) {
    const s = inspect(h.w);
    // what may legitimately remain: swap-cache-only slots of unmapped folios still on the LRU
    const stuck = s.slots.filter((d) => d.swapCount !== 0 || !d.inSwapcache);
    if (stuck.length) problems.push(`left behind: ${JSON.stringify(stuck)}`);
    if (s.memcgs.some((m) => m.swapCharge < 0 || m.idRefs < 0)) problems.push('negative memcg counters');
  }
  return problems;
}

describe('concurrent smoke runs', () => {
  for (const mode of ['v2', 'v1-memsw'] as const) {
    it(`40 schedules, cgroup ${mode}`, () => {
      for (let seed = 1; seed <= 40; seed++) expect(runOnce(seed, mode), `seed ${seed}`).toEqual([]);
    });
  }
});
