/**
 * DialogButtons is a dialog form's footer: its submit button (disabled
 * while busy, reading busyLabel then when one is given) and Cancel.
 */
export function DialogButtons({ label, busy, busyLabel, onCancel }: { label: string; busy: boolean; busyLabel?: string; onCancel: () => void }) {
  return (
    <div className="actions">
      <button type="submit" disabled={busy}>
        {busy && busyLabel ? busyLabel : label}
      </button>
      <button type="button" className="secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
