// Interrupt-usage validation: a class used in an interrupt must never be taken with that interrupt
// enabled, directly (inconsistent lock state) or through the dependency graph (irq-safe -> irq-unsafe).
// Models lockdep's mark_lock / mark_lock_irq / check_irq_usage.
import type { Where } from '../state.ts';
import type { Lockdep } from './lockdep.ts';
import { USAGE_NAMES, USED_IN_HARDIRQ, USED_IN_SOFTIRQ, ENABLED_HARDIRQ, ENABLED_SOFTIRQ, type Edge } from './classes.ts';
import { irqScenario, safeUnsafeScenario } from './scenario.ts';
import { formatWhere } from '../report.ts';

/** The bit a usage conflicts with: IN-HARDIRQ <-> HARDIRQ-ON, IN-SOFTIRQ <-> SOFTIRQ-ON. */
function conflicting(bit: number): number {
  return bit ^ 1;
}

function irqOf(bit: number): 'hardirq' | 'softirq' {
  return bit < USED_IN_SOFTIRQ ? 'hardirq' : 'softirq';
}

export function markUsage(ld: Lockdep, cls: number, bit: number, where: Where): void {
  const c = ld.classes.get(cls);
  const mask = 1 << bit;
  if ((c.usage & mask) !== 0) return;
  const other = conflicting(bit);
  if ((c.usage & (1 << other)) !== 0) {
    const label = ld.classes.label(cls);
    const prevWhere = c.usageWhere[other]!;
    ld.e.fail('lockdep-irq-inversion', `inconsistent {${USAGE_NAMES[other]}} -> {${USAGE_NAMES[bit]}} usage of ${label}`, {
      lines: [
        `inconsistent {${USAGE_NAMES[other]}} -> {${USAGE_NAMES[bit]}} usage.`,
        `${where.task} takes ${label} at: ${formatWhere(where)}`,
        `{${USAGE_NAMES[other]}} state was registered at:`,
        `  ${formatWhere(prevWhere)}`,
        ...irqScenario(label, irqOf(bit)),
      ],
      chains: [[`{${USAGE_NAMES[other]}} ${formatWhere(prevWhere)}`, `{${USAGE_NAMES[bit]}} ${formatWhere(where)}`]],
    });
  }
  c.usage |= mask;
  c.usageWhere[bit] = where;
  // The new usage may complete an irq-safe -> irq-unsafe dependency through the graph.
  if (bit === USED_IN_HARDIRQ || bit === USED_IN_SOFTIRQ) {
    const unsafe = ld.classes.findUsage(cls, other, 'out');
    if (unsafe !== null) reportSafeUnsafe(ld, cls, unsafe.cls, unsafe.path, bit);
  } else {
    const safe = ld.classes.findUsage(cls, other, 'in');
    if (safe !== null) reportSafeUnsafe(ld, safe.cls, cls, safe.path, other);
  }
}

/** check_irq_usage for a new edge: nothing irq-safe before it may reach something irq-unsafe after it. */
export function checkEdgeIrqSafety(ld: Lockdep, edge: Edge): void {
  for (const usedIn of [USED_IN_HARDIRQ, USED_IN_SOFTIRQ]) {
    const safe = ld.classes.findUsage(edge.from, usedIn, 'in');
    if (safe === null) continue;
    const unsafe = ld.classes.findUsage(edge.to, usedIn === USED_IN_HARDIRQ ? ENABLED_HARDIRQ : ENABLED_SOFTIRQ, 'out');
    if (unsafe === null) continue;
    reportSafeUnsafe(ld, safe.cls, unsafe.cls, [...safe.path, edge, ...unsafe.path], usedIn);
  }
}

function reportSafeUnsafe(ld: Lockdep, safe: number, unsafe: number, path: Edge[], usedIn: number): never {
  const c = ld.classes;
  const irq = irqOf(usedIn);
  const IRQ = irq.toUpperCase();
  const s = c.get(safe);
  const u = c.get(unsafe);
  return ld.e.fail('lockdep-irq-inversion', `${IRQ}-safe ${c.label(safe)} -> ${IRQ}-unsafe ${c.label(unsafe)} lock order detected`, {
    lines: [
      `WARNING: ${IRQ}-safe -> ${IRQ}-unsafe lock order detected`,
      `${c.label(safe)} is {${USAGE_NAMES[usedIn]}}, registered at: ${formatWhere(s.usageWhere[usedIn]!)}`,
      `${c.label(unsafe)} is {${USAGE_NAMES[usedIn + 1]}}, registered at: ${formatWhere(u.usageWhere[usedIn + 1]!)}`,
      'the dependencies between them:',
      ...path.map((e) => `  ${ld.describeEdge(e)}`),
      ...safeUnsafeScenario(c.label(safe), c.label(unsafe), irq),
    ],
    chains: [path.map((e) => ld.describeEdge(e))],
  });
}
