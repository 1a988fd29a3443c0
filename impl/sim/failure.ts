// A kernel bug found by the machine (or reported by the code via m.fail), as data plus a splat-like text.
import type { ContextKind, CpuId } from './types.ts';
import { renderSplat } from './splat.ts';

export interface HeldReport {
  /** Lock instance name (class name plus subclass when nested). */
  readonly lock: string;
  readonly kind: string;
  readonly ctx: ContextKind;
  /** "task 'x' on CPU#n at step s: what (after label)" */
  readonly where: string;
}

export interface CpuReport {
  readonly cpu: CpuId;
  readonly online: boolean;
  /** The running task (or swapper/N when idle). */
  readonly task: string;
  /** Bottom to top: the task, then interrupts running on top of it. */
  readonly contexts: readonly { readonly kind: ContextKind; readonly name: string }[];
  readonly irqsOn: boolean;
  readonly preemptCount: number;
  readonly rcuDepth: number;
  readonly atomic: readonly string[];
  readonly held: readonly HeldReport[];
  /** What the top context waits for (spinning or sleeping), or null. */
  readonly waitsFor: string | null;
  /** Other tasks queued on the CPU, with what each sleeps on. */
  readonly queued: readonly string[];
}

export interface FailureDetails {
  /** Kind-specific lines printed after the header (the kernel's splat body). */
  readonly lines?: readonly string[];
  readonly chains?: string[][];
  /** Overrides the kind's splat headline. */
  readonly headline?: string;
  readonly [key: string]: unknown;
}

export class SimFailure extends Error {
  readonly kind: string;
  cpus: CpuReport[];
  chains: string[][] | undefined;
  readonly details: FailureDetails;
  /** The step at which the failure was found (-1 if outside a step). */
  step: number;
  /** The CPU and context that found it. */
  origin: string;

  constructor(kind: string, message: string, details: FailureDetails = {}) {
    super(message);
    this.name = 'SimFailure';
    this.kind = kind;
    this.details = details;
    this.chains = details.chains;
    this.cpus = [];
    this.step = -1;
    this.origin = '';
  }

  /** The failure as a kernel-style splat. */
  text(): string {
    return renderSplat(this);
  }
}

export function isSimFailure(e: unknown): e is SimFailure {
  return e instanceof SimFailure;
}
