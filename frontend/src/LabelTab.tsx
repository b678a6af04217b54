import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { Alert } from './Alert';
import { DialogButtons } from './DialogButtons';
import { AMEND, CLAIM, CLAIM_ITEM, HELD, MY_LABELS, QUEUE_ITEM, RELEASE, RETRACT, SKIP, SUBMIT, type Counts, type QueueItem, type User } from './api';
import { leaveForNext, openRow } from './claiming';
import { hotkeyAction, hotkeysFor, isEditable } from './hotkeys';
import { DEFAULT_PREFS, LabelForm, type LabelInput, type LabelPrefs } from './LabelForm';
import { classKeys, classLabel, errorMessage, formatNumber, nextConfidence, parseLabelValue, type Task } from './label';
import { archivedNote, implausibleFacts, implausibleOf, labeledToday as countToday, mayCorrect, type Implausible } from './lifecycle';
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
  /** The model's classes (classification; [] for regression). */
  classes: string[];
  range: Range | null;
  user: User;
  counts: Counts;
  /** A queue item opened from the queue table (claim it, or show who holds it). */
  itemId?: string;
  refreshKey?: string;
}

/** The dialog open over the card: a skip reason, the hotkeys, or a correction or retraction of one of my labels. */
type Dialog = null | { kind: 'skip' } | { kind: 'help' } | { kind: 'amend'; item: QueueItem } | { kind: 'retract'; item: QueueItem };

/** A label the server refused as implausible: what was sent, and why it was refused, to confirm. */
interface Refused {
  input: LabelInput;
  why: Implausible;
}

/**
 * LabelTab is a labeler's loop for one model, keyboard first: claim the
 * next compound, label (Enter), skip (s), go on. The card fits one laptop
 * screen: structure and properties on the left; prediction, applicability,
 * the form and the nearest neighbours on the right. Below it, my history:
 * my labels in this model's queue (archived ones too), newest first, each
 * correctable or retractable within the correction window.
 */
