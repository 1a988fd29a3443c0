// Lock classes: one per (name, subclass), like lockdep's lock_class keyed by lock_class_key + subclass.
import type { Where } from '../state.ts';

/** Usage bits, after lockdep's LOCK_USED_IN_HARDIRQ, LOCK_ENABLED_HARDIRQ, and the softirq pair. */
export const USED_IN_HARDIRQ = 0;
export const ENABLED_HARDIRQ = 1;
export const USED_IN_SOFTIRQ = 2;
export const ENABLED_SOFTIRQ = 3;
export const USAGE_NAMES = ['IN-HARDIRQ-W', 'HARDIRQ-ON-W', 'IN-SOFTIRQ-W', 'SOFTIRQ-ON-W'] as const;

/** A dependency prev -> next: `next` was taken while `prev` was held. */
export interface Edge {
  readonly from: number;
  readonly to: number;
  /** Where `next` was taken (the first time this edge was seen). */
  readonly where: Where;
  /** Where `prev` had been taken then. */
  readonly heldWhere: Where;
}

export interface LockClass {
  readonly id: number;
  readonly name: string;
  readonly subclass: number;
  readonly out: Map<number, Edge>;
  readonly in: Map<number, Edge>;
  usage: number;
  readonly usageWhere: (Where | null)[];
}

export class ClassTable {
  readonly all: LockClass[] = [];
  private readonly byKey = new Map<string, number>();

  classFor(name: string, subclass: number): number {
    const key = subclass === 0 ? name : `${name}/${subclass}`;
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.all.length;
      this.all.push({ id, name, subclass, out: new Map(), in: new Map(), usage: 0, usageWhere: [null, null, null, null] });
      this.byKey.set(key, id);
    }
    return id;
  }

  /** Classes seen so far. */
  get size(): number {
    return this.all.length;
  }

  /** Dependencies (class A held while class B was taken) learnt so far. */
  edgeCount(): number {
    return this.all.reduce((n, c) => n + c.out.size, 0);
  }

  get(id: number): LockClass {
    return this.all[id]!;
  }

  /** The class as lockdep prints it: name, or name/subclass. */
  label(id: number): string {
    const c = this.get(id);
    return c.subclass === 0 ? c.name : `${c.name}/${c.subclass}`;
  }

  /** Shortest path from `from` to `to` along dependencies (breadth-first), as edges; null if none. */
  path(from: number, to: number, dir: 'out' | 'in' = 'out'): Edge[] | null {
    if (from === to) return [];
    const via = new Map<number, Edge>();
    const queue = [from];
    for (let qi = 0; qi < queue.length; qi++) {
      const c = this.get(queue[qi]!);
      for (const [next, edge] of c[dir]) {
        if (next === from || via.has(next)) continue;
        via.set(next, edge);
        if (next === to) return this.unwind(via, from, to, dir);
        queue.push(next);
      }
    }
    return null;
  }

  /** First class reachable from `start` (itself included) whose usage has `bit`, with the path to it. */
  findUsage(start: number, bit: number, dir: 'out' | 'in'): { cls: number; path: Edge[] } | null {
    if ((this.get(start).usage & (1 << bit)) !== 0) return { cls: start, path: [] };
    const via = new Map<number, Edge>();
    const queue = [start];
    for (let qi = 0; qi < queue.length; qi++) {
      for (const [next, edge] of this.get(queue[qi]!)[dir]) {
        if (next === start || via.has(next)) continue;
        via.set(next, edge);
        if ((this.get(next).usage & (1 << bit)) !== 0) return { cls: next, path: this.unwind(via, start, next, dir) };
        queue.push(next);
      }
    }
    return null;
  }

  private unwind(via: Map<number, Edge>, from: number, to: number, dir: 'out' | 'in'): Edge[] {
    const edges: Edge[] = [];
    for (let cur = to; cur !== from; ) {
      const e = via.get(cur)!;
      edges.push(e);
      cur = dir === 'out' ? e.from : e.to;
    }
    return dir === 'out' ? edges.reverse() : edges;
  }
}
