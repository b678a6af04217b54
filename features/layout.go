// Package features owns the feature layout of ActiveLab's models: the Morgan
// fingerprint settings, the 34 dense features (17 chem descriptors, ratios
// of them and atom counts) and the name of that layout (Set), which every
// stored compound row and every trained artifact records. The service and
// the simulator both featurise through it, so a model trained in one is
// valid in the other; bump Set whenever a feature's definition changes.
package features

import (
	"strings"

	"activelab/chem"
)

// Fingerprint settings: Morgan bits, radius 2, folded to 2048 bits
// (ECFP4-like, RDKit's GetMorganFingerprintAsBitVect(mol, 2, nBits=2048)).
const (
	FingerprintBits   = 2048
	FingerprintRadius = 2
)

// Set names the feature layout Of produces: the Morgan settings and
// DenseNames. Bump its version whenever the layout or a feature's
// definition changes, so that models trained on the old layout are refused
// instead of predicting from misplaced columns, and stored compound rows
// of the old layout are featurised again.
const Set = "morgan-r2-2048+dense34.v1"

// Vector is a molecule as the models see it.
type Vector struct {
	// Descriptors are chem.Describe of the parent fragment.
	Descriptors chem.Descriptors
	// Dense is the dense feature vector, in the order of DenseNames.
	Dense []float32
	// Fingerprint is the Morgan bit vector of the parent fragment.
	Fingerprint chem.BitVec
}

// Of featurises a parsed SMILES: descriptors, dense features and
// fingerprint describe its largest fragment (LargestFragment: salts and
// solvents are dropped).
func Of(smiles string, m *chem.Mol) Vector { return OfParent(LargestFragment(smiles, m)) }

// OfParent featurises m as it is (no fragment is dropped).
func OfParent(m *chem.Mol) Vector {
	d := chem.Describe(m)
	return Vector{Descriptors: d, Dense: Dense(m, d), Fingerprint: chem.MorganBits(m, FingerprintRadius, FingerprintBits)}
}

// LargestFragment returns the fragment of a dot-separated SMILES with the
// most heavy atoms (the first on a tie), or whole when the SMILES has one
// fragment or a fragment does not parse on its own (a ring bond written
// across a dot). Of applies it.
func LargestFragment(smiles string, whole *chem.Mol) *chem.Mol {
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