export function LabelTab({ modelId, endpoint, task, classes: modelClasses, range, user, counts, itemId, refreshKey }: Props) {
  // A classification card labels by class: buttons, and a key per class.
  const classes = task === 'CLASSIFICATION' && modelClasses?.length ? modelClasses : null;
  const keys = classes ? classKeys(classes) : [];
  const [, claim] = useMutation(CLAIM);
  const [, submitLabel] = useMutation(SUBMIT);
  const [, skipItem] = useMutation(SKIP);
  const [, claimItem] = useMutation(CLAIM_ITEM);
  const [, release] = useMutation(RELEASE);
  const [, amend] = useMutation(AMEND);
  const [, retract] = useMutation(RETRACT);
  const [item, setItem] = useState<QueueItem | null>(null);
  const [prefs, setPrefs] = useState<LabelPrefs>(DEFAULT_PREFS);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  // Where a failure shows: at the claim button, or at the form.
  const [claimFailure, setClaimFailure] = useState('');
  const [formFailure, setFormFailure] = useState<ReactNode>('');
  const [refused, setRefused] = useState<Refused | null>(null);
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

  // My labels: today's progress and my history, newest first (archived
  // ones included: a retrain archives the labels it trained on).
  const [mine, refetchMine] = useQuery({
    query: MY_LABELS,
    variables: { id: modelId, me: user.id },
    pause: !canLabel,
  });
  useRefetchOn(refreshKey, refetchMine);
  const history = [...(mine.data?.labelQueue.edges.map((e) => e.node) ?? [])].sort((a, b) => (b.labeledAt ?? '').localeCompare(a.labeledAt ?? ''));
  const labeledToday = countToday(history);

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
    setRefused(null);
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

  // failed reports a label or skip the server refused, at the form. An
  // implausible value is offered for confirmation with the reason. A
  // conflict means the item is no longer this labeler's (the lease expired
  // and someone else took it, or it was labeled meanwhile): drop it so the
  // next can be claimed.
  function failed(err: CombinedError, input?: LabelInput) {
    const why = input ? implausibleOf(err, input.value) : null;
    if (input && why) {
      setRefused({ input, why });
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

  async function onSubmit(input: LabelInput, confirm = false) {
    if (!item || busy) return;
    setBusy(true);
    setFormFailure('');
    setRefused(null);
    const res = await submitLabel({ itemId: item.id, ...input, confirm });
    setBusy(false);
    if (res.error) return failed(res.error, input);
    setNotice(`Labeled ${item.compound.name || item.compound.inputSmiles}: ${classLabel(input.value, classes)}${confirm ? ' (confirmed although implausible)' : ''}.`);
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
    setBusy(true);
    setClaimFailure('');
    const left = item;
    const got = await leaveForNext(left.id, () => claim({ modelId }), (id) => release({ itemId: id }));
    setBusy(false);
    if (got.error) return failed(got.error);
    setItem(got.next);
    setFormFailure('');
    setRefused(null);
    if (itemId) window.history.replaceState(null, '', modelHref(modelId, 'label'));
    const name = left.compound.name || left.compound.inputSmiles;
    if (got.releaseError) setNotice(`${name} could not be handed back (${errorMessage(got.releaseError)}); it returns to the queue when your claim lapses.`);
    else setNotice(got.next ? `Left ${name} unlabeled for someone else.` : `Left ${name} unlabeled; nothing else is left to label.`);
  }

  // correct opens the correction of one of my labels, when it may still be corrected.
  function correct(target: QueueItem, kind: 'amend' | 'retract') {
    const may = mayCorrect(target, user);
    if (!may.ok) {
      setNotice(may.why);
      return;
    }
    setDialog({ kind, item: target });
  }

  // Previous: my last label, to correct it.
  function onPrevious() {
    if (history.length === 0) {
      setNotice('You have no label to go back to yet.');
      return;
    }
    correct(history[0], 'amend');
  }

  // The card's hotkeys (see HOTKEYS), on the whole page while this tab shows.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    const a = hotkeyAction({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inField: isEditable(e.target), dialogOpen: dialog !== null }, keys);
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
      setDialog({ kind: 'help' });
      e.preventDefault();
      return;
    }
    if (!canLabel) return;
    // Previous works without a compound on the card (the queue may be empty).
    if (a.kind === 'previous') {
      e.preventDefault();
      onPrevious();
      return;
    }
    if (!item) return;
    // Enter on a focused button or link is that control's own.
    if (a.kind === 'save' && e.target instanceof HTMLElement && ['BUTTON', 'A', 'SUMMARY'].includes(e.target.tagName)) return;
    e.preventDefault();
    switch (a.kind) {
      case 'save':
        formRef.current?.requestSubmit();
        break;
      case 'skip':
        setDialog({ kind: 'skip' });
        break;
      case 'next':
        void onNext();
        break;
      case 'focus-value':
        valueRef.current?.focus();
        break;
      case 'confidence':
        setPrefs((p) => ({ ...p, confidence: a.value }));
        break;
      case 'next-confidence':
        setPrefs((p) => ({ ...p, confidence: nextConfidence(p.confidence) }));
        break;
      case 'class':
        formRef.current?.querySelector<HTMLButtonElement>(`[data-class-index="${a.index}"]`)?.click();
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
  const nameOf = (i: QueueItem) => i.compound.name || i.compound.inputSmiles;
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
        <button type="button" className="link" onClick={() => setDialog({ kind: 'help' })} aria-keyshortcuts="?">
          Keyboard shortcuts <kbd>?</kbd>
        </button>
      </p>
      {!canLabel && <p>Viewers can watch the queue; labeling needs the scientist role.</p>}
      {itemId && openedItem && !item && <OpenedItem item={openedItem} me={user} onCorrect={(kind) => correct(openedItem, kind)} />}
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
              interval={item.interval}
              distance={item.applicabilityDistance}
              range={range}
              strategy={item.selectionStrategy}
              observed={observed}
            />
            <LabelForm
              key={item.id}
              task={task}
              classes={classes ?? undefined}
              probabilities={item.probabilities}
              prefs={prefs}
              onPrefsChange={setPrefs}
              busy={busy}
              onSubmit={(i) => onSubmit(i)}
              failure={formFailure}
              formRef={formRef}
              valueRef={valueRef}
              valueNote={
                refused && (
                  <ImplausibleNote
                    why={refused.why}
                    endpoint={endpoint}
                    busy={busy}
                    onConfirm={() => onSubmit(refused.input, true)}
                    onChange={() => {
                      setRefused(null);
                      valueRef.current?.focus();
                    }}
                  />
                )
              }
            >
              <button type="button" className="secondary" disabled={busy} onClick={() => setDialog({ kind: 'skip' })} aria-keyshortcuts="s">
                Skip…
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={onNext} aria-keyshortcuts="n">
                Next
              </button>
              <button type="button" className="secondary" disabled={busy || history.length === 0} onClick={onPrevious} aria-keyshortcuts="p Control+Z">
                Previous
              </button>
            </LabelForm>
            <Neighbours compoundId={item.compound.id} endpoint={endpoint} />
          </div>
        </article>
      )}
      {canLabel && history.length > 0 && <History items={history} me={user} onCorrect={correct} />}
      {dialog?.kind === 'skip' && item && <SkipDialog busy={busy} onSkip={onSkip} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'help' && <HelpDialog keys={keys} classes={classes ?? []} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'amend' && (
        <AmendDialog
          item={dialog.item}
          latest={dialog.item.id === history[0]?.id}
          task={task}
          classes={classes}
          endpoint={endpoint}
          onClose={() => setDialog(null)}
          onAmend={async (value, reason, confirm) => {
            const res = await amend({ itemId: dialog.item.id, value, reason, confirm });
            if (res.error) return res.error;
            setDialog(null);
            setNotice(`Corrected ${nameOf(dialog.item)} to ${classLabel(value, classes)}.`);
            refetchMine({ requestPolicy: 'network-only' });
            if (itemId) refetchOpened({ requestPolicy: 'network-only' });
            return null;
          }}
        />
      )}
      {dialog?.kind === 'retract' && (
        <RetractDialog
          item={dialog.item}
          onClose={() => setDialog(null)}
          onRetract={async (reason) => {
            const res = await retract({ itemId: dialog.item.id, reason });
            if (res.error) return res.error;
            setDialog(null);
            setNotice(`Retracted the label of ${nameOf(dialog.item)}; it is back in the queue.`);
            refetchMine({ requestPolicy: 'network-only' });
            if (itemId) refetchOpened({ requestPolicy: 'network-only' });
            return null;
          }}
        />
      )}
    </div>
  );
}

