// Runs the vswap-check command as a user would: a separate process (node with tsx's loader, as bin/ does).
import { spawnSync } from 'node:child_process';

export function vswapCheck(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', cwd: process.cwd() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
