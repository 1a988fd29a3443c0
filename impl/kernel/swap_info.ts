// struct swap_info_struct, the part every design shares: a physical swap device's size, its swapon state and
// users reference, and what is written on it. How its slots are allocated and mapped back (v6's bitmaps and
// reverse map, the swap table's cluster tables) belongs to the design, which subclasses this.

export type PhysSlotState = 'free' | 'allocated' | 'bad';

export abstract class SwapInfo {
  /** What is written on the device, per slot (the bio write's payload lands here). */
  readonly data: number[];
  /** si->inuse_pages */
  inuse = 0;
  /**
   * SWP_WRITEOK: new slots may be allocated. swapoff clears it under swap_lock, the allocator reads it under a
   * cluster lock, so every access tells explore's dependency relation (Machine.touchShared, through `touch`).
   */
  get writeOk(): boolean {
    this.touch?.(this.#writeOkName);
    return this.#writeOk;
  }
  set writeOk(v: boolean) {
    this.touch?.(this.#writeOkName);
    this.#writeOk = v;
  }
  #writeOk = false;
  readonly #writeOkName: string;
  /** Records a named piece of shared state in the current step's footprint (set by the design's subclass). */
  protected touch: ((name: string) => void) | null = null;
  /** SWP_USED: swapped on (or on the way off). */
  on = false;
  /**
   * si->users (a percpu_ref): references taken by get_swap_device. Its gets and puts are atomic ops at bare points;
   * every access tells explore's dependency relation (`usersName`), so those points depend only on each other and
   * on swapoff's kill and wait.
   */
  get users(): number {
    this.touch?.(this.usersName);
    return this.#users;
  }
  set users(v: number) {
    this.touch?.(this.usersName);
    this.#users = v;
  }
  #users = 0;
  /** si->users is live (swapon made it so; swapoff's percpu_ref_kill ends it): new gets fail after that. */
  get usersLive(): boolean {
    this.touch?.(this.usersName);
    return this.#usersLive;
  }
  set usersLive(v: boolean) {
    this.touch?.(this.usersName);
    this.#usersLive = v;
  }
  #usersLive = false;
  /** The shared name of si->users (Machine.pointShared, touchShared). */
  readonly usersName: string;

  constructor(
    /** The swap type (index in swap_info[]). */
    readonly index: number,
    readonly slots: number,
    /** Slots per swap cluster (SWAPFILE_CLUSTER). */
    readonly clusterSize: number,
    /** The swap header's bad-page list. */
    readonly badList: readonly number[],
    /** A device whose slots hold data (not the STE's ghost device). */
    hasData = true,
  ) {
    this.data = new Array<number>(hasData ? slots : 0).fill(0);
    this.#writeOkName = `swap ${index} SWP_WRITEOK`;
    this.usersName = `swap ${index} users`;
  }

  /** The physical chart's view of one slot. */
  abstract slotState(offset: number): PhysSlotState;
  /** The virtual slot a physical slot's reverse map points at (0: none). */
  abstract rmapOf(offset: number): number;
}
