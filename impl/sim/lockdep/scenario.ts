// The "Possible unsafe locking scenario" tables of lockdep splats (print_circular_lock_scenario and
// print_usage_bug_scenario), drawn as two columns.

function row(cpu0: string, cpu1: string): string {
  return `  ${cpu0.padEnd(30)}${cpu1}`;
}

/** Held `held`, taking `next`, while `next` ->* `last` -> `held` exists. */
export function circularScenario(held: string, next: string, last: string): string[] {
  return [
    '',
    ' Possible unsafe locking scenario:',
    '',
    row('       CPU0', '       CPU1'),
    row('       ----', '       ----'),
    row(`  lock(${held});`, ''),
    row('', `  lock(${last});`),
    row('', `  lock(${held});`),
    row(`  lock(${next});`, ''),
    '',
    ' *** DEADLOCK ***',
  ];
}

/** A class taken with interrupts enabled, and from an interrupt that can land while it is held. */
export function irqScenario(cls: string, irq: 'hardirq' | 'softirq'): string[] {
  return [
    '',
    ' Possible unsafe locking scenario:',
    '',
    '       CPU0',
    '       ----',
    `  lock(${cls});`,
    `  <${irq === 'hardirq' ? 'Interrupt' : 'Softirq'}>`,
    `    lock(${cls});`,
    '',
    ' *** DEADLOCK ***',
  ];
}

/** An irq-safe class that depends on an irq-unsafe one. */
export function safeUnsafeScenario(safe: string, unsafe: string, irq: 'hardirq' | 'softirq'): string[] {
  return [
    '',
    ' Possible interrupt unsafe locking scenario:',
    '',
    row('       CPU0', '       CPU1'),
    row('       ----', '       ----'),
    row(`  lock(${unsafe});`, ''),
    row('', '  local_irq_disable();'),
    row('', `  lock(${safe});`),
    row('', `  lock(${unsafe});`),
    row(`  <${irq === 'hardirq' ? 'Interrupt' : 'Softirq'}>`, ''),
    row(`    lock(${safe});`, ''),
    '',
    ' *** DEADLOCK ***',
  ];
}
