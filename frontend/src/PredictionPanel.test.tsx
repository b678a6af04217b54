import { cleanup, render, screen } from '@testing-library/react';
import { PredictionPanel } from './PredictionPanel';

afterEach(cleanup);

// ESOL's logS range in the demo.
const ESOL = { min: -11.6, max: 1.58 };

describe('PredictionPanel', () => {
  it('calls hexacosane (distance 0, ±2.5) out of domain and says why', () => {
    render(<PredictionPanel endpoint="logS" prediction={-10.039} uncertainty={2.523} distance={0} range={ESOL} strategy="default" observed={[-11, -3, -2.5, 1]} />);
    expect(screen.getByTestId('prediction').textContent).toBe('-10.039 ± 2.523');
    const verdict = screen.getByTestId('applicability').textContent;
    expect(verdict).toContain('Out of domain');
    expect(verdict).toContain('close to the training set (distance 0.00)');
    expect(verdict).toContain('the ensemble disagrees widely (±2.52, 19 % of the observed range)');
    // Without a calibrated interval: ±1.645 σ, drawn on the observed range
    // over the measurements, and the label says it is not calibrated.
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Prediction -10.039, 90 % interval -14.189 to -5.889 (± 1.645 σ, not calibrated), on the observed range -11.600 to 1.580 of 4 measurements',
    );
    expect(screen.getByTestId('interval').textContent).toBe('90 % interval -14.189 to -5.889 (± 1.645 σ, not calibrated) · selected by default');
    expect(document.querySelector('rect.band')?.getAttribute('class')).toBe('band');
    // Bins of width 0.549: -11, -3, -2.5 and 1 fall in four different ones.
    expect(document.querySelectorAll('rect.bin')).toHaveLength(4);
  });

  it("draws the model's calibrated interval when the item has one, with its numbers", () => {
    // The normal rule would give ±0.823 (1.645 × 0.5); the calibrated
    // interval is ±1.2, and it is the one drawn.
    render(
      <PredictionPanel
        endpoint="logS"
        prediction={-3}
        uncertainty={0.5}
        interval={{ low: -4.2, high: -1.8, level: 0.9 }}
        distance={0.2}
        range={ESOL}
        strategy="uncertainty"
      />,
    );
    expect(screen.getByTestId('interval').textContent).toBe('90 % interval -4.200 to -1.800 (calibrated) · selected by uncertainty');
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Prediction -3.000, 90 % interval -4.200 to -1.800 (calibrated), on the observed range -11.600 to 1.580',
    );
    // The axis spans -11.6 - 0.659 to 1.58 + 0.659 (5 % margins of 13.18),
    // 14.498 wide: the band starts at (−4.2 + 12.259) / 14.498 = 55.59 %
    // and is 2.4 / 14.498 = 16.55 % wide.
    const band = document.querySelector('rect.band')!;
    expect(band.getAttribute('class')).toBe('band calibrated');
    expect(band.getAttribute('x')).toBe('55.59%');
    expect(band.getAttribute('width')).toBe('16.55%');
  });

  it('says which level a calibrated interval has', () => {
    render(<PredictionPanel endpoint="logS" prediction={0} uncertainty={1} interval={{ low: -1, high: 1, level: 0.8 }} distance={null} range={ESOL} strategy="random" />);
    expect(screen.getByTestId('interval').textContent).toBe('80 % interval -1.000 to 1.000 (calibrated) · selected by random');
  });

  it('draws no interval without a range', () => {
    render(<PredictionPanel endpoint="logS" prediction={-2} uncertainty={0.2} distance={0.1} range={null} strategy="random" />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.getByTestId('applicability').textContent).toBe('In domain: close to the training set (distance 0.10).');
  });
});
