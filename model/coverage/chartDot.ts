// The charts as Graphviz DOT: each chart a cluster, each compound or parallel state a nested cluster (regions of a
// parallel state dashed), each atomic state a node. With a coverage record, states and arrows are coloured by hit
// count and everything never reached is drawn red and dashed; a legend explains the colours.
import type { ChartInfo } from '../charts.ts';
import { chartBasis, type BasisState, type BasisTransition } from './chartBasis.ts';
import { stateHits, transitionHits, type CoverageRecord } from './coverageRecord.ts';

const UNREACHED = '#d62728';
const NEUTRAL = '#333333';
/** Hit-count buckets: at least `min` hits -> colours and arrow width. */
export interface HeatBucket {
  readonly min: number;
  readonly fill: string;
  readonly line: string;
  readonly width: number;
}
export const HEAT_SCALE: readonly HeatBucket[] = [
  { min: 1000, fill: '#41ab5d', line: '#005a32', width: 3.2 },
  { min: 100, fill: '#74c476', line: '#238b45', width: 2.4 },
  { min: 10, fill: '#a1d99b', line: '#41ab5d', width: 1.8 },
  { min: 1, fill: '#e5f5e0', line: '#74c476', width: 1.3 },
];

function heat(hits: number) {
  return HEAT_SCALE.find((b) => hits >= b.min);
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function nodeName(chart: string, path: string): string {
  return quote(`${chart}:${path}`);
}

function clusterName(chart: string, path: string): string {
  return quote(`cluster_${chart}:${path}`);
}

/** Edges to or from a compound state attach to an invisible anchor inside its cluster. */
function anchorName(chart: string, path: string): string {
  return quote(`${chart}:${path}#anchor`);
}

interface DrawContext {
  readonly chart: ChartInfo;
  readonly states: readonly BasisState[];
  readonly coverage: CoverageRecord | undefined;
  /** Compound states that are the source of some transition, and so need an anchor node. */
  readonly anchored: ReadonlySet<string>;
  /** Self-loops drawn so far per node. */
  readonly loops: Map<string, number>;
  readonly out: string[];
}

const LOOP_SIDES = ['n', 's', 'e', 'w'] as const;

function isCompound(s: BasisState): boolean {
  return s.type === 'compound' || s.type === 'parallel';
}

function stateStyle(ctx: DrawContext, s: BasisState, cluster: boolean): string {
  if (ctx.coverage === undefined) return cluster ? `color=${quote(NEUTRAL)}` : `fillcolor="white" color=${quote(NEUTRAL)}`;
  const hits = stateHits(ctx.coverage, s.id);
  const bucket = heat(hits);
  if (bucket === undefined) {
    return cluster
      ? `color=${quote(UNREACHED)} fontcolor=${quote(UNREACHED)} style="rounded,dashed"`
      : `fillcolor="white" color=${quote(UNREACHED)} fontcolor=${quote(UNREACHED)} style="rounded,dashed,filled"`;
  }
  return cluster ? `color=${quote(bucket.line)}` : `fillcolor=${quote(bucket.fill)} color=${quote(bucket.line)}`;
}

function hitSuffix(ctx: DrawContext, hits: number): string {
  return ctx.coverage === undefined ? '' : `\n${hits} hit${hits === 1 ? '' : 's'}`;
}

function drawState(ctx: DrawContext, s: BasisState, indent: string): void {
  const name = ctx.chart.name;
  const key = s.path.slice(s.path.lastIndexOf('.') + 1);
  const hits = ctx.coverage === undefined ? 0 : stateHits(ctx.coverage, s.id);
  if (!isCompound(s)) {
    ctx.out.push(`${indent}${nodeName(name, s.path)} [label=${quote(key + hitSuffix(ctx, hits))} ${stateStyle(ctx, s, false)}];`);
    return;
  }
  const parent = ctx.states.find((p) => p.path === s.parent);
  const isRegion = parent?.type === 'parallel';
  const kind = s.type === 'parallel' ? ' (parallel regions)' : isRegion ? ' (region)' : '';
  ctx.out.push(`${indent}subgraph ${clusterName(name, s.path)} {`);
  // Regions of a parallel state are dashed; a later style (never reached) overrides this one.
  const frame = `style=${quote(isRegion ? 'rounded,dashed' : 'rounded')}`;
  ctx.out.push(`${indent}  label=${quote(key + kind + hitSuffix(ctx, hits))}; ${frame}; ${stateStyle(ctx, s, true)};`);
  // Transitions defined on the compound state itself apply whatever its sub-state: drawn from an "any" node.
  if (ctx.anchored.has(s.path)) {
    const anchorStyle = 'shape=ellipse style=dashed label="any" fontsize=9 width=0.3 height=0.2 margin=0.02';
    ctx.out.push(`${indent}  ${anchorName(name, s.path)} [${anchorStyle}];`);
  }
  if (s.type === 'compound') drawInitialArrow(ctx, s.path, `${indent}  `);
  for (const child of ctx.states.filter((c) => c.parent === s.path)) drawState(ctx, child, `${indent}  `);
  ctx.out.push(`${indent}}`);
}

/** The node an arrow attaches to: a compound state's "any" node, or (if it has none) its first atomic descendant. */
function endpoint(ctx: DrawContext, path: string): string {
  const s = ctx.states.find((st) => st.path === path);
  if (s === undefined || !isCompound(s)) return nodeName(ctx.chart.name, path);
  if (ctx.anchored.has(path)) return anchorName(ctx.chart.name, path);
  const leaf = ctx.states.find((st) => st.path.startsWith(`${path}.`) && !isCompound(st));
  return nodeName(ctx.chart.name, leaf?.path ?? path);
}

function drawTransition(ctx: DrawContext, t: BasisTransition, indent: string): void {
  const name = ctx.chart.name;
  for (const target of t.targets) {
    const targetState = ctx.states.find((s) => s.path === target);
    const attrs: string[] = [];
    if (targetState !== undefined && isCompound(targetState) && target !== t.source) {
      attrs.push(`lhead=${clusterName(name, target)}`);
    }
    let label = t.event + (t.guarded ? ' [g]' : '');
    if (ctx.coverage !== undefined) {
      const hits = transitionHits(ctx.coverage, t.id);
      const bucket = heat(hits);
      label += ` (${hits})`;
      if (bucket === undefined) attrs.push(`color=${quote(UNREACHED)} fontcolor=${quote(UNREACHED)} style="dashed"`);
      else attrs.push(`color=${quote(bucket.line)} penwidth=${bucket.width}`);
    }
    attrs.push(`label=${quote(label)}`);
    const from = endpoint(ctx, t.source);
    const to = endpoint(ctx, target);
    if (from === to) {
      // Several loops on one node would be drawn on top of each other: give each its own side.
      const side = LOOP_SIDES[(ctx.loops.get(from) ?? 0) % LOOP_SIDES.length];
      ctx.loops.set(from, (ctx.loops.get(from) ?? 0) + 1);
      attrs.push(`tailport=${side} headport=${side}`);
    }
    ctx.out.push(`${indent}${from} -> ${to} [${attrs.join(' ')}];`);
    if (attrs[0]?.startsWith('lhead=')) pushIntoCluster(ctx, t.source, target, indent);
  }
}

// An arrow entering a cluster reads best when the cluster lies after its source: invisible edges from the source to
// the cluster's initial dots put the whole cluster at a later rank.
function pushIntoCluster(ctx: DrawContext, source: string, cluster: string, indent: string): void {
  const name = ctx.chart.name;
  const from = endpoint(ctx, source);
  for (const s of ctx.states) {
    if (s.path !== cluster && !s.path.startsWith(`${cluster}.`)) continue;
    if (s.type === 'compound') ctx.out.push(`${indent}${from} -> ${quote(`${name}:${s.path}#initial`)} [style=invis];`);
    if (ctx.anchored.has(s.path)) ctx.out.push(`${indent}${from} -> ${anchorName(name, s.path)} [style=invis];`);
  }
}

/** The black dot and arrow marking a compound state's (or the chart's, path '') initial child. */
function drawInitialArrow(ctx: DrawContext, path: string, indent: string): void {
  const name = ctx.chart.name;
  const node = path === '' ? ctx.chart.machine.root : ctx.chart.machine.getStateNodeById(`${name}.${path}`);
  const target = node.initial?.target?.[0]?.path.join('.');
  if (target === undefined) return;
  const start = quote(`${name}:${path}#initial`);
  ctx.out.push(`${indent}${start} [shape=circle width=0.12 style=filled fillcolor=black label=""];`);
  const into = endpoint(ctx, target);
  const lhead = into === nodeName(name, target) ? '' : ` lhead=${clusterName(name, target)}`;
  ctx.out.push(`${indent}${start} -> ${into} [arrowsize=0.7${lhead}];`);
}

function drawLegend(out: string[]): void {
  const rows = [...HEAT_SCALE]
    .reverse()
    .map((b, i, all) => {
      const next = all[i + 1];
      const range = next === undefined ? `${b.min}+` : `${b.min}–${next.min - 1}`;
      return `<TR><TD BGCOLOR="${b.fill}" BORDER="1" COLOR="${b.line}" WIDTH="24"></TD><TD ALIGN="LEFT">${range} hits</TD></TR>`;
    })
    .join('');
  const unreached =
    `<TR><TD BORDER="1" COLOR="${UNREACHED}" STYLE="dashed" WIDTH="24"></TD>` +
    `<TD ALIGN="LEFT"><FONT COLOR="${UNREACHED}">never reached (dashed)</FONT></TD></TR>`;
  out.push(
    `  legend [shape=plaintext style=solid label=<<TABLE BORDER="0" CELLSPACING="3">` +
      `<TR><TD COLSPAN="2"><B>hits</B></TD></TR>${rows}${unreached}` +
      `<TR><TD COLSPAN="2">[g] = guarded</TD></TR></TABLE>>];`,
  );
}

/** DOT text of the given charts, side by side in one drawing. */
export function chartsDot(charts: readonly ChartInfo[], coverage?: CoverageRecord): string {
  const out: string[] = [
    'digraph vswap_charts {',
    '  compound=true; rankdir=LR; newrank=true; nodesep=0.35; ranksep=0.55; pad=0.3;',
    '  fontname="Helvetica"; fontsize=13;',
    '  node [shape=box style="rounded,filled" fontname="Helvetica" fontsize=12 margin="0.12,0.06"];',
    '  edge [fontname="Helvetica" fontsize=10 arrowsize=0.8];',
  ];
  for (const chart of charts) {
    const basis = chartBasis(chart.machine);
    const compound = new Set(basis.states.filter(isCompound).map((st) => st.path));
    const anchored = new Set(basis.transitions.map((t) => t.source).filter((p) => compound.has(p)));
    const ctx: DrawContext = { chart, states: basis.states, coverage, anchored, loops: new Map(), out };
    out.push(`  subgraph ${quote(`cluster_${chart.name}`)} {`);
    out.push(`    label=${quote(`${chart.name} chart\n${chart.title}`)}; style="rounded"; color="#999999"; fontsize=14;`);
    drawInitialArrow(ctx, '', '    ');
    for (const s of basis.states.filter((st) => st.parent === '')) drawState(ctx, s, '    ');
    for (const t of basis.transitions) drawTransition(ctx, t, '    ');
    out.push('  }');
  }
  if (coverage !== undefined) drawLegend(out);
  out.push('}');
  return `${out.join('\n')}\n`;
}
