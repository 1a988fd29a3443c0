// The CLI writes through the trace store's file helpers (atomic, no recursive mkdir).
export { FileError, ensureDir, checkOutputFile, writeFileAtomic } from '../traces/fs.ts';
