// A hunt's summary.json (written beside its coverage.json): what `vswap-check merge` adds up across CI shards.
import { z } from 'zod';
import { readTextFile } from '../traces/fs.ts';
import { oneLine } from '../traces/load.ts';
import { CliError } from './errors.ts';

export const SUMMARY_FORMAT = 'vswap-check-hunt-summary';
/** A summary is a few hundred bytes. */
const SUMMARY_MAX_BYTES = 2 ** 20;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const summarySchema = z.object({
  format: z.literal(SUMMARY_FORMAT),
  version: z.literal(1),
  seed: z.number().int(),
  designs: z.array(z.enum(['v6', 'ste', 'mainline'])).min(1),
  faults: z.array(z.string().max(100)).max(64),
  runs: count.nullable(),
  /** "i/n" for a shard of a campaign, null for a whole one. */
  shard: z.string().regex(/^\d+\/\d+$/).nullable(),
  workers: z.number().int().min(1),
  executions: count,
  steps: count,
  perDesign: z.record(z.string(), count),
  seconds: z.number().min(0),
  interrupted: z.enum(['search', 'shrink']).nullable(),
  failure: z.object({ index: count, kind: z.string().max(64), message: z.string().max(10_000), trace: z.string().nullable() }).nullable(),
});

export type HuntSummary = z.infer<typeof summarySchema>;

export function readSummary(path: string): HuntSummary {
  const text = readTextFile(path, SUMMARY_MAX_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path}: not JSON (${oneLine(err instanceof Error ? err.message : String(err), 120)})`);
  }
  const r = summarySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CliError(`${path}: field '${issue.path.join('.') || '(top level)'}': ${oneLine(issue.message, 160)} (not a hunt summary this vswap-check writes)`);
  }
  return r.data;
}
