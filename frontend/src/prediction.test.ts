import { applicability, bandOf, csvColumn, histogram, scaleOf } from './prediction';

// ESOL's logS range in the demo (data/esol: -11.6 to 1.58).
const ESOL = { min: -11.6, max: 1.58 };

describe('applicability', () => {
  it('calls a close compound the ensemble agrees on in domain', () => {
    const a = applicability(0.2, 0.3, ESOL);
    expect(a.level).toBe('in');
    expect(a.reasons).toEqual(['close to the training set (distance 0.20)', 'the ensemble agrees (±0.30, 2 % of the observed range)']);
  });
  it('does not call hexacosane in domain: distance 0 but ±2.5 is the reason', () => {
    const a = applicability(0, 2.5, ESOL);
    expect(a.level).toBe('out');
    expect(a.title).toBe('Out of domain');
    expect(a.reasons[1]).toBe('the ensemble disagrees widely (±2.50, 19 % of the observed range)');
    expect(a.position).toBeGreaterThanOrEqual(0.67);
  });
  it('takes the worse signal', () => {
    expect(applicability(0.5, 0.1, ESOL).level).toBe('edge');
    expect(applicability(0.9, 0.1, ESOL).level).toBe('out');
    expect(applicability(0.1, 1.2, ESOL).level).toBe('edge');
  });
  it('works with what is known', () => {
    expect(applicability(null, null, null)).toEqual({ level: 'in', title: 'In domain', reasons: [], position: 0 });
    expect(applicability(0.8, 1, null).reasons).toEqual(['far from the training set (distance 0.80)']);
  });
});

describe('bandOf', () => {
  it("takes the model's calibrated interval as it is", () => {
    expect(bandOf(-3, 0.5, { low: -4.2, high: -1.8, level: 0.9 })).toEqual({ low: -4.2, high: -1.8, percent: 90, calibrated: true, how: 'calibrated' });
    expect(bandOf(0, 1, { low: -2, high: 2, level: 0.95 }).percent).toBe(95);
  });
  it('falls back to ±1.645 σ and says so', () => {
    const b = bandOf(-3, 0.5, null);
    expect(b.low).toBeCloseTo(-3.8225, 12);
    expect(b.high).toBeCloseTo(-2.1775, 12);
    expect([b.percent, b.calibrated, b.how]).toEqual([90, false, '± 1.645 σ, not calibrated']);
    expect(bandOf(1, null, undefined)).toMatchObject({ low: 1, high: 1, calibrated: false });
  });
});

describe('scaleOf', () => {
  it('covers the range and the interval with a margin', () => {
    const s = scaleOf({ min: 0, max: 10 }, 2, 4);
    expect(s.min).toBeCloseTo(-0.5);
    expect(s.max).toBeCloseTo(10.5);
    expect(s.at(5)).toBeCloseTo(0.5);
  });
  it('widens to an interval beyond the range', () => {
    const s = scaleOf({ min: 0, max: 10 }, 8, 30);
    expect(s.at(30)).toBeLessThan(1);
    expect(s.at(0)).toBeGreaterThan(0);
  });
  it('survives a single-valued range', () => {
    const s = scaleOf({ min: 3, max: 3 }, 3, 3);
    expect(s.at(3)).toBeCloseTo(0.5);
  });
});

describe('csvColumn', () => {
  it('reads a column through quotes, commas and CRLF', () => {
    const id = (n: number) => `01939a5b-0000-7000-8000-00000000000${n}`;
    const csv = `compound_id,name,value\r\n${id(1)},"Digoxin (L1=41,8mg/mL)",-7.8\r\n${id(2)},"say ""hi""",-1.5\n${id(3)},plain,\n${id(4)},x,abc\n${id(5)},last,0.25`;
    expect(csvColumn(csv, 'value')).toEqual([-7.8, -1.5, 0.25]);
    expect(csvColumn(csv, 'nope')).toEqual([]);
    expect(csvColumn('', 'value')).toEqual([]);
  });
});

describe('histogram', () => {
  it('counts into equal bins, the maximum in the last', () => {
    expect(histogram([0, 0.1, 0.5, 0.99, 1, 2, -1], 2, 0, 1)).toEqual([2, 3]);
    expect(histogram([1, 2], 3, 1, 1)).toEqual([0, 0, 0]);
  });
});
