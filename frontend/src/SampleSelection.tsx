import { useState, type FormEvent } from 'react';
import { useClient, useMutation, useQuery, type CombinedError } from 'urql';
import { Alert } from './Alert';
import { CYCLES, PREVIEW, PREVIEW_PASTED, SELECT, SELECT_PASTED, SELECTION_CHOICES, type Candidate, type Cycle, type User } from './api';
import { openCycle } from './cycles';
import { formatNumber, type Task } from './label';
import { useRefetchOn } from './refresh';
import { modelHref } from './route';
import { checkPasted, pastedLines, pastedRefusal, type PastedRefusal } from './pasted';
import { DEFAULT_BATCH, strategiesFor } from './strategies';
import { Structure } from './Structure';
import { useAction } from './use-action';

interface Props {
  modelId: string;
  task: Task;
  user: User;
  refreshKey?: string;
  onChange: () => void;
}

type Pool = { kind: 'all' } | { kind: 'set'; setId: string } | { kind: 'pasted' };

/**
 * SampleSelection picks the next batch: the model, the pool (every
 * unlabeled compound, a compound set, or a pasted list of SMILES whose bad
 * lines the server reports and the form shows at the list), a strategy valid for the model's task (each explained, the
 * default marked) and the batch size (50 by default); a preview ranks the
 * pool with the same seed that Add to Queue then uses, so what is added is
 * what was shown. Starting a cycle while another is open asks first.
 */
