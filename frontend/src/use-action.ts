import { useCallback, useRef, useState } from 'react';
import type { OperationResult } from 'urql';
import { errorMessage } from './label';

/** Action is what useAction returns: whether an operation runs, its failure, and a runner. */
export interface Action {
  busy: boolean;
  /** The last failure as one readable line ('' when the last run succeeded). */
  error: string;
  setError: (e: string) => void;
  /** run performs op once (a second call while one runs is ignored and returns null) and records its failure. */
  run: <T>(op: () => Promise<OperationResult<T>>) => Promise<OperationResult<T> | null>;
}

/**
 * useAction holds the busy flag and failure message of one user action (a
 * submit, a preview, a retrain): the one copy of the busy/failure dance that
 * forms used to repeat.
 */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const running = useRef(false);
  const run = useCallback(async <T,>(op: () => Promise<OperationResult<T>>) => {
    if (running.current) return null;
    running.current = true;
    setBusy(true);
    setError('');
    try {
      const res = await op();
      if (res.error) setError(errorMessage(res.error));
      return res;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
