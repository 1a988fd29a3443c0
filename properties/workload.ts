// A concurrent workload as plain data: what the machine looks like, what each process does, what the kernel's
// background work does, and how the CPUs are interleaved. Everything here is JSON-serialisable (it goes into traces).
import type { DesignName } from '../impl/kernel/swap.ts';

/** The simulated machine and kernel configuration (all sizes small so that every boundary is hit). */
export interface MachineConfig {
  /** The swap-slot design under the shared mm code (traces without one are v6). */
  readonly design: DesignName;
  readonly cpus: number;
  /** Slots per virtual swap cluster (VSWAP_CLUSTER_SIZE; 512 in the kernel). */
  readonly clusterSize: number;
  /** Folio orders a process may map (0 = base pages). */
  readonly orders: readonly number[];
  /** Physical swap devices: size in slots and the bad slots listed in the swap header. */
  readonly devices: readonly { readonly slots: number; readonly bad: readonly number[] }[];
  /** Slots per physical swap cluster (SWAPFILE_CLUSTER). */
  readonly physClusterSize: number;
  /** zswap pool capacity in pages; 0 turns zswap off. */
  readonly zswapCapacity: number;
  readonly memcgMode: 'v1-memsw' | 'v2';
  readonly memcgs: number;
  /** Swap-table designs: the largest swap count a table entry holds (COUNT_MAX); beyond it, the extend table. */
  readonly swapCountMax?: number;
  /** Ranks of the GFP_ATOMIC/GFP_NOWAIT allocations that fail (failslab). */
  readonly failslab?: readonly number[];
  /** Ranks of the zswap writeback decompressions that fail. */
  readonly decompressFail?: readonly number[];
}

/** What one process does, in order, on the CPU that drives it. */
export type ProcOp =
  | { readonly op: 'write'; readonly page: number; readonly value: number }
  /** `value` written to every page of [start, start+nr): one write per page, like a memset over the range. */
  | { readonly op: 'fill'; readonly start: number; readonly nr: number; readonly value: number }
  | { readonly op: 'read'; readonly page: number }
  | { readonly op: 'mapLarge'; readonly start: number; readonly order: number }
  | { readonly op: 'pageout'; readonly start: number; readonly nr: number }
  | { readonly op: 'munmap'; readonly start: number; readonly nr: number }
  | { readonly op: 'fork'; readonly child: ProcessProgram };

export interface ProcessProgram {
  /** The CPU of the process's main thread. */
  readonly cpu: number;
  readonly memcg: number;
  /** The main thread's ops. */
  readonly ops: readonly ProcOp[];
  /**
   * More threads of the process (0-2): each a task on its own CPU, sharing the address space (page tables, PTE lock,
   * memcg). They start with the process; the main thread joins them after its ops, then the process exits (so the
   * machine can be checked for leaks). A fork copies the address space with only the forking (main) thread.
   */
  readonly threads?: readonly ThreadProgram[];
}

/** A thread's ops: anything on the shared pages but fork (a fork is the main thread's). */
export type ThreadOp = Exclude<ProcOp, { readonly op: 'fork' }>;

export interface ThreadProgram {
  readonly cpu: number;
  readonly ops: readonly ThreadOp[];
}

/** Kernel background work, run by kernel threads on a CPU. */
export type BackgroundOp =
  | { readonly op: 'reclaim'; readonly nr: number }
  | { readonly op: 'zswapWriteback'; readonly nr: number }
  | { readonly op: 'swapoff'; readonly dev: number }
  | { readonly op: 'swapon'; readonly dev: number }
  | { readonly op: 'cpuOffline'; readonly cpu: number };

export interface BackgroundProgram {
  readonly cpu: number;
  readonly ops: readonly BackgroundOp[];
}

/**
 * How the CPUs interleave. `choices` feed the ChoicesScheduler (0 = no preemption); PCT takes a seed, a depth and
 * k, the steps its priority change points are spread over (default 2000, what traces without `k` used).
 */
export type Schedule =
  | { readonly strategy: 'random'; readonly choices: readonly number[] }
  | { readonly strategy: 'pct'; readonly seed: number; readonly depth: number; readonly k?: number };

/** Steps an execution may take before it counts as a livelock (after the fair continuation below). */
export const DEFAULT_STEP_LIMIT = 50_000;
/** A run at the step limit goes on this many steps under a fair schedule before it counts as a livelock. */
export const DEFAULT_FAIR_STEPS = 30_000;

/** PCT's k when a schedule does not give one. */
export const DEFAULT_PCT_K = 2000;

