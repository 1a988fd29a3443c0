// A last greedy pass after fast-check's shrink: try deleting each process, op, thread, thread op, kernel thread and
// preemption one at a time, then making each op's page count (or reclaim's target) smaller and dropping an unused
// last CPU, keeping every change after which the run still fails the same way. fast-check's array shrinking is not
// exhaustive (it favours removing from the front), a schedule choice that moved can leave a removable process behind,
// and a page count shrunk inside a record is often stuck at a value the schedule needed; this pass catches those, at
// the cost of one execution per candidate. explore --shrink uses the same candidates (properties/exploreShrink.ts).
import type { BackgroundProgram, ProcOp, ProcessProgram, Workload } from './workload.ts';

function without<T>(xs: readonly T[], i: number): T[] {
  return [...xs.slice(0, i), ...xs.slice(i + 1)];
}

/** Every workload one deletion smaller than `w`, largest deletions first. */
function* candidates(w: Workload): Generator<Workload> {
  if (w.processes.length > 1) for (let i = 0; i < w.processes.length; i++) yield { ...w, processes: without(w.processes, i) };
  for (let i = 0; i < w.background.length; i++) yield { ...w, background: without(w.background, i) };
  for (let i = 0; i < w.processes.length; i++) {
    for (const p of smallerPrograms(w.processes[i]!)) yield { ...w, processes: w.processes.map((q, j) => (j === i ? p : q)) };
  }
  for (let i = 0; i < w.background.length; i++) {
    const b = w.background[i]!;
    if (b.ops.length < 2) continue;
    for (let j = 0; j < b.ops.length; j++) {
      const nb: BackgroundProgram = { ...b, ops: without(b.ops, j) };
      yield { ...w, background: w.background.map((x, k) => (k === i ? nb : x)) };
    }
  }
  // smaller page counts: fewer pages written, paged out, unmapped (each one fewer writes, faults, interrupts)
  for (let i = 0; i < w.processes.length; i++) {
    for (const p of fewerPages(w.processes[i]!)) yield { ...w, processes: w.processes.map((q, j) => (j === i ? p : q)) };
  }
  for (let i = 0; i < w.background.length; i++) {
    const b = w.background[i]!;
    for (let j = 0; j < b.ops.length; j++) {
      const op = b.ops[j]!;
      if ((op.op === 'reclaim' || op.op === 'zswapWriteback') && op.nr > 1) {
        for (const nr of smaller(op.nr, 1)) {
          const nb: BackgroundProgram = { ...b, ops: b.ops.map((o, k) => (k === j ? { ...op, nr } : o)) };
          yield { ...w, background: w.background.map((x, k) => (k === i ? nb : x)) };
        }
      }
    }
  }
  // one CPU fewer: one no process, thread or kthread is placed on (or taken offline) goes, the CPUs above it are
  // numbered one lower; interrupts and the leak check's drain task may have run there, so the run re-checks it
  for (let c = w.config.cpus - 1; c >= 0 && w.config.cpus > 1; c--) if (!namesCpu(w, c)) yield withoutCpu(w, c);
  const s = w.schedule;
  if (s.strategy === 'random') {
    for (let k = s.choices.length - 1; k >= 0; k--) {
      if (s.choices[k] === 0) continue;
      const choices = [...s.choices];
      choices[k] = 0;
      yield { ...w, schedule: { strategy: 'random', choices } };
    }
  }
}

function* smallerPrograms(p: ProcessProgram): Generator<ProcessProgram> {
  for (let j = 0; j < p.ops.length; j++) if (p.ops.length > 1) yield { ...p, ops: without(p.ops, j) };
  // a thread, then a thread's op (a thread keeps at least one)
  const threads = p.threads ?? [];
  for (let t = 0; t < threads.length; t++) yield { ...p, threads: without(threads, t) };
  for (let t = 0; t < threads.length; t++) {
    const th = threads[t]!;
    if (th.ops.length < 2) continue;
    for (let j = 0; j < th.ops.length; j++) yield { ...p, threads: threads.map((x, u) => (u === t ? { ...th, ops: without(th.ops, j) } : x)) };
  }
  for (let j = 0; j < p.ops.length; j++) {
    const op = p.ops[j]!;
    if (op.op !== 'fork') continue;
    for (const child of smallerPrograms(op.child)) {
      const fork: ProcOp = { op: 'fork', child };
      yield { ...p, ops: p.ops.map((o, k) => (k === j ? fork : o)) };
    }
  }
}

