import { HOTKEYS, hotkeyAction, hotkeysFor, isEditable, type KeyInput } from './hotkeys';

const key = (k: string, over: Partial<KeyInput> = {}): KeyInput => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, inField: false, dialogOpen: false, ...over });

describe('hotkeyAction', () => {
  it('maps the documented keys', () => {
    expect(hotkeyAction(key('Enter'))).toEqual({ kind: 'save' });
    expect(hotkeyAction(key('s'))).toEqual({ kind: 'skip' });
    expect(hotkeyAction(key('n'))).toEqual({ kind: 'next' });
    expect(hotkeyAction(key('p'))).toEqual({ kind: 'previous' });
    expect(hotkeyAction(key('z', { ctrlKey: true }))).toEqual({ kind: 'previous' });
    expect(hotkeyAction(key('Z', { metaKey: true }))).toEqual({ kind: 'previous' });
    expect(hotkeyAction(key('2'))).toEqual({ kind: 'confidence', value: 'MEDIUM' });
    expect(hotkeyAction(key('x'))).toEqual({ kind: 'source', value: 'EXPERT_ESTIMATE' });
    expect(hotkeyAction(key('?'))).toEqual({ kind: 'help' });
    expect(hotkeyAction(key('Escape'))).toEqual({ kind: 'close' });
  });
  it('leaves typing alone in a field, except Esc', () => {
    for (const k of ['1', 'e', 's', 'n', 'Enter', '?']) expect(hotkeyAction(key(k, { inField: true }))).toBeNull();
    expect(hotkeyAction(key('z', { ctrlKey: true, inField: true }))).toBeNull();
    expect(hotkeyAction(key('Escape', { inField: true }))).toEqual({ kind: 'close' });
  });
  it('only closes while a dialog is open', () => {
    expect(hotkeyAction(key('s', { dialogOpen: true }))).toBeNull();
    expect(hotkeyAction(key('Escape', { dialogOpen: true }))).toEqual({ kind: 'close' });
  });
  it('ignores other modifiers and keys', () => {
    expect(hotkeyAction(key('s', { ctrlKey: true }))).toBeNull();
    expect(hotkeyAction(key('1', { altKey: true }))).toBeNull();
    expect(hotkeyAction(key('q'))).toBeNull();
  });
});

describe('hotkeyAction on a classification card', () => {
  const three = ['1', '2', '3'];
  it('labels with the class of its key, and c steps the confidence', () => {
    expect(hotkeyAction(key('1'), three)).toEqual({ kind: 'class', index: 0 });
    expect(hotkeyAction(key('3'), three)).toEqual({ kind: 'class', index: 2 });
    expect(hotkeyAction(key('c'), three)).toEqual({ kind: 'next-confidence' });
    expect(hotkeyAction(key('4'), three)).toBeNull();
    expect(hotkeyAction(key('v'), three)).toBeNull();
    expect(hotkeyAction(key('s'), three)).toEqual({ kind: 'skip' });
    expect(hotkeyAction(key('x'), three)).toEqual({ kind: 'source', value: 'EXPERT_ESTIMATE' });
  });
  it('keys 0 and 1 are the unnamed binary classes', () => {
    expect(hotkeyAction(key('0'), ['0', '1'])).toEqual({ kind: 'class', index: 0 });
    expect(hotkeyAction(key('1'), ['0', '1'])).toEqual({ kind: 'class', index: 1 });
    expect(hotkeyAction(key('2'), ['0', '1'])).toBeNull();
  });
  it('types in a field and waits in a dialog', () => {
    expect(hotkeyAction(key('1', { inField: true }), three)).toBeNull();
    expect(hotkeyAction(key('1', { dialogOpen: true }), three)).toBeNull();
  });
  it('lists the class keys in the help', () => {
    expect(hotkeysFor([], [])).toBe(HOTKEYS);
    const table = hotkeysFor(three, ['low', 'medium', 'high']);
    expect(table[0]).toEqual({ keys: '1 / 2 / 3', what: 'Label as 1 low / 2 medium / 3 high, save and go to the next compound' });
    expect(table.map((h) => h.keys)).toContain('c');
    expect(table.filter((h) => h.keys === '1 / 2 / 3')).toHaveLength(1);
  });
});

describe('isEditable', () => {
  it('tells text fields from buttons and boxes', () => {
    const input = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isEditable(input)).toBe(true);
    expect(isEditable(document.createElement('textarea'))).toBe(true);
    expect(isEditable(document.createElement('select'))).toBe(true);
    expect(isEditable(box)).toBe(false);
    expect(isEditable(document.createElement('button'))).toBe(false);
    expect(isEditable(null)).toBe(false);
  });
});
