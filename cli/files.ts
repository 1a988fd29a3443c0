// The CLI writes through the trace store's file helpers (atomic, no recursive mkdir).
export { FileError, ensureDir, checkOutputFile, writeFileAtomic } from '../traces/fs.ts';

import { relative, resolve } from 'node:path';

/** A path as a person would paste it: relative to here when below here, absolute otherwise. */
export function displayPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : resolve(p);
}