/** Smaller values for a count of at least `min`: the least first, then one less. */
function smaller(nr: number, min: number): number[] {
  return nr - 1 > min ? [min, nr - 1] : nr > min ? [min] : [];
}

/** An op with fewer pages (a fill keeps 2: one page is a write). */
function fewerPagesOp<T extends ProcOp>(op: T): T[] {
  if (op.op === 'fill') return smaller(op.nr, 2).map((nr) => ({ ...op, nr }));
  if (op.op === 'pageout' || op.op === 'munmap') return smaller(op.nr, 1).map((nr) => ({ ...op, nr }));
  return [];
}

function* fewerPages(p: ProcessProgram): Generator<ProcessProgram> {
  for (let j = 0; j < p.ops.length; j++) {
    const op = p.ops[j]!;
    if (op.op === 'fork') {
      for (const child of fewerPages(op.child)) yield { ...p, ops: p.ops.map((o, k) => (k === j ? { op: 'fork', child } : o)) };
      continue;
    }
    for (const o2 of fewerPagesOp(op)) yield { ...p, ops: p.ops.map((o, k) => (k === j ? o2 : o)) };
  }
  const threads = p.threads ?? [];
  for (let t = 0; t < threads.length; t++) {
    const th = threads[t]!;
    for (let j = 0; j < th.ops.length; j++) {
      for (const o2 of fewerPagesOp(th.ops[j]!)) yield { ...p, threads: threads.map((x, u) => (u === t ? { ...th, ops: th.ops.map((o, k) => (k === j ? o2 : o)) } : x)) };
    }
  }
}

/** `w` on one CPU fewer: `cpu` (which nothing names) removed, the CPUs above it renumbered one lower. */
function withoutCpu(w: Workload, cpu: number): Workload {
  const m = (c: number): number => (c > cpu ? c - 1 : c);
  const proc = (p: ProcessProgram): ProcessProgram => ({
    ...p,
    cpu: m(p.cpu),
    ops: p.ops.map((o) => (o.op === 'fork' ? { op: 'fork', child: proc(o.child) } : o)),
    ...(p.threads !== undefined ? { threads: p.threads.map((t) => ({ ...t, cpu: m(t.cpu) })) } : {}),
  });
  return {
    ...w,
    config: { ...w.config, cpus: w.config.cpus - 1 },
    processes: w.processes.map(proc),
    background: w.background.map((b) => ({ ...b, cpu: m(b.cpu), ops: b.ops.map((o) => (o.op === 'cpuOffline' ? { ...o, cpu: m(o.cpu) } : o)) })),
  };
}

/** Whether a process, thread or kernel thread runs on `cpu`, or background work takes it offline. */
function namesCpu(w: Workload, cpu: number): boolean {
  const inProcess = (p: ProcessProgram): boolean =>
    p.cpu === cpu || (p.threads ?? []).some((t) => t.cpu === cpu) || p.ops.some((o) => o.op === 'fork' && inProcess(o.child));
  return w.processes.some(inProcess) || w.background.some((b) => b.cpu === cpu || b.ops.some((o) => o.op === 'cpuOffline' && o.cpu === cpu));
}

/** Deletes greedily until no single deletion keeps `fails` true; `budget` caps the executions spent. */
export async function minimizeWorkload(w: Workload, fails: (w: Workload) => Promise<boolean>, budget = 2000): Promise<{ workload: Workload; tries: number }> {
  let best = w;
  let tries = 0;
  for (let progress = true; progress && tries < budget; ) {
    progress = false;
    for (const c of candidates(best)) {
      if (++tries > budget) break;
      if (await fails(c)) {
        best = c;
        progress = true;
        break;
      }
    }
  }
  return { workload: best, tries };
}
