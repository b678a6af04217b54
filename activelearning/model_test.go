package activelearning_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/chem"
	"activelab/features"
	"activelab/ident"
	"activelab/ml"
	"activelab/store"
	"activelab/store/storetest"
)

func TestFeaturize(t *testing.T) {
	c, err := activelearning.NewCompound("OC(=O)c1ccccc1.[Na+].[Cl-]")
	if err != nil {
		t.Fatal(err)
	}
	var bv chem.BitVec
	if err := bv.UnmarshalBinary(c.Fingerprint); err != nil || bv.Len() != features.FingerprintBits || bv.Count() == 0 {
		t.Fatalf("fingerprint: len %d count %d err %v", bv.Len(), bv.Count(), err)
	}
	var d chem.Descriptors
	if err := json.Unmarshal(c.Descriptors, &d); err != nil {
		t.Fatal(err)
	}
	// The largest fragment (benzoic acid, 9 heavy atoms) is described, as the simulator does.
	if d.HeavyAtoms != 9 {
		t.Errorf("heavy atoms %d, want 9 (largest fragment)", d.HeavyAtoms)
	}
	if c.CanonicalSMILES == "" {
		t.Error("no canonical SMILES")
	}
	_, err = activelearning.NewCompound("C1CC")
	var pe *chem.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("invalid SMILES: %v, want *chem.ParseError", err)
	}
}

