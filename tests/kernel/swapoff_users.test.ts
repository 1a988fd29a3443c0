// swapoff as the kernel runs it: no mutex across try_to_unuse (a swapon or another swapoff can run meanwhile), and
// the device's users reference (taken by tryget_swap_entry for a SWAPFILE slot) is killed and waited for before
// the device goes off.
import { describe, expect, it } from 'vitest';
import { swapoff, swapon } from '../../impl/kernel/mm/swapon.ts';
import { wait_event } from '../../impl/sim/index.ts';
import { op_exit, op_pageout, op_read, op_write } from '../../impl/world/ops.ts';
import { failureText, harness } from '../world/harness.ts';

const twoDevices = { zswapCapacity: 0, devices: [{ slots: 8, clusterSize: 4 }, { slots: 8, clusterSize: 4 }] };

describe('swapoff and the device users reference', () => {
  it('a reference taken by tryget_swap_entry holds swapoff back until it is put; new trygets get no device', () => {
    const h = harness(twoDevices, { cpus: 2 });
    const k = h.w.k;
    const p = h.w.createProcess(0);
    let paged = false;
    const seen: string[] = [];
    let ret = -1;
    const res = h.run(
      ['holder', 0, function* () {
        yield* op_write(h.w, p, 0, 3);
        yield* op_pageout(h.w, p, 0, 1);
        yield* wait_event(h.m, 'write done', () => !k.folios.some((f) => !f.freed && f.writeback));
        const ref = yield* k.swap.get_swap_device(1);
        expect(ref?.si?.index).toBe(0);
        paged = true;
        // swapoff has emptied the device and killed the reference: it now waits for this one
        yield* wait_event(h.m, 'users killed', () => !k.devices[0]!.usersLive);
        seen.push(`on=${k.devices[0]!.on}`);
        const late = yield* k.swap.get_swap_device(1);
        seen.push(`late si=${late?.si ? late.si.index : 'none'}`);
        if (late) yield* k.swap.put_swap_device(1, late);
        yield* k.swap.put_swap_device(1, ref!);
        expect(yield* op_read(h.w, p, 0)).toBe(3);
        yield* op_exit(h.w, p);
      }],
      ['swapoff', 1, function* () {
        yield* wait_event(h.m, 'paged out', () => paged);
        ret = yield* swapoff(k, 0);
        seen.push(`swapoff ${ret}`);
      }],
    );
    expect(failureText(res)).toBe('ok');
    expect(seen).toEqual(['on=true', 'late si=none', 'swapoff 0']);
    expect(k.devices[0]!.on).toBe(false);
    expect(h.mismatches).toEqual([]);
  });

  it('a swapon of the device during its swapoff is -EBUSY; a second swapoff of it is -EINVAL', () => {
    const h = harness(twoDevices, { cpus: 2, choices: new Array<number>(4000).fill(1) });
    const k = h.w.k;
    const p = h.w.createProcess(0);
    let paged = false;
    const got: number[] = [];
    const res = h.run(
      ['P', 0, function* () {
        yield* op_write(h.w, p, 0, 3);
        yield* op_pageout(h.w, p, 0, 1);
        yield* wait_event(h.m, 'write done', () => !k.folios.some((f) => !f.freed && f.writeback));
        paged = true;
        yield* wait_event(h.m, 'swapoff under way', () => !k.devices[0]!.writeOk);
        got.push(yield* swapon(k, 0), yield* swapoff(k, 0));
        expect(yield* op_read(h.w, p, 0)).toBe(3);
        yield* op_exit(h.w, p);
      }],
      ['swapoff', 1, function* () {
        yield* wait_event(h.m, 'paged out', () => paged);
        got.push(yield* swapoff(k, 0));
      }],
    );
    expect(failureText(res)).toBe('ok');
    expect(got.sort((a, b) => a - b)).toEqual([-22, -16, 0]);
  });
});
