import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { PoolDownloads } from './PoolDownloads';

afterEach(cleanup);

const ESOL = { id: '01939a5c-2b7e-7f3a-9c1d-4e5f6a7b8c9d', name: 'ESOL (logS)' };
const BBBP = { id: '01939a5c-2b7e-7f3a-9c1d-4e5f6a7b8c9e', name: 'BBBP' };
const SET = { id: '01939a5d-0a11-7b22-8c33-d44e55f66a77', name: 'screen 1' };

function link(name: string) {
  return screen.getByRole('link', { name }) as HTMLAnchorElement;
}

describe('PoolDownloads', () => {
  it("links a model's whole pool as CSV and SDF (the model page)", () => {
    render(<PoolDownloads models={[ESOL]} />);
    expect(screen.getByTestId('pool-downloads').textContent).toMatch(/^Pool with predictions: Download CSV · Download SDF$/);
    expect(link('Download CSV').getAttribute('href')).toBe(`/export/pool.csv?model=${ESOL.id}`);
    expect(link('Download CSV').hasAttribute('download')).toBe(true);
    expect(link('Download SDF').getAttribute('href')).toBe(`/export/pool.sdf?model=${ESOL.id}`);
    expect(link('Download SDF').hasAttribute('download')).toBe(true);
    expect(screen.queryByRole('combobox')).toBeNull(); // one model: nothing to choose
  });

  it("links a set's compounds scored by the model chosen (the set page)", () => {
    render(<PoolDownloads models={[ESOL, BBBP]} set={SET} />);
    expect(link('Download SDF').getAttribute('href')).toBe(`/export/pool.sdf?model=${ESOL.id}&set=${SET.id}`);
    fireEvent.change(screen.getByLabelText('Model that scores the download'), { target: { value: BBBP.id } });
    expect(link('Download CSV').getAttribute('href')).toBe(`/export/pool.csv?model=${BBBP.id}&set=${SET.id}`);
    expect(link('Download SDF').getAttribute('href')).toBe(`/export/pool.sdf?model=${BBBP.id}&set=${SET.id}`);
  });

  it('renders nothing when no model can score', () => {
    const { container } = render(<PoolDownloads models={[]} set={SET} />);
    expect(container.innerHTML).toBe('');
  });
});
