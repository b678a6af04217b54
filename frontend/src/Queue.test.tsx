import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Provider } from 'urql';
import { vi } from 'vitest';
import type { User } from './api';
import { fakeClient } from './fake-client';
import { Queue } from './Queue';

vi.mock('./structure', () => ({ drawSVG: () => Promise.resolve(null) }));

afterEach(cleanup);

const me = { id: '01939a5d-0000-7000-8000-000000000001', email: 'sci@lab.test', name: 'Sci', role: 'SCIENTIST' } as User;
const model = '01939a5d-0000-7000-8000-0000000000aa';

const row = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `01939a5d-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`,
  status: 'LABELED',
  priority: 0.5,
  prediction: -2,
  uncertainty: 0.4,
  label: -2.5,
  labelSource: 'EXPERIMENTAL',
  labelImplausible: false,
  skipReason: '',
  notes: '',
  assignedTo: { id: me.id, name: 'Sci', email: null },
  archivedAt: null,
  archivedWith: null,
  labelHistory: [],
  compound: { name: `compound ${n}`, inputSmiles: 'CCO' },
  ...extra,
});

const page = (rows: unknown[]) => ({
  data: { labelQueue: { totalCount: rows.length, pageInfo: { hasNextPage: false, endCursor: null }, edges: rows.map((node) => ({ node })) } },
});

// The queue of a lineage after a retrain: one label not yet trained on
// (corrected once), and two the retrain archived with version 2.
function setup() {
  const current = [
    row(1, {
      labelHistory: [
        { action: 'LABELED', value: -2, previousValue: null, reason: '', createdAt: '2026-12-06T14:01:00Z', user: { id: me.id, name: 'Sci', email: null } },
        { action: 'AMENDED', value: -2.5, previousValue: -2, reason: 'typo', createdAt: '2026-12-06T14:05:00Z', user: { id: me.id, name: 'Sci', email: null } },
      ],
    }),
  ];
  const archived = [2, 3].map((n) => row(n, { archivedAt: '2026-12-06T15:00:00Z', archivedWith: { version: 2 }, labelImplausible: n === 3 }));
  const { client, sent } = fakeClient((name, v) => {
    switch (name) {
      case 'QueueModels':
        return { data: { models: [{ id: model, name: 'ESOL' }] } };
      case 'Queue':
        return page(v.archived === null ? [...current, ...archived] : v.archived === false ? current : archived);
      case 'ArchivedCount':
        return { data: { labelQueue: { totalCount: archived.length } } };
    }
  });
  render(
    <Provider value={client}>
      <Queue modelId={model} me={me} />
    </Provider>,
  );
  return { sent };
}

describe('Queue, archived items', () => {
  it('leaves archived items out as the API does, and says how many it leaves out', async () => {
    const { sent } = setup();
    await screen.findByText('compound 1');
    expect(screen.getAllByTestId('queue-row')).toHaveLength(1);
    expect(sent.find((s) => s.name === 'Queue')?.variables.archived).toBe(false);
    const hidden = await screen.findByTestId('archived-hidden');
    expect(hidden.textContent).toMatch(/2 archived items are not shown \(a retrain trained on their labels\)/);
  });
  it('shows them on asking, each marked with the version that trained on it', async () => {
    const { sent } = setup();
    await screen.findByTestId('archived-hidden');
    fireEvent.click(within(screen.getByTestId('archived-hidden')).getByRole('button', { name: 'Show archived' }));
    await waitFor(() => expect(screen.getAllByTestId('queue-row')).toHaveLength(3));
    expect((screen.getByLabelText('Show archived') as HTMLInputElement).checked).toBe(true);
    expect(sent.filter((s) => s.name === 'Queue').at(-1)?.variables.archived).toBeNull();
    expect(screen.getAllByTestId('archived').map((a) => a.textContent)).toEqual(['archived with v2', 'archived with v2']);
    expect(screen.queryByTestId('archived-hidden')).toBeNull();
    expect(screen.getByTestId('queue-total').parentElement?.textContent).toMatch(/^3 items, archived ones included/);
    // A label confirmed although implausible says so.
    expect(within(screen.getAllByTestId('queue-row')[2]).getByText('confirmed implausible')).toBeTruthy();
  });
  it('lists a corrected label’s changes with who, when and why', async () => {
    setup();
    const history = await screen.findByRole('list', { name: 'Label history of compound 1' });
    expect(within(history).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['2026-12-06 14:05 Sci: -2.000 → -2.500 (typo)']);
  });
});
