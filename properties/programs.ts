// Runs a workload's programs as simulator tasks: each process's main thread and its other threads on their CPUs
// (every read checked against the process's shadow memory, kept exact by the kernel's page-table hooks), each
// kernel thread's background ops, children spawned at their fork.
import { wait_event, type Machine, type Task } from '../impl/sim/index.ts';
import type { Process, World } from '../impl/world/index.ts';
import * as ops from '../impl/world/ops.ts';
import { ShadowMemories } from './oracles/data.ts';
import { PAGES_PER_PROCESS, childName, threadName, type BackgroundProgram, type ProcessProgram, type ThreadOp } from './workload.ts';

/** The footprint name of the count of workload tasks still running (what the drain waits on). */
const WORKLOAD_TASKS = 'workload tasks';

export class ProgramRunner {
  /** Workload tasks still to finish (the leak check's drain waits for none). */
  private live = 0;
  private readonly shadows = new ShadowMemories();

  constructor(
    private readonly m: Machine,
    private readonly world: World,
    private readonly checking: boolean,
  ) {
    world.k.mmHooks = this.shadows;
  }

  /** Waits until every workload task has ended (a wait that depends only on their ends). */
  *waitIdle(what: string): Task {
    yield* wait_event(this.m, what, () => this.live === 0, WORKLOAD_TASKS);
  }

  private spawn(want: number, name: string, body: () => Task): void {
    const m = this.m;
    m.touchShared(WORKLOAD_TASKS);
    this.live++;
    // a task started on a CPU that went down runs on the next online one, as the scheduler would migrate it
    let cpu = want;
    while (!m.isOnline(cpu)) cpu = (cpu + 1) % m.cpus;
    m.spawn(cpu, name, () => this.counted(body));
  }

  private *counted(body: () => Task): Task {
    yield* body();
    this.m.touchShared(WORKLOAD_TASKS);
    this.live--;
  }

  /** Starts a process: its main thread, and its other threads, which share its address space. */
  spawnProcess(prog: ProcessProgram, proc: Process, name: string): void {
    const threads = prog.threads ?? [];
    // the main thread joins the others: a wait on their count, which each records as it ends
    const running = { n: threads.length };
    const joinKey = `${name} threads`;
    threads.forEach((t, i) => {
      const tname = threadName(name, i + 1);
      this.spawn(t.cpu, tname, () => this.runThread(t.ops, proc, tname, running, joinKey));
    });
    this.spawn(prog.cpu, name, () => this.runMain(prog, proc, name, () => running.n === 0, joinKey));
  }

  private *runThread(threadOps: readonly ThreadOp[], proc: Process, name: string, running: { n: number }, joinKey: string): Task {
    for (const op of threadOps) yield* this.runOp(op, proc, name);
    this.m.touchShared(joinKey);
    running.n--;
  }

  spawnBackground(b: BackgroundProgram, name: string): void {
    this.spawn(b.cpu, name, () => this.runBackground(b));
  }

  private *runMain(prog: ProcessProgram, proc: Process, name: string, joined: () => boolean, joinKey: string): Task {
    let children = 0;
    for (const op of prog.ops) {
      if (op.op === 'fork') {
        // the child's memory is what the parent's held at each PTE's copy (the page-table hooks record it)
        const child = yield* ops.op_fork(this.world, proc);
        ++children;
        if (child) this.spawnProcess(op.child, child, childName(name, children));
      } else {
        yield* this.runOp(op, proc, name);
      }
    }
    if (prog.threads?.length) yield* wait_event(this.m, `${name} joins its threads`, joined, joinKey);
    yield* ops.op_exit(this.world, proc);
  }

  /** One op of a thread (main or not) on the process's pages. */
  private *runOp(op: ThreadOp, proc: Process, thread: string): Task {
    const { world, m } = this;
    const shadow = this.shadows.of(proc.mm);
    switch (op.op) {
      case 'write':
        yield* ops.op_write(world, proc, op.page, op.value);
        // same step as the store (op_write returns from the step that stored)
        shadow.write(op.page, op.value);
        break;
      case 'fill':
        for (let page = op.start; page < Math.min(op.start + op.nr, PAGES_PER_PROCESS); page++) {
          yield* ops.op_write(world, proc, page, op.value);
          shadow.write(page, op.value);
        }
        break;
      case 'read': {
        const got = yield* ops.op_read(world, proc, op.page);
        // same step as the load
        const wrong = this.checking ? shadow.check(thread, op.page, got) : null;
        if (wrong) m.fail('data', wrong);
        break;
      }
      case 'mapLarge':
        // the zap clears the old PTEs (the hooks zero them); a new folio reads as zero
        yield* ops.op_map_large(world, proc, op.start, op.order);
        break;
      case 'pageout':
        yield* ops.op_pageout(world, proc, op.start, op.nr);
        break;
      case 'munmap':
        yield* ops.op_munmap(world, proc, op.start, op.nr);
        break;
    }
  }

  private *runBackground(b: BackgroundProgram): Task {
    const world = this.world;
    for (const op of b.ops) {
      switch (op.op) {
        case 'reclaim':
          yield* ops.op_reclaim(world, op.nr);
          break;
        case 'zswapWriteback':
          yield* ops.op_zswap_writeback(world, op.nr);
          break;
        case 'swapoff':
          yield* ops.op_swapoff(world, op.dev);
          break;
        case 'swapon':
          yield* ops.op_swapon(world, op.dev);
          break;
        case 'cpuOffline':
          yield* ops.op_cpu_offline(world, op.cpu);
          break;
      }
    }
  }
}
