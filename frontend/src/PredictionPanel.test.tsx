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
    // The 90 % interval drawn on the observed range, over the measurements.
    expect(screen.getByRole('img').getAttribute('aria-label')).toBe(
      'Prediction -10.039, 90 % interval -14.189 to -5.889, on the observed range -11.600 to 1.580 of 4 measurements',
    );
    // Bins of width 0.549: -11, -3, -2.5 and 1 fall in four different ones.
    expect(document.querySelectorAll('rect.bin')).toHaveLength(4);
  });

  it('draws no interval without a range', () => {
    render(<PredictionPanel endpoint="logS" prediction={-2} uncertainty={0.2} distance={0.1} range={null} strategy="random" />);
    expect(screen.queryByRole('img')).toBeNull();
    expect(screen.getByTestId('applicability').textContent).toBe('In domain: close to the training set (distance 0.10).');
  });
});