// Stored rows of another feature set are featurised again from their
// SMILES; rows of the current set are used as stored: the binary feature
// vector, or (rows stored before it existed) the descriptors JSON.
func TestFeaturesRefeaturiseStaleRows(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		ctx := t.Context()
		st := open(t)
		svc := activelearning.New(st, nil, activelearning.Config{}, nil)
		fresh, err := activelearning.NewCompound("CCOc1ccccc1N")
		if err != nil {
			t.Fatal(err)
		}
		if fresh.FeatureSet != features.Set || len(fresh.Features) != 4*len(features.DenseNames) {
			t.Fatalf("featurised row: feature set %q, %d feature bytes", fresh.FeatureSet, len(fresh.Features))
		}
		n := 0
		// add stores a copy of fresh under its own canonical SMILES (the
		// input SMILES, which featurising again reads, stays fresh's).
		add := func(edit func(c *store.Compound)) store.ID {
			c := *fresh
			n++
			c.CanonicalSMILES = fmt.Sprintf("%s.row%d", fresh.CanonicalSMILES, n)
			edit(&c)
			if err := st.CreateCompound(ctx, &c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		// legacy is a row stored before the binary vector: its JSON says
		// featureSet and every dense feature is 99.
		legacy := func(featureSet string) store.ID {
			return add(func(c *store.Compound) {
				var d map[string]any
				if err := json.Unmarshal(fresh.Descriptors, &d); err != nil {
					t.Fatal(err)
				}
				if d["feature_set"] != features.Set {
					t.Fatalf("stored feature set %v, want %s", d["feature_set"], features.Set)
				}
				dense := d["dense_features"].([]any)
				for i := range dense {
					dense[i] = 99.0
				}
				d["feature_set"] = featureSet
				c.Descriptors, _ = json.Marshal(d)
				c.Features, c.FeatureSet = nil, ""
			})
		}
		// stored is a row with a binary vector of featureSet, every feature 77.
		stored := func(featureSet string) store.ID {
			return add(func(c *store.Compound) {
				c.FeatureSet, c.Features = featureSet, nil
				for range features.DenseNames {
					c.Features = binary.LittleEndian.AppendUint32(c.Features, math.Float32bits(77))
				}
			})
		}
		ids := []store.ID{add(func(*store.Compound) {}), legacy("morgan-r2-2048+dense34.v0"), legacy(features.Set),
			stored(features.Set), stored("morgan-r2-2048+dense34.v0")}
		X, err := svc.CompoundFeatures(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON struct {
			DenseFeatures []float32 `json:"dense_features"`
		}
		if err := json.Unmarshal(fresh.Descriptors, &fromJSON); err != nil || !slices.Equal(X.Dense(0), fromJSON.DenseFeatures) {
			t.Fatalf("binary vector %v, descriptors JSON %v (%v)", X.Dense(0), fromJSON.DenseFeatures, err)
		}
		var fp chem.BitVec
		if err := fp.UnmarshalBinary(fresh.Fingerprint); err != nil {
			t.Fatal(err)
		}
		for row := range ids {
			if !slices.Equal(X.BitsRow(row), fp.Words()) {
				t.Errorf("row %d: fingerprint words differ from the stored fingerprint", row)
			}
		}
		for _, row := range []int{1, 4} {
			if !slices.Equal(X.Dense(row), X.Dense(0)) {
				t.Errorf("stale row %d: %v, fresh %v", row, X.Dense(row), X.Dense(0))
			}
		}
		if X.Dense(2)[0] != 99 {
			t.Errorf("current-set JSON row was featurised again: %v", X.Dense(2)[0])
		}
		if X.Dense(3)[0] != 77 {
			t.Errorf("current-set binary row was featurised again: %v", X.Dense(3)[0])
		}
		// A stored fingerprint of another length is an error naming the row.
		short := add(func(c *store.Compound) { c.Fingerprint = []byte{1, 8, 0xff} })
		if _, err := svc.CompoundFeatures(ctx, []store.ID{ids[0], short}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("compound %d fingerprint", short)) {
			t.Errorf("8-bit stored fingerprint: err = %v, want one naming compound %d", err, short)
		}
		if _, err := svc.CompoundFeatures(ctx, []store.ID{ids[0], ident.New()}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown compound: err = %v, want ErrNotFound", err)
		}
	})
}

func TestCreateModelTrainsOneActiveVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		m, err := e.svc.Model(e.ctx, e.model.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != e.model.ID || m.Status != store.ModelActive || m.Version != 1 || len(m.Artifact) == 0 {
			t.Fatalf("model after training: id %d status %s version %d artifact %d", m.ID, m.Status, m.Version, len(m.Artifact))
		}
		var metrics map[string]float64
		if err := json.Unmarshal(m.Metrics, &metrics); err != nil || math.IsNaN(metrics["rmse"]) || metrics["rmse"] <= 0 {
			t.Fatalf("metrics %s: %v", m.Metrics, err)
		}
		// 40 measured compounds, 25% held out: 10 validation, 30 training.
		val, err := e.st.ValidationMembers(e.ctx, *m.ValidationSetID)
		if err != nil || len(val) != 10 || m.TrainingSize != 30 {
			t.Fatalf("validation %d (%v), training size %d; want 10 and 30", len(val), err, m.TrainingSize)
		}
		if m.ValidationHash == "" {
			t.Error("no validation hash")
		}
		// Created without a learner: the default mix of trees and ridge models.
		var en ml.Ensemble
		if err := en.UnmarshalBinary(m.Artifact); err != nil || en.Learner() != ml.ForestLinear || en.Members() != members {
			t.Errorf("artifact: learner %v, %d members (%v); want forest+linear, %d", en.Learner(), en.Members(), err, members)
		}
		if evs := e.events(t, activelearning.EventModelActivated); len(evs) != 1 || *evs[0].ModelID != m.ID {
			t.Errorf("model_activated events: %d", len(evs))
		}
		// Running the train job again (a River retry) changes nothing.
		before := e.snapshot(t)
		if err := e.svc.TrainModel(e.ctx, m.ID, nil); err != nil {
			t.Fatal(err)
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("retrying train_model changed state:\n%s\n%s", before, after)
		}
		models, err := e.svc.Models(e.ctx)
		if err != nil || len(models) != 1 || models[0].ID != m.ID {
			t.Fatalf("Models: %v %v", models, err)
		}
	})
}

