package store_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestModelVersionInfo: the artifact-less read gives every column of the
// version but its artifact, on both databases.
func TestModelVersionInfo(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		m := storetest.Model(ctx, t, st, &store.MLModel{Name: "sol3", Endpoint: "sol_class", Task: store.TaskClassification,
			Status: store.ModelActive, Classes: store.ClassNames{"low", "medium", "high"}, Artifact: bytes.Repeat([]byte{7}, 4096)})
		full, err := st.ModelVersion(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.ModelVersionInfo(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Artifact) != 4096 || info.Artifact != nil {
			t.Fatalf("artifact: full %d bytes, info %d bytes (want 4096 and none)", len(full.Artifact), len(info.Artifact))
		}
		if info.ID != full.ID || info.Name != full.Name || info.Endpoint != full.Endpoint || info.Task != full.Task ||
			info.Version != full.Version || info.LineageID != full.LineageID || info.Status != full.Status ||
			!slices.Equal(info.ClassList(), full.ClassList()) {
			t.Errorf("info %+v\nfull %+v", info, full)
		}
		if _, err := st.ModelVersionInfo(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown id: %v, want ErrNotFound", err)
		}
	})
}