/**
 * ImplausibleNote shows a value the server refused as implausible: the
 * reason, what it was checked against, and a button to keep it anyway (a
 * deliberate step: Enter in the value field sends it again unconfirmed).
 */
function ImplausibleNote({ why, endpoint, busy, onConfirm, onChange }: { why: Implausible; endpoint: string; busy: boolean; onConfirm: () => void; onChange: () => void }) {
  const facts = implausibleFacts(why, endpoint);
  return (
    <div className="implausible" role="alert" data-testid="implausible">
      <p>
        <strong>{formatNumber(why.value)} looks implausible</strong>: {why.reason}.
      </p>
      {facts && <p className="muted small">Checked against: {facts}.</p>}
      <div className="actions">
        <button type="button" onClick={onConfirm} disabled={busy}>
          Save {formatNumber(why.value)} anyway
        </button>
        <button type="button" className="secondary" onClick={onChange}>
          Change the value
        </button>
      </div>
    </div>
  );
}

/**
 * OpenedItem says what happened to an item opened from the queue that this
 * user does not hold; a label they may still change (theirs within the
 * correction window, anyone's for an admin) can be corrected or retracted
 * from here.
 */
function OpenedItem({ item, me, onCorrect }: { item: QueueItem; me: User; onCorrect: (kind: 'amend' | 'retract') => void }) {
  const name = item.compound.name || item.compound.inputSmiles;
  const who = item.assignedTo ? (item.assignedTo.id === me.id ? 'you' : item.assignedTo.name || item.assignedTo.email) : '';
  let text = '';
  if (item.status === 'IN_PROGRESS') text = `${name} is being labeled by ${who}${item.leaseExpiresAt ? ` (held until ${item.leaseExpiresAt.slice(11, 16)} UTC)` : ''}.`;
  else if (item.status === 'PENDING' && who && who !== 'you') text = `${name} is reserved for ${who}.`;
  else if (item.status === 'LABELED') {
    const archived = archivedNote(item);
    text = `${name} is labeled: ${item.labelClass ?? formatNumber(item.label)} (${item.labelSource?.toLowerCase().replace('_', ' ')})${archived ? `, ${archived}` : ''}.`;
  }
  else if (item.status === 'SKIPPED') text = `${name} was skipped.`;
  if (!text) return null;
  const correctable = item.status === 'LABELED' && mayCorrect(item, me).ok;
  return (
    <div className="held-by">
      <p data-testid="held-by">{text}</p>
      {correctable && (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => onCorrect('amend')}>
            Correct this label…
          </button>
          <button type="button" className="secondary" onClick={() => onCorrect('retract')}>
            Retract this label…
          </button>
        </div>
      )}
    </div>
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
        <DialogButtons label="Skip compound" busy={busy} onCancel={onClose} />
      </form>
    </div>
  );
}

