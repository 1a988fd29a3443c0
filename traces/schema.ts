// The trace file format (version 1), validated on load: a trace holds everything needed to re-run a failure exactly.
// A trace is a file people attach to bug reports, so opening one must be safe: every size is bounded by what the
// generator can draw (with head room, said next to each bound), and the cross-field rules the port relies on (a CPU
// the machine has, a memcg that exists, a bad slot inside its device) are checked here, each naming its field.
import { z } from 'zod';
import { DEFAULT_FAIR_STEPS, DEFAULT_STEP_LIMIT, PAGES_PER_PROCESS } from '../properties/workload.ts';

/** The limits a trace must respect. The generator's own ranges are in properties/arbitraries.ts. */
export const TRACE_LIMITS = {
  /** hunt --cpus takes at most 8 (the generator draws 2 to 4). */
  cpus: 8,
  /** The generator draws clusters of 4 or 8 slots; powers of two up to 64 keep every boundary reachable. */
  clusterSize: 64,
  /** mapLarge draws orders 1-2; order 3 maps all of a process's 8 pages. */
  order: 3,
  /** The generator draws 1-2 devices of 8-32 slots. */
  devices: 4,
  slots: 1024,
  /** The generator's pool holds 0, 4 or 64 pages. */
  zswapCapacity: 1024,
  /** The generator draws 1 or 2 memory cgroups. */
  memcgs: 8,
  /** Injected allocation failures: the generator lists at most 2 ranks, each at most 12. */
  injected: 16,
  injectedRank: 1_000_000,
  /** The generator draws at most 3 processes of at most 10 ops, one fork level, at most 2 more threads. */
  processes: 16,
  threads: 2,
  ops: 64,
  forkDepth: 4,
  /** A process maps PAGES_PER_PROCESS pages; page numbers and ranges lie inside them. */
  pages: PAGES_PER_PROCESS,
  /** The generator writes values 0-3. */
  value: 2 ** 31 - 1,
  /** The generator draws at most 2 kernel threads of at most 4 ops; reclaim takes at most 8 pages, writeback 4. */
  kthreads: 8,
  kthreadOps: 16,
  reclaimNr: 64,
  /** Random schedules: at most 400 choices (more after a PCT failure is turned into choices), each at most 7. */
  choices: 100_000,
  choice: 64,
  /** PCT: depth 1-4, k at most 2000. */
  pctDepth: 16,
  pctK: 1_000_000,
  /** A replay runs at most the step limit plus the fair continuation: a longer schedule cannot be replayed. */
  scheduleSteps: DEFAULT_STEP_LIMIT + DEFAULT_FAIR_STEPS,
  /** Step ids are task names such as 'P0/t1', 'kswapd/1' or 'cpu1:softirq'. */
  stepId: 64,
  text: 10_000,
  /** The file itself: the largest trace above is a few MB. */
  fileBytes: 16 * 2 ** 20,
} as const;

const L = TRACE_LIMITS;
const nat = (max: number) => z.number().int().min(0).max(max);
const pos = (max: number) => z.number().int().min(1).max(max);
const page = nat(L.pages - 1);
const nr = pos(L.pages);

const leafOps = [
  z.object({ op: z.literal('write'), page, value: nat(L.value) }),
  z.object({ op: z.literal('read'), page }),
  z.object({ op: z.literal('fill'), start: page, nr, value: nat(L.value) }),
  z.object({ op: z.literal('mapLarge'), start: page, order: z.number().int().min(1).max(L.order) }),
  z.object({ op: z.literal('pageout'), start: page, nr }),
  z.object({ op: z.literal('munmap'), start: page, nr }),
] as const;

type Program = { cpu: number; memcg: number; ops: ({ op: string; child?: Program } & Record<string, unknown>)[]; threads?: { cpu: number; ops: unknown[] }[] };

const procOp: z.ZodType = z.lazy(() => z.discriminatedUnion('op', [...leafOps, z.object({ op: z.literal('fork'), child: program })]));

const thread = z.object({ cpu: nat(L.cpus - 1), ops: z.array(z.discriminatedUnion('op', [...leafOps])).min(1).max(L.ops) });

const program: z.ZodType = z.lazy(() =>
  z.object({
    cpu: nat(L.cpus - 1),
    memcg: nat(L.memcgs - 1),
    ops: z.array(procOp).max(L.ops),
    threads: z.array(thread).max(L.threads).optional(),
  }),
);

const backgroundOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('reclaim'), nr: pos(L.reclaimNr) }),
  z.object({ op: z.literal('zswapWriteback'), nr: pos(L.reclaimNr) }),
  z.object({ op: z.literal('swapoff'), dev: nat(L.devices - 1) }),
  z.object({ op: z.literal('swapon'), dev: nat(L.devices - 1) }),
  z.object({ op: z.literal('cpuOffline'), cpu: nat(L.cpus - 1) }),
]);

const injected = z.array(pos(L.injectedRank)).max(L.injected);
const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;

