// The allocator shim: live-object count, double free, and the runnable-id order contract with many interrupts.
import { describe, expect, it } from 'vitest';
import { ChoicesScheduler, Machine, kfree, kmalloc, type Runnable, type Scheduler } from '../../impl/sim/index.ts';

describe('memory', () => {
  it('counts live objects and reports a double free naming the first free', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]) });
    const live: number[] = [];
    m.spawn(0, 'freer', function* (m) {
      const a = yield* kmalloc(m, 'cluster', 'GFP_KERNEL');
      const b = yield* kmalloc(m, 'cluster', 'GFP_NOWAIT');
      live.push(m.liveObjects());
      kfree(m, a);
      live.push(m.liveObjects());
      yield* m.point('between frees');
      kfree(m, b!);
      kfree(m, a);
    });
    const r = m.run();
    expect(live).toEqual([2, 1]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('use-after-free');
    expect(r.failure.message).toContain("double-free of 'cluster'");
    expect(r.failure.text()).toMatch(/First freed by task 'freer' on CPU#0 at step \d+/);
  });
});

describe('failslab', () => {
  it('fails the named ranks of the atomic allocations only, and says so in the log', () => {
    const m = new Machine({ cpus: 1, scheduler: new ChoicesScheduler([]), failslab: [2] });
    const got: (string | null)[] = [];
    m.spawn(0, 'allocator', function* (m) {
      got.push((yield* kmalloc(m, 'a', 'GFP_ATOMIC'))?.what ?? null);
      got.push((yield* kmalloc(m, 'k', 'GFP_KERNEL')).what);
      got.push((yield* kmalloc(m, 'b', 'GFP_NOWAIT'))?.what ?? null);
      got.push((yield* kmalloc(m, 'c', 'GFP_ATOMIC'))?.what ?? null);
    });
    expect(m.run().ok).toBe(true);
    expect(got).toEqual(['a', 'k', null, 'c']);
    expect(m.log.some((e) => e.notes.some((n) => n.includes('failslab: kmalloc(b, GFP_NOWAIT) fails')))).toBe(true);
  });
});

describe('runnables', () => {
  it('are always offered sorted by id, with many CPUs and interrupts', () => {
    let checked = 0;
    const checker: Scheduler = {
      name: 'check-sorted',
      next(runnable: readonly Runnable[], current: string | null, step: number): number {
        for (let i = 1; i < runnable.length; i++) expect(runnable[i - 1]!.id < runnable[i]!.id).toBe(true);
        checked++;
        return (step * 7) % runnable.length;
      },
    };
    const m = new Machine({ cpus: 12, scheduler: checker });
    for (let c = 0; c < 12; c++) {
      m.spawn(c, `t${c}`, function* (m) {
        for (let i = 0; i < 12; i++) {
          m.raise_irq(`dev${i % 3}`, function* (m) {
            yield* m.point('irq');
          }, i % 2 === 0 ? { cpu: (c + i) % 12 } : {});
          m.raise_softirq('net', function* (m) {
            yield* m.point('softirq');
          });
          yield* m.point('work');
        }
      });
    }
    expect(m.run().ok).toBe(true);
    expect(checked).toBeGreaterThan(100);
  });
});
