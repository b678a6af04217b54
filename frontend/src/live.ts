// The state of the subscription websocket, for pages that show live data:
// whether it is down and being retried, and how many times it has come
// back. graphql-ws resubscribes by itself after a reconnect, but events
// sent while the socket was down are not replayed, so a page that counts
// on them refreshes its queries once per reconnect (useLive().reconnects
// as a useRefetchOn key).
import { useSyncExternalStore } from 'react';

export interface Live {
  /** The socket closed abnormally and graphql-ws is retrying. */
  reconnecting: boolean;
  /** How many times the socket reconnected after such a close. */
  reconnects: number;
}

let state: Live = { reconnecting: false, reconnects: 0 };
const listeners = new Set<() => void>();

function set(next: Live) {
  state = next;
  for (const l of listeners) l();
}

/** liveConnected records graphql-ws's "connected" event. */
export function liveConnected(wasRetry: boolean) {
  if (wasRetry || state.reconnecting) set({ reconnecting: false, reconnects: state.reconnects + 1 });
}

/**
 * liveClosed records graphql-ws's "closed" event. Code 1000 is the client's
 * own lazy close when no page subscribes any more: nothing is missed then.
 */
export function liveClosed(code: number | undefined) {
  if (code !== 1000 && !state.reconnecting) set({ ...state, reconnecting: true });
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** useLive is the websocket's state, re-rendering when it changes. */
export function useLive(): Live {
  return useSyncExternalStore(subscribe, () => state);
}

/** resetLive restores the initial state (tests). */
export function resetLive() {
  set({ reconnecting: false, reconnects: 0 });
}
