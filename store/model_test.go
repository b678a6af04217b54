package store_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMLModels(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		c := storetest.Compound(ctx, t, st, nil)
		vs := &store.ValidationSet{Name: "esol-holdout", Endpoint: "logS", Hash: "sha256:abc"}
		if err := st.CreateValidationSet(ctx, vs, []store.ValidationSetMember{{CompoundID: c.ID, Value: -1.25}}); err != nil {
			t.Fatalf("CreateValidationSet: %v", err)
		}
		m := &store.MLModel{Name: "esol", Endpoint: "logS", Task: store.TaskRegression, Status: store.ModelActive,
			Params: json.RawMessage(`{"members":32}`), Artifact: []byte("model-bytes"), Metrics: json.RawMessage(`{"rmse":0.9}`),
			TrainingSize: 100, Seed: 42, ValidationSetID: &vs.ID, ValidationHash: vs.Hash}
		if err := st.CreateMLModel(ctx, m); err != nil {
			t.Fatalf("CreateMLModel: %v", err)
		}
		got, err := st.ModelVersion(ctx, m.ID)
		if err != nil {
			t.Fatalf("MLModelByID: %v", err)
		}
		var params map[string]int
		if err := json.Unmarshal(got.Params, &params); err != nil || params["members"] != 32 {
			t.Errorf("Params = %s", got.Params)
		}
		if got.Version != 1 || got.Status != store.ModelActive || string(got.Artifact) != "model-bytes" || got.Seed != 42 ||
			got.TrainingSize != 100 || got.ValidationSetID == nil || *got.ValidationSetID != vs.ID || got.ParentID != nil {
			t.Errorf("MLModelByID = %+v", got)
		}
		members, err := st.ValidationMembers(ctx, vs.ID)
		if err != nil || len(members) != 1 || members[0].CompoundID != c.ID || members[0].Value != -1.25 {
			t.Errorf("ValidationSetMembers = %+v, %v", members, err)
		}
		if got, err := st.ValidationSetByID(ctx, vs.ID); err != nil || got.Hash != "sha256:abc" {
			t.Errorf("ValidationSetByID = %+v, %v", got, err)
		}

		// Version 2 of the same lineage.
		v2 := &store.MLModel{Name: "esol", Endpoint: "logS", Task: store.TaskRegression, Version: 2, ParentID: &m.ID}
		if err := st.CreateMLModel(ctx, v2); err != nil {
			t.Fatalf("CreateMLModel v2: %v", err)
		}
		if err := st.CreateMLModel(ctx, &store.MLModel{Name: "esol", Endpoint: "logS", Task: store.TaskRegression, Version: 2}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate (name, version): %v, want ErrConflict", err)
		}
		if err := st.CreateMLModel(ctx, &store.MLModel{Name: "x", Endpoint: "logS", Task: "clustering"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown task: %v, want ErrInvalid", err)
		}
		if _, err := st.ModelVersion(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("MLModelByID(unknown): %v, want ErrNotFound", err)
		}
		if err := st.CreateValidationSet(ctx, &store.ValidationSet{Name: "bad", Endpoint: "logS", Hash: "h"},
			[]store.ValidationSetMember{{CompoundID: ident.New(), Value: 1}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("validation set with an unknown compound: %v, want ErrNotFound", err)
		}
		if _, err := st.ValidationSetByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the failed validation set left a row behind, or: %v", err)
		}
	})
}

// TestOneActiveModelVersion checks the partial unique index: at most one
// active version per lineage, on both databases.
func TestOneActiveModelVersion(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		v1 := storetest.Model(ctx, t, st, &store.MLModel{Name: "esol", Status: store.ModelActive})
		v2 := storetest.Model(ctx, t, st, &store.MLModel{Name: "esol", Version: 2, ParentID: &v1.ID})
		other := storetest.Model(ctx, t, st, &store.MLModel{Name: "herg", Task: store.TaskClassification, Status: store.ModelActive})

		if err := st.CreateMLModel(ctx, &store.MLModel{Name: "esol", Endpoint: "logS", Task: store.TaskRegression, Version: 3, Status: store.ModelActive}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("inserting a second active version: %v, want ErrConflict", err)
		}
		if err := st.SetMLModelStatus(ctx, v2.ID, store.ModelActive); !errors.Is(err, store.ErrConflict) {
			t.Errorf("activating v2 while v1 is active: %v, want ErrConflict", err)
		}
		// Supersede then activate, in one transaction: allowed.
		err := st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetMLModelStatus(ctx, v1.ID, store.ModelSuperseded); err != nil {
				return err
			}
			return tx.SetMLModelStatus(ctx, v2.ID, store.ModelActive)
		})
		if err != nil {
			t.Fatalf("supersede v1 and activate v2: %v", err)
		}
		active, err := st.ActiveMLModel(ctx, "esol")
		if err != nil || active.ID != v2.ID || active.ActivatedAt == nil {
			t.Errorf("ActiveMLModel(esol) = %+v, %v; want v2 with ActivatedAt", active, err)
		}
		if a, err := st.ActiveMLModel(ctx, "herg"); err != nil || a.ID != other.ID {
			t.Errorf("another lineage's active version: %v, %v", a, err)
		}
		if _, err := st.ActiveMLModel(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ActiveMLModel(unknown) = %v, want ErrNotFound", err)
		}
		if err := st.SetMLModelStatus(ctx, ident.New(), store.ModelFailed); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetMLModelStatus(unknown) = %v, want ErrNotFound", err)
		}
	})
}

