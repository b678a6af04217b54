import { renderHook } from '@testing-library/react';
import { useRefetchOn } from './refresh';

describe('useRefetchOn', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for a first key, then refreshes at most once per window and always after the last change', () => {
    const calls: number[] = [];
    const refetch = () => calls.push(Date.now());
    const { rerender } = renderHook(({ key }) => useRefetchOn(key, refetch, 250), { initialProps: { key: undefined as number | undefined } });
    expect(calls).toHaveLength(0);

    rerender({ key: 1 }); // first event: at once
    expect(calls).toHaveLength(1);
    rerender({ key: 2 }); // a burst inside the window: one trailing refresh
    rerender({ key: 3 });
    rerender({ key: 4 });
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(249);
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(calls).toHaveLength(2);

    vi.advanceTimersByTime(1000); // quiet: the next event refreshes at once
    rerender({ key: 5 });
    expect(calls).toHaveLength(3);
  });

  it('ignores an empty key and cancels a pending refresh on unmount', () => {
    const calls: number[] = [];
    const { rerender, unmount } = renderHook(({ key }) => useRefetchOn(key, () => calls.push(1), 250), { initialProps: { key: '' } });
    expect(calls).toHaveLength(0);
    rerender({ key: 'a' });
    rerender({ key: 'b' });
    unmount();
    vi.advanceTimersByTime(1000);
    expect(calls).toHaveLength(1);
  });
});
