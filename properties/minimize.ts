// A last greedy pass after fast-check's shrink: try deleting each process, op, thread, thread op, kernel thread and
// preemption one at a time, keeping every deletion after which the run still fails the same way. fast-check's array
// shrinking is not exhaustive (it favours removing from the front), and a schedule choice that moved can leave a removable process
// behind; this pass catches those, at the cost of one execution per candidate.
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
