package features

import "activelab/chem"

// DescriptorNames are the 17 chem.Descriptors fields that open the dense
// feature vector (DenseNames), in column order.
var DescriptorNames = []string{
	"heavy_atoms", "total_hs", "mol_wt", "exact_mass", "formal_charge",
	"ring_count", "aromatic_rings", "aromatic_atoms", "hbd", "hba",
	"nhoh_count", "no_count", "tpsa", "rotatable_bonds", "fraction_csp3",
	"crippen_logp", "crippen_mr",
}

// DenseNames name the dense features of Dense, in column
// order: the 17 chem descriptors (DescriptorNames), 7 ratios and sums of
// them, and 10 atom counts read from the molecule (charges, amine and acid
// groups, heteroatoms) that blood-brain-barrier permeation is known to
// depend on (polar surface, hydrogen bonding, charge, basic amines,
// carboxylic acids).
var DenseNames = append(append([]string(nil), DescriptorNames...),
	// derived from chem.Descriptors
	"tpsa_per_heavy_atom", "hbd_plus_hba", "no_per_heavy_atom", "aromatic_atom_fraction",
	"abs_formal_charge", "mol_wt_per_heavy_atom", "logp_minus_tpsa_100",
	// counted on the molecule
	"positive_atoms", "negative_atoms", "halogens", "aliphatic_amines", "acid_groups",
	"aromatic_n", "aliphatic_n", "oxygens", "sulfurs", "heteroatoms",
)

// Dense returns the dense features of a molecule, in the order of
// DenseNames (the caller strips salts first if it wants the parent
// compound's features, as Of does). d must be chem.Describe(m) (passed in
// so that stored descriptors need not be recomputed).
func Dense(m *chem.Mol, d chem.Descriptors) []float32 {
	h := float64(max(d.HeavyAtoms, 1))
	charge := d.FormalCharge
	if charge < 0 {
		charge = -charge
	}
	v := []float64{
		float64(d.HeavyAtoms), float64(d.TotalHs), d.MolWt, d.ExactMass, float64(d.FormalCharge),
		float64(d.RingCount), float64(d.AromaticRings), float64(d.AromaticAtoms), float64(d.HBD), float64(d.HBA),
		float64(d.NHOHCount), float64(d.NOCount), d.TPSA, float64(d.RotatableBonds), d.FractionCSP3,
		d.CrippenLogP, d.CrippenMR,

		d.TPSA / h, float64(d.HBD + d.HBA), float64(d.NOCount) / h, float64(d.AromaticAtoms) / h,
		float64(charge), d.MolWt / h, d.CrippenLogP - d.TPSA/100,
	}
	c := countAtoms(m)
	v = append(v, c.positive, c.negative, c.halogens, c.aliphaticAmines, c.acids,
		c.aromaticN, c.aliphaticN, c.oxygens, c.sulfurs, c.heteroatoms)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

type atomCounts struct {
	positive, negative, halogens, aliphaticAmines, acids float64
	aromaticN, aliphaticN, oxygens, sulfurs, heteroatoms float64
}

// countAtoms counts the molecule's charged atoms, halogens, aliphatic
// amines (a non-aromatic, non-anionic N whose bonds are all single bonds to
// non-aromatic carbons that carry no multiple bond: not an amide, aniline,
// imine or N-heteroatom), acid groups (an OH or O- on a C, S or P that
// carries a C=O/S=O/P=O: carboxylic, sulfonic, phosphonic acids and their
// anions) and heteroatoms.
func countAtoms(m *chem.Mol) atomCounts {
	var c atomCounts
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Charge > 0 {
			c.positive++
		} else if a.Charge < 0 {
			c.negative++
		}
		if a.Element != 6 && a.Element != 1 && a.Element != 0 {
			c.heteroatoms++
		}
		switch a.Element {
		case 9, 17, 35, 53:
			c.halogens++
		case 16:
			c.sulfurs++
		case 7:
			if a.Aromatic {
				c.aromaticN++
				continue
			}
			c.aliphaticN++
			if a.Charge >= 0 && aliphaticAmine(m, i) {
				c.aliphaticAmines++
			}
		case 8:
			c.oxygens++
			if acidOxygen(m, i) {
				c.acids++
			}
		}
	}
	return c
}

func aliphaticAmine(m *chem.Mol, n int) bool {
	for _, nb := range m.Neighbors(n) {
		if m.Bonds[nb.Bond].Order != chem.BondSingle {
			return false
		}
		o := &m.Atoms[nb.Atom]
		if o.Element != 6 || o.Aromatic {
			return false
		}
		for _, nb2 := range m.Neighbors(int(nb.Atom)) {
			if int(nb2.Atom) != n && m.Bonds[nb2.Bond].Order != chem.BondSingle {
				return false
			}
		}
	}
	return true
}

func acidOxygen(m *chem.Mol, o int) bool {
	a := &m.Atoms[o]
	nbs := m.Neighbors(o)
	if len(nbs) != 1 || m.Bonds[nbs[0].Bond].Order != chem.BondSingle {
		return false
	}
	if !(a.Charge == 0 && a.TotalH() == 1) && !(a.Charge == -1 && a.TotalH() == 0) {
		return false
	}
	x := int(nbs[0].Atom)
	switch m.Atoms[x].Element {
	case 6, 15, 16:
	default:
		return false
	}
	for _, nb := range m.Neighbors(x) {
		if int(nb.Atom) != o && m.Bonds[nb.Bond].Order == chem.BondDouble && m.Atoms[nb.Atom].Element == 8 {
			return true
		}
	}
	return false
}
