// A worker thread (piscina): TypeScript through tsx's loader, as bin/ does, then one hunt batch per task (default),
// or one slice of an explore (exploreShard).
import { register } from 'tsx/esm/api';

register();
const { runBatch } = await import('./batch.ts');

export default function (task) {
  return runBatch(task);
}

// explore on the pool: one slice of the search per task (explorePool.ts)
const pool = await import('./explorePool.ts');
export function exploreShard(task) {
  return pool.exploreShard(task);
}
