// Renders a SimFailure like the kernel's lockdep / spinlock-debug / KASAN / refcount splats.
import type { CpuReport, SimFailure } from './failure.ts';

const RULE = '======================================================';

// Headline per kind, after the kernel message that reports the same class of bug.
const HEADLINES: Record<string, string> = {
  'self-deadlock': 'BUG: spinlock recursion',
  deadlock: 'INFO: deadlock: no CPU can make progress',
  'lockdep-circular': 'WARNING: possible circular locking dependency detected',
  'lockdep-recursive': 'WARNING: possible recursive locking detected',
  'lockdep-irq-inversion': 'WARNING: inconsistent lock state',
  'sleep-in-atomic': 'BUG: sleeping function called from invalid context',
  'bad-unlock': 'WARNING: bad unlock balance detected!',
  'lock-held-at-exit': 'WARNING: lock held when returning to user space!',
  'use-after-free': 'BUG: KASAN: slab-use-after-free',
  'rcu-use-after-free': 'BUG: KASAN: slab-use-after-free (object freed after an RCU grace period)',
  refcount: 'WARNING: refcount_t misuse',
  invariant: 'BUG: invariant broken at lock release',
  'step-limit': 'INFO: livelock or step limit reached',
  exception: 'Oops: exception thrown by a task',
  'replay-mismatch': 'replay mismatch: the recorded schedule does not fit this run',
};

export function renderSplat(f: SimFailure): string {
  const out: string[] = [];
  out.push('', RULE, f.details.headline ?? HEADLINES[f.kind] ?? `kernel BUG (${f.kind})`, '------------------------------------------------------');
  const at = f.step >= 0 ? ` at step ${f.step}` : '';
  out.push(`${f.origin !== '' ? f.origin : 'machine'}${at}: ${f.message}`);
  for (const line of f.details.lines ?? []) out.push(line);
  if (f.chains !== undefined && f.chains.length > 0) {
    out.push('', 'the dependency chain(s):');
    f.chains.forEach((chain, i) => {
      out.push(`  chain #${i}:`);
      for (const link of chain) out.push(`    ${link}`);
    });
  }
  if (f.cpus.length > 0) {
    out.push('', 'other info that might help us debug this:');
    for (const c of f.cpus) out.push(...renderCpu(c));
  }
  out.push(RULE);
  return out.join('\n');
}

export function renderCpu(c: CpuReport): string[] {
  const ctx = c.contexts.map((x) => (x.kind === 'task' ? x.name : `${x.kind}:${x.name}`)).join(' <- ');
  const lines = [
    `CPU#${c.cpu}${c.online ? '' : ' (offline)'}: ${ctx}; irqs ${c.irqsOn ? 'on' : 'off'}; preempt_count ${c.preemptCount}` +
      (c.rcuDepth > 0 ? `; rcu_read_lock depth ${c.rcuDepth}` : '') +
      (c.atomic.length > 0 ? `; atomic: ${c.atomic.join(', ')}` : ''),
  ];
  if (c.held.length === 0) lines.push('  no locks held');
  else {
    lines.push(`  ${c.held.length} lock${c.held.length === 1 ? '' : 's'} held:`);
    c.held.forEach((h, i) => lines.push(`   #${i}: ${h.lock} (${h.kind}, ${h.ctx}), taken by ${h.where}`));
  }
  if (c.waitsFor !== null) lines.push(`  waits for: ${c.waitsFor}`);
  for (const q of c.queued) lines.push(`  queued: ${q}`);
  return lines;
}
