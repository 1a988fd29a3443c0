// The replay timeline: one column per CPU, one row per scheduled step, showing what each step did (its scheduling
// point, lock operations, emitted slot events and the touched slots' chart states).

export interface TimelineEntry {
  readonly step: number;
  readonly cpu: number;
  readonly ctx: string;
  readonly task: string;
  readonly what: string;
  readonly notes: readonly string[];
}

export interface TimelineOptions {
  readonly cpus: number;
  readonly width?: number;
  /** Show only steps that emitted notes or changed CPU (the interesting ones), and the last steps; default true. */
  readonly compact?: boolean;
  /** In compact mode, the last steps shown in full (where a failure happens); default 12. */
  readonly tail?: number;
}

function clip(s: string, w: number): string {
  return s.length <= w ? s.padEnd(w) : `${s.slice(0, w - 1)}…`;
}

export function renderTimeline(entries: readonly TimelineEntry[], opts: TimelineOptions): string {
  const width = opts.width ?? Math.max(40, Math.floor(156 / opts.cpus));
  const compact = opts.compact ?? true;
  const lines: string[] = [];
  const head = ['step'.padStart(6)];
  for (let c = 0; c < opts.cpus; c++) head.push(clip(`CPU${c}`, width));
  lines.push(head.join(' │ '));
  lines.push(head.map((h) => '─'.repeat(h.length)).join('─┼─'));
  let lastCpu = -1;
  let lastTask = '';
  const tailFrom = entries.length - (opts.tail ?? 12);
  for (const [i, e] of entries.entries()) {
    const switched = e.cpu !== lastCpu || e.task !== lastTask;
    if (compact && !switched && e.notes.length === 0 && i < tailFrom) continue;
    const texts = [`${e.ctx === 'task' ? '' : `[${e.ctx}] `}${switched ? `${e.task}: ` : ''}${e.what}`, ...e.notes.map((n) => `  ${n}`)];
    texts.forEach((t, i) => {
      const row = [i === 0 ? String(e.step).padStart(6) : ''.padStart(6)];
      for (let c = 0; c < opts.cpus; c++) row.push(clip(c === e.cpu ? t : '', width));
      lines.push(row.join(' │ ').trimEnd());
    });
    lastCpu = e.cpu;
    lastTask = e.task;
  }
  return lines.join('\n');
}
