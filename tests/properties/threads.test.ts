// Threads: processes with 1-3 threads sharing one address space. The data oracle stays exact (a load returns the
// page's last store in step order, whichever thread made it; a fork child's page is what the parent's held when its
// PTE was copied), so a run is judged the same whatever the interleaving, and the races only threads can produce
// (two faults on one swapped page, a fault against another thread's unmap) are reached.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOUNDS, workloadArb } from '../../properties/arbitraries.ts';
import { execute } from '../../properties/execute.ts';
import type { ProcessProgram, Workload } from '../../properties/workload.ts';
import { DESIGN_NAMES } from '../../impl/kernel/swap.ts';

const config = (design: Workload['config']['design']): Workload['config'] => ({
  design,
  cpus: 3,
  clusterSize: 8,
  orders: [0],
  devices: [{ slots: 16, bad: [] }],
  physClusterSize: 4,
  zswapCapacity: 4,
  memcgMode: 'v2',
  memcgs: 1,
  swapCountMax: 3,
});

/** The values reads returned, from the run's log (the oracle checked each one in its step). */
function readsOf(log: readonly { what: string; notes: readonly string[] }[], who: string): number[] {
  const out: number[] = [];
  for (const l of log) {
    for (const n of l.notes) {
      const m = new RegExp(`^${who.replace('/', '\\/')} page \\d+ == (\\d+)`).exec(n);
      if (m) out.push(Number(m[1]));
    }
  }
  return out;
}

describe('threads of one process', () => {
  it('a read racing another thread\'s stores returns one of the values in step order, and the oracle accepts every interleaving', () => {
    for (const design of DESIGN_NAMES) {
      const seen = new Set<number>();
      for (let seed = 0; seed < 40; seed++) {
        const main: ProcessProgram = {
          cpu: 0,
          memcg: 0,
          ops: [{ op: 'write', page: 0, value: 1 }, { op: 'pageout', start: 0, nr: 1 }, { op: 'write', page: 0, value: 2 }, { op: 'write', page: 0, value: 3 }],
          threads: [{ cpu: 1, ops: [{ op: 'read', page: 0 }, { op: 'pageout', start: 0, nr: 1 }, { op: 'read', page: 0 }] }],
        };
        const w: Workload = { config: config(design), processes: [main], background: [], schedule: { strategy: 'pct', seed, depth: 3, k: 250 } };
        const e = execute(w, { faults: [], keepLog: true });
        expect(e.failure, `${design} seed ${seed}: ${e.failure?.message}`).toBeNull();
        for (const v of readsOf(e.log, 'P0/t1')) seen.add(v);
      }
      // the interleaving decides what the thread reads: a fixed expectation would reject some of these runs
      expect(seen.size, `${design}: values read ${[...seen]}`).toBeGreaterThan(1);
    }
  });

  it("a fork copies the page as it is when its PTE is copied, while another thread keeps writing", () => {
    const childSaw = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      const main: ProcessProgram = {
        cpu: 0,
        memcg: 0,
        ops: [
          { op: 'fill', start: 0, nr: 4, value: 1 },
          { op: 'fork', child: { cpu: 2, memcg: 0, ops: [{ op: 'read', page: 3 }] } },
        ],
        threads: [{ cpu: 1, ops: [{ op: 'write', page: 3, value: 2 }, { op: 'write', page: 3, value: 3 }] }],
      };
      const w: Workload = { config: config('ste'), processes: [main], background: [], schedule: { strategy: 'pct', seed, depth: 3, k: 250 } };
      const e = execute(w, { faults: [], keepLog: true });
      expect(e.failure, `seed ${seed}: ${e.failure?.message}`).toBeNull();
      for (const v of readsOf(e.log, 'P0.1')) childSaw.add(v);
    }
    // before, during and after the thread's stores: the child may hold any of them, and the oracle knows which
    expect(childSaw.size).toBeGreaterThan(1);
  });

  it('the generator draws threaded processes, every thread op a leaf op, and shrinking can drop them', () => {
    const ws = fc.sample(workloadArb(DEFAULT_BOUNDS), { seed: 7, numRuns: 300 });
    const programs = ws.flatMap((w) => w.processes);
    const threaded = programs.filter((p) => (p.threads ?? []).length > 0);
    expect(threaded.length / programs.length).toBeGreaterThan(0.15);
    expect(threaded.some((p) => p.threads!.length === 2)).toBe(true);
    for (const p of threaded) for (const t of p.threads!) for (const op of t.ops) expect(op.op).not.toBe('fork');
    // the smallest value of the threads arbitrary is "no thread": what shrinking moves towards
    const single = fc.sample(workloadArb({ ...DEFAULT_BOUNDS, maxThreads: 0 }), { seed: 7, numRuns: 100 });
    expect(single.flatMap((w) => w.processes).every((p) => (p.threads ?? []).length === 0)).toBe(true);
  });
});
