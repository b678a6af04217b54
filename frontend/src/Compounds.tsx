import { useState, type FormEvent } from 'react';
import { useQuery } from 'urql';
import { errorMessage } from './label';
import { graphql } from './graphql';
import { PoolDownloads } from './PoolDownloads';
import { compoundHref } from './route';

const PAGE = 25;

const COMPOUNDS = graphql(`query Compounds($search: String, $sub: String, $syntax: SubstructureSyntax, $setId: ID, $first: Int!, $after: String) {
  compounds(search: $search, substructure: $sub, substructureSyntax: $syntax, setId: $setId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name inputSmiles measurements { endpoint value } } }
  }
}`);

// The sets to search in, and the models that can score a set's download (those with an active version).
const SETS = graphql(`query Sets { compoundSets { id name size } models { id name activeVersion { version } } }`);

interface Filter {
  search: string;
  sub: string;
  syntax: 'SMILES' | 'SMARTS';
  setId: string;
}

/**
 * Compounds finds compounds by name or SMILES text, by substructure (a
 * fragment as SMILES or SMARTS), optionally within a compound set, 25 at a
 * time, with what has been measured for each. With a set chosen it links
 * the set's compounds with a model's predictions (CSV and SDF).
 */
export function Compounds() {
  const [sets] = useQuery({ query: SETS });
  const [text, setText] = useState('');
  const [sub, setSub] = useState('');
  const [syntax, setSyntax] = useState<Filter['syntax']>('SMILES');
  const [filter, setFilter] = useState<Filter>({ search: '', sub: '', syntax: 'SMILES', setId: '' });
  const set = sets.data?.compoundSets.find((s) => s.id === filter.setId);
  const scorers = (sets.data?.models ?? []).filter((m) => m.activeVersion).map((m) => ({ id: m.id, name: m.name }));
  function submit(e: FormEvent) {
    e.preventDefault();
    setFilter((f) => ({ ...f, search: text.trim(), sub: sub.trim(), syntax }));
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
          <label htmlFor="compound-sub">Contains substructure</label>
          <input id="compound-sub" value={sub} onChange={(e) => setSub(e.target.value)} placeholder="e.g. c1ccccc1Cl" />
        </div>
        <div className="field">
          <label htmlFor="compound-syntax">Written as</label>
          <select id="compound-syntax" value={syntax} onChange={(e) => setSyntax(e.target.value as Filter['syntax'])}>
            <option value="SMILES">SMILES</option>
            <option value="SMARTS">SMARTS</option>
          </select>
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
      <p className="muted">
        Text matches names and the canonical SMILES as written (case matters: c is aromatic carbon, C aliphatic). A substructure is
        matched on the structure: a SMILES fragment finds every compound containing it (C1=CC=CC=C1 finds benzene rings); SMARTS
        allows queries like [OX2H] (a hydroxyl). Write charged groups as SMARTS: as SMILES, [N+](=O)[O-] alone reads as radicals and
        matches nothing (as in RDKit). One connected fragment per search.
      </p>
      {set && <PoolDownloads models={scorers} set={{ id: set.id, name: set.name }} />}
      {/* A new filter starts again from the first page. */}
      <Results key={JSON.stringify(filter)} filter={filter} />
    </section>
  );
}

function Results({ filter }: { filter: Filter }) {
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
        <Page key={after ?? 'first'} filter={filter} after={after} last={i === pages.length - 1} onMore={(c) => setPages((p) => [...p, c])} />
      ))}
    </table>
  );
}

function Page({ filter, after, last, onMore }: { filter: Filter; after: string | null; last: boolean; onMore: (cursor: string) => void }) {
  const [{ data, error, fetching }] = useQuery({
    query: COMPOUNDS,
    variables: { search: filter.search || null, sub: filter.sub || null, syntax: filter.syntax, setId: filter.setId || null, first: PAGE, after },
  });
  if (error) {
    return (
      <tbody>
        <tr>
          <td colSpan={2} className="error" role="alert">
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
