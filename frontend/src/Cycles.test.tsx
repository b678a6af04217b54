import { cleanup, render, screen, within } from '@testing-library/react';
import { Client, Provider, makeResult, type Exchange, type Operation, type OperationResult } from 'urql';
import { filter, map, pipe } from 'wonka';
import type { ModelData, User } from './api';
import { CycleHistory } from './Cycles';

afterEach(cleanup);

const user: User = { id: 'u1', email: 'view@lab.test', name: 'Viewer', role: 'VIEWER' } as User;
const model = { __typename: 'Model', id: 'm1', name: 'ESOL', endpoint: 'logS', task: 'REGRESSION', status: 'ACTIVE', activeVersion: null } as unknown as ModelData['model'];

function operationName(op: Operation): string {
  for (const d of op.query.definitions) if (d.kind === 'OperationDefinition') return d.name?.value ?? '';
  return '';
}

const cycle = (n: number, diagnosis: { sentence: string; labeled: number; needed: number } | null) => ({
  __typename: 'Cycle',
  id: `01939a5c-0000-7000-8000-${String(n).padStart(12, '0')}`,
  cycleNumber: n,
  status: 'LABELING',
  selectionStrategy: 'uncertainty+cluster=20+explore=0.5',
  batchSize: 10,
  itemsSelected: 10,
  itemsLabeled: diagnosis?.labeled ?? 0,
  itemsSkipped: 0,
  metricsBefore: [],
  metricsAfter: [],
  error: '',
  startedAt: '2026-12-06T10:00:00Z',
  completedAt: null,
  startedBy: null,
  diagnosis: diagnosis && { __typename: 'CycleDiagnosis', ...diagnosis },
});

// A client answering as the server does for a model with three cycles:
// one fully labeled (the sentence of activelearning.CycleDiagnoses), one
// with three labels, and one whose diagnosis could not be computed (null).
function setup() {
  const answer = (op: Operation): OperationResult => {
    switch (operationName(op)) {
      case 'Cycles':
        return makeResult(op, {
          data: {
            model: {
              __typename: 'Model',
              id: 'm1',
              cycles: [
                cycle(1, {
                  sentence:
                    "uncertainty picks were 1.1x harder than random picks (mean |error| 1.05 vs 0.991, 5 labels vs 5 labels); the model's uncertainty ranks errors backwards: rho -0.25 over 10 labels; 90% intervals covered 10 of 10 new labels (100%)",
                  labeled: 10,
                  needed: 5,
                }),
                cycle(2, { sentence: 'not enough labels yet (3 of 5 needed)', labeled: 3, needed: 5 }),
                cycle(3, null),
              ],
            },
          },
        });
      case 'Versions':
        return makeResult(op, { data: { model: { __typename: 'Model', id: 'm1', versions: [] } } });
      case 'Capabilities':
        return makeResult(op, { data: { __schema: { mutationType: { fields: [] } } } });
      default:
        throw new Error(`unexpected operation ${operationName(op)}`);
    }
  };
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      // Subscriptions (cycle updates, retrain progress) stay silent.
      filter((op) => op.kind === 'query'),
      map(answer),
    );
  const client = new Client({ url: '/graphql', exchanges: [exchange] });
  render(
    <Provider value={client}>
      <CycleHistory modelId="m1" model={model} curve={[]} labelers={[]} user={user} onChange={() => {}} />
    </Provider>,
  );
}

describe('CycleHistory, the self-check', () => {
  it("shows each cycle's diagnosis sentence in its card, and nothing for a cycle without one", async () => {
    setup();
    const first = await screen.findByTestId('cycle-1');
    expect(within(first).getByTestId('cycle-diagnosis').textContent).toBe(
      "Self-check: Uncertainty picks were 1.1x harder than random picks (mean |error| 1.05 vs 0.991, 5 labels vs 5 labels); the model's uncertainty ranks errors backwards: rho -0.25 over 10 labels; 90% intervals covered 10 of 10 new labels (100%).",
    );
    expect(within(screen.getByTestId('cycle-2')).getByTestId('cycle-diagnosis').textContent).toBe('Self-check: Not enough labels yet (3 of 5 needed).');
    expect(within(screen.getByTestId('cycle-3')).queryByTestId('cycle-diagnosis')).toBeNull();
  });
});
