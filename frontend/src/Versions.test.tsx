import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Provider } from 'urql';
import { Versions } from './Cycles';
import { fakeClient, type Answer } from './fake-client';

afterEach(cleanup);

const model = '01939a5d-0000-7000-8000-0000000000aa';
const vid = (n: number) => `01939a5d-0000-7000-8000-0000000002${String(n).padStart(2, '0')}`;
const version = (n: number, status: string, rmse: number) => ({
  id: vid(n),
  version: n,
  status,
  trainingSize: 280 + n * 10,
  error: '',
  createdAt: '2026-12-06T10:00:00Z',
  activatedAt: status === 'CANDIDATE' ? null : '2026-12-06T10:00:00Z',
  metrics: [{ name: 'rmse', value: rmse }],
});

// A lineage whose third version came out worse than the second and waits
// as a candidate: 1 superseded, 2 active, 3 candidate.
function setup(admin: boolean, promote: () => Answer = () => ({ data: { promoteVersion: { model: { id: model }, version: { id: vid(3), version: 3, status: 'ACTIVE' } } } })) {
  let promoted = false;
  const { client, sent } = fakeClient((name) => {
    switch (name) {
      case 'Versions':
        return {
          data: {
            model: {
              id: model,
              versions: promoted
                ? [version(1, 'SUPERSEDED', 1.1), version(2, 'SUPERSEDED', 0.9), version(3, 'ACTIVE', 0.95)]
                : [version(1, 'SUPERSEDED', 1.1), version(2, 'ACTIVE', 0.9), version(3, 'CANDIDATE', 0.95)],
            },
          },
        };
      case 'Promote': {
        const a = promote();
        promoted = 'data' in a;
        return a;
      }
      case 'Rollback':
        return { data: { rollbackModel: { model: { id: model }, version: { id: vid(1), version: 1, status: 'ACTIVE' } } } };
    }
  });
  const changed: number[] = [];
  render(
    <Provider value={client}>
      <Versions modelId={model} task="REGRESSION" admin={admin} refreshKey="" onChange={() => changed.push(1)} />
    </Provider>,
  );
  return { sent, changed };
}

describe('Versions, for admins', () => {
  it('promotes a candidate only with a reason, saying what it does', async () => {
    const { sent, changed } = setup(true);
    fireEvent.click(await screen.findByRole('button', { name: 'Promote version 3…' }));
    const dialog = screen.getByRole('dialog', { name: 'Promote version 3' });
    expect(dialog.textContent).toMatch(/Version 3 \(RMSE 0\.950 on the validation set\) becomes active; version 2 \(RMSE 0\.900\) is superseded\./);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Promote version 3' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Say why this candidate should replace the active version.');
    expect(sent.some((s) => s.name === 'Promote')).toBe(false);
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'scaffold split favours it' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Promote version 3' }));
    await screen.findByText('Version 3 is active.');
    expect(sent.find((s) => s.name === 'Promote')?.variables).toEqual({ versionId: vid(3), reason: 'scaffold split favours it' });
    expect(screen.queryByRole('dialog')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('version-3').textContent).toMatch(/active/));
    expect(changed.length).toBeGreaterThan(0);
  });
  it('shows the server’s refusal in the dialog', async () => {
    setup(true, () => ({ errors: [{ message: 'version 3 is active, not a candidate', extensions: { code: 'CONFLICT' } }] }));
    fireEvent.click(await screen.findByRole('button', { name: 'Promote version 3…' }));
    const dialog = screen.getByRole('dialog', { name: 'Promote version 3' });
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'because' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Promote version 3' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('Conflict: version 3 is active, not a candidate');
  });
  it('rolls back to an earlier version, the reason optional', async () => {
    const { sent } = setup(true);
    fireEvent.click(await screen.findByRole('button', { name: 'Roll back to version 1…' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back to version 1' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back to version 1' }));
    await screen.findByText('Version 1 is active.');
    expect(sent.find((s) => s.name === 'Rollback')?.variables).toEqual({ modelId: model, toVersion: 1, reason: null });
    // Nothing offers to roll "back" to the candidate, which is promoted instead.
    expect(screen.queryByRole('button', { name: /version 3…$/ })?.textContent).toBe('Promote version 3…');
  });
  it('reactivates a later version after a rollback', async () => {
    const { client, sent } = fakeClient((name) => {
      switch (name) {
        case 'Versions':
          return { data: { model: { id: model, versions: [version(1, 'ACTIVE', 1.1), version(2, 'SUPERSEDED', 0.9)] } } };
        case 'Rollback':
          return { data: { rollbackModel: { model: { id: model }, version: { id: vid(2), version: 2, status: 'ACTIVE' } } } };
      }
    });
    render(
      <Provider value={client}>
        <Versions modelId={model} task="REGRESSION" admin refreshKey="" onChange={() => {}} />
      </Provider>,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Reactivate version 2…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reactivate version 2' });
    expect(dialog.textContent).toMatch(/Version 2 \(RMSE 0\.900 on the validation set\) becomes active; version 1 \(RMSE 1\.100\) is superseded\./);
    fireEvent.change(within(dialog).getByLabelText('Reason (optional)'), { target: { value: 'the rollback was a mistake' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reactivate version 2' }));
    await screen.findByText('Version 2 is active.');
    expect(sent.find((s) => s.name === 'Rollback')?.variables).toEqual({ modelId: model, toVersion: 2, reason: 'the rollback was a mistake' });
  });
});

describe('Versions, for others', () => {
  it('lists the versions without actions', async () => {
    setup(false);
    await screen.findByTestId('version-3');
    expect(screen.getByTestId('version-3').textContent).toMatch(/candidate/);
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});
