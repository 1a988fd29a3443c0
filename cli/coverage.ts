// `vswap-check coverage FILE...`: merge coverage records (e.g. from several hunt shards) and report them.
import type { Command } from 'commander';
import { CoverageFormatError, coverageFromJSON, coverageToJSON } from '../model/coverage/coverageJson.ts';
import { emptyCoverage, mergeCoverage, type CoverageRecord } from '../model/coverage/coverageRecord.ts';
import { coverageHtml } from '../model/coverage/htmlReport.ts';
import { coverageText, summarizeCoverage, unknownIds } from '../model/coverage/textReport.ts';
import { CHARTS } from '../model/charts.ts';
import { raceText, summarizeRaces } from '../model/coverage/raceReport.ts';
import { ENTRY_POINTS } from '../impl/world/ops.ts';
import { CliError, action } from './errors.ts';
import { checkOutputFile, writeFileAtomic } from './files.ts';
import { readTextFile } from '../traces/fs.ts';

export function readRecord(path: string): CoverageRecord {
  // a coverage record is some tens of kB; 16 MB is far beyond any this tool writes
  const text = readTextFile(path, 16 * 2 ** 20);
  try {
    return coverageFromJSON(text);
  } catch (err) {
    if (err instanceof CoverageFormatError || err instanceof SyntaxError) throw new CliError(`${path}: ${err.message}`);
    throw err;
  }
}

export function registerCoverage(program: Command): void {
  program
    .command('coverage')
    .description('merge coverage JSON files and print the statechart and race coverage report')
    .argument('<files...>', 'coverage.json files written by hunt')
    .option('--json', 'print the merged record as JSON')
    .option('--html <file>', 'write the HTML report (charts drawn, coloured by hits)')
    .option('--out <file>', 'write the merged record to this JSON file')
    .action(
      action(async (files: string[], o: { json?: boolean; html?: string; out?: string }) => {
        if (o.out !== undefined) checkOutputFile(o.out, '--out');
        if (o.html !== undefined) checkOutputFile(o.html, '--html');
        const merged = files.map(readRecord).reduce(mergeCoverage, emptyCoverage());
        const unknown = unknownIds(merged);
        if (unknown.length) process.stderr.write(`vswap-check: warning: ${unknown.length} ids no chart defines (records from another chart version), e.g. ${unknown[0]}\n`);
        if (o.out) writeFileAtomic(o.out, coverageToJSON(merged));
        if (o.html) {
          writeFileAtomic(o.html, await coverageHtml(merged, { title: 'vswap-check coverage', subtitle: `merged from ${files.length} file(s)`, raceEntries: ENTRY_POINTS }));
        }
        if (o.json) {
          const races = merged.races ? summarizeRaces(merged.races, ENTRY_POINTS) : null;
          process.stdout.write(`${JSON.stringify({ record: merged, summary: CHARTS.map((c) => summarizeCoverage(merged, c)), races })}\n`);
        } else {
          process.stdout.write(`${coverageText(merged)}${merged.races ? raceText(merged.races, ENTRY_POINTS) : ''}\n`);
        }
      }),
    );
}
