// How the labeling tab takes and leaves items: a row opened from the queue
// table is claimed itself (claimItem), not reserved and then claimed as
// "the next"; Next claims the next compound while still holding the
// current one (so the queue cannot hand the same one back) and then
// releases the current one (releaseItem). Pure of React, so tested alone.
import type { CombinedError } from 'urql';

/** Result is what a urql operation resolves to (the part used here). */
export interface Result<T> {
  data?: T | null;
  error?: CombinedError;
}

/** Item is the part of a queue item these steps read. */
export interface Item {
  id: string;
  status: string;
}

/** RowOpen is what opening a queue row gave. */
export type RowOpen<I extends Item> =
  | { kind: 'label'; item: I } // claimed (or already mine): label it
  | { kind: 'closed' } // labeled or skipped: nothing to claim
  | { kind: 'held'; error: CombinedError } // someone else holds or reserved it
  | { kind: 'failed'; error: CombinedError };

/**
 * openRow claims the item a queue row opened: claimItem(item.id), which
 * takes a free item, renews my own claim, or reclaims one whose lease
 * lapsed; the server answers CONFLICT when someone else holds it (or it is
 * reserved for someone else), and the tab then says who. A labeled or
 * skipped item is not asked for.
 */
export async function openRow<I extends Item>(item: I, claimItem: (itemId: string) => Promise<Result<{ claimItem: { item: I } }>>): Promise<RowOpen<I>> {
  if (item.status === 'LABELED' || item.status === 'SKIPPED') return { kind: 'closed' };
  const res = await claimItem(item.id);
  if (res.error) {
    const conflict = res.error.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');
    return conflict ? { kind: 'held', error: res.error } : { kind: 'failed', error: res.error };
  }
  return { kind: 'label', item: res.data?.claimItem.item ?? item };
}

/** NextResult is what Next gave: the next item (null when the queue has none left) and what failed. */
export interface NextResult<I> {
  next: I | null;
  /** The claim of the next failed: the current item is still held. */
  error?: CombinedError;
  /** The next was claimed but the current could not be handed back (its lease will lapse). */
  releaseError?: CombinedError;
}

/**
 * leaveForNext is Next: claim the next compound first, while the current
 * one is still held (so claimNextItem cannot return it), then release the
 * current one, unlabeled, to the queue. When the claim fails nothing is
 * released; when nothing is left, the current one is still released.
 */
export async function leaveForNext<I>(
  currentId: string,
  claimNext: () => Promise<Result<{ claimNextItem: { item: I | null } }>>,
  release: (itemId: string) => Promise<Result<unknown>>,
): Promise<NextResult<I>> {
  const claimed = await claimNext();
  if (claimed.error) return { next: null, error: claimed.error };
  const next = claimed.data?.claimNextItem.item ?? null;
  const released = await release(currentId);
  return released.error ? { next, releaseError: released.error } : { next };
}
