package store_test

import (
	"errors"
	"testing"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestModelLineage checks that CreateMLModel sets LineageID (own ID for
// version 1, the parent's lineage for later versions) and the lineage reads:
// ModelVersions, ActiveVersionByLineage, CurrentVersionByLineage,
// ModelsLatestPerLineage, LineageVersionIDs.
func TestModelLineage(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		a1 := storetest.Model(ctx, t, st, &store.MLModel{Name: "a", Status: store.ModelSuperseded})
		a2 := storetest.Model(ctx, t, st, &store.MLModel{Name: "a", Version: 2, ParentID: &a1.ID, Status: store.ModelActive})
		a3 := storetest.Model(ctx, t, st, &store.MLModel{Name: "a", Version: 3, ParentID: &a2.ID, Status: store.ModelTraining})
		b1 := storetest.Model(ctx, t, st, &store.MLModel{Name: "b", Status: store.ModelFailed})
		b2 := storetest.Model(ctx, t, st, &store.MLModel{Name: "b", Version: 2, Status: store.ModelTraining}) // no parent: by name
		for _, m := range []*store.MLModel{a1, a2, a3} {
			if m.LineageID != a1.ID {
				t.Errorf("version %d of a: LineageID %d, want %d", m.Version, m.LineageID, a1.ID)
			}
		}
		if b1.LineageID != b1.ID || b2.LineageID != b1.ID {
			t.Errorf("lineage of b = %d, %d; want %d", b1.LineageID, b2.LineageID, b1.ID)
		}
		got, err := st.ModelVersion(ctx, a3.ID)
		if err != nil || got.LineageID != a1.ID {
			t.Errorf("MLModelByID(a3).LineageID = %v, %v", got, err)
		}
		vs, err := st.ModelVersions(ctx, a1.ID)
		if err != nil || len(vs) != 3 || vs[0].ID != a1.ID || vs[1].ID != a2.ID || vs[2].ID != a3.ID {
			t.Errorf("ModelVersions(a) = %v, %v", vs, err)
		}
		if _, err := st.ModelVersions(ctx, a2.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ModelVersions(version 2's id) = %v, want ErrNotFound", err)
		}
		if _, err := st.ModelVersions(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ModelVersions(unknown) = %v, want ErrNotFound", err)
		}
		if m, err := st.ActiveVersionByLineage(ctx, a1.ID); err != nil || m.ID != a2.ID {
			t.Errorf("ActiveVersionByLineage(a) = %v, %v; want version 2", m, err)
		}
		if _, err := st.ActiveVersionByLineage(ctx, b1.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ActiveVersionByLineage(b) = %v, want ErrNotFound (none active)", err)
		}
		if m, err := st.CurrentVersionByLineage(ctx, b1.ID); err != nil || m.ID != b2.ID {
			t.Errorf("CurrentVersionByLineage(b) = %v, %v; want latest (version 2)", m, err)
		}
		ms, err := st.ModelsLatestPerLineage(ctx)
		if err != nil || len(ms) != 2 || ms[0].ID != a2.ID || ms[1].ID != b2.ID {
			t.Errorf("ModelsLatestPerLineage = %v, %v; want [a v2 (active), b v2 (latest)]", ms, err)
		}
		ids, err := st.LineageVersionIDs(ctx, a1.ID)
		if err != nil || len(ids) != 3 || ids[0] != a1.ID || ids[2] != a3.ID {
			t.Errorf("LineageVersionIDs(a) = %v, %v", ids, err)
		}
		if ids, err := st.LineageVersionIDs(ctx, ident.New()); err != nil || len(ids) != 0 {
			t.Errorf("LineageVersionIDs(unknown) = %v, %v; want empty", ids, err)
		}
		if m, err := st.ModelVersion(ctx, a3.ID); err != nil || m.Version != 3 {
			t.Errorf("ModelVersion(a3) = %v, %v", m, err)
		}
		// An unknown parent is ErrNotFound and inserts nothing.
		bad := &store.MLModel{Name: "c", Endpoint: "logS", Task: store.TaskRegression, Version: 2, ParentID: ptr(ident.New())}
		if err := st.CreateMLModel(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CreateMLModel(unknown parent) = %v, want ErrNotFound", err)
		}
	})
}
