import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { Alert } from './Alert';
import { AMEND, CLAIM, CLAIM_ITEM, HELD, MY_LABELS, QUEUE_ITEM, RELEASE, SKIP, SUBMIT, SUBMIT_CONFIRMED, type Counts, type QueueItem, type User } from './api';
import { useCapabilities } from './capabilities';
import { leaveForNext, openRow } from './claiming';
import { HOTKEYS, hotkeyAction, isEditable } from './hotkeys';
import { DEFAULT_PREFS, LabelForm, type LabelInput, type LabelPrefs } from './LabelForm';
import { errorMessage, formatNumber, parseLabelValue, type Task } from './label';
import { Neighbours } from './Neighbours';
import { PredictionPanel } from './PredictionPanel';
import { csvColumn, type Range } from './prediction';
import { Properties } from './Properties';
import { useRefetchOn } from './refresh';
import { modelHref } from './route';
import { Structure } from './Structure';

interface Props {
  modelId: string;
  endpoint: string;
  task: Task;
  range: Range | null;
  user: User;
  counts: Counts;
  /** A queue item opened from the queue table (claim it, or show who holds it). */
  itemId?: string;
  refreshKey?: string;
}

type Dialog = null | 'skip' | 'help' | 'amend';

/** A refusal of an implausible value (label-lifecycle API): its reason and range, to confirm. */
interface Implausible {
  input: LabelInput;
  message: string;
  range: string;
}

/**
 * LabelTab is a labeler's loop for one model, keyboard first: claim the
 * next compound, label (Enter), skip (s), go on. The card fits one laptop
 * screen: structure and properties on the left; prediction, applicability,
 * the form and the nearest neighbours on the right.
 */
