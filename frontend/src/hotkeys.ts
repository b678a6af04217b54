// The labeling card's keyboard shortcuts: what each key does, as a pure
// function of the key event, so it is tested apart from the page.
import type { LabelConfidence, LabelSource } from './label';

export type HotkeyAction =
  | { kind: 'save' }
  | { kind: 'skip' }
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'help' }
  | { kind: 'close' }
  | { kind: 'focus-value' }
  | { kind: 'confidence'; value: LabelConfidence }
  | { kind: 'next-confidence' }
  | { kind: 'class'; index: number }
  | { kind: 'source'; value: LabelSource };

/** HOTKEYS is the ? overlay's table for a regression card, in the order shown. */
export const HOTKEYS: { keys: string; what: string }[] = [
  { keys: 'Enter', what: 'Save the label and go to the next compound' },
  { keys: 'Esc', what: 'Leave the value field (so the keys below act), or close a dialog' },
  { keys: 'v', what: 'Back to the value field' },
  { keys: 's', what: 'Skip: asks for a reason; Enter in the reason skips' },
  { keys: 'n', what: 'Next compound, leaving this one unlabeled' },
  { keys: 'p or Ctrl+Z', what: 'Previous: my last label, to correct it' },
  { keys: '1 / 2 / 3', what: 'Confidence high / medium / low' },
  { keys: 'e / l / x', what: 'Source experimental / literature / expert estimate' },
  { keys: '?', what: 'Show or hide this list' },
];

/**
 * hotkeysFor is the ? overlay's table for a card whose class keys are keys
 * (classKeys; none for regression): on a classification card the digits
 * label with a class (saving and opening the next compound), so c steps
 * through the confidences instead.
 */
export function hotkeysFor(keys: string[], classes: string[]): { keys: string; what: string }[] {
  if (keys.length === 0) return HOTKEYS;
  const labeled = keys.flatMap((k, i) => (k ? [`${k} ${classes[i]}`] : []));
  return [
    { keys: keys.filter((k) => k).join(' / '), what: `Label as ${labeled.join(' / ')}, save and go to the next compound` },
    ...HOTKEYS.filter((h) => h.keys !== 'Enter' && h.keys !== '1 / 2 / 3' && h.keys !== 'v').map((h) =>
      h.keys === 'Esc' ? { keys: 'Esc', what: 'Leave the notes field (so the keys below act), or close a dialog' } : h,
    ),
    { keys: 'c', what: 'Confidence: high, then medium, then low' },
  ];
}

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The event comes from a text field, text area or select (its keys are typing). */
  inField: boolean;
  /** A dialog (skip reason, this help) is open. */
  dialogOpen: boolean;
}

/**
 * hotkeyAction maps a key press to a card action, or null to let the
 * browser have it. On a classification card classKeys (classKeys in
 * label.ts) are the keys of its classes: each labels with its class, and c
 * steps the confidence (the digits are taken). In a text field only Esc acts (and Enter, which the form
 * handles as a submit): digits and letters are typing there. While a dialog
 * is open only Esc acts (it closes the dialog).
 */
export function hotkeyAction(e: KeyInput, classKeys: string[] = []): HotkeyAction | null {
  if (e.key === 'Escape') return { kind: 'close' };
  if (e.dialogOpen || e.inField || e.altKey) return null;
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') return { kind: 'previous' };
  if (e.ctrlKey || e.metaKey) return null;
  if (classKeys.length > 0) {
    // A classification card: digits are classes, c steps the confidence.
    const k = e.key === '' ? -1 : classKeys.indexOf(e.key);
    if (k >= 0) return { kind: 'class', index: k };
    if (e.key === 'c') return { kind: 'next-confidence' };
    if (/^\d$/.test(e.key) || e.key === 'v') return null;
  }
  switch (e.key) {
    case 'Enter':
      return { kind: 'save' };
    case '?':
      return { kind: 'help' };
    case 's':
      return { kind: 'skip' };
    case 'n':
      return { kind: 'next' };
    case 'p':
      return { kind: 'previous' };
    case 'v':
      return { kind: 'focus-value' };
    case '1':
      return { kind: 'confidence', value: 'HIGH' };
    case '2':
      return { kind: 'confidence', value: 'MEDIUM' };
    case '3':
      return { kind: 'confidence', value: 'LOW' };
    case 'e':
      return { kind: 'source', value: 'EXPERIMENTAL' };
    case 'l':
      return { kind: 'source', value: 'LITERATURE' };
    case 'x':
      return { kind: 'source', value: 'EXPERT_ESTIMATE' };
    default:
      return null;
  }
}

/** isEditable says whether key presses on this element are typing. */
export function isEditable(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable) return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}
