// Handles given to users: ids into the machine's table, branded per primitive.
declare const brand: unique symbol;
type Handle<B extends string> = { readonly id: number; readonly name: string; readonly [brand]: B };

export type SpinLock = Handle<'spinlock'>;
export type LocalLock = Handle<'local_lock'>;
export type Mutex = Handle<'mutex'>;
export type BitLock = Handle<'bit_lock'>;
export type AtomicHandle = Handle<'atomic'>;
export type RefcountHandle = Handle<'refcount'>;
/** A kmalloc'ed object. */
export type KObj = { readonly id: number; readonly what: string; readonly [brand]: 'kobj' };
