package activelearning

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"activelab/activelearning/simulation"
	"activelab/chem"
	"activelab/ml"
	"activelab/store"
)

// Fingerprint settings: the simulator's (Morgan radius 2 folded to 2048 bits),
// so the product and the simulator see the same features.
const (
	FingerprintBits   = simulation.FingerprintBits
	FingerprintRadius = simulation.FingerprintRadius
)

// Featurize parses a SMILES and returns a compound ready to store: input and
// canonical SMILES, descriptors (chem.Descriptors as JSON) and the Morgan
// fingerprint (chem.BitVec's binary form). Like the simulator, descriptors and
// fingerprint describe the largest fragment (salts and solvents are dropped),
// while the canonical SMILES keeps every fragment. A SMILES that does not
// parse returns chem's *ParseError (with its offset).
func Featurize(smiles string) (*store.Compound, error) {
	smiles = strings.TrimSpace(smiles)
	if smiles == "" {
		return nil, errors.New("empty SMILES")
	}
	m, err := chem.Parse(smiles)
	if err != nil {
		return nil, err
	}
	c := &store.Compound{InputSMILES: smiles, CanonicalSMILES: chem.CanonicalSMILES(m)}
	parent := largestFragment(smiles, m)
	d, err := json.Marshal(chem.Describe(parent))
	if err != nil {
		return nil, fmt.Errorf("descriptors of %q: %w", smiles, err)
	}
	c.Descriptors = d
	fp, err := chem.MorganBits(parent, FingerprintRadius, FingerprintBits).MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("fingerprint of %q: %w", smiles, err)
	}
	c.Fingerprint = fp
	return c, nil
}

// largestFragment returns the fragment with the most heavy atoms (the first
// on a tie), or whole when there is one fragment or a fragment does not
// parse alone. Same rule as the simulator.
func largestFragment(smiles string, whole *chem.Mol) *chem.Mol {
	if !strings.Contains(smiles, ".") {
		return whole
	}
	best, bestN := whole, -1
	for _, frag := range strings.Split(smiles, ".") {
		m, err := chem.Parse(frag)
		if err != nil {
			return whole
		}
		if n := chem.NumHeavyAtoms(m); n > bestN {
			best, bestN = m, n
		}
	}
	return best
}

// descriptorVector is the simulator's dense feature vector
// (simulation.DescriptorNames, in that order).
func descriptorVector(d chem.Descriptors) []float32 {
	v := []float64{
		float64(d.HeavyAtoms), float64(d.TotalHs), d.MolWt, d.ExactMass, float64(d.FormalCharge),
		float64(d.RingCount), float64(d.AromaticRings), float64(d.AromaticAtoms), float64(d.HBD), float64(d.HBA),
		float64(d.NHOHCount), float64(d.NOCount), d.TPSA, float64(d.RotatableBonds), d.FractionCSP3,
		d.CrippenLogP, d.CrippenMR,
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// compoundFeatures returns a stored compound's fingerprint words and
// descriptor vector, computing them from its SMILES when they were not stored.
func compoundFeatures(c *store.Compound) ([]uint64, []float32, error) {
	if len(c.Fingerprint) == 0 || len(c.Descriptors) == 0 {
		f, err := Featurize(c.CanonicalSMILES)
		if err != nil {
			return nil, nil, fmt.Errorf("compound %d: %w", c.ID, err)
		}
		c = &store.Compound{ID: c.ID, Fingerprint: f.Fingerprint, Descriptors: f.Descriptors}
	}
	var bv chem.BitVec
	if err := bv.UnmarshalBinary(c.Fingerprint); err != nil {
		return nil, nil, fmt.Errorf("compound %d fingerprint: %w", c.ID, err)
	}
	if bv.Len() != FingerprintBits {
		return nil, nil, fmt.Errorf("compound %d fingerprint has %d bits, want %d", c.ID, bv.Len(), FingerprintBits)
	}
	var d chem.Descriptors
	if err := json.Unmarshal(c.Descriptors, &d); err != nil {
		return nil, nil, fmt.Errorf("compound %d descriptors: %w", c.ID, err)
	}
	return bv.Words(), descriptorVector(d), nil
}

// Features builds the model's feature matrix for compounds, row i for
// compounds[i]: Morgan bits plus the simulator's descriptors.
func Features(compounds []*store.Compound) (*ml.Features, error) {
	X := ml.NewFeatures(FingerprintBits, len(simulation.DescriptorNames), len(compounds))
	for _, c := range compounds {
		w, d, err := compoundFeatures(c)
		if err != nil {
			return nil, err
		}
		if err := X.AppendRow(w, d); err != nil {
			return nil, fmt.Errorf("compound %d: %w", c.ID, err)
		}
	}
	return X, nil
}

// tanimoto is |a∧b| / |a∨b| over packed words (0 for two empty vectors).
func tanimoto(a, b []uint64) float64 {
	return ml.Tanimoto(a, b)
}
