import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { IMPORT, IMPORT_JOB, type ImportReport } from './api';
import { errorMessage } from './label';
import { usePoll } from './refresh';
import { Alert } from './Alert';
import { importInput } from './importForm';

/** setNameFromFile proposes a set name from a file name: "esol new.csv" → "esol new", "assay.sdf.gz" → "assay". */
export function setNameFromFile(name: string): string {
  return name.replace(/\.gz$/i, '').replace(/\.(csv|tsv|sdf|sd|txt|xlsx)$/i, '').trim();
}

/**
 * Import uploads a CSV (a SMILES column, optional name and value columns)
 * or an SDF into a compound set; several endpoints at once with a mapping
 * of endpoints to columns or SDF data items. Identical compounds are
 * recognised by canonical SMILES, so importing twice adds nothing; each
 * rejected row is listed with its reason and the good rows are kept.
 */
export function Import() {
  const [file, setFile] = useState<File | null>(null);
  const [setName, setSetName] = useState('');
  const [smilesColumn, setSmilesColumn] = useState('smiles');
  const [nameColumn, setNameColumn] = useState('');
  const [endpoint, setEndpoint] = useState('');
  const [valueColumn, setValueColumn] = useState('');
  const [mapping, setMapping] = useState('');
  const [decimalComma, setDecimalComma] = useState(false);
  const [classes, setClasses] = useState('');
  const [problem, setProblem] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [{ fetching }, run] = useMutation(IMPORT);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setReport(null);
    if (!file) return setProblem('Choose a CSV or SDF file.');
    const fields = importInput({ setName, smilesColumn, nameColumn, endpoint, valueColumn, mapping, decimalComma, classes });
    if (typeof fields === 'string') return setProblem(fields);
    setProblem('');
    const res = await run({ input: { file, ...fields } });
    if (res.error) return setProblem(errorMessage(res.error));
    setReport(res.data!.importCompounds);
  }

  return (
    <section>
      <h2>Import compounds</h2>
      <form className="import" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="import-file">File (CSV or SDF)</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,.tsv,.txt,.sdf,.sd,.xlsx,.gz,text/csv"
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              if (f && setName === '') setSetName(setNameFromFile(f.name));
            }}
          />
        </div>
        <div className="field">
          <label htmlFor="import-set">Compound set</label>
          <input id="import-set" value={setName} onChange={(e) => setSetName(e.target.value)} />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="import-smiles">SMILES column</label>
            <input id="import-smiles" value={smilesColumn} onChange={(e) => setSmilesColumn(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="import-name">Name column</label>
            <input id="import-name" value={nameColumn} onChange={(e) => setNameColumn(e.target.value)} placeholder="optional" />
          </div>
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor="import-value">Value column</label>
            <input id="import-value" value={valueColumn} onChange={(e) => setValueColumn(e.target.value)} placeholder="optional" />
          </div>
          <div className="field">
            <label htmlFor="import-endpoint">Endpoint</label>
            <input id="import-endpoint" value={endpoint} onChange={(e) => setEndpoint(e.target.value)} placeholder="with values, e.g. logS" />
          </div>
        </div>
        <div className="field">
          <label htmlFor="import-mapping">More endpoints</label>
          <input
            id="import-mapping"
            value={mapping}
            onChange={(e) => setMapping(e.target.value)}
            placeholder="optional: endpoint=column, e.g. pIC50=PIC50, MolWt"
            aria-describedby="import-mapping-help"
          />
          <p id="import-mapping-help" className="muted small">
            Each endpoint with the column or SDF data item of its values; a name alone reads the column of that name. Values
            like &lt;0.1 or &gt;10 are kept as censored measurements. Every other column or data item is kept on the compound.
          </p>
        </div>
        <div className="field">
          <label htmlFor="import-classes">Classes</label>
          <input
            id="import-classes"
            value={classes}
            onChange={(e) => setClasses(e.target.value)}
            placeholder="optional: class names in index order, e.g. low, medium, high"
            aria-describedby="import-classes-help"
          />
          <p id="import-classes-help" className="muted small">
            For a classification endpoint: values are class names (or their index), stored as the index; a row with another value is
            rejected.
          </p>
        </div>
        <div className="field">
          <label>
            <input type="checkbox" checked={decimalComma} onChange={(e) => setDecimalComma(e.target.checked)} /> Values use a decimal comma
            (1,5)
          </label>
        </div>
        <Alert>{problem}</Alert>
        <button type="submit" disabled={fetching}>
          {fetching ? 'Importing…' : 'Import'}
        </button>
      </form>
      {report && <Report report={report} />}
    </section>
  );
}

/** JOB_POLL_MS is how often a background import's state is asked for. */
const JOB_POLL_MS = 1000;

function Report({ report }: { report: ImportReport }) {
  if (report.jobId) return <JobProgress jobId={report.jobId} rows={report.rows} />;
  return (
    <div className="import-report">
      <p role="status" className="notice">
        {report.rows} rows read into “{report.set?.name}”: {report.created} new compounds, {report.existing} already known,{' '}
        {report.measurements} measurements, {report.errors.length + report.errorsNotListed} rejected
        {report.errorsNotListed > 0 && ` (the first ${report.errors.length} listed)`}.
      </p>
      {report.errors.length > 0 && (
        <table aria-label="Rejected rows">
          <thead>
            <tr>
              <th>Row</th>
              <th>Column</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {report.errors.map((e) => (
              <tr key={`${e.row}:${e.column}`}>
                <td>{e.row}</td>
                <td>{e.column}</td>
                <td>{e.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/**
 * JobProgress follows a large import that runs in the background: queued,
 * then the share of rows stored, then its report (or why it failed).
 */
function JobProgress({ jobId, rows }: { jobId: string; rows: number }) {
  const [{ data, error }, refetch] = useQuery({ query: IMPORT_JOB, variables: { id: jobId } });
  const job = data?.importJob;
  const done = job?.state === 'COMPLETE' || job?.state === 'FAILED';
  usePoll(!done, refetch, JOB_POLL_MS);
  if (job?.state === 'COMPLETE' && job.report) return <Report report={{ ...job.report, jobId: null }} />;
  if (job?.state === 'FAILED') {
    return (
      <Alert>
        The import of {rows} rows failed: {job.error}
      </Alert>
    );
  }
  return (
    <div className="progress" role="status" aria-label="Import progress">
      <progress max={1} value={job?.fraction ?? 0} />
      <span>
        {rows} rows, imported in the background:{' '}
        {job?.state === 'RUNNING' ? job.message || 'running…' : 'waiting for a worker…'}
        {job?.error && ` (retrying after: ${job.error})`}
        {error && ` (${errorMessage(error)})`}
      </span>
    </div>
  );
}
