// Runs a workload's programs as simulator tasks: each process on the CPU that drives it (its reads checked against
// its own sequential memory), each kernel thread's background ops, children spawned at their fork.
import { type Machine, type Task } from '../impl/sim/index.ts';
import type { Process, World } from '../impl/world/index.ts';
import * as ops from '../impl/world/ops.ts';
import { ShadowMemory } from './oracles/data.ts';
import { PAGES_PER_PROCESS, childName, type BackgroundProgram, type ProcessProgram } from './workload.ts';

export class ProgramRunner {
  /** Workload tasks still to finish (the leak check's drain waits for none). */
  private live = 0;

  constructor(
    private readonly m: Machine,
    private readonly world: World,
    private readonly checking: boolean,
  ) {}

  get idle(): boolean {
    return this.live === 0;
  }

  private spawn(want: number, name: string, body: () => Task): void {
    const m = this.m;
    this.live++;
    // a process forked onto a CPU that went down runs on the next online one, as the scheduler would migrate it
    let cpu = want;
    while (!m.isOnline(cpu)) cpu = (cpu + 1) % m.cpus;
    m.spawn(cpu, name, () => this.counted(body));
  }

  private *counted(body: () => Task): Task {
    yield* body();
    this.live--;
  }

  spawnProcess(prog: ProcessProgram, proc: Process, shadow: ShadowMemory, name: string): void {
    this.spawn(prog.cpu, name, () => this.runProcess(prog, proc, shadow, name));
  }

  spawnBackground(b: BackgroundProgram, name: string): void {
    this.spawn(b.cpu, name, () => this.runBackground(b));
  }

  private *runProcess(prog: ProcessProgram, proc: Process, shadow: ShadowMemory, name: string): Task {
    const { world, m } = this;
    let children = 0;
    for (const op of prog.ops) {
      switch (op.op) {
        case 'write':
          yield* ops.op_write(world, proc, op.page, op.value);
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
          const wrong = this.checking ? shadow.check(name, op.page, got) : null;
          if (wrong) m.fail('data', wrong);
          break;
        }
        case 'mapLarge': {
          const mapped = yield* ops.op_map_large(world, proc, op.start, op.order);
          if (mapped) shadow.zero(mapped.start, mapped.nr);
          break;
        }
        case 'pageout':
          yield* ops.op_pageout(world, proc, op.start, op.nr);
          break;
        case 'munmap':
          yield* ops.op_munmap(world, proc, op.start, op.nr);
          shadow.zero(op.start, op.nr);
          break;
        case 'fork': {
          const child = yield* ops.op_fork(world, proc);
          ++children;
          if (child) this.spawnProcess(op.child, child, new ShadowMemory(shadow), childName(name, children));
          break;
        }
      }
    }
    yield* ops.op_exit(world, proc);
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