export const machineConfigSchema = z
  .object({
    /** Traces written before the Swap Table Edition have no design: they are v6. */
    design: z.enum(['v6', 'ste', 'mainline']).optional(),
    cpus: pos(L.cpus),
    clusterSize: z.number().int().min(2).max(L.clusterSize).refine(isPow2, 'must be a power of two'),
    orders: z.array(nat(L.order)).min(1).max(L.order + 1),
    devices: z.array(z.object({ slots: pos(L.slots), bad: z.array(nat(L.slots - 1)).max(L.slots) })).max(L.devices),
    physClusterSize: z.number().int().min(2).max(L.clusterSize).refine(isPow2, 'must be a power of two'),
    zswapCapacity: nat(L.zswapCapacity),
    memcgMode: z.enum(['v1-memsw', 'v2']),
    memcgs: pos(L.memcgs),
    swapCountMax: z.number().int().min(2).max(31).optional(),
    failslab: injected.optional(),
    decompressFail: injected.optional(),
  })
  .superRefine((c, ctx) => {
    const bad = (path: (string | number)[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
    // the allocator maps a folio of order o into one cluster of each layer
    const room = Math.log2(Math.min(c.clusterSize, c.physClusterSize));
    c.orders.forEach((o, i) => {
      if (o > room) bad(['orders', i], `order ${o} (${2 ** o} pages) does not fit a ${Math.min(c.clusterSize, c.physClusterSize)}-slot cluster`);
      else if (c.orders.indexOf(o) !== i) bad(['orders', i], `order ${o} is listed twice`);
    });
    if (!c.orders.includes(0)) bad(['orders'], 'must include order 0 (base pages)');
    c.devices.forEach((d, i) => {
      if (d.slots % c.physClusterSize !== 0) bad(['devices', i, 'slots'], `${d.slots} slots is not a whole number of ${c.physClusterSize}-slot clusters (physClusterSize)`);
      d.bad.forEach((s, j) => {
        if (s === 0) bad(['devices', i, 'bad', j], 'slot 0 holds the swap header and cannot be listed bad');
        else if (s >= d.slots) bad(['devices', i, 'bad', j], `slot ${s} is outside the device's ${d.slots} slots`);
        else if (d.bad.indexOf(s) !== j) bad(['devices', i, 'bad', j], `slot ${s} is listed twice`);
      });
    });
  });

export const workloadSchema = z
  .object({
    config: machineConfigSchema,
    processes: z.array(program).max(L.processes),
    background: z.array(z.object({ cpu: nat(L.cpus - 1), ops: z.array(backgroundOp).max(L.kthreadOps) })).max(L.kthreads),
    schedule: z.discriminatedUnion('strategy', [
      z.object({ strategy: z.literal('random'), choices: z.array(nat(L.choice)).max(L.choices) }),
      z.object({ strategy: z.literal('pct'), seed: z.number().int(), depth: pos(L.pctDepth), k: pos(L.pctK).optional() }),
    ]),
  })
  .superRefine((w, ctx) => {
    const { cpus, memcgs, devices } = w.config;
    const bad = (path: (string | number)[], message: string): void => void ctx.addIssue({ code: 'custom', path, message });
    const cpu = (path: (string | number)[], n: number): void => {
      if (n >= cpus) bad(path, `CPU${n} does not exist: the machine has ${cpus} CPUs (config.cpus)`);
    };
    const walk = (p: Program, path: (string | number)[], depth: number): void => {
      cpu([...path, 'cpu'], p.cpu);
      if (p.memcg >= memcgs) bad([...path, 'memcg'], `memcg ${p.memcg} does not exist: the machine has ${memcgs} (config.memcgs)`);
      // (a mapLarge of an order not in config.orders maps nothing, as a failed THP allocation: the generator draws it)
      p.ops.forEach((op, i) => {
        if (op.op !== 'fork') return;
        if (depth >= L.forkDepth) return bad([...path, 'ops', i, 'child'], `forks nest deeper than ${L.forkDepth} levels`);
        walk(op.child!, [...path, 'ops', i, 'child'], depth + 1);
      });
      (p.threads ?? []).forEach((t, i) => cpu([...path, 'threads', i, 'cpu'], t.cpu));
    };
    w.processes.forEach((p, i) => walk(p as Program, ['processes', i], 0));
    w.background.forEach((b, i) => {
      cpu(['background', i, 'cpu'], b.cpu);
      b.ops.forEach((op, j) => {
        if ((op.op === 'swapoff' || op.op === 'swapon') && op.dev >= devices.length) bad(['background', i, 'ops', j, 'dev'], `device ${op.dev} does not exist: the machine has ${devices.length}`);
        if (op.op === 'cpuOffline') cpu(['background', i, 'ops', j, 'cpu'], op.cpu);
      });
    });
  });

export const TRACE_FORMAT = 'vswap-check-trace';
export const TRACE_VERSION = 1;

const text = z.string().max(L.text);

export const traceSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  /** For committed regressions: what went wrong, the interleaving as numbered steps, expected result, the fix. */
  header: z
    .object({
      title: text,
      whatWentWrong: text,
      interleaving: z.array(text).max(200),
      expected: text,
      fix: text,
    })
    .optional(),
  faults: z.array(z.string().max(100)).max(64),
  lockdep: z.boolean(),
  workload: workloadSchema,
  /** The scheduler's choices as runnable ids, one per step: strict replay input. */
  schedule: z.array(z.string().min(1).max(L.stepId)).max(L.scheduleSteps),
  failure: z
    .object({ kind: z.string().regex(/^[a-z][a-z0-9-]*$/, "must be a failure kind such as 'double-free' (lower case, digits and dashes)").max(64), message: text })
    .nullable(),
  /** How it was found: fast-check seed and shrink path, the hunt's command line. */
  origin: z
    .object({
      seed: z.number().int().optional(),
      path: z.string().max(L.text).optional(),
      command: text.optional(),
      /** The shrink was stopped (Ctrl-C) before it finished: smaller failing workloads may exist. */
      shrinkInterrupted: z.boolean().optional(),
    })
    .optional(),
  /** Shrunk size figures, informative. */
  size: z.object({ ops: z.number().int(), cpus: z.number().int(), preemptions: z.number().int(), steps: z.number().int() }).optional(),
});

export type Trace = z.infer<typeof traceSchema>;
