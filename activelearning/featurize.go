package activelearning

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"activelab/chem"
	"activelab/features"
	"activelab/ml"
	"activelab/store"
)

// storedDescriptors is what compounds.descriptors holds: chem's descriptors
// (the golden file's keys) plus the model's dense feature vector
// (features.Dense, computed once at import because part of it needs the
// molecule, not just its descriptors).
type storedDescriptors struct {
	chem.Descriptors
	DenseFeatures []float32 `json:"dense_features,omitempty"`
	// FeatureSet is features.Set when the row was featurised;
	// rows of another feature set are featurised again when used (rows
	// stored before it was recorded have the current layout).
	FeatureSet string `json:"feature_set,omitempty"`
}

// NewCompound parses a SMILES and returns a compound ready to store: input
// and canonical SMILES, descriptors (chem.Descriptors plus the dense feature
// vector, as JSON) and the Morgan fingerprint (chem.BitVec's binary form),
// all from features.Of: descriptors and fingerprint describe the largest
// fragment (salts and solvents are dropped), while the canonical SMILES
// keeps every fragment. A SMILES that does not parse returns chem's
// *ParseError (with its offset).
func NewCompound(smiles string) (*store.Compound, error) {
	smiles = strings.TrimSpace(smiles)
	if smiles == "" {
		return nil, errors.New("empty SMILES")
	}
	m, err := chem.Parse(smiles)
	if err != nil {
		return nil, err
	}
	c := &store.Compound{InputSMILES: smiles, CanonicalSMILES: chem.CanonicalSMILES(m)}
	v := features.Of(smiles, m)
	d, err := json.Marshal(storedDescriptors{Descriptors: v.Descriptors, DenseFeatures: v.Dense, FeatureSet: features.Set})
	if err != nil {
		return nil, fmt.Errorf("descriptors of %q: %w", smiles, err)
	}
	c.Descriptors, c.Features, c.FeatureSet = d, encodeDense(v.Dense), features.Set
	fp, err := v.Fingerprint.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("fingerprint of %q: %w", smiles, err)
	}
	c.Fingerprint = fp
	return c, nil
}

// compoundFeatures returns a stored compound's fingerprint words and dense
// feature vector. Rows stored without them, with a dense vector of an older
// shape or of another feature set, are featurised again from their SMILES.
func compoundFeatures(c *store.Compound) ([]uint64, []float32, error) {
	dense, err := storedDense(c)
	if err != nil {
		return nil, nil, err
	}
	fp := c.Fingerprint
	if dense == nil || len(fp) == 0 {
		smiles := c.InputSMILES
		if smiles == "" {
			smiles = c.CanonicalSMILES
		}
		f, err := NewCompound(smiles)
		if err != nil {
			return nil, nil, fmt.Errorf("compound %d: %w", c.ID, err)
		}
		dense, fp = decodeDense(f.Features), f.Fingerprint
	}
	var bv chem.BitVec
	if err := bv.UnmarshalBinary(fp); err != nil {
		return nil, nil, fmt.Errorf("compound %d fingerprint: %w", c.ID, err)
	}
	if bv.Len() != features.FingerprintBits {
		return nil, nil, fmt.Errorf("compound %d fingerprint has %d bits, want %d", c.ID, bv.Len(), features.FingerprintBits)
	}
	return bv.Words(), dense, nil
}

// storedDense returns a row's stored dense vector when it has the current
// feature set and shape (nil otherwise): the binary column, or, for rows
// stored before it, the descriptors JSON. Rows stored before feature sets
// were recorded have the current layout.
func storedDense(c *store.Compound) ([]float32, error) {
	n := len(features.DenseNames)
	if c.Features != nil {
		if c.FeatureSet != features.Set || len(c.Features) != 4*n {
			return nil, nil
		}
		return decodeDense(c.Features), nil
	}
	if len(c.Descriptors) == 0 {
		return nil, nil
	}
	// Only the fields the model reads: decoding chem.Descriptors too would
	// double the cost of loading a pool.
	var d struct {
		DenseFeatures []float32 `json:"dense_features"`
		FeatureSet    string    `json:"feature_set"`
	}
	if err := json.Unmarshal(c.Descriptors, &d); err != nil {
		return nil, fmt.Errorf("compound %d descriptors: %w", c.ID, err)
	}
	if (d.FeatureSet != "" && d.FeatureSet != features.Set) || len(d.DenseFeatures) != n {
		return nil, nil
	}
	return d.DenseFeatures, nil
}

// CompoundFeatures returns the model's feature matrix of stored compounds,
// row i for ids[i]: Morgan bits plus the simulator's dense features
// (features.DenseNames). An unknown ID is an error wrapping
// store.ErrNotFound.
func (s *Service) CompoundFeatures(ctx context.Context, ids []store.ID) (*ml.Features, error) {
	return s.featureMatrix(ctx, s.st, ids)
}

// featureMatrix reads the features of compounds ids through db into one
// matrix, decoding each stored row straight into its matrix row
// (store.EachFeatureRow): no store.Compound per row, so scoring a pool
// costs the matrix (~400 bytes a compound) and one chunk of rows. Rows
// without a current-set binary vector take compoundFeatures' way (the
// descriptors JSON of rows stored before it, or featurising again).
func (s *Service) featureMatrix(ctx context.Context, db store.Querier, ids []store.ID) (*ml.Features, error) {
	n := len(features.DenseNames)
	X := ml.NewFeatures(features.FingerprintBits, n, len(ids))
	X.Grow(len(ids))
	err := db.EachFeatureRow(ctx, ids, func(i int, r *store.FeatureRow) error {
		if len(r.Features) == 4*n && len(r.Fingerprint) > 0 && string(r.FeatureSet) == features.Set {
			nb, err := chem.DecodeBitVecWords(r.Fingerprint, X.BitsRow(i))
			if err != nil {
				return fmt.Errorf("compound %d fingerprint: %w", r.ID, err)
			}
			if nb != features.FingerprintBits {
				return fmt.Errorf("compound %d fingerprint has %d bits, want %d", r.ID, nb, features.FingerprintBits)
			}
			decodeDenseInto(X.Dense(i), r.Features)
			return nil
		}
		w, d, err := compoundFeatures(&store.Compound{ID: r.ID, InputSMILES: string(r.InputSMILES),
			CanonicalSMILES: string(r.CanonicalSMILES), Fingerprint: slices.Clone(r.Fingerprint),
			Features: slices.Clone(r.Features), FeatureSet: string(r.FeatureSet), Descriptors: slices.Clone(r.Descriptors)})
		if err != nil {
			return err
		}
		X.SetRow(i, w, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return X, nil
}

// encodeDense is the stored binary form of a dense feature vector:
// float32 little-endian.
func encodeDense(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// decodeDense reverses encodeDense; len(b) must be a multiple of 4.
func decodeDense(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	decodeDenseInto(v, b)
	return v
}

// decodeDenseInto is decodeDense into v; len(b) must be 4*len(v).
func decodeDenseInto(v []float32, b []byte) {
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}
