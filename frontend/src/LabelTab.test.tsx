import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { Provider } from 'urql';
import { vi } from 'vitest';
import type { User } from './api';
import { fakeClient, type Answer } from './fake-client';
import { LabelTab } from './LabelTab';

vi.mock('./structure', () => ({ drawSVG: () => Promise.resolve(null) }));

beforeEach(() => {
  vi.stubGlobal('fetch', () => Promise.resolve(new Response('value\n-1\n-2\n', { status: 200 })));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const me = { id: '01939a5d-0000-7000-8000-000000000001', email: 'sci@lab.test', name: 'Sci', role: 'SCIENTIST' } as User;
const model = '01939a5d-0000-7000-8000-0000000000aa';
const iid = (n: number) => `01939a5d-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`;

const item = (n: number, extra: Record<string, unknown> = {}) => ({
  id: iid(n),
  status: 'IN_PROGRESS',
  prediction: -2.7,
  uncertainty: 0.41,
  interval: { low: -3.4, high: -2.0, level: 0.9 },
  applicabilityDistance: 0.2,
  selectionStrategy: 'default',
  leaseExpiresAt: null,
  probabilities: null,
  predictedClass: null,
  label: null,
  labelClass: null,
  labelSource: null,
  labelConfidence: null,
  labeledAt: null,
  labelImplausible: false,
  assignedTo: { id: me.id, name: 'Sci', email: null },
  labeledBy: null,
  archivedAt: null,
  archivedWith: null,
  compound: { id: `c${n}`, inputSmiles: 'CCO', canonicalSmiles: 'CCO', name: `compound ${n}`, descriptors: null },
  ...extra,
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000).toISOString();

// My labels: the newest archived by the retrain that trained on it (version
// 2), one from two days ago (beyond the correction window).
const mine = [
  item(7, { status: 'LABELED', label: -3.1, labelSource: 'EXPERIMENTAL', labeledAt: hoursAgo(1), labeledBy: { id: me.id }, archivedAt: hoursAgo(0.5), archivedWith: { version: 2 } }),
  item(8, { status: 'LABELED', label: -1.2, labelSource: 'LITERATURE', labeledAt: hoursAgo(48), labeledBy: { id: me.id } }),
];

// The demo's refusal of logS 50 (activelearning.ImplausibleError).
const implausible: Answer = {
  errors: [
    {
      message: 'value 50 looks implausible: …; resubmit with confirm: true to keep it',
      extensions: {
        code: 'IMPLAUSIBLE_VALUE',
        field: 'value',
        reason: "it lies beyond the endpoint's observed range [-11.6, 1.58] by more than its span 13.18",
        value: 50,
        k: 4,
        range: { min: -11.6, max: 1.58, count: 282 },
        prediction: -2.7,
        uncertainty: 0.41,
      },
    },
  ],
};

function setup(
  answers: Record<string, (v: Record<string, unknown>) => Answer> = {},
  opts: { user?: User; itemId?: string; task?: 'REGRESSION' | 'CLASSIFICATION'; classes?: string[] } = {},
) {
  const user = opts.user ?? me;
  let claims = 0;
  const { client, sent } = fakeClient((name, v) => {
    if (answers[name]) return answers[name](v);
    switch (name) {
      case 'Held':
        return { data: { labelQueue: { edges: [] } } };
      case 'MyLabels':
        return { data: { labelQueue: { totalCount: mine.length, edges: mine.map((node) => ({ node })) } } };
      case 'Claim':
        claims++;
        return { data: { claimNextItem: { item: item(claims) } } };
      case 'Neighbours':
        return { data: { compound: { id: 'c', similar: [] } } };
    }
  });
  render(
    <Provider value={client}>
      <LabelTab
        modelId={model}
        endpoint="logS"
        task={opts.task ?? 'REGRESSION'}
        classes={opts.classes ?? []}
        range={{ min: -11.6, max: 1.58 }}
        user={user}
        counts={{ pending: 5, inProgress: 0, labeled: 2, skipped: 0 }}
        itemId={opts.itemId}
      />
    </Provider>,
  );
  return { sent };
}

describe("LabelTab, the prediction's interval", () => {
  it("shows the claimed item's calibrated interval, not ±1.645 σ", async () => {
    setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Claim next compound' }));
    expect((await screen.findByTestId('interval')).textContent).toBe('90 % interval -3.400 to -2.000 (calibrated) · selected by default');
  });
});

describe('LabelTab, an implausible value', () => {
  it('shows the reason and what the value was checked against, and saves it only when confirmed', async () => {
    const { sent } = setup({ Submit: (v) => (v.confirm ? { data: { submitLabel: { item: { id: v.itemId, status: 'LABELED' } } } } : implausible) });
    fireEvent.click(await screen.findByRole('button', { name: 'Claim next compound' }));
    fireEvent.change(await screen.findByLabelText('Measured value'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & next' }));
    const note = await screen.findByTestId('implausible');
    expect(note.textContent).toContain("50.000 looks implausible: it lies beyond the endpoint's observed range [-11.6, 1.58] by more than its span 13.18.");
    expect(note.textContent).toContain('Checked against: observed logS -11.600 to 1.580 (282 measurements) · predicted -2.700 ± 0.410.');
    // The refused value stays typed, and nothing was labeled.
    expect((screen.getByLabelText('Measured value') as HTMLInputElement).value).toBe('50');
    expect(sent.filter((s) => s.name === 'Submit').map((s) => s.variables.confirm)).toEqual([false]);
    fireEvent.click(within(note).getByRole('button', { name: 'Save 50.000 anyway' }));
    await screen.findByText(/^Labeled compound 1: 50\.000 \(confirmed although implausible\)\.$/);
    expect(sent.filter((s) => s.name === 'Submit').map((s) => [s.variables.itemId, s.variables.value, s.variables.confirm])).toEqual([
      [iid(1), 50, false],
      [iid(1), 50, true],
    ]);
    // The next compound comes, without the refusal.
    await screen.findByText('compound 2');
    expect(screen.queryByTestId('implausible')).toBeNull();
  });
  it('lets the labeler change the value instead', async () => {
    setup({ Submit: () => implausible });
    fireEvent.click(await screen.findByRole('button', { name: 'Claim next compound' }));
    fireEvent.change(await screen.findByLabelText('Measured value'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save & next' }));
    fireEvent.click(within(await screen.findByTestId('implausible')).getByRole('button', { name: 'Change the value' }));
    expect(screen.queryByTestId('implausible')).toBeNull();
    expect(document.activeElement?.id).toBe('label-value');
  });
});

describe('LabelTab, my history', () => {
  it('corrects my last label by p even once a retrain archived it', async () => {
    const { sent } = setup({ Amend: (v) => ({ data: { amendLabel: { item: { ...mine[0], label: v.value } } } }) });
    await screen.findByText('My history (2)');
    fireEvent.keyDown(window, { key: 'p' });
    const dialog = await screen.findByRole('dialog', { name: 'Correct my last label' });
    expect(dialog.textContent).toMatch(/compound 7: -3\.100 \(archived with v2: the next retrain trains on the correction\)/);
    fireEvent.change(within(dialog).getByLabelText('Corrected value'), { target: { value: '-3.01' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save correction' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Say why the label changes.');
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'typo' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save correction' }));
    await screen.findByText('Corrected compound 7 to -3.010.');
    expect(sent.find((s) => s.name === 'Amend')?.variables).toEqual({ itemId: iid(7), value: -3.01, reason: 'typo', confirm: false });
  });
  it('offers correction and retraction only within the window, and retracts with a reason', async () => {
    const { sent } = setup({ Retract: () => ({ data: { retractLabel: { item: { ...mine[0], status: 'PENDING', label: null } } } }) });
    const rows = await screen.findAllByTestId('history-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/compound 7-3\.100 \(experimental\)archived with v2Correct Retract$/),
      expect.stringMatching(/compound 8-1\.200 \(literature\)ask an admin$/),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Retract the label of compound 7' }));
    const dialog = screen.getByRole('dialog', { name: 'Retract a label' });
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'wrong compound' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Retract label' }));
    await screen.findByText('Retracted the label of compound 7; it is back in the queue.');
    expect(sent.find((s) => s.name === 'Retract')?.variables).toEqual({ itemId: iid(7), reason: 'wrong compound' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
  it('asks for my labels with the archived ones (archived: null), since a retrain archives what it trained on', async () => {
    const { sent } = setup();
    await screen.findByText('My history (2)');
    const asked = sent.find((s) => s.name === 'MyLabels');
    expect(asked?.variables).toEqual({ id: model, me: me.id });
    expect(asked?.query.replace(/\s+/g, ' ')).toContain('filter: {modelId: $id, status: [LABELED], assignedTo: $me, archived: null}');
  });
});

describe('LabelTab, a labeled item opened from the queue', () => {
  // Someone else's label from yesterday, archived with version 2.
  const theirs = item(9, {
    status: 'LABELED',
    label: -4.2,
    labelSource: 'LITERATURE',
    labeledAt: hoursAgo(30),
    labeledBy: { id: 'someone-else' },
    assignedTo: { id: 'someone-else', name: 'Bo', email: null },
    archivedAt: hoursAgo(2),
    archivedWith: { version: 2 },
  });
  const answers = (amended: { value?: number }) => ({
    QueueItem: () => ({ data: { queueItem: amended.value === undefined ? theirs : { ...theirs, label: amended.value } } }),
    Amend: (v: Record<string, unknown>) => {
      amended.value = v.value as number;
      return { data: { amendLabel: { item: { ...theirs, label: v.value } } } };
    },
  });
  it('lets an admin correct anyone’s label from there', async () => {
    const amended: { value?: number } = {};
    const admin = { ...me, role: 'ADMIN' } as User;
    const { sent } = setup(answers(amended), { user: admin, itemId: theirs.id });
    expect((await screen.findByTestId('held-by')).textContent).toBe('compound 9 is labeled: -4.200 (literature), archived with v2.');
    fireEvent.click(screen.getByRole('button', { name: 'Correct this label…' }));
    const dialog = screen.getByRole('dialog', { name: 'Correct a label' });
    fireEvent.change(within(dialog).getByLabelText('Corrected value'), { target: { value: '-4.02' } });
    fireEvent.change(within(dialog).getByLabelText('Reason'), { target: { value: 'transcription error' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save correction' }));
    await screen.findByText('compound 9 is labeled: -4.020 (literature), archived with v2.');
    expect(sent.find((s) => s.name === 'Amend')?.variables).toEqual({ itemId: theirs.id, value: -4.02, reason: 'transcription error', confirm: false });
    // A labeled item is not claimed.
    expect(sent.some((s) => s.name === 'ClaimItem')).toBe(false);
  });
  it('offers a scientist nothing to change on someone else’s label', async () => {
    setup(answers({}), { itemId: theirs.id });
    await screen.findByTestId('held-by');
    expect(screen.queryByRole('button', { name: 'Correct this label…' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Retract this label…' })).toBeNull();
  });
});

describe('LabelTab, a three-class model', () => {
  const classes = ['low', 'medium', 'high'];
  const probabilities = [
    { class: 'low', probability: 0.2 },
    { class: 'medium', probability: 0.5 },
    { class: 'high', probability: 0.3 },
  ];
  function setup3() {
    let claims = 0;
    return setup(
      {
        Claim: () => {
          claims++;
          return { data: { claimNextItem: { item: item(claims, { prediction: 0.5, interval: null, probabilities, predictedClass: 'medium' }) } } };
        },
        Submit: (v) => ({ data: { submitLabel: { item: { id: v.itemId, status: 'LABELED' } } } }),
      },
      { task: 'CLASSIFICATION', classes },
    );
  }

  it('offers the classes as buttons with keys 1 to 3 and the model\'s probabilities', async () => {
    setup3();
    fireEvent.click(await screen.findByRole('button', { name: 'Claim next compound' }));
    const buttons = await screen.findAllByRole('button', { name: /^Label as / });
    expect(buttons.map((b) => [b.getAttribute('aria-label'), b.getAttribute('aria-keyshortcuts'), b.textContent])).toEqual([
      ['Label as low', '1', '1 low 0.20'],
      ['Label as medium', '2', '2 medium 0.50'],
      ['Label as high', '3', '3 high 0.30'],
    ]);
    expect(screen.queryByLabelText('Measured value')).toBeNull();
  });

  it('saves the class of a key press and opens the next compound; c steps the confidence', async () => {
    const { sent } = setup3();
    fireEvent.click(await screen.findByRole('button', { name: 'Claim next compound' }));
    await screen.findByText('compound 1');
    fireEvent.keyDown(window, { key: '2' });
    await screen.findByText('Labeled compound 1: medium.');
    await screen.findByText('compound 2');
    // On a class card c (not 1 2 3) sets the confidence; 4 is no class.
    fireEvent.keyDown(window, { key: 'c' });
    fireEvent.keyDown(window, { key: '4' });
    await screen.findByText('Saves as', { exact: false });
    expect(screen.getByTestId('saves-as').textContent).toBe('Saves as Experimental, medium confidence');
    fireEvent.click(screen.getByRole('button', { name: 'Label as high' }));
    await screen.findByText('Labeled compound 2: high.');
    await screen.findByText('compound 3');
    expect(sent.filter((s) => s.name === 'Submit').map((s) => [s.variables.itemId, s.variables.value, s.variables.confidence])).toEqual([
      [iid(1), 1, 'HIGH'],
      [iid(2), 2, 'MEDIUM'],
    ]);
  });
});
