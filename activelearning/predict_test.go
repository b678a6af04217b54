package activelearning_test

import (
	"errors"
	"fmt"
	"io"
	"math"
	"testing"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/store"
	"activelab/store/storetest"
)

// Predicting the pool's SMILES from scratch gives what selection computes
// from the stored compounds (prediction, uncertainty, applicability
// distance), a SMILES that does not parse gets an error and the rest go
// on, and a training compound is its own nearest neighbour.
func TestPredictMatchesSelection(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		cands, err := e.svc.PreviewSelection(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet,
			Strategy: "random", BatchSize: 60, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]store.ID, len(cands))
		for i, c := range cands {
			ids[i] = c.CompoundID
		}
		cs, err := e.st.LoadCompounds(e.ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		smiles := []string{"C1CC", ""}
		for _, c := range cs {
			smiles = append(smiles, c.InputSMILES)
		}
		p, err := e.svc.Predictor(e.ctx, e.view, "esol", 0)
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.Predict(e.ctx, smiles)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != len(smiles) {
			t.Fatalf("%d results for %d SMILES", len(res), len(smiles))
		}
		if res[0].Err == nil || res[1].Err == nil {
			t.Errorf("bad SMILES scored: %+v, %+v", res[0], res[1])
		}
		byID := map[store.ID]activelearning.Candidate{}
		for _, c := range cands {
			byID[c.CompoundID] = c
		}
		for k, c := range cs {
			r, want := res[k+2], byID[c.ID]
			if r.Err != nil {
				t.Fatalf("%s: %v", r.SMILES, r.Err)
			}
			if math.Abs(r.Prediction-want.Prediction) > 1e-9 || math.Abs(r.Uncertainty-want.Uncertainty) > 1e-9 ||
				math.Abs(r.ApplicabilityDistance-want.ApplicabilityDistance) > 1e-12 {
				t.Errorf("%s: predict %v ± %v at %v, selection %v ± %v at %v", r.SMILES, r.Prediction, r.Uncertainty,
					r.ApplicabilityDistance, want.Prediction, want.Uncertainty, want.ApplicabilityDistance)
			}
			if r.Version != 1 || r.NearestID == store.NilID || r.NearestSMILES == "" || math.Abs(r.Similarity+r.ApplicabilityDistance-1) > 1e-12 {
				t.Errorf("%s: version %d, nearest %d %q at %v", r.SMILES, r.Version, r.NearestID, r.NearestSMILES, r.Similarity)
			}
			// 8 members over 30 training rows leave every row out of bag
			// for some members: the version is calibrated.
			if !r.HasInterval || !(r.Low <= r.Prediction && r.Prediction <= r.High && r.Low < r.High) {
				t.Errorf("%s: interval [%v, %v] around %v", r.SMILES, r.Low, r.High, r.Prediction)
			}
		}
		// A training compound is its own nearest neighbour.
		self, err := p.Predict(e.ctx, []string{res[2].NearestSMILES})
		if err != nil || self[0].Err != nil || self[0].Similarity != 1 || self[0].ApplicabilityDistance != 0 {
			t.Errorf("training compound %s: %+v, %v", res[2].NearestSMILES, self, err)
		}
	})
}

// The model is found by lineage id or name; unknown models and versions
// are input errors; anonymous callers are refused.
func TestPredictorRefs(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		for _, ref := range []string{"esol", e.model.ID.String()} {
			p, err := e.svc.Predictor(e.ctx, e.view, ref, 1)
			if err != nil || p.Model().LineageID != e.model.ID {
				t.Errorf("ref %q: %v", ref, err)
			}
		}
		var in *activelearning.InputError
		for _, c := range []struct {
			ref     string
			version int
		}{{"nope", 0}, {"", 0}, {"esol", 2}, {"01900000-0000-7000-8000-000000000999", 0}} {
			if _, err := e.svc.Predictor(e.ctx, e.view, c.ref, c.version); !errors.As(err, &in) {
				t.Errorf("%q version %d: %v, want an input error", c.ref, c.version, err)
			}
		}
		if _, err := e.svc.Predictor(e.ctx, nil, "esol", 0); !errors.Is(err, auth.ErrUnauthenticated) {
			t.Errorf("anonymous: %v", err)
		}
	})
}

// Service.Predict streams across chunk boundaries in input order, a bad
// row in the middle included.
func TestPredictStream(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		data := readESOL(t)
		n := activelearning.PredictChunk + 7
		i := 0
		next := func() (string, error) {
			if i == n {
				return "", io.EOF
			}
			i++
			if i == activelearning.PredictChunk {
				return "not a smiles", nil
			}
			return data[i%len(data)].SMILES, nil
		}
		k := 0
		got, err := e.svc.Predict(e.ctx, e.view, "esol", 0, next, func(r *activelearning.PredictResult) error {
			k++
			want := data[k%len(data)].SMILES
			if k == activelearning.PredictChunk {
				if r.Err == nil {
					return fmt.Errorf("row %d (bad) scored", k)
				}
				return nil
			}
			if r.SMILES != want || r.Err != nil {
				return fmt.Errorf("row %d: %q (%v), want %q", k, r.SMILES, r.Err, want)
			}
			return nil
		})
		if err != nil || got != n || k != n {
			t.Fatalf("streamed %d (%d emitted) of %d: %v", got, k, n, err)
		}
	})
}

// A classification version predicts probabilities of class 1, with no
// interval (its calibration is isotonic, not conformal).
func TestPredictClassification(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		e.solubleModel(t, activelearning.SplitInput{Seed: 1})
		data := readESOL(t)
		var smiles []string
		for i := trainRows; i < trainRows+20; i++ {
			smiles = append(smiles, data[i].SMILES)
		}
		res, err := e.svc.Predict(e.ctx, e.view, "soluble", 0, listOf(smiles), func(r *activelearning.PredictResult) error {
			if r.Err != nil || r.HasInterval || !(r.Prediction >= 0 && r.Prediction <= 1) || r.Uncertainty < 0 || r.Uncertainty > 0.5 {
				return fmt.Errorf("%s: %+v", r.SMILES, *r)
			}
			return nil
		})
		if err != nil || res != len(smiles) {
			t.Fatalf("%d of %d: %v", res, len(smiles), err)
		}
	})
}

// listOf returns a next function over a list, for Service.Predict.
func listOf(list []string) func() (string, error) {
	i := 0
	return func() (string, error) {
		if i == len(list) {
			return "", io.EOF
		}
		i++
		return list[i-1], nil
	}
}