export function LabelTab({ modelId, endpoint, task, range, user, counts, itemId, refreshKey }: Props) {
  const caps = useCapabilities();
  const [, claim] = useMutation(CLAIM);
  const [, submitLabel] = useMutation(SUBMIT);
  const [, submitConfirmed] = useMutation(SUBMIT_CONFIRMED);
  const [, skipItem] = useMutation(SKIP);
  const [, claimItem] = useMutation(CLAIM_ITEM);
  const [, release] = useMutation(RELEASE);
  const [, amend] = useMutation(AMEND);
  const [item, setItem] = useState<QueueItem | null>(null);
  const [prefs, setPrefs] = useState<LabelPrefs>(DEFAULT_PREFS);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  // Where a failure shows: at the claim button, or at the form.
  const [claimFailure, setClaimFailure] = useState('');
  const [formFailure, setFormFailure] = useState<ReactNode>('');
  const [implausible, setImplausible] = useState<Implausible | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [session, setSession] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const valueRef = useRef<HTMLInputElement>(null);
  const canLabel = user.role !== 'VIEWER';

  // The endpoint's measured values (the export), for the distribution drawn behind the interval.
  const [observed, setObserved] = useState<number[]>([]);
  useEffect(() => {
    let live = true;
    fetch(`/export/measurements.csv?endpoint=${encodeURIComponent(endpoint)}`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.text() : ''))
      .then((t) => live && setObserved(csvColumn(t, 'value')))
      .catch(() => live && setObserved([]));
    return () => {
      live = false;
    };
  }, [endpoint]);

  // A compound this user already holds (claimed before a reload) comes back
  // first, so its lease is not left to expire.
  const [held] = useQuery({ query: HELD, variables: { id: modelId, me: user.id }, pause: !!itemId });
  const heldItem = held.data?.labelQueue.edges[0]?.node;
  useEffect(() => {
    if (heldItem) setItem((cur) => cur ?? heldItem);
  }, [heldItem]);

  // My labels: today's progress and my history, newest first.
  const [mine, refetchMine] = useQuery({
    query: MY_LABELS,
    variables: { id: modelId, me: user.id },
    pause: !canLabel,
  });
  useRefetchOn(refreshKey, refetchMine);
  const history = [...(mine.data?.labelQueue.edges.map((e) => e.node) ?? [])].sort((a, b) => (b.labeledAt ?? '').localeCompare(a.labeledAt ?? ''));
  const today = new Date().toISOString().slice(0, 10);
  const labeledToday = history.filter((h) => (h.labeledAt ?? '').slice(0, 10) === today).length;

  const claimNext = useCallback(async () => {
    setBusy(true);
    setClaimFailure('');
    const res = await claim({ modelId });
    setBusy(false);
    if (res.error) {
      setClaimFailure(errorMessage(res.error));
      return;
    }
    const next = res.data?.claimNextItem.item ?? null;
    setItem(next);
    setFormFailure('');
    setImplausible(null);
    if (!next) setNotice('Nothing left to label in this queue.');
  }, [claim, modelId]);

  // An item opened from the queue: claim that very item (claimItem); when
  // someone else holds it, read it again and say who.
  const [opened, refetchOpened] = useQuery({ query: QUEUE_ITEM, variables: { id: itemId ?? '' }, pause: !itemId });
  const openedItem = opened.data?.queueItem;
  const tried = useRef<string | null>(null);
  useEffect(() => {
    if (!openedItem || !canLabel || tried.current === openedItem.id) return;
    tried.current = openedItem.id;
    void (async () => {
      setBusy(true);
      const got = await openRow(openedItem, (id) => claimItem({ itemId: id }));
      setBusy(false);
      if (got.kind === 'label') {
        setItem(got.item);
        setClaimFailure('');
      } else if (got.kind === 'held') {
        refetchOpened({ requestPolicy: 'network-only' });
      } else if (got.kind === 'failed') {
        setClaimFailure(errorMessage(got.error));
      }
    })();
  }, [openedItem, canLabel, claimItem, refetchOpened]);

  // failed reports a label or skip the server refused, at the form. A
  // conflict means the item is no longer this labeler's (the lease expired
  // and someone else took it, or it was labeled meanwhile): drop it so the
  // next can be claimed.
  function failed(err: CombinedError, input?: LabelInput) {
    const first = err.graphQLErrors[0];
    if (input && first?.extensions?.code === 'IMPLAUSIBLE_VALUE') {
      const ext = first.extensions as { range?: unknown; min?: unknown; max?: unknown };
      const r = ext.range ?? (ext.min !== undefined ? `${ext.min} to ${ext.max}` : '');
      setImplausible({ input, message: first.message, range: typeof r === 'string' ? r : JSON.stringify(r) });
      return;
    }
    const conflict = err.graphQLErrors.some((e) => e.extensions?.code === 'CONFLICT');
    if (conflict) {
      setItem(null);
      setClaimFailure(errorMessage(err) + ' Claim the next compound.');
    } else {
      setFormFailure(errorMessage(err));
    }
  }

  async function onSubmit(input: LabelInput, confirmed = false) {
    if (!item || busy) return;
    setBusy(true);
    setFormFailure('');
    setImplausible(null);
    const res = await (confirmed ? submitConfirmed : submitLabel)({ itemId: item.id, ...input });
    setBusy(false);
    if (res.error) return failed(res.error, input);
    setNotice(`Labeled ${item.compound.name || item.compound.inputSmiles}: ${formatNumber(input.value)}.`);
    setSession((n) => n + 1);
    refetchMine({ requestPolicy: 'network-only' });
    if (itemId) window.history.replaceState(null, '', modelHref(modelId, 'label'));
    await claimNext();
  }

  async function onSkip(reason: string) {
    if (!item || busy) return;
    setBusy(true);
    setFormFailure('');
    const res = await skipItem({ itemId: item.id, reason });
    setBusy(false);
    if (res.error) return failed(res.error);
    setDialog(null);
    setNotice(`Skipped ${item.compound.name || item.compound.inputSmiles}.`);
    if (itemId) window.history.replaceState(null, '', modelHref(modelId, 'label'));
    await claimNext();
  }

  async function onNext() {
    if (!item || busy) return;
    if (!caps.releaseItem) {
      setNotice('Next (leaving this compound unlabeled) needs the server to hand items back (releaseItem); skip it with a reason instead.');
      return;
    }
    setBusy(true);
    setClaimFailure('');
    const left = item;
    const got = await leaveForNext(left.id, () => claim({ modelId }), (id) => release({ itemId: id }));
    setBusy(false);
    if (got.error) return failed(got.error);
    setItem(got.next);
    setFormFailure('');
    setImplausible(null);
    if (itemId) window.history.replaceState(null, '', modelHref(modelId, 'label'));
    const name = left.compound.name || left.compound.inputSmiles;
    if (got.releaseError) setNotice(`${name} could not be handed back (${errorMessage(got.releaseError)}); it returns to the queue when your claim lapses.`);
    else setNotice(got.next ? `Left ${name} unlabeled for someone else.` : `Left ${name} unlabeled; nothing else is left to label.`);
  }

  function onPrevious() {
    if (!caps.amendLabel) {
      setNotice('Correcting a label needs the server’s amendLabel (coming with the label lifecycle).');
      return;
    }
    if (history.length === 0) {
      setNotice('You have no label to go back to yet.');
      return;
    }
    setDialog('amend');
  }

  // The card's hotkeys (see HOTKEYS), on the whole page while this tab shows.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    const a = hotkeyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField: isEditable(e.target), dialogOpen: dialog !== null });
    if (!a) return;
    if (a.kind === 'close') {
      if (dialog) {
        setDialog(null);
        e.preventDefault();
      } else if (isEditable(e.target)) {
        (e.target as HTMLElement).blur();
        e.preventDefault();
      }
      return;
    }
    if (a.kind === 'help') {
      setDialog('help');
      e.preventDefault();
      return;
    }
    if (!item || !canLabel) return;
    // Enter on a focused button or link is that control's own.
    if (a.kind === 'save' && e.target instanceof HTMLElement && ['BUTTON', 'A', 'SUMMARY'].includes(e.target.tagName)) return;
    e.preventDefault();
    switch (a.kind) {
      case 'save':
        formRef.current?.requestSubmit();
        break;
      case 'skip':
        setDialog('skip');
        break;
      case 'next':
        void onNext();
        break;
      case 'previous':
        onPrevious();
        break;
      case 'focus-value':
        valueRef.current?.focus();
        break;
      case 'confidence':
        setPrefs((p) => ({ ...p, confidence: a.value }));
        break;
      case 'source':
        setPrefs((p) => ({ ...p, source: a.value }));
        break;
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  const left = counts.pending + counts.inProgress;
  return (
    <div className="label-tab">
      <p className="session muted" data-testid="session">
        <span>
          Today: <strong data-testid="labeled-today">{labeledToday}</strong> labeled by you
        </span>
        {session > 0 && <span> · {session} this session</span>}
        <span>
          {' '}
          · <strong>{left}</strong> left in the queue
        </span>
        {notice && (
          <span className="notice" role="status">
            {notice}
          </span>
        )}
        <button type="button" className="link" onClick={() => setDialog('help')} aria-keyshortcuts="?">
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </p>
      {!canLabel && <p>Viewers can watch the queue; labeling needs the scientist role.</p>}
      {itemId && openedItem && !item && <OpenedItem item={openedItem} me={user} />}
      {canLabel && !item && (
        <div className="claim">
          <button onClick={claimNext} disabled={busy}>
            {busy ? 'Claiming…' : 'Claim next compound'}
          </button>
          <Alert>{claimFailure}</Alert>
        </div>
      )}
      {canLabel && item && (
        <article className="card" aria-label="Compound to label" data-testid="label-card">
          <div className="card-left">
            <h3 className="ellipsis" title={item.compound.name}>
              {item.compound.name || 'Unnamed compound'}
            </h3>
            <Structure smiles={item.compound.inputSmiles} label={item.compound.name || item.compound.inputSmiles} width={300} height={180} />
            {/* Focusable: a very long SMILES scrolls inside its box, and a keyboard must reach it. */}
            <p className="smiles" data-testid="smiles" tabIndex={0}>
              {item.compound.inputSmiles}
            </p>
            <Properties descriptors={item.compound.descriptors} />
          </div>
          <div className="card-right">
            <PredictionPanel
              endpoint={endpoint}
              prediction={item.prediction}
              uncertainty={item.uncertainty}
              distance={item.applicabilityDistance}
              range={range}
              strategy={item.selectionStrategy}
              observed={observed}
            />
            <LabelForm
              key={item.id}
              task={task}
              prefs={prefs}
              onPrefsChange={setPrefs}
              busy={busy}
              onSubmit={(i) => onSubmit(i)}
              failure={formFailure}
              formRef={formRef}
              valueRef={valueRef}
            >
              <button type="button" className="secondary" disabled={busy} onClick={() => setDialog('skip')} aria-keyshortcuts="s">
                Skip…
              </button>
              {caps.releaseItem && (
                <button type="button" className="secondary" disabled={busy} onClick={onNext} aria-keyshortcuts="n">
                  Next
                </button>
              )}
              {caps.amendLabel && (
                <button type="button" className="secondary" disabled={busy || history.length === 0} onClick={onPrevious} aria-keyshortcuts="p">
                  Previous
                </button>
              )}
            </LabelForm>
            {implausible && (
              <div className="implausible" role="alert">
                <p>
                  {implausible.message}
                  {implausible.range && ` (expected range ${implausible.range})`}
                </p>
                <button type="button" onClick={() => onSubmit(implausible.input, true)} disabled={busy}>
                  Save {formatNumber(implausible.input.value)} anyway
                </button>
              </div>
            )}
            <Neighbours compoundId={item.compound.id} endpoint={endpoint} />
          </div>
        </article>
      )}
      {canLabel && history.length > 0 && <History items={history} />}
      {dialog === 'skip' && item && <SkipDialog busy={busy} onSkip={onSkip} onClose={() => setDialog(null)} />}
      {dialog === 'help' && <HelpDialog onClose={() => setDialog(null)} />}
      {dialog === 'amend' && history[0] && (
        <AmendDialog
          item={history[0]}
          task={task}
          onClose={() => setDialog(null)}
          onAmend={async (value, reason) => {
            const res = await amend({ itemId: history[0].id, value, source: history[0].labelSource ?? prefs.source, confidence: prefs.confidence, notes: '', reason });
            if (res.error) return errorMessage(res.error);
            setDialog(null);
            setNotice(`Corrected ${history[0].compound.name || history[0].compound.inputSmiles} to ${formatNumber(value)}.`);
            refetchMine({ requestPolicy: 'network-only' });
            return '';
          }}
        />
      )}
    </div>
  );
}

