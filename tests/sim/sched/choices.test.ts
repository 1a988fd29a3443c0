// ChoicesScheduler: 0 keeps the CPU that ran last, k > 0 picks among the others; choices are consumed only
// where there is a real choice; a run that keeps choosing 0 does not interleave.
import { describe, expect, it } from 'vitest';
import { ChoicesScheduler, MetricsScheduler, RoundRobinScheduler, type Runnable } from '../../../impl/sim/index.ts';

const rs = (...ids: string[]): Runnable[] => ids.map((id) => ({ id, cpu: Number(id.replace(/\D*(\d+).*/, '$1')), kind: 'step' }));

describe('ChoicesScheduler', () => {
  it('keeps the current runnable on 0 and picks the (k-1)th other on k', () => {
    const three = rs('cpu0', 'cpu1', 'cpu2');
    expect(new ChoicesScheduler([0]).next(three, 'cpu1', 5)).toBe(1);
    expect(new ChoicesScheduler([1]).next(three, 'cpu1', 5)).toBe(0);
    expect(new ChoicesScheduler([2]).next(three, 'cpu1', 5)).toBe(2);
    expect(new ChoicesScheduler([3]).next(three, 'cpu1', 5)).toBe(0);
  });

  it('without a current runnable picks k mod n; when choices run out keeps the current one', () => {
    const s = new ChoicesScheduler([4]);
    const three = rs('cpu0', 'cpu1', 'cpu2');
    expect(s.next(three, null, 0)).toBe(1);
    expect(s.next(three, 'cpu1', 1)).toBe(1);
    expect(s.next(rs('cpu0', 'cpu2'), 'cpu1', 2)).toBe(0);
  });

  it('consumes a choice only when more than one runnable is offered', () => {
    const s = new ChoicesScheduler([1, 1]);
    s.next(rs('cpu0'), null, 0);
    expect(s.used).toBe(0);
    s.next(rs('cpu0', 'cpu1'), 'cpu0', 1);
    expect(s.used).toBe(1);
  });

  it('after an interrupt delivery, 0 keeps stepping the CPU that took it', () => {
    const s = new ChoicesScheduler([2, 0]);
    const offered: Runnable[] = [...rs('cpu0', 'cpu1'), { id: 'irq:io#0@cpu1', cpu: 1, kind: 'hardirq' }];
    expect(s.next(offered, 'cpu0', 0)).toBe(2);
    expect(s.next(rs('cpu0', 'cpu1'), 'irq:io#0@cpu1', 1)).toBe(1);
  });
});

describe('RoundRobinScheduler and MetricsScheduler', () => {
  it('round robin goes to the next id; metrics count switches and preemptions', () => {
    const m = new MetricsScheduler(new RoundRobinScheduler());
    const two = rs('cpu0', 'cpu1');
    expect(m.next(two, null, 0)).toBe(0);
    expect(m.next(two, 'cpu0', 1)).toBe(1);
    expect(m.next(rs('cpu0'), 'cpu1', 2)).toBe(0);
    expect(m.steps).toBe(3);
    expect(m.contextSwitches).toBe(2);
    // cpu0 -> cpu1 while cpu0 could run: a preemption; cpu1 -> cpu0 when cpu1 could not: not one.
    expect(m.preemptions).toBe(1);
  });
});
