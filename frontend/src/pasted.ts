// A pool pasted into the Sample Selection form: one SMILES a line,
// optionally followed by a name (as in a .smi file). The lines go to the
// server as they are, blank ones included, so the line numbers of its
// refusal (SelectionInput.smiles: extensions.lines) are the textarea's.
import type { CombinedError } from 'urql';

/** MAX_PASTED_LINES is the server's cap on a pasted pool (activelearning.DefaultMaxPastedPool). */
export const MAX_PASTED_LINES = 5000;

/** pastedLines splits pasted text into its lines, trailing blank lines dropped (line N is element N-1). */
export function pastedLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

/** checkPasted says what is wrong with a pasted pool before it is sent ('' when nothing is). */
export function checkPasted(lines: string[]): string {
  if (!lines.some((l) => l.trim() !== '')) return 'Paste at least one SMILES, one a line.';
  if (lines.length > MAX_PASTED_LINES) {
    return `A pasted pool has at most ${MAX_PASTED_LINES.toLocaleString('en')} lines (this one has ${lines.length.toLocaleString('en')}); import a larger list as a compound set.`;
  }
  return '';
}

/** BadLine is one line of a pasted pool the server refused. */
export interface BadLine {
  /** 1-based, as in the textarea. */
  line: number;
  /** What the line says (its first 80 characters). */
  text: string;
  reason: string;
  /** 0-based character offset of the problem in the SMILES. */
  offset: number;
}

/** PastedRefusal is the server's refusal of a pasted pool: its bad lines, and how many there were. */
export interface PastedRefusal {
  lines: BadLine[];
  total: number;
}

/**
 * pastedRefusal reads a refused pasted pool from an error: BAD_USER_INPUT on
 * the field smiles with extensions.lines (line, reason, offset) and
 * extensions.badLines. null for any other error (shown as usual).
 */
export function pastedRefusal(err: CombinedError | undefined | null, lines: string[]): PastedRefusal | null {
  const e = err?.graphQLErrors?.find((g) => g.extensions?.field === 'smiles' && Array.isArray(g.extensions?.lines));
  if (!e) return null;
  const raw = e.extensions.lines as { line?: unknown; reason?: unknown; offset?: unknown }[];
  const bad = raw
    .filter((l) => typeof l.line === 'number')
    .map((l) => {
      const n = l.line as number;
      return { line: n, text: (lines[n - 1] ?? '').trim().slice(0, 80), reason: String(l.reason ?? ''), offset: typeof l.offset === 'number' ? l.offset : 0 };
    });
  const total = typeof e.extensions.badLines === 'number' ? e.extensions.badLines : bad.length;
  return { lines: bad, total };
}