export interface Workload {
  readonly config: MachineConfig;
  readonly processes: readonly ProcessProgram[];
  readonly background: readonly BackgroundProgram[];
  readonly schedule: Schedule;
}

/** Pages per process address space: small, so that processes share clusters and reuse slots. */
export const PAGES_PER_PROCESS = 8;

/** Counts used in shrink reports and the benchmark: ops (all processes, children and background), CPUs. */
export function workloadSize(w: Workload): { ops: number; processes: number; cpus: number } {
  let ops = 0;
  let processes = 0;
  const walk = (p: ProcessProgram): void => {
    processes++;
    for (const op of p.ops) {
      ops++;
      if (op.op === 'fork') walk(op.child);
    }
    for (const t of p.threads ?? []) ops += t.ops.length;
  };
  w.processes.forEach(walk);
  for (const b of w.background) ops += b.ops.length;
  return { ops, processes, cpus: w.config.cpus };
}

/** One line per op, the way a person reads a workload in a failure report. */
export function describeWorkload(w: Workload): string[] {
  const lines: string[] = [];
  const c = w.config;
  const injected = [
    c.failslab?.length ? `failslab [${c.failslab.join(',')}]` : '',
    c.decompressFail?.length ? `zswap decompression fails [${c.decompressFail.join(',')}]` : '',
  ].filter(Boolean);
  lines.push(
    `machine (${c.design}): ${c.cpus} CPUs, ${c.design === 'mainline' ? 'no virtual layer' : `vswap cluster ${c.clusterSize}`}, orders [${c.orders.join(',')}], ` +
      `${c.devices.map((d, i) => `swap${i}: ${d.slots} slots${d.bad.length ? ` bad [${d.bad.join(',')}]` : ''}`).join('; ') || 'no swap device'}, ` +
      `zswap ${c.zswapCapacity ? `${c.zswapCapacity} pages` : 'off'}, memcg ${c.memcgMode} x${c.memcgs}` +
      (c.design !== 'v6' ? `, swap count max ${c.swapCountMax ?? 3}` : '') +
      (injected.length ? `; ${injected.join(', ')}` : ''),
  );
  const walk = (p: ProcessProgram, name: string, indent: string): void => {
    lines.push(`${indent}process ${name} on CPU${p.cpu}, memcg ${p.memcg}:`);
    (p.threads ?? []).forEach((t, i) => {
      lines.push(`${indent}  thread ${threadName(name, i + 1)} on CPU${t.cpu}: ${t.ops.map(formatOp).join('; ') || 'nothing'}`);
    });
    let children = 0;
    for (const op of p.ops) {
      if (op.op === 'fork') {
        const child = childName(name, ++children);
        lines.push(`${indent}  fork -> ${child}`);
        walk(op.child, child, `${indent}    `);
      } else {
        lines.push(`${indent}  ${formatOp(op)}`);
      }
    }
    lines.push(`${indent}  ${p.threads?.length ? 'join the threads, ' : ''}exit`);
  };
  w.processes.forEach((p, i) => walk(p, `P${i}`, ''));
  for (const b of w.background) {
    lines.push(`kthread on CPU${b.cpu}: ${b.ops.map(formatOp).join('; ')}`);
  }
  const s = w.schedule;
  lines.push(
    s.strategy === 'random'
      ? `schedule: choices [${runLength(s.choices)}] (${s.choices.filter((x) => x !== 0).length} preemption points)`
      : `schedule: PCT seed ${s.seed} depth ${s.depth} k ${s.k ?? DEFAULT_PCT_K}`,
  );
  return lines;
}

/** Processes are named by their place in the workload: P0, P1, … at the top, P0.1 for P0's first child. */
export function childName(parent: string, nth: number): string {
  return `${parent}.${nth}`;
}

/** A process's extra threads: P0/t1, P0/t2 (its main thread carries the process's name). */
export function threadName(process: string, nth: number): string {
  return `${process}/t${nth}`;
}

export function formatOp(op: ProcOp | BackgroundOp): string {
  const { op: name, ...args } = op as { op: string } & Record<string, unknown>;
  if (name === 'fork') return 'fork';
  return `${name}(${Object.entries(args).map(([k, v]) => `${k}=${String(v)}`).join(', ')})`;
}

/** Choices with runs of zeros folded: [1, 0×92, 2, 1]. */
function runLength(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j < xs.length && xs[j] === xs[i]) j++;
    out.push(j - i > 2 ? `${xs[i]}×${j - i}` : xs.slice(i, j).join(','));
    i = j;
  }
  return out.join(',');
}
