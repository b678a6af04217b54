import { useEffect, useRef } from 'react';

type Refetch = (opts: { requestPolicy: 'network-only' }) => void;

/**
 * useRefetchOn re-runs a query from the network each time key changes to a
 * defined, non-empty value (a queue event's sequence number, a cycle's
 * status), at most once per `wait` ms: a burst of events (ten labelers
 * submitting at once) costs each open view one request per window, not one
 * per event, and the last change is always followed by a refresh.
 */
export function useRefetchOn(key: unknown, refetch: Refetch, wait = 250) {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (key === undefined || key === '') return;
    if (timer.current !== undefined) return; // the scheduled refresh will see this change too
    const run = () => {
      timer.current = undefined;
      last.current = Date.now();
      refetch({ requestPolicy: 'network-only' });
    };
    const delay = last.current + wait - Date.now();
    if (delay <= 0) run();
    else timer.current = setTimeout(run, delay);
  }, [key, refetch, wait]);
  useEffect(() => () => clearTimeout(timer.current), []);
}

/**
 * usePoll re-runs a query from the network every `every` ms while active
 * (a model training, a background import running), and stops when it is
 * not.
 */
export function usePoll(active: boolean, refetch: Refetch, every: number) {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), every);
    return () => clearInterval(t);
  }, [active, refetch, every]);
}
