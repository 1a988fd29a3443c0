// The greedy deletion pass after fast-check's shrink reaches every part of a workload: processes, their ops, their
// threads and the threads' ops, kernel threads, preemptions. Here the "failure" is a predicate on the workload alone.
import { describe, expect, it } from 'vitest';
import { minimizeWorkload } from '../../properties/minimize.ts';
import type { Workload } from '../../properties/workload.ts';

const w: Workload = {
  config: { design: 'v6', cpus: 2, clusterSize: 8, orders: [0], devices: [{ slots: 16, bad: [] }], physClusterSize: 4, zswapCapacity: 4, memcgMode: 'v2', memcgs: 1 },
  processes: [
    {
      cpu: 0,
      memcg: 0,
      ops: [{ op: 'write', page: 1, value: 1 }, { op: 'read', page: 1 }],
      threads: [
        { cpu: 1, ops: [{ op: 'read', page: 2 }, { op: 'write', page: 3, value: 2 }, { op: 'read', page: 4 }] },
        { cpu: 1, ops: [{ op: 'read', page: 5 }] },
      ],
    },
    { cpu: 1, memcg: 0, ops: [{ op: 'read', page: 0 }] },
  ],
  background: [{ cpu: 1, ops: [{ op: 'reclaim', nr: 1 }, { op: 'reclaim', nr: 2 }] }],
  schedule: { strategy: 'random', choices: [0, 3, 0, 1] },
};

describe('minimizeWorkload', () => {
  it('deletes whatever the failure does not need, threads and their ops included', async () => {
    // fails while some thread still writes page 3
    const fails = async (x: Workload) => x.processes.some((p) => (p.threads ?? []).some((t) => t.ops.some((o) => o.op === 'write' && o.page === 3)));
    const { workload } = await minimizeWorkload(w, fails);
    expect(workload.processes).toHaveLength(1);
    expect(workload.processes[0]!.ops).toHaveLength(1);
    expect(workload.processes[0]!.threads).toEqual([{ cpu: 1, ops: [{ op: 'write', page: 3, value: 2 }] }]);
    expect(workload.background).toEqual([]);
    expect(workload.schedule).toEqual({ strategy: 'random', choices: [0, 0, 0, 0] });
  });

  it('makes page counts and reclaim targets smaller, and drops a last CPU nothing uses', async () => {
    const big: Workload = {
      ...w,
      config: { ...w.config, cpus: 3 },
      processes: [{ cpu: 0, memcg: 0, ops: [{ op: 'fill', start: 0, nr: 6, value: 1 }, { op: 'pageout', start: 0, nr: 4 }, { op: 'fork', child: { cpu: 1, memcg: 0, ops: [{ op: 'munmap', start: 0, nr: 3 }] } }] }],
      background: [{ cpu: 1, ops: [{ op: 'reclaim', nr: 8 }] }],
    };
    // fails while at least 3 pages are filled and something is paged out
    const fails = async (x: Workload) => x.processes[0]!.ops.some((o) => o.op === 'fill' && o.nr >= 3) && x.processes[0]!.ops.some((o) => o.op === 'pageout');
    const { workload } = await minimizeWorkload(big, fails);
    expect(workload.processes[0]!.ops).toEqual([{ op: 'fill', start: 0, nr: 3, value: 1 }, { op: 'pageout', start: 0, nr: 1 }]);
    expect(workload.background).toEqual([]);
    expect(workload.config.cpus).toBe(1);
    // a CPU something still runs on stays, renumbered below the CPUs that went
    const onCpu2: Workload = {
      ...big,
      processes: [{ cpu: 0, memcg: 0, ops: [{ op: 'write', page: 0, value: 1 }] }],
      background: [{ cpu: 2, ops: [{ op: 'reclaim', nr: 8 }, { op: 'cpuOffline', cpu: 2 }] }],
    };
    const keepsBackground = async (x: Workload) => x.background.length > 0 && x.background[0]!.ops.some((o) => o.op === 'cpuOffline');
    const kept = await minimizeWorkload(onCpu2, keepsBackground);
    expect(kept.workload.config.cpus).toBe(2);
    expect(kept.workload.processes).toEqual(onCpu2.processes);
    expect(kept.workload.background).toEqual([{ cpu: 1, ops: [{ op: 'cpuOffline', cpu: 1 }] }]);
  });
});
