// Each fault of the catalogue: its hand-written scenario fails with the catalogue's expected kind when the fault is
// on, and passes with the fault off.
import { describe, expect, it } from 'vitest';
import { FAULTS, FAULT_NAMES } from '../../impl/kernel/faults.ts';
import type { FaultName } from '../../impl/kernel/faults.ts';
import type { KernelConfig } from '../../impl/kernel/config.ts';
import { wait_event } from '../../impl/sim/index.ts';
import type { RunResult } from '../../impl/sim/index.ts';
import { inspect } from '../../impl/world/inspect.ts';
import { op_exit, op_fork, op_munmap, op_pageout, op_write } from '../../impl/world/ops.ts';
import type { Process } from '../../impl/world/world.ts';
import { harness } from '../world/harness.ts';
import type { Harness } from '../world/harness.ts';

/** The no-leak oracle in miniature: every live slot's swap_count equals the PTEs holding it, once all exited. */
function leakKind(h: Harness, res: RunResult): string {
  if (!res.ok) return res.failure.kind;
  const s = inspect(h.w);
  const leaked = s.descriptors.filter((d) => d.swapCount !== (s.pteRefs.get(d.slot) ?? 0) || s.liveMms === 0);
  return leaked.length ? 'leak' : 'ok';
}

type Scenario = (faults: FaultName[]) => string;

const SCENARIOS: Record<FaultName, Scenario> = {
  'memcg1-swapout-relock': (faults) => {
    const h = harness({ memcgMode: 'v1-memsw', zswapCapacity: 2, faults });
    const p = h.w.createProcess(0);
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 1);
      yield* op_pageout(h.w, p, 0, 1);
      yield* op_exit(h.w, p);
    }]);
    return leakKind(h, res);
  },
  'zap-leak': (faults) => {
    // pages 0..7 get slots 1..8: the run of swap PTEs straddles the cluster boundary at slot 8
    const h = harness({ clusterSize: 8, zswapCapacity: 8, orders: [0], faults });
    const p = h.w.createProcess(0);
    const res = h.run(['P', 0, function* () {
      for (let pg = 0; pg < 8; pg++) yield* op_write(h.w, p, pg, pg + 1);
      yield* op_pageout(h.w, p, 0, 8);
      yield* op_munmap(h.w, p, 0, 8);
      yield* op_exit(h.w, p);
    }]);
    return leakKind(h, res);
  },
  'double-free': (faults) => {
    const h = harness({ zswapCapacity: 2, faults }, { cpus: 2 });
    const p = h.w.createProcess(0);
    let child: Process | null = null;
    const res = h.run(
      ['P', 0, function* () {
        yield* op_write(h.w, p, 0, 1);
        yield* op_pageout(h.w, p, 0, 1);
        child = yield* op_fork(h.w, p);
        yield* op_exit(h.w, p);
      }],
      ['C', 1, function* () {
        yield* wait_event(h.m, 'child forked', () => child !== null);
        yield* op_exit(h.w, child!);
      }],
    );
    return leakKind(h, res);
  },
};

describe('fault catalogue', () => {
  it('documents every fault', () => {
    for (const name of FAULT_NAMES) {
      const f = FAULTS[name];
      expect(f.description.length, name).toBeGreaterThan(20);
      expect(f.mechanism.length, name).toBeGreaterThan(20);
      expect(f.interleaving.length, name).toBeGreaterThan(20);
    }
  });

  for (const name of FAULT_NAMES) {
    it(`${name}: fails with '${FAULTS[name].expect}' when on, passes when off`, () => {
      expect(SCENARIOS[name]([name])).toBe(FAULTS[name].expect);
      expect(SCENARIOS[name]([])).toBe('ok');
    });
  }

  it('memcg1-swapout-relock needs cgroup v1: on v2 the same scenario passes', () => {
    const cfg: Partial<KernelConfig> = { memcgMode: 'v2', zswapCapacity: 2, faults: ['memcg1-swapout-relock'] };
    const h = harness(cfg);
    const p = h.w.createProcess(0);
    const res = h.run(['P', 0, function* () {
      yield* op_write(h.w, p, 0, 1);
      yield* op_pageout(h.w, p, 0, 1);
      yield* op_exit(h.w, p);
    }]);
    expect(leakKind(h, res)).toBe('ok');
  });
});
