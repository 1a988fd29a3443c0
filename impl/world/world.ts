// The workload's side of the machine: processes (an mm each, charged to one memcg) on top of one simulated kernel.
import type { SlotEventListener } from '../../model/events.ts';
import type { KernelConfig } from '../kernel/config.ts';
import { createKernel } from '../kernel/designs.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { MmStruct } from '../kernel/mm/mm.ts';
import { mm_alloc } from '../kernel/mm/mm.ts';
import type { Machine } from '../sim/index.ts';

export interface Process {
  readonly pid: number;
  readonly mm: MmStruct;
  /** memcg id (1-based; 0 would mean none). */
  readonly memcg: number;
  exited: boolean;
}

export class World {
  readonly k: Kernel;
  readonly processes: Process[] = [];
  private nextPid = 1;

  /** Builds the kernel; devices configured `on` (the default) are swapped on at boot, with their bad slots marked. */
  constructor(
    readonly m: Machine,
    config: Partial<KernelConfig> = {},
    listener?: SlotEventListener,
  ) {
    this.k = createKernel(m, config, listener);
    this.k.devices.forEach((si, i) => {
      if (this.k.config.devices[i]!.on !== false) this.k.swap.setup_swap_device(si);
    });
  }

  get config(): KernelConfig {
    return this.k.config;
  }

  /** A new process with an empty address space in memcg number memcgIndex (0-based). Plain: call at setup. */
  createProcess(memcgIndex = 0): Process {
    if (!Number.isInteger(memcgIndex) || memcgIndex < 0 || memcgIndex >= this.k.config.memcgs) {
      throw new Error(`memcg index ${memcgIndex} out of range (memcgs: ${this.k.config.memcgs})`);
    }
    const p: Process = { pid: this.nextPid++, mm: mm_alloc(this.k), memcg: memcgIndex + 1, exited: false };
    this.processes.push(p);
    return p;
  }
}
