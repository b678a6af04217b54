import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { DEFAULT_PREFS, LabelForm, type LabelInput } from './LabelForm';

afterEach(cleanup);

interface HarnessProps {
  itemId: string;
  task: 'REGRESSION' | 'CLASSIFICATION';
  onSubmit: (i: LabelInput) => void;
  failure?: string;
}

// Harness is LabelForm as LabelPage uses it: one form per item, the
// source and confidence kept outside.
function Harness({ itemId, task, onSubmit, failure }: HarnessProps) {
  const [prefs, setPrefs] = useState(DEFAULT_PREFS);
  return <LabelForm key={itemId} task={task} prefs={prefs} onPrefsChange={setPrefs} busy={false} onSubmit={onSubmit} failure={failure} />;
}

function setup(task: 'REGRESSION' | 'CLASSIFICATION' = 'REGRESSION') {
  const submitted: LabelInput[] = [];
  const onSubmit = (i: LabelInput) => submitted.push(i);
  const view = render(<Harness itemId="01939a5d-0a11-7b22-8c33-d44e55f66a77" task={task} onSubmit={onSubmit} />);
  const nextItem = () => view.rerender(<Harness itemId="01939a5d-0a12-7b22-8c33-d44e55f66a77" task={task} onSubmit={onSubmit} />);
  const failWith = (failure: string) => view.rerender(<Harness itemId="01939a5d-0a11-7b22-8c33-d44e55f66a77" task={task} onSubmit={onSubmit} failure={failure} />);
  return { submitted, nextItem, failWith };
}

describe('LabelForm', () => {
  it('sends the parsed value with source, confidence and trimmed notes', () => {
    const { submitted, nextItem } = setup();
    fireEvent.change(screen.getByLabelText('Measured value'), { target: { value: ' -1,5 ' } });
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'EXPERT_ESTIMATE' } });
    fireEvent.change(screen.getByLabelText('Confidence'), { target: { value: 'LOW' } });
    fireEvent.change(screen.getByLabelText('Notes'), { target: { value: '  by analogy  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & next' }));
    expect(submitted).toEqual([{ value: -1.5, source: 'EXPERT_ESTIMATE', confidence: 'LOW', notes: 'by analogy' }]);
    // Until the next item arrives nothing is cleared (a refused label can be sent again) ...
    expect((screen.getByLabelText('Measured value') as HTMLInputElement).value).toBe(' -1,5 ');
    // ... then the value and notes clear; source and confidence stay.
    nextItem();
    expect((screen.getByLabelText('Measured value') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Notes') as HTMLInputElement).value).toBe('');
    expect((screen.getByLabelText('Source') as HTMLSelectElement).value).toBe('EXPERT_ESTIMATE');
    expect((screen.getByLabelText('Confidence') as HTMLSelectElement).value).toBe('LOW');
  });

  it('defaults to an experimental value of high confidence', () => {
    const { submitted } = setup();
    fireEvent.change(screen.getByLabelText('Measured value'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & next' }));
    expect(submitted).toEqual([{ value: 2, source: 'EXPERIMENTAL', confidence: 'HIGH', notes: '' }]);
  });

  it('refuses a bad value on the page and sends nothing', () => {
    const { submitted } = setup();
    fireEvent.change(screen.getByLabelText('Measured value'), { target: { value: 'high' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & next' }));
    expect(submitted).toEqual([]);
    expect(screen.getByRole('alert').textContent).toBe('"high" is not a number.');
    expect(screen.getByLabelText('Measured value').getAttribute('aria-invalid')).toBe('true');
  });

  it('asks for 0 or 1 in a classification', () => {
    const { submitted } = setup('CLASSIFICATION');
    fireEvent.change(screen.getByLabelText('Label (0 or 1)'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & next' }));
    expect(submitted).toEqual([]);
    expect(screen.getByRole('alert').textContent).toBe('A classification label is 0 or 1.');
  });

  it('says which source and confidence will be saved', () => {
    setup();
    expect(screen.getByTestId('saves-as').textContent).toBe('Saves as Experimental, high confidence');
    fireEvent.change(screen.getByLabelText('Source'), { target: { value: 'LITERATURE' } });
    fireEvent.change(screen.getByLabelText('Confidence'), { target: { value: 'MEDIUM' } });
    expect(screen.getByTestId('saves-as').textContent).toBe('Saves as Literature, medium confidence');
  });

  it('shows a refused submission at the form and keeps what was typed', () => {
    const { failWith } = setup();
    fireEvent.change(screen.getByLabelText('Measured value'), { target: { value: '-3' } });
    failWith('The server cannot be reached. Check your connection and try again.');
    const form = screen.getByRole('form', { name: 'Label' });
    expect(form.querySelector('[role=alert]')?.textContent).toBe('The server cannot be reached. Check your connection and try again.');
    expect((screen.getByLabelText('Measured value') as HTMLInputElement).value).toBe('-3');
  });
});
