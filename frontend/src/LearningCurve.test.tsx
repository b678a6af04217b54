import { render, screen, waitFor } from '@testing-library/react';
import { LearningCurve } from './LearningCurve';

const pt = (cycle: number, labels: number, rmse: number) => ({ cycle, labels, metrics: [{ name: 'rmse', value: rmse }] });

describe('LearningCurve', () => {
  // Load the lazily imported chart chunk (recharts) up front: on a busy
  // machine that alone can take seconds, and the test is about drawing.
  beforeAll(async () => {
    await import('./LearningCurveChart');
  }, 60000);

  it('draws one dot per point once there are two', async () => {
    render(<LearningCurve points={[pt(0, 0, 0.9), pt(1, 25, 0.85), pt(2, 50, 0.8)]} task="REGRESSION" />);
    expect(screen.getByTestId('curve-summary').textContent).toBe('RMSE 0.900 → 0.800 (better) after 50 labels over 2 cycles.');
    const figure = screen.getByRole('img', { name: 'RMSE against labels added' });
    await waitFor(() => expect(figure.querySelectorAll('.recharts-line-dot')).toHaveLength(3), { timeout: 15000 });
  }, 20000);

  it('shows only the summary with a single point', () => {
    render(<LearningCurve points={[pt(0, 0, 0.9)]} task="REGRESSION" />);
    expect(screen.getByTestId('curve-summary').textContent).toContain('before any labels');
    expect(screen.queryByRole('img')).toBeNull();
  });
});
