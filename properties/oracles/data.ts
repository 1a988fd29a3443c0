// The data oracle: each process is driven by one CPU, so its memory has a sequential meaning. A read must return
// the last value that process wrote to the page (fork copies the values; an unmapped or never-written page reads 0),
// whatever was swapped out, written back, or swapped off in between.

export class ShadowMemory {
  private readonly pages: Map<number, number>;

  constructor(from?: ShadowMemory) {
    this.pages = new Map(from?.pages);
  }

  write(page: number, value: number): void {
    if (value === 0) this.pages.delete(page);
    else this.pages.set(page, value);
  }

  /** A freshly mapped folio (of any order) reads as zero. */
  zero(start: number, nr: number): void {
    for (let p = start; p < start + nr; p++) this.pages.delete(p);
  }

  expected(page: number): number {
    return this.pages.get(page) ?? 0;
  }

  /** One line describing a wrong read, or null. */
  check(process: string, page: number, got: number): string | null {
    const want = this.expected(page);
    return got === want ? null : `${process} read page ${page} = ${got}, but its last write there was ${want}: data lost`;
  }
}
