import type { ReactNode } from 'react';

/**
 * Alert shows one message where it belongs (next to what failed): an error
 * (role alert, read out at once) or a notice (role status, read politely).
 * Nothing is rendered when there is no message.
 */
export function Alert({ kind = 'error', id, children }: { kind?: 'error' | 'notice'; id?: string; children: ReactNode }) {
  if (children === '' || children === null || children === undefined || children === false) return null;
  return kind === 'error' ? (
    <p id={id} className="error" role="alert">
      {children}
    </p>
  ) : (
    <p id={id} className="notice" role="status">
      {children}
    </p>
  );
}
