import { CombinedError } from 'urql';
import { GraphQLError } from 'graphql';
import { leaveForNext, openRow, type Item } from './claiming';

const err = (code: string, message = code) => new CombinedError({ graphQLErrors: [new GraphQLError(message, { extensions: { code } })] });

describe('openRow', () => {
  it('claims the item of the row itself, and only that one', async () => {
    const calls: string[] = [];
    const row: Item = { id: 'item-7', status: 'PENDING' };
    const got = await openRow(row, async (id) => {
      calls.push(id);
      return { data: { claimItem: { item: { id, status: 'IN_PROGRESS' } } } };
    });
    expect(calls).toEqual(['item-7']);
    expect(got).toEqual({ kind: 'label', item: { id: 'item-7', status: 'IN_PROGRESS' } });
  });
  it('says when someone else holds it, and reports other failures as failures', async () => {
    const held = await openRow({ id: 'a', status: 'IN_PROGRESS' }, async () => ({ error: err('CONFLICT', 'queue item a is held by user b') }));
    expect(held.kind).toBe('held');
    const down = await openRow({ id: 'a', status: 'PENDING' }, async () => ({ error: new CombinedError({ networkError: new Error('down') }) }));
    expect(down.kind).toBe('failed');
  });
  it('does not ask for a labeled or skipped item', async () => {
    const calls: string[] = [];
    for (const status of ['LABELED', 'SKIPPED']) {
      expect(await openRow({ id: 'x', status }, async (id) => (calls.push(id), { data: { claimItem: { item: { id, status } } } }))).toEqual({ kind: 'closed' });
    }
    expect(calls).toEqual([]);
  });
});

describe('leaveForNext', () => {
  it('claims the next while still holding the current, then releases the current', async () => {
    const calls: string[] = [];
    const got = await leaveForNext(
      'cur',
      async () => (calls.push('claimNext'), { data: { claimNextItem: { item: { id: 'next' } } } }),
      async (id) => (calls.push(`release ${id}`), { data: {} }),
    );
    expect(calls).toEqual(['claimNext', 'release cur']);
    expect(got).toEqual({ next: { id: 'next' } });
  });
  it('keeps the current item when the next cannot be claimed', async () => {
    const calls: string[] = [];
    const got = await leaveForNext(
      'cur',
      async () => (calls.push('claimNext'), { error: err('INTERNAL') }),
      async (id) => (calls.push(`release ${id}`), { data: {} }),
    );
    expect(calls).toEqual(['claimNext']);
    expect(got.next).toBeNull();
    expect(got.error).toBeDefined();
  });
  it('releases the current one when nothing is left, and reports a failed release', async () => {
    const calls: string[] = [];
    const empty = await leaveForNext(
      'cur',
      async () => ({ data: { claimNextItem: { item: null } } }),
      async (id) => (calls.push(`release ${id}`), { data: {} }),
    );
    expect(calls).toEqual(['release cur']);
    expect(empty).toEqual({ next: null });
    const stuck = await leaveForNext('cur', async () => ({ data: { claimNextItem: { item: { id: 'n' } } } }), async () => ({ error: err('CONFLICT') }));
    expect(stuck.next).toEqual({ id: 'n' });
    expect(stuck.releaseError).toBeDefined();
  });
});