/** HelpDialog lists the hotkeys. */
function HelpDialog({ keys, classes, onClose }: { keys: string[]; classes: string[]; onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts">
      <h3>Keyboard shortcuts</h3>
      <table>
        <tbody>
          {hotkeysFor(keys, classes).map((h) => (
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


/**
 * AmendDialog corrects one of my labels (amendLabel), with a reason for the
 * audit history. A value the server calls implausible is shown with its
 * reason and can be kept with a second, deliberate click.
 */
function AmendDialog({
  item,
  latest,
  task,
  classes,
  endpoint,
  onClose,
  onAmend,
}: {
  item: QueueItem;
  /** This is my last label (Previous), not an older one from my history. */
  latest: boolean;
  task: Task;
  /** The classes of a classification model (its label is one of them), else null. */
  classes: string[] | null;
  endpoint: string;
  onClose: () => void;
  /** Sends the correction; resolves to the server's refusal, or null when it is done. */
  onAmend: (value: number, reason: string, confirm: boolean) => Promise<CombinedError | null>;
}) {
  const [value, setValue] = useState(item.label === null ? '' : classes ? classLabel(item.label, classes) : String(item.label));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  const [refused, setRefused] = useState<{ value: number; reason: string; why: Implausible } | null>(null);
  const [busy, setBusy] = useState(false);
  async function send(v: number, why: string, confirm: boolean) {
    setBusy(true);
    const err = await onAmend(v, why, confirm);
    setBusy(false);
    if (!err) return;
    const imp = implausibleOf(err, v);
    if (imp) {
      setProblem('');
      setRefused({ value: v, reason: why, why: imp });
    } else {
      setRefused(null);
      setProblem(errorMessage(err));
    }
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const p = parseLabelValue(value, task, classes ?? undefined);
    if (!p.ok) return setProblem(p.error);
    if (reason.trim() === '') return setProblem('Say why the label changes.');
    setProblem('');
    setRefused(null);
    await send(p.value, reason.trim(), false);
  }
  const title = latest ? 'Correct my last label' : 'Correct a label';
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label={title}>
      <form onSubmit={submit} noValidate>
        <h3>{title}</h3>
        <p>
          {item.compound.name || <span className="smiles small">{item.compound.inputSmiles}</span>}: {item.labelClass ?? formatNumber(item.label)}
          {item.archivedAt && <span className="muted"> ({archivedNote(item)}: the next retrain trains on the correction)</span>}
        </p>
        <div className="field">
          <label htmlFor="amend-value">{classes ? `Corrected class (${classes.join(', ')})` : 'Corrected value'}</label>
          <input id="amend-value" autoFocus autoComplete="off" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="amend-reason">Reason</label>
          <input id="amend-reason" autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <Alert>{problem}</Alert>
        {refused && (
          <ImplausibleNote
            why={refused.why}
            endpoint={endpoint}
            busy={busy}
            onConfirm={() => send(refused.value, refused.reason, true)}
            onChange={() => {
              setRefused(null);
              document.getElementById('amend-value')?.focus();
            }}
          />
        )}
        <DialogButtons label="Save correction" busy={busy} busyLabel="Saving…" onCancel={onClose} />
      </form>
    </div>
  );
}

/** RetractDialog takes one of my labels back (retractLabel): the compound returns to the queue; a reason is required. */
function RetractDialog({ item, onClose, onRetract }: { item: QueueItem; onClose: () => void; onRetract: (reason: string) => Promise<CombinedError | null> }) {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (reason.trim() === '') return setProblem('Say why the label is taken back.');
    setBusy(true);
    const err = await onRetract(reason.trim());
    setBusy(false);
    setProblem(err ? errorMessage(err) : '');
  }
  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-label="Retract a label">
      <form onSubmit={submit} noValidate>
        <h3>Retract a label</h3>
        <p>
          {item.compound.name || <span className="smiles small">{item.compound.inputSmiles}</span>}: {item.labelClass ?? formatNumber(item.label)}. Its measurement is deleted (no later
          version trains on it) and the compound is pending again for anyone to label; the history keeps the value.
        </p>
        <div className="field">
          <label htmlFor="retract-reason">Reason</label>
          <input id="retract-reason" autoFocus autoComplete="off" value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <Alert>{problem}</Alert>
        <DialogButtons label="Retract label" busy={busy} busyLabel="Retracting…" onCancel={onClose} />
      </form>
    </div>
  );
}

/**
 * History lists my labels in this model's queue, newest first (the 20
 * newest), archived ones marked with the version that trained on them; each
 * may be corrected or retracted while the correction window lasts.
 */
function History({ items, me, onCorrect }: { items: QueueItem[]; me: User; onCorrect: (item: QueueItem, kind: 'amend' | 'retract') => void }) {
  return (
    <details className="history">
      <summary>My history ({items.length})</summary>
      <div className="table-scroll">
        <table aria-label="My labels">
          <thead>
            <tr>
              <th scope="col">When (UTC)</th>
              <th scope="col">Compound</th>
              <th scope="col">Label</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {items.slice(0, 20).map((h) => {
              const name = h.compound.name || h.compound.inputSmiles;
              const may = mayCorrect(h, me);
              const archived = archivedNote(h);
              return (
                <tr key={h.id} data-testid="history-row">
                  <td>{h.labeledAt ? h.labeledAt.slice(0, 16).replace('T', ' ') : '–'}</td>
                  <td>{h.compound.name || <span className="smiles small">{h.compound.inputSmiles}</span>}</td>
                  <td>
                    {h.labelClass ?? formatNumber(h.label)} ({h.labelSource?.toLowerCase().replace('_', ' ')})
                    {h.labelImplausible && <span className="tag">confirmed implausible</span>}
                    {archived && <span className="tag">{archived}</span>}
                  </td>
                  <td>
                    {may.ok ? (
                      <>
                        <button type="button" className="link" onClick={() => onCorrect(h, 'amend')} aria-label={`Correct the label of ${name}`}>
                          Correct
                        </button>{' '}
                        <button type="button" className="link" onClick={() => onCorrect(h, 'retract')} aria-label={`Retract the label of ${name}`}>
                          Retract
                        </button>
                      </>
                    ) : (
                      <span className="muted small" title={may.why}>
                        ask an admin
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
