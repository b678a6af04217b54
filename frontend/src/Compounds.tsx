import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from './label';
import type { SetInfo } from './newModel';
import { compoundHref } from './route';

const PAGE = 25;

const COMPOUNDS = `query Compounds($search: String, $setId: ID, $first: Int!, $after: String) {
  compounds(search: $search, setId: $setId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name inputSmiles measurements { endpoint value } } }
  }
}`;

const SETS = `query Sets { compoundSets { id name size } }`;

interface Row {
  id: string;
  name: string;
  inputSmiles: string;
  measurements: { endpoint: string; value: number }[];
}

interface Conn {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { node: Row }[];
}

/**
 * Compounds finds compounds by name or SMILES fragment, optionally within
 * a compound set, 25 at a time, with what has been measured for each.
 */
export function Compounds() {
  const [sets] = useQuery<{ compoundSets: SetInfo[] }>({ query: SETS });
  const [text, setText] = useState('');
  const [filter, setFilter] = useState({ search: '', setId: '' });
  function submit(e: FormEvent) {
    e.preventDefault();
    setFilter((f) => ({ ...f, search: text.trim() }));
  }
  return (
    <section>
      <h2>Compounds</h2>
      <form className="compound-search" onSubmit={submit} role="search">
        <div className="field">
          <label htmlFor="compound-search">Name or SMILES fragment</label>
          <input id="compound-search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. aspirin, c1ccncc1" />
        </div>
        <div className="field">
          <label htmlFor="compound-set">In set</label>
          <select id="compound-set" value={filter.setId} onChange={(e) => setFilter((f) => ({ ...f, setId: e.target.value }))}>
            <option value="">Every compound</option>
            {sets.data?.compoundSets.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.size})
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <p className="muted">SMILES fragments match the canonical SMILES as written (case matters: c is aromatic carbon, C aliphatic).</p>
      {/* A new filter starts again from the first page. */}
      <Results key={`${filter.search}\u0000${filter.setId}`} search={filter.search} setId={filter.setId} />
    </section>
  );
}

function Results({ search, setId }: { search: string; setId: string }) {
  const [pages, setPages] = useState<(string | null)[]>([null]);
  return (
    <table aria-label="Compounds">
      <thead>
        <tr>
          <th>Compound</th>
          <th>Measured</th>
        </tr>
      </thead>
      {pages.map((after, i) => (
        <Page key={after ?? 'first'} search={search} setId={setId} after={after} last={i === pages.length - 1} onMore={(c) => setPages((p) => [...p, c])} />
      ))}
    </table>
  );
}

function Page({ search, setId, after, last, onMore }: { search: string; setId: string; after: string | null; last: boolean; onMore: (cursor: string) => void }) {
  const [{ data, error, fetching }] = useQuery<{ compounds: Conn }>({
    query: COMPOUNDS,
    variables: { search: search || null, setId: setId || null, first: PAGE, after },
  });
  if (error) {
    return (
      <tbody>
        <tr>
          <td colSpan={2} className="error">
            {errorMessage(error)}
          </td>
        </tr>
      </tbody>
    );
  }
  if (!data) {
    return (
      <tbody>
        <tr>
          <td colSpan={2}>{fetching ? 'Loading…' : ''}</td>
        </tr>
      </tbody>
    );
  }
  const c = data.compounds;
  return (
    <tbody>
      {c.edges.map(({ node }) => (
        <tr key={node.id} data-testid="compound-row">
          <td>
            <a href={compoundHref(node.id)}>{node.name || node.inputSmiles}</a>
            {node.name && <div className="smiles small">{node.inputSmiles}</div>}
          </td>
          <td>{node.measurements.length ? node.measurements.map((m) => `${m.endpoint} ${m.value}`).join(', ') : '–'}</td>
        </tr>
      ))}
      {last && (
        <tr>
          <td colSpan={2} className="muted">
            <span data-testid="compound-total">{c.totalCount}</span> {c.totalCount === 1 ? 'compound' : 'compounds'}
            {c.pageInfo.hasNextPage && c.pageInfo.endCursor && (
              <>
                {' '}
                <button className="secondary" onClick={() => onMore(c.pageInfo.endCursor!)}>
                  Show more
                </button>
              </>
            )}
          </td>
        </tr>
      )}
    </tbody>
  );
}