/** OpenedItem says what happened to an item opened from the queue that this user does not hold. */
function OpenedItem({ item, me }: { item: QueueItem; me: User }) {
  const name = item.compound.name || item.compound.inputSmiles;
  const who = item.assignedTo ? (item.assignedTo.id === me.id ? 'you' : item.assignedTo.name || item.assignedTo.email) : '';
  let text = '';
  if (item.status === 'IN_PROGRESS') text = `${name} is being labeled by ${who}${item.leaseExpiresAt ? ` (held until ${item.leaseExpiresAt.slice(11, 16)} UTC)` : ''}.`;
  else if (item.status === 'PENDING' && who && who !== 'you') text = `${name} is reserved for ${who}.`;
  else if (item.status === 'LABELED') text = `${name} is labeled: ${formatNumber(item.label)} (${item.labelSource?.toLowerCase().replace('_', ' ')}).`;
  else if (item.status === 'SKIPPED') text = `${name} was skipped.`;
  if (!text) return null;
  return (
    <p className="held-by" data-testid="held-by">
      {text}
    </p>
  );
}

/** SkipDialog asks why a compound is skipped; Enter in the reason skips, Esc closes. */
function SkipDialog({ busy, onSkip, onClose }: { busy: boolean; onSkip: (reason: string) => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    if (reason.trim() === '') return setProblem('Say why you skip it (e.g. "not available").');
    setProblem('');
    onSkip(reason.trim());
  }
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label="Skip this compound">
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="skip-reason">Skip reason</label>
          <input
            id="skip-reason"
            autoFocus
            autoComplete="off"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            aria-invalid={problem !== ''}
            aria-describedby={problem ? 'skip-reason-error' : undefined}
          />
          {problem && (
            <p id="skip-reason-error" className="field-error" role="alert">
              {problem}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" disabled={busy}>
            Skip compound
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** HelpDialog lists the hotkeys. */
function HelpDialog({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
      <h3>Keyboard shortcuts</h3>
      <table>
        <tbody>
          {HOTKEYS.map((h) => (
            <tr key={h.keys}>
              <th scope="row">
                <kbd>{h.keys}</kbd>
              </th>
              <td>{h.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button ref={close} type="button" className="secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}

/** AmendDialog corrects my last label (label-lifecycle API), with a reason for the audit history. */
function AmendDialog({ item, task, onClose, onAmend }: { item: QueueItem; task: Task; onClose: () => void; onAmend: (value: number, reason: string) => Promise<string> }) {
  const [value, setValue] = useState(item.label === null ? '' : String(item.label));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  async function submit(e: FormEvent) {
    e.preventDefault();
    const p = parseLabelValue(value, task);
    if (!p.ok) return setProblem(p.error);
    if (reason.trim() === '') return setProblem('Say why the label changes.');
    setProblem(await onAmend(p.value, reason.trim()));
  }
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label="Correct my last label">
      <form onSubmit={submit} noValidate>
        <p>
          My last label: {item.compound.name || item.compound.inputSmiles}, {formatNumber(item.label)}
        </p>
        <div className="field">
          <label htmlFor="amend-value">Corrected value</label>
          <input id="amend-value" autoFocus autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="amend-reason">Reason</label>
          <input id="amend-reason" autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <Alert>{problem}</Alert>
        <div className="actions">
          <button type="submit">Save correction</button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** History lists my labels in this model's queue, newest first. */
function History({ items }: { items: QueueItem[] }) {
  return (
    <details className="history">
      <summary>My history ({items.length})</summary>
      <table aria-label="My labels">
        <thead>
          <tr>
            <th>When</th>
            <th>Compound</th>
            <th>Label</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, 20).map((h) => (
            <tr key={h.id}>
              <td>{h.labeledAt ? h.labeledAt.slice(0, 16).replace('T', ' ') : '–'}</td>
              <td>{h.compound.name || <span className="smiles small">{h.compound.inputSmiles}</span>}</td>
              <td>
                {formatNumber(h.label)} ({h.labelSource?.toLowerCase().replace('_', ' ')})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