export function SampleSelection({ modelId, task, user, refreshKey, onChange }: Props) {
  const client = useClient();
  const [choices] = useQuery({ query: SELECTION_CHOICES });
  const [cycles, refetchCycles] = useQuery({ query: CYCLES, variables: { id: modelId } });
  useRefetchOn(refreshKey, refetchCycles);
  const [, select] = useMutation(SELECT);
  const [, selectPasted] = useMutation(SELECT_PASTED);
  const [pool, setPool] = useState<Pool>({ kind: 'all' });
  const [pasted, setPasted] = useState('');
  // The server's refusal of the pasted list, with the text it judged.
  const [refusal, setRefusal] = useState<(PastedRefusal & { of: string }) | null>(null);
  const [strategy, setStrategy] = useState('default');
  const [batch, setBatch] = useState(String(DEFAULT_BATCH));
  const [problem, setProblem] = useState('');
  // One seed per cycle to start: a preview and the start that follows it use the same one.
  const [seed, setSeed] = useState(newSeed);
  const [preview, setPreview] = useState<{ key: string; candidates: Candidate[] } | null>(null);
  const [confirming, setConfirming] = useState<Cycle | null>(null);
  const [started, setStarted] = useState('');
  const previewAction = useAction();
  const startAction = useAction();

  if (user.role === 'VIEWER') return <p>Selecting samples needs the scientist role.</p>;

  function checked() {
    const n = Number(batch);
    if (!Number.isInteger(n) || n < 1 || n > 10000) {
      setProblem('Batch size is a whole number from 1 to 10000.');
      return null;
    }
    let smiles: string[] | undefined;
    if (pool.kind === 'pasted') {
      smiles = pastedLines(pasted);
      const wrong = checkPasted(smiles);
      if (wrong) {
        setProblem(wrong);
        return null;
      }
    }
    setProblem('');
    setRefusal(null);
    return { modelId, strategy, batchSize: n, seed, setId: pool.kind === 'set' ? pool.setId : null, smiles };
  }

  // refused shows a refusal of the pasted list at the list (and not at the
  // top of the form); it says whether err was one.
  function refused(err: CombinedError | undefined, smiles: string[] | undefined, action: typeof previewAction): boolean {
    const r = smiles ? pastedRefusal(err, smiles) : null;
    if (!r) return false;
    setRefusal({ ...r, of: pasted });
    action.setError('');
    return true;
  }

  async function showPreview() {
    const vars = checked();
    if (!vars) return;
    const { smiles, setId, ...common } = vars;
    const res = await previewAction.run(() =>
      smiles ? client.query(PREVIEW_PASTED, { ...common, smiles }).toPromise() : client.query(PREVIEW, { ...common, setId }).toPromise(),
    );
    if (!res || res.error) {
      refused(res?.error, smiles, previewAction);
      return setPreview(null);
    }
    setPreview({ key: `${strategy} × ${vars.batchSize}`, candidates: res.data?.previewSelection ?? [] });
  }

  async function start(confirmed: boolean) {
    const vars = checked();
    if (!vars) return;
    const open = cycles.data ? openCycle(cycles.data.model.cycles) : null;
    if (open && !confirmed) {
      setConfirming(open);
      return;
    }
    setConfirming(null);
    const { smiles, setId, ...common } = vars;
    const res = await startAction.run(() => (smiles ? selectPasted({ ...common, smiles }) : select({ ...common, setId })));
    if (!res || res.error) {
      refused(res?.error, smiles, startAction);
      return;
    }
    const c = res.data!.selectSamples.cycle;
    setStarted(`Cycle ${c.cycleNumber} started (${c.status.toLowerCase()}).`);
    setSeed(newSeed());
    setPreview(null);
    refetchCycles({ requestPolicy: 'network-only' });
    onChange();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void start(false);
  }

  const sets = choices.data?.compoundSets ?? [];
  const poolValue = pool.kind === 'set' ? `set:${pool.setId}` : pool.kind;
  return (
    <div className="selection">
      <form className="selection-form" onSubmit={submit} noValidate aria-label="Sample selection">
        <div className="field-row">
          <div className="field">
            <label htmlFor="sel-model">Model</label>
            <select id="sel-model" value={modelId} onChange={(e) => (window.location.hash = modelHref(e.target.value, 'select'))}>
              {(choices.data?.models ?? [{ id: modelId, name: `Model ${modelId}`, task }]).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="sel-pool">Pool</label>
            <select
              id="sel-pool"
              value={poolValue}
              onChange={(e) => {
                const v = e.target.value;
                setPool(v === 'all' ? { kind: 'all' } : v === 'pasted' ? { kind: 'pasted' } : { kind: 'set', setId: v.slice(4) });
                setPreview(null);
              }}
            >
              <option value="all">Every unlabeled compound</option>
              {sets.map((s) => (
                <option key={s.id} value={`set:${s.id}`}>
                  Set: {s.name} ({s.size.toLocaleString('en')})
                </option>
              ))}
              <option value="pasted">A pasted list (SMILES)</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="cycle-batch">Batch size</label>
            <input
              id="cycle-batch"
              inputMode="numeric"
              value={batch}
              onChange={(e) => setBatch(e.target.value)}
              aria-invalid={problem !== ''}
              aria-describedby={problem ? 'cycle-batch-error' : undefined}
            />
          </div>
        </div>
        {pool.kind === 'pasted' && (
          <div className="field">
            <label htmlFor="sel-pasted">SMILES, one a line (a name may follow after a space)</label>
            <textarea
              id="sel-pasted"
              rows={5}
              value={pasted}
              spellCheck={false}
              onChange={(e) => setPasted(e.target.value)}
              aria-invalid={refusal !== null && refusal.of === pasted}
              aria-describedby={refusal ? 'sel-pasted-errors' : 'sel-pasted-help'}
            />
            <p id="sel-pasted-help" className="muted small">
              Up to 5,000 lines. Compounds not in the database yet are added to it (also by Preview).
            </p>
            {refusal && <BadLines refusal={refusal} stale={refusal.of !== pasted} />}
          </div>
        )}
        <fieldset className="strategies">
          <legend>Strategy</legend>
          {strategiesFor(task).map((s) => (
            <label key={s.spec} className="strategy">
              <input type="radio" name="strategy" value={s.spec} checked={strategy === s.spec} onChange={() => setStrategy(s.spec)} />
              <span>
                <strong>{s.title}</strong>
                {s.spec === 'default' && (
                  <>
                    {' '}
                    <span className="badge">default</span>
                  </>
                )}{' '}
                <span className="muted">{s.explain}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {problem && (
          <p id="cycle-batch-error" className="field-error" role="alert">
            {problem}
          </p>
        )}
        <div className="actions">
          <button type="button" className="secondary" disabled={previewAction.busy} onClick={showPreview}>
            {previewAction.busy ? 'Previewing…' : 'Preview'}
          </button>
          <button type="submit" disabled={startAction.busy}>
            {startAction.busy ? 'Adding…' : 'Add to queue'}
          </button>
        </div>
        <Alert>{previewAction.error || startAction.error}</Alert>
        <Alert kind="notice">{started}</Alert>
      </form>
      {confirming && (
        <div className="dialog" role="dialog" aria-modal="true" aria-label="Start another cycle?">
          <p>
            Cycle {confirming.cycleNumber} is still {confirming.status.toLowerCase()} ({confirming.itemsLabeled} of {confirming.itemsSelected} labeled). Start another cycle
            anyway? Its compounds join the same queue.
          </p>
          <div className="actions">
            <button type="button" autoFocus onClick={() => start(true)}>
              Start another cycle
            </button>
            <button type="button" className="secondary" onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {preview && <Preview title={preview.key} candidates={preview.candidates} />}
    </div>
  );
}

/** BadLines lists the lines of a pasted pool the server refused, each with its number and reason. */
function BadLines({ refusal, stale }: { refusal: PastedRefusal; stale: boolean }) {
  const more = refusal.total - refusal.lines.length;
  return (
    <div id="sel-pasted-errors" className="field-error bad-lines" role="alert" data-testid="bad-lines">
      <p>
        {refusal.total === 1 ? '1 line is' : `${refusal.total} lines are`} not valid SMILES; nothing was added.
        {stale && ' (The list has changed since: preview again to check it.)'}
      </p>
      <ul>
        {refusal.lines.map((l) => (
          <li key={l.line} data-testid="bad-line">
            Line {l.line}: <code>{l.text}</code> — {l.reason}
          </li>
        ))}
        {more > 0 && <li>…and {more} more.</li>}
      </ul>
    </div>
  );
}

function newSeed(): number {
  return Math.floor(Math.random() * 1_000_000);
}

/** Preview lists the compounds a selection would queue, in its order, drawn. */
function Preview({ title, candidates }: { title: string; candidates: Candidate[] }) {
  if (candidates.length === 0) return <p className="muted">Nothing to select: every compound in the pool is labeled or queued.</p>;
  return (
    <section className="preview" aria-label="Selection preview">
      <h3>
        Preview of {title}: {candidates.length} {candidates.length === 1 ? 'compound' : 'compounds'}
      </h3>
      <table aria-label="Selection preview">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Structure</th>
            <th scope="col">Compound</th>
            <th scope="col">Prediction</th>
            <th scope="col">Distance to training set</th>
            <th scope="col">Priority</th>
          </tr>
        </thead>
        <tbody>
          {candidates.map((c) => (
            <tr key={c.compound.id} data-testid="preview-row">
              <td>{c.rank}</td>
              <td className="thumb">
                <Structure smiles={c.compound.inputSmiles} label={c.compound.name || c.compound.inputSmiles} width={120} height={80} explain={false} />
              </td>
              <td>
                {c.compound.name && <div>{c.compound.name}</div>}
                <div className="smiles small">{c.compound.inputSmiles}</div>
              </td>
              <td>
                {formatNumber(c.prediction)} ± {formatNumber(c.uncertainty)}
              </td>
              <td>{formatNumber(c.applicabilityDistance)}</td>
              <td>{formatNumber(c.priority)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
