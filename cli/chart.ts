// `vswap-check chart`: prints the specification's statecharts (states and transitions), as text or JSON, and can
// write them drawn by Graphviz as one SVG.
import type { Command } from 'commander';
import { chartBasis } from '../model/coverage/chartBasis.ts';
import { chartsSvg } from '../model/coverage/chartSvg.ts';
import { CHARTS } from '../model/charts.ts';
import { action } from './errors.ts';
import { checkOutputFile, writeFileAtomic } from './files.ts';

interface ChartOptions {
  readonly svg?: string;
  readonly json?: boolean;
}

function chartsJson(): string {
  const charts = CHARTS.map((chart) => {
    const basis = chartBasis(chart.machine);
    return {
      name: chart.name,
      title: chart.title,
      states: basis.states.map((s) => ({ id: s.id, path: s.path, type: s.type })),
      transitions: basis.transitions.map((t) => ({
        id: t.id,
        source: t.source,
        event: t.event,
        targets: t.targets,
        guarded: t.guarded,
      })),
    };
  });
  return `${JSON.stringify({ charts }, null, 2)}\n`;
}

function chartsText(): string {
  const lines: string[] = [];
  for (const chart of CHARTS) {
    const basis = chartBasis(chart.machine);
    lines.push(`${chart.name} chart — ${chart.title}`);
    lines.push(`  states (${basis.states.length}):`);
    for (const s of basis.states) {
      const depth = s.path.split('.').length - 1;
      lines.push(`    ${'  '.repeat(depth)}${s.path.split('.').at(-1)} (${s.type})`);
    }
    lines.push(`  transitions (${basis.transitions.length}), [g] = guarded:`);
    for (const t of basis.transitions) {
      lines.push(`    ${t.source} --${t.event}--> ${t.targets.join(',')}${t.guarded ? ' [g]' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerChart(program: Command): void {
  program
    .command('chart')
    .description("print the specification's statecharts (virtual and physical swap slot)")
    .option('--svg <file>', 'also write both charts, drawn by Graphviz, to this SVG file')
    .option('--json', 'print states and transitions as JSON')
    .action(
      action(async (options: ChartOptions) => {
        if (options.svg !== undefined) {
          checkOutputFile(options.svg, '--svg');
          writeFileAtomic(options.svg, await chartsSvg());
          process.stderr.write(`vswap-check: charts drawn to ${options.svg}\n`);
        }
        process.stdout.write(options.json === true ? chartsJson() : chartsText());
      }),
    );
}
