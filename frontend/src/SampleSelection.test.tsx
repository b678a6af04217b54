import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Provider } from 'urql';
import type { User } from './api';
import { fakeClient } from './fake-client';
import { SampleSelection } from './SampleSelection';

afterEach(cleanup);

const user: User = { id: 'u1', email: 'sci@lab.test', name: 'Sci', role: 'SCIENTIST' } as User;

// A client whose answers are given by operation name: the form's choices,
// no cycles yet, and the refusal the server gives a pasted list with a bad
// line (activelearning.PastedPoolError; the reason is chem.Parse's for C1CC).
function setup() {
  const { client, sent: all } = fakeClient((name) => {
    switch (name) {
      case 'SelectionChoices':
        return { data: { models: [{ __typename: 'Model', id: 'm1', name: 'ESOL', task: 'REGRESSION' }], compoundSets: [] } };
      case 'Cycles':
        return { data: { model: { __typename: 'Model', id: 'm1', cycles: [] } } };
      case 'PreviewPasted':
        return {
          errors: [
            {
              message: 'smiles: 1 line is not valid SMILES: line 2: ring bond 1 opened at offset 1 is never closed',
              extensions: { code: 'BAD_USER_INPUT', field: 'smiles', badLines: 1, lines: [{ line: 2, reason: 'ring bond 1 opened at offset 1 is never closed', offset: 1 }] },
            },
          ],
        };
    }
  });
  render(
    <Provider value={client}>
      <SampleSelection modelId="m1" task="REGRESSION" user={user} onChange={() => {}} />
    </Provider>,
  );
  // What was sent to preview a pasted list, in order.
  const previews = () => all.filter((s) => s.name === 'PreviewPasted').map((s) => s.variables);
  return { previews };
}

describe('SampleSelection, a pasted list', () => {
  it('sends the lines as typed and shows the bad ones at the list, with their numbers and reasons', async () => {
    const { previews } = setup();
    fireEvent.change(screen.getByLabelText('Pool'), { target: { value: 'pasted' } });
    const list = screen.getByLabelText(/^SMILES, one a line/);
    fireEvent.change(list, { target: { value: 'CCO ethanol\nC1CC\n\nc1ccccc1\n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const bad = await screen.findAllByTestId('bad-line');
    expect(bad.map((b) => b.textContent)).toEqual(['Line 2: C1CC — ring bond 1 opened at offset 1 is never closed']);
    expect(previews()[0].smiles).toEqual(['CCO ethanol', 'C1CC', '', 'c1ccccc1']);
    expect(list.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('bad-lines').textContent).toMatch(/^1 line is not valid SMILES; nothing was added\./);
    // The refusal is shown at the list only, not again at the top of the form.
    expect(screen.queryByText(/^smiles: 1 line is not valid SMILES/)).toBeNull();
    // Once the list changes, the refusal says it is about the old text.
    fireEvent.change(list, { target: { value: 'CCO ethanol\n\nc1ccccc1' } });
    await waitFor(() => expect(list.getAttribute('aria-invalid')).toBe('false'));
    expect(screen.getByTestId('bad-lines').textContent).toMatch(/The list has changed since/);
  });
  it('asks for a SMILES before sending a blank list', async () => {
    const { previews } = setup();
    fireEvent.change(screen.getByLabelText('Pool'), { target: { value: 'pasted' } });
    fireEvent.change(screen.getByLabelText(/^SMILES, one a line/), { target: { value: '\n  \n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText('Paste at least one SMILES, one a line.')).toBeTruthy();
    expect(previews()).toEqual([]);
  });
});
