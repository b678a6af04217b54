import { cleanup, render, screen } from '@testing-library/react';
import { vi } from 'vitest';
import { Structure } from './Structure';

const draw = vi.hoisted(() => ({ fn: vi.fn() }));
vi.mock('./structure', () => ({ drawSVG: draw.fn }));

afterEach(cleanup);

describe('Structure', () => {
  it('says so when RDKit cannot load, so the SMILES beside it stands', async () => {
    draw.fn.mockRejectedValueOnce(new Error('wasm blocked'));
    render(<Structure smiles="CCO" label="ethanol" />);
    expect((await screen.findByTestId('structure-missing')).textContent).toMatch(/could not load/);
  });
  it('says so when RDKit cannot read the SMILES', async () => {
    draw.fn.mockResolvedValueOnce(null);
    render(<Structure smiles="C1CC(" label="broken" />);
    expect((await screen.findByTestId('structure-missing')).textContent).toBe('RDKit cannot draw this SMILES.');
  });
  it('draws the SVG it is given', async () => {
    draw.fn.mockResolvedValueOnce('<svg><path d="M0 0"/></svg>');
    render(<Structure smiles="CCO" label="ethanol" />);
    expect((await screen.findByRole('img', { name: 'Structure of ethanol' })).innerHTML).toContain('<path');
  });
});
