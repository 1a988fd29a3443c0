// The lock-release invariants are wired for every lock they describe: a corruption made between two operations (a
// cluster count off by one, a PTE naming a free slot) is reported as 'invariant' at the next release of the lock
// that protects it, in every design; the same operations without the corruption pass.
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../impl/kernel/kernel.ts';
import { asSwapTable } from '../../impl/kernel/swap_table/kernel.ts';
import { asV6 } from '../../impl/kernel/v6/design.ts';
import { op_exit, op_pageout, op_read, op_write } from '../../impl/world/ops.ts';
import { harness, failureText } from '../world/harness.ts';

function run(design: 'v6' | 'ste' | 'mainline', corrupt: ((k: Kernel) => void) | null, zswap = 4) {
  const h = harness({ design, clusterSize: 4, zswapCapacity: zswap }, { cpus: 1 });
  const w = h.w;
  const p = w.createProcess(0);
  const res = h.run(['P', 0, function* () {
    yield* op_write(w, p, 0, 1);
    yield* op_write(w, p, 1, 2);
    yield* op_pageout(w, p, 0, 1);
    corrupt?.(w.k);
    // the next operations take the corrupted structure's lock
    yield* op_pageout(w, p, 1, 1);
    yield* op_read(w, p, 0);
    yield* op_exit(w, p);
  }]);
  return res;
}

describe('lock-release invariants', () => {
  const cases: [string, 'v6' | 'ste' | 'mainline', (k: Kernel) => void, RegExp, number?][] = [
    ['v6 vswap cluster count', 'v6', (k) => void asV6(k).clusterMap.get(0)!.count++, /vswap cluster 0 count \d+, but \d+ bits are set/],
    [
      'STE vswap cluster count',
      'ste',
      (k) => void [...asSwapTable(k).vswap!.si.clusterInfo.values()].find((ci) => ci.id !== 0 && ci.count > 0)!.count++,
      /vswap cluster \d+ count \d+, but \d+ of its slots are used/,
    ],
    ['mainline physical cluster count', 'mainline', (k) => void asSwapTable(k).devices[0]!.clusterInfo.get(0)!.count++, /swap0 cluster 0 count \d+, but \d+ of its slots are used/],
    [
      'a PTE naming a free slot (page-table lock)',
      'v6',
      (k) => {
        const mm = k.mms[0]!;
        mm.ptes.set(5, { kind: 'swap', entry: 7 });
      },
      /page 5: the swap PTE holds vswap 7, which is free/,
    ],
  ];
  for (const [what, design, corrupt, message] of cases) {
    it(`${what}: reported at the next release`, () => {
      expect(failureText(run(design, null))).toBe('ok');
      const res = run(design, corrupt);
      expect(res.ok ? 'ok' : res.failure.kind, failureText(res)).toBe('invariant');
      expect(res.ok ? '' : res.failure.message, failureText(res)).toMatch(message);
    });
  }
});
