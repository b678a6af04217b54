import { descriptorRows } from './compound';

/** The descriptors the labeling card shows (the specification's list), with their short names. */
const CARD: Record<string, string> = {
  'Molecular weight': 'MW',
  'logP (Crippen)': 'cLogP',
  TPSA: 'TPSA',
  'H-bond donors': 'HBD',
  'H-bond acceptors': 'HBA',
  'Rotatable bonds': 'Rot. bonds',
};

/** Properties lists a compound's key computed properties: MW, cLogP, TPSA, HBD/HBA, rotatable bonds. */
export function Properties({ descriptors }: { descriptors: string | null }) {
  const rows = descriptorRows(descriptors).filter((r) => r.label in CARD);
  if (rows.length === 0) return <p className="muted small">No computed properties.</p>;
  return (
    <dl className="properties" aria-label="Properties">
      {rows.map((r) => (
        <div key={r.label}>
          <dt>
            <abbr title={r.label}>{CARD[r.label]}</abbr>
          </dt>
          <dd>{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}
