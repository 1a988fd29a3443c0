// The trace file format (version 1), validated on load: a trace holds everything needed to re-run a failure exactly.
import { z } from 'zod';

const leafOps = [
  z.object({ op: z.literal('write'), page: z.number().int().nonnegative(), value: z.number().int().nonnegative() }),
  z.object({ op: z.literal('read'), page: z.number().int().nonnegative() }),
  z.object({ op: z.literal('fill'), start: z.number().int().nonnegative(), nr: z.number().int().positive(), value: z.number().int().nonnegative() }),
  z.object({ op: z.literal('mapLarge'), start: z.number().int().nonnegative(), order: z.number().int().min(1).max(4) }),
  z.object({ op: z.literal('pageout'), start: z.number().int().nonnegative(), nr: z.number().int().positive() }),
  z.object({ op: z.literal('munmap'), start: z.number().int().nonnegative(), nr: z.number().int().positive() }),
] as const;

const procOp: z.ZodType = z.lazy(() => z.discriminatedUnion('op', [...leafOps, z.object({ op: z.literal('fork'), child: program })]));

const thread = z.object({ cpu: z.number().int().nonnegative(), ops: z.array(z.discriminatedUnion('op', [...leafOps])) });

const program: z.ZodType = z.lazy(() =>
  z.object({
    cpu: z.number().int().nonnegative(),
    memcg: z.number().int().nonnegative(),
    ops: z.array(procOp),
    threads: z.array(thread).max(2).optional(),
  }),
);

const backgroundOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('reclaim'), nr: z.number().int().positive() }),
  z.object({ op: z.literal('zswapWriteback'), nr: z.number().int().positive() }),
  z.object({ op: z.literal('swapoff'), dev: z.number().int().nonnegative() }),
  z.object({ op: z.literal('swapon'), dev: z.number().int().nonnegative() }),
  z.object({ op: z.literal('cpuOffline'), cpu: z.number().int().nonnegative() }),
]);

export const machineConfigSchema = z.object({
  /** Traces written before the Swap Table Edition have no design: they are v6. */
  design: z.enum(['v6', 'ste', 'mainline']).optional(),
  cpus: z.number().int().min(1).max(16),
  clusterSize: z.number().int().min(2).max(512),
  orders: z.array(z.number().int().min(0).max(4)).min(1),
  devices: z.array(z.object({ slots: z.number().int().positive(), bad: z.array(z.number().int().nonnegative()) })),
  physClusterSize: z.number().int().positive(),
  zswapCapacity: z.number().int().nonnegative(),
  memcgMode: z.enum(['v1-memsw', 'v2']),
  memcgs: z.number().int().positive(),
  swapCountMax: z.number().int().min(2).max(31).optional(),
  failslab: z.array(z.number().int().positive()).optional(),
  decompressFail: z.array(z.number().int().positive()).optional(),
});

export const workloadSchema = z.object({
  config: machineConfigSchema,
  processes: z.array(program),
  background: z.array(z.object({ cpu: z.number().int().nonnegative(), ops: z.array(backgroundOp) })),
  schedule: z.discriminatedUnion('strategy', [
    z.object({ strategy: z.literal('random'), choices: z.array(z.number().int().nonnegative()) }),
    z.object({ strategy: z.literal('pct'), seed: z.number().int(), depth: z.number().int().positive(), k: z.number().int().positive().optional() }),
  ]),
});

export const TRACE_FORMAT = 'vswap-check-trace';
export const TRACE_VERSION = 1;

export const traceSchema = z.object({
  format: z.literal(TRACE_FORMAT),
  version: z.literal(TRACE_VERSION),
  /** For committed regressions: what went wrong, the interleaving as numbered steps, expected result, the fix. */
  header: z
    .object({
      title: z.string(),
      whatWentWrong: z.string(),
      interleaving: z.array(z.string()),
      expected: z.string(),
      fix: z.string(),
    })
    .optional(),
  faults: z.array(z.string()),
  lockdep: z.boolean(),
  workload: workloadSchema,
  /** The scheduler's choices as runnable ids, one per step: strict replay input. */
  schedule: z.array(z.string()),
  failure: z.object({ kind: z.string(), message: z.string() }).nullable(),
  /** How it was found: fast-check seed and shrink path, the hunt's command line. */
  origin: z.object({ seed: z.number().int().optional(), path: z.string().optional(), command: z.string().optional() }).optional(),
  /** Shrunk size figures, informative. */
  size: z.object({ ops: z.number().int(), cpus: z.number().int(), preemptions: z.number().int(), steps: z.number().int() }).optional(),
});

export type Trace = z.infer<typeof traceSchema>;