func TestMeasurements(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		c := storetest.Compound(ctx, t, st, nil)
		m := &store.Measurement{CompoundID: c.ID, Endpoint: "logS", Value: -2.5, Source: store.SourceLiterature,
			Confidence: store.ConfidenceMedium, UserID: &u.ID, Origin: store.OriginManual}
		if err := st.CreateMeasurement(ctx, m); err != nil {
			t.Fatalf("CreateMeasurement: %v", err)
		}
		got, err := st.MeasurementByID(ctx, m.ID)
		if err != nil || got.Value != -2.5 || got.Source != store.SourceLiterature || got.Confidence != store.ConfidenceMedium ||
			got.UserID == nil || *got.UserID != u.ID || got.Origin != store.OriginManual || got.QueueItemID != nil {
			t.Errorf("MeasurementByID = %+v, %v", got, err)
		}
		imp := &store.Measurement{CompoundID: c.ID, Endpoint: "logP", Value: 1, Source: store.SourceExperimental, Origin: store.OriginImport}
		if err := st.CreateMeasurement(ctx, imp); err != nil || imp.Confidence != store.ConfidenceHigh {
			t.Fatalf("CreateMeasurement(import) = %v, confidence %q", err, imp.Confidence)
		}
		if ms, err := st.MeasurementsByCompound(ctx, c.ID, "logS"); err != nil || len(ms) != 1 || ms[0].ID != m.ID {
			t.Errorf("MeasurementsByCompound(logS) = %v, %v", ms, err)
		}
		if ms, err := st.MeasurementsByCompound(ctx, c.ID, ""); err != nil || len(ms) != 2 {
			t.Errorf("MeasurementsByCompound(all) = %v, %v", ms, err)
		}
		bad := []struct {
			name string
			m    store.Measurement
			want error
		}{
			{"unknown source", store.Measurement{CompoundID: c.ID, Endpoint: "logS", Source: "rumour", Origin: store.OriginManual}, store.ErrInvalid},
			{"unknown confidence", store.Measurement{CompoundID: c.ID, Endpoint: "logS", Source: store.SourceLiterature, Confidence: "certain", Origin: store.OriginManual}, store.ErrInvalid},
			{"unknown origin", store.Measurement{CompoundID: c.ID, Endpoint: "logS", Source: store.SourceLiterature, Origin: "dream"}, store.ErrInvalid},
			{"NaN", store.Measurement{CompoundID: c.ID, Endpoint: "logS", Value: math.NaN(), Source: store.SourceLiterature, Origin: store.OriginManual}, store.ErrInvalid},
			{"no endpoint", store.Measurement{CompoundID: c.ID, Source: store.SourceLiterature, Origin: store.OriginManual}, store.ErrInvalid},
			{"unknown compound", store.Measurement{CompoundID: ident.New(), Endpoint: "logS", Source: store.SourceLiterature, Origin: store.OriginManual}, store.ErrNotFound},
		}
		for _, tc := range bad {
			m := tc.m
			if err := st.CreateMeasurement(ctx, &m); !errors.Is(err, tc.want) {
				t.Errorf("%s: CreateMeasurement = %v, want %v", tc.name, err, tc.want)
			}
		}
		// The CHECK constraints back the Go validation up.
		_, err = st.DB().NewInsert().Model(&store.Measurement{CompoundID: c.ID, Endpoint: "logS", Source: "rumour",
			Confidence: store.ConfidenceHigh, Origin: store.OriginManual, CreatedAt: m.CreatedAt}).Exec(ctx)
		if err == nil {
			t.Error("direct insert of source \"rumour\" succeeded; want a CHECK violation")
		}
	})
}
