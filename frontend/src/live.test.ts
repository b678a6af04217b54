import { act, renderHook } from '@testing-library/react';
import { liveClosed, liveConnected, resetLive, useLive } from './live';

describe('useLive', () => {
  afterEach(() => act(() => resetLive()));

  it('ignores the first connection and the lazy close, counts a reconnect after an abnormal close', () => {
    const { result } = renderHook(() => useLive());
    act(() => liveConnected(false)); // first connection
    expect(result.current).toEqual({ reconnecting: false, reconnects: 0 });
    act(() => liveClosed(1000)); // the client's lazy close: nothing missed
    act(() => liveConnected(false));
    expect(result.current).toEqual({ reconnecting: false, reconnects: 0 });

    act(() => liveClosed(1006)); // the server went away
    expect(result.current).toEqual({ reconnecting: true, reconnects: 0 });
    act(() => liveClosed(undefined)); // a failed retry: still one outage
    expect(result.current.reconnecting).toBe(true);
    act(() => liveConnected(true));
    expect(result.current).toEqual({ reconnecting: false, reconnects: 1 });
  });

  it('counts a retry even when no close was seen', () => {
    const { result } = renderHook(() => useLive());
    act(() => liveConnected(true));
    expect(result.current).toEqual({ reconnecting: false, reconnects: 1 });
  });
});
