import { checkModelForm, describeEndpoint, taskFor, type ModelForm } from './newModel';

const logS = { name: 'logS', compounds: 1128, measurements: 1130, min: -11.6, max: 1.58, binary: false };
const bbb = { name: 'p_np', compounds: 2039, measurements: 2039, min: 0, max: 1, binary: true };
const tiny = { name: 'pKa', compounds: 4, measurements: 4, min: 1, max: 9, binary: false };
const sol3 = { name: 'sol3', compounds: 1128, measurements: 1128, min: 0, max: 2, binary: false };
const form: ModelForm = {
  name: ' logS forest ',
  endpoint: 'logS',
  task: 'REGRESSION',
  trainingSetId: '',
  split: 'scaffold',
  validationPercent: '20',
  members: '32',
  learner: 'forest+linear',
  classes: '',
  gainCheck: false,
};
const check = (f: Partial<ModelForm>) => checkModelForm({ ...form, ...f }, [logS, bbb, tiny, sol3], ['ESOL solubility (logS)']);

describe('create-model form', () => {
  it('describes endpoints and proposes a task from their values', () => {
    expect(describeEndpoint(logS)).toBe('logS (1128 compounds, -11.60 to 1.58)');
    expect(describeEndpoint(bbb)).toBe('p_np (2039 compounds, 0/1)');
    expect(taskFor(bbb)).toBe('CLASSIFICATION');
    expect(taskFor(logS)).toBe('REGRESSION');
  });

  it('turns a good form into the mutation input', () => {
    expect(check({})).toEqual({
      ok: true,
      input: { name: 'logS forest', endpoint: 'logS', task: 'REGRESSION', members: 32, learner: 'forest+linear', trainingSetId: null, split: { kind: 'scaffold', fraction: 0.2 } },
    });
    const r = check({ trainingSetId: '01939a5b-ffee-7ddc-bbaa-998877665544', validationPercent: '12,5' });
    expect(r.ok && r.input.trainingSetId).toBe('01939a5b-ffee-7ddc-bbaa-998877665544');
    expect(r.ok && r.input.split.fraction).toBe(0.125);
    expect(r.ok && 'gainCheck' in r.input).toBe(false);
    const g = check({ gainCheck: true });
    expect(g.ok && g.input.gainCheck).toBe(true);
  });

  it('names the field and says what is wrong', () => {
    expect(check({ name: '  ' })).toEqual({ ok: false, field: 'name', error: 'Name the model.' });
    expect(check({ name: 'ESOL solubility (logS)' })).toMatchObject({ ok: false, field: 'name' });
    expect(check({ endpoint: '' })).toMatchObject({ ok: false, field: 'endpoint' });
    expect(check({ endpoint: 'pKa' })).toEqual({ ok: false, field: 'endpoint', error: 'pKa has 4 measured compounds; a model needs at least 10.' });
    expect(check({ task: 'CLASSIFICATION' })).toEqual({ ok: false, field: 'task', error: 'Classification needs 0/1 values, or class names; logS ranges from -11.60 to 1.58.' });
    expect(check({ learner: 'logistic' })).toEqual({ ok: false, field: 'learner', error: 'Logistic regression is for classification.' });
    expect(check({ endpoint: 'p_np', task: 'CLASSIFICATION', learner: 'logistic' }).ok).toBe(true);
    for (const members of ['1', '257', '3.5', 'x', '']) expect(check({ members })).toMatchObject({ ok: false, field: 'members' });
    for (const validationPercent of ['0', '51', '', 'x']) expect(check({ validationPercent })).toMatchObject({ ok: false, field: 'validationPercent' });
  });
});

describe('create-model form, named classes', () => {
  const three = { endpoint: 'sol3', task: 'CLASSIFICATION' as const };
  it('sends the class names in index order', () => {
    const r = check({ ...three, classes: ' low, medium ,high ' });
    expect(r.ok && r.input.classes).toEqual(['low', 'medium', 'high']);
    // Regression ignores what the field held; 0/1 needs no names.
    expect(check({ classes: 'a, b' })).toMatchObject({ ok: true, input: { task: 'REGRESSION' } });
    expect(check({ endpoint: 'p_np', task: 'CLASSIFICATION' })).toMatchObject({ ok: true, input: { endpoint: 'p_np' } });
    expect('classes' in (check({ endpoint: 'p_np', task: 'CLASSIFICATION' }) as { input: object }).input).toBe(false);
  });
  it('names what is wrong with the classes', () => {
    expect(check({ ...three, classes: '' })).toMatchObject({ ok: false, field: 'task' });
    expect(check({ ...three, classes: 'low' })).toEqual({ ok: false, field: 'classes', error: 'Name 2 to 64 classes, separated by commas (low, medium, high).' });
    expect(check({ ...three, classes: 'low,LOW,high' })).toEqual({ ok: false, field: 'classes', error: 'Classes “low” and “LOW” differ only in case.' });
    expect(check({ ...three, classes: `low,${'m'.repeat(65)},high` })).toMatchObject({ ok: false, field: 'classes' });
    expect(check({ ...three, classes: 'low,médium,high' })).toEqual({ ok: false, field: 'classes', error: 'Class “médium”: letters, digits and punctuation of plain ASCII only.' });
    expect(check({ ...three, classes: 'low,,high' })).toEqual({ ok: false, field: 'classes', error: 'A class name is empty.' });
    expect(check({ ...three, classes: 'low,low,high' })).toEqual({ ok: false, field: 'classes', error: 'Class “low” is named twice.' });
    expect(check({ ...three, classes: 'low,high' })).toEqual({
      ok: false,
      field: 'classes',
      error: 'sol3 has values 0 to 2, not class indexes 0 to 1: import its labels with these class names.',
    });
  });
});