func TestCreateModelScaffoldSplitKeepsScaffoldsApart(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		m := e.createModel(t, "esol-scaffold", "scaffold")
		m, err := e.svc.Model(e.ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		val, err := e.st.ValidationMembers(e.ctx, *m.ValidationSetID)
		if err != nil {
			t.Fatal(err)
		}
		inVal := map[store.ID]bool{}
		for _, v := range val {
			inVal[v.CompoundID] = true
		}
		scaffolds := map[string]bool{} // scaffold -> in validation
		ids, _ := e.st.CompoundSetMemberIDs(e.ctx, e.trainSet)
		for _, id := range ids {
			c, _ := e.st.CompoundByID(e.ctx, id)
			mol, err := chem.Parse(c.CanonicalSMILES)
			if err != nil {
				t.Fatal(err)
			}
			sc := chem.MurckoScaffoldSMILES(mol)
			if sc == "" {
				continue // acyclic: its own group
			}
			if side, ok := scaffolds[sc]; ok && side != inVal[id] {
				t.Errorf("scaffold %s is on both sides of the split", sc)
			}
			scaffolds[sc] = inVal[id]
		}
		if len(val) < 5 || len(val) > 15 {
			t.Errorf("scaffold split held out %d of 40 (fraction 0.25)", len(val))
		}
	})
}

func TestCreateModelRejectsBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		ok := activelearning.CreateModelInput{Name: "m", Endpoint: "logS", Task: store.TaskRegression, Members: members, TrainingSetID: e.trainSet}
		cases := []struct {
			name   string
			actor  *store.User
			mutate func(*activelearning.CreateModelInput)
			field  string
			target error
		}{
			{"scientist", e.sci, func(*activelearning.CreateModelInput) {}, "", auth.ErrForbidden},
			{"empty name", e.admin, func(in *activelearning.CreateModelInput) { in.Name = " " }, "name", nil},
			{"bad task", e.admin, func(in *activelearning.CreateModelInput) { in.Task = "ranking" }, "task", nil},
			{"one member", e.admin, func(in *activelearning.CreateModelInput) { in.Members = 1 }, "members", nil},
			{"unknown learner", e.admin, func(in *activelearning.CreateModelInput) { in.Learner = "boosting" }, "learner", nil},
			{"logistic regression", e.admin, func(in *activelearning.CreateModelInput) { in.Learner = "logistic" }, "learner", nil},
			{"bad split", e.admin, func(in *activelearning.CreateModelInput) { in.Split.Kind = "temporal" }, "split.kind", nil},
			{"big fraction", e.admin, func(in *activelearning.CreateModelInput) { in.Split.Fraction = 0.9 }, "split.fraction", nil},
			{"unknown param", e.admin, func(in *activelearning.CreateModelInput) { in.Params = map[string]any{"depth": 3.0} }, "params.depth", nil},
			{"no data", e.admin, func(in *activelearning.CreateModelInput) { in.Endpoint = "pIC50" }, "endpoint", nil},
			{"classification of logS", e.admin, func(in *activelearning.CreateModelInput) { in.Task = store.TaskClassification }, "task", nil},
		}
		before := e.snapshot(t)
		for _, tc := range cases {
			in := ok
			tc.mutate(&in)
			_, err := e.svc.CreateModel(e.ctx, tc.actor, in)
			if tc.target != nil {
				if !errors.Is(err, tc.target) {
					t.Errorf("%s: %v, want %v", tc.name, err, tc.target)
				}
				continue
			}
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != tc.field {
				t.Errorf("%s: %v, want InputError on %s", tc.name, err, tc.field)
			}
		}
		if after := e.snapshot(t); after != before || len(e.jobs.Pending()) != 0 {
			t.Errorf("rejected input changed state:\n%s\n%s", before, after)
		}
	})
}

// TestRegressionMetricsReportIntervals: a trained regression version
// reports its calibrated 90 % intervals' coverage and mean width on the
// validation set beside rmse.
func TestRegressionMetricsReportIntervals(t *testing.T) {
	e := setup(t, storetest.Backends(t)["sqlite"])
	v, err := e.svc.Model(e.ctx, e.model.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := metricsOf(t, v.Metrics)
	cov, okC := got["coverage90"]
	w, okW := got["interval_width90"]
	if !okC || !okW || cov < 0 || cov > 1 || w <= 0 || got["rmse"] <= 0 {
		t.Errorf("regression metrics %v: want coverage90 in [0, 1] and a positive interval_width90 beside rmse", got)
	}
}
