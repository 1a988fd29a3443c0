// The data oracle, exact under threads. Each page of a process has one value at each step of the run: the last
// store to it by any thread of the process, in the simulator's step order (a store is one step, and so is a load:
// the access happens in the step that finds the PTE present, and the oracle records it in that same step); zap sets
// it to 0 at the step it clears the page's PTE (munmap, mapLarge, exit), and a page never written reads 0; a fork
// child's page starts with what the parent's held at the step fork copied that PTE (so a thread's store during the
// fork reaches the child exactly when the kernel's copy-on-write says it does). A load must return the page's value
// at its own step, whatever was swapped out, written back, or swapped off in between.
import type { MmHooks, MmStruct } from '../../impl/kernel/mm/mm.ts';

export class ShadowMemory {
  private readonly pages = new Map<number, number>();

  write(page: number, value: number): void {
    if (value === 0) this.pages.delete(page);
    else this.pages.set(page, value);
  }

  expected(page: number): number {
    return this.pages.get(page) ?? 0;
  }

  /** One line describing a wrong read, or null. */
  check(thread: string, page: number, got: number): string | null {
    const want = this.expected(page);
    return got === want ? null : `${thread} read page ${page} = ${got}, but the last store there (by any thread) was ${want}: data lost`;
  }
}

/** The shadow of every address space, kept current by the kernel's page-table hooks. */
export class ShadowMemories implements MmHooks {
  private readonly byMm = new Map<MmStruct, ShadowMemory>();

  of(mm: MmStruct): ShadowMemory {
    let s = this.byMm.get(mm);
    if (!s) {
      s = new ShadowMemory();
      this.byMm.set(mm, s);
    }
    return s;
  }

  pteCleared(mm: MmStruct, page: number): void {
    this.byMm.get(mm)?.write(page, 0);
  }

  pteCopied(src: MmStruct, dst: MmStruct, page: number): void {
    this.of(dst).write(page, this.of(src).expected(page));
  }
}
