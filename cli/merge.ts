// `vswap-check merge DIR...`: one report from the output directories of several hunts (the shards of a CI matrix,
// or separate campaigns): executions, steps and failures added up, chart and race coverage merged.
import type { Command } from 'commander';
import { join } from 'node:path';
import { coverageToJSON } from '../model/coverage/coverageJson.ts';
import { emptyCoverage, mergeCoverage } from '../model/coverage/coverageRecord.ts';
import { coverageHtml } from '../model/coverage/htmlReport.ts';
import { raceText } from '../model/coverage/raceReport.ts';
import { coverageText } from '../model/coverage/textReport.ts';
import { ENTRY_POINTS } from '../impl/world/ops.ts';
import { readRecord } from './coverage.ts';
import { action } from './errors.ts';
import { ensureDir, checkOutputFile, writeFileAtomic } from './files.ts';
import { SUMMARY_FORMAT, readSummary, type HuntSummary } from './summary.ts';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('merge the output directories of several hunts (e.g. CI shards): counts, failures and coverage')
    .argument('<dirs...>', 'hunt --out directories (each holds summary.json and coverage.json)')
    .option('--out <dir>', 'write the merged summary.json, coverage.json and coverage.html here')
    .option('--json', 'print the merged summary as JSON')
    .action(action(runMerge));
}

async function runMerge(dirs: string[], o: { out?: string; json?: boolean }): Promise<number> {
  if (o.out !== undefined) {
    ensureDir(o.out);
    for (const f of ['summary.json', 'coverage.json', 'coverage.html']) checkOutputFile(join(o.out, f));
  }
  const parts = dirs.map((d) => ({ dir: d, summary: readSummary(join(d, 'summary.json')), coverage: readRecord(join(d, 'coverage.json')) }));
  const coverage = parts.reduce((c, p) => mergeCoverage(c, p.coverage), emptyCoverage());
  const add = (f: (s: HuntSummary) => number): number => Math.min(Number.MAX_SAFE_INTEGER, parts.reduce((n, p) => n + f(p.summary), 0));
  const designs = [...new Set(parts.flatMap((p) => p.summary.designs))];
  const perDesign = Object.fromEntries(designs.map((d) => [d, add((s) => s.perDesign[d] ?? 0)]));
  const failures = parts.filter((p) => p.summary.failure).map((p) => ({ dir: p.dir, ...p.summary.failure!, seed: p.summary.seed }));
  // shards of one campaign share its seed: their earliest failing execution is the campaign's first failure
  const seeds = [...new Set(parts.map((p) => p.summary.seed))];
  const first = seeds.length === 1 && failures.length ? failures.reduce((a, b) => (b.index < a.index ? b : a)) : null;
  const shards = parts.map((p) => p.summary.shard).filter((s): s is string => s !== null);
  const n = shards.length ? Number(shards[0]!.split('/')[1]) : 0;
  const missing = shards.length && seeds.length === 1 ? Array.from({ length: n }, (_, i) => `${i + 1}/${n}`).filter((s) => !shards.includes(s)) : [];
  const merged: HuntSummary = {
    format: SUMMARY_FORMAT,
    version: 1,
    seed: seeds[0]!,
    designs: designs as HuntSummary['designs'],
    faults: [...new Set(parts.flatMap((p) => p.summary.faults))],
    runs: parts.every((p) => p.summary.runs !== null && p.summary.runs === parts[0]!.summary.runs) ? parts[0]!.summary.runs : null,
    shard: null,
    workers: add((s) => s.workers),
    executions: add((s) => s.executions),
    steps: add((s) => s.steps),
    perDesign,
    seconds: Math.max(...parts.map((p) => p.summary.seconds)),
    interrupted: parts.some((p) => p.summary.interrupted) ? 'search' : null,
    failure: first ?? failures[0] ?? null,
  };
  if (o.out !== undefined) {
    writeFileAtomic(join(o.out, 'summary.json'), `${JSON.stringify(merged, null, 1)}\n`);
    writeFileAtomic(join(o.out, 'coverage.json'), coverageToJSON(coverage));
    writeFileAtomic(join(o.out, 'coverage.html'), await coverageHtml(coverage, { title: 'vswap-check merged hunts', subtitle: `${parts.length} hunt(s)`, raceEntries: ENTRY_POINTS }));
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ...merged, hunts: parts.length, failures, missingShards: missing })}\n`);
  } else {
    const out = (s = ''): void => void process.stdout.write(`${s}\n`);
    out(`${parts.length} hunt(s)${seeds.length === 1 ? `, seed ${seeds[0]}` : `, seeds ${seeds.join(', ')}`}${shards.length ? `, shards ${shards.join(', ')}` : ''}`);
    if (missing.length) out(`warning: shards ${missing.join(', ')} of ${n} are missing: the campaign is not complete`);
    out(`${merged.executions} executions (${Object.entries(perDesign).map(([d, k]) => `${d} ${k}`).join(', ')}), ${merged.steps} steps`);
    if (failures.length === 0) out('no failure');
    for (const f of failures) out(`FAILED in ${f.dir}: execution ${f.index}: ${f.kind}: ${f.message}${f.trace ? ` (trace ${f.trace})` : ''}`);
    if (first && failures.length > 1) out(`the campaign's first failure is execution ${first.index} (${first.dir})`);
    out(coverageText(coverage) + raceText(coverage.races, ENTRY_POINTS));
    if (o.out !== undefined) out(`merged report: ${join(o.out, 'coverage.html')}`);
  }
  return failures.length ? 1 : 0;
}
