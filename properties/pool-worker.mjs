// A hunt's worker thread (piscina): TypeScript through tsx's loader, as bin/ does, then one batch per task.
import { register } from 'tsx/esm/api';

register();
const { runBatch } = await import('./batch.ts');

export default function (task) {
  return runBatch(task);
}
