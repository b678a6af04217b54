import { useQuery } from 'urql';
import { descriptorRows } from './compound';
import { graphql } from './graphql';
import { day, errorMessage, formatNumber } from './label';
import { compoundHref } from './route';
import { Structure } from './Structure';
import { Alert } from './Alert';

const COMPOUND = graphql(`query Compound($id: ID!) {
  compound(id: $id) {
    id name inputSmiles canonicalSmiles createdAt descriptors
    measurements { id endpoint value qualifier source confidence origin createdAt user { name email } }
    properties { name value }
    similar(first: 10) { similarity compound { id name inputSmiles } }
  }
}`);

const lower = (s: string) => s.toLowerCase().replace('_', ' ');

/**
 * CompoundPage shows one compound: its structure, SMILES as entered and
 * canonical, computed descriptors, every measurement with who and where it
 * came from (a censored value with its qualifier, e.g. "<0.1"), the columns
 * or SDF data items it was imported with, and its ten nearest neighbours.
 */
export function CompoundPage({ id }: { id: string }) {
  const [{ data, error }] = useQuery({ query: COMPOUND, variables: { id } });
  if (error) return <Alert>{errorMessage(error)}</Alert>;
  if (!data) return <p>Loading…</p>;
  const c = data.compound;
  const title = c.name || c.inputSmiles;
  const descriptors = descriptorRows(c.descriptors);
  return (
    <section>
      <p>
        <a href="#/compounds">← Compounds</a>
      </p>
      <h2>{title}</h2>
      <div className="compound">
        <Structure smiles={c.inputSmiles} label={title} />
        <dl className="compound-facts">
          <div>
            <dt>SMILES as entered</dt>
            <dd className="smiles">{c.inputSmiles}</dd>
          </div>
          <div>
            <dt>Canonical SMILES</dt>
            <dd className="smiles" data-testid="canonical-smiles">
              {c.canonicalSmiles}
            </dd>
          </div>
          {descriptors.map((d) => (
            <div key={d.label}>
              <dt>{d.label}</dt>
              <dd>{d.value}</dd>
            </div>
          ))}
        </dl>
      </div>
      <h3>Measurements</h3>
      {c.measurements.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <table aria-label="Measurements">
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Value</th>
              <th>Source</th>
              <th>Confidence</th>
              <th>From</th>
              <th>By</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {c.measurements.map((m) => (
              <tr key={m.id} data-testid="measurement-row">
                <td>{m.endpoint}</td>
                <td title={m.qualifier && m.qualifier !== '~' ? 'censored: a bound, not used for training' : undefined}>
                  {m.qualifier}
                  {formatNumber(m.value)}
                </td>
                <td>{lower(m.source)}</td>
                <td>{lower(m.confidence)}</td>
                <td>{lower(m.origin)}</td>
                <td>{m.user ? m.user.name || m.user.email : '–'}</td>
                <td>{day(m.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {c.properties.length > 0 && (
        <>
          <h3>Imported properties</h3>
          <table aria-label="Imported properties">
            <tbody>
              {c.properties.map((p) => (
                <tr key={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>{p.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Most similar compounds</h3>
      <table aria-label="Similar compounds">
        <thead>
          <tr>
            <th>Similarity</th>
            <th>Compound</th>
          </tr>
        </thead>
        <tbody>
          {c.similar.map((n) => (
            <tr key={n.compound.id}>
              <td>{n.similarity.toFixed(2)}</td>
              <td>
                <a href={compoundHref(n.compound.id)}>{n.compound.name || n.compound.inputSmiles}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
