package store_test

import (
	"errors"
	"io/fs"
	"testing"

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
		if _, err := st.ModelVersions(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
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
		if ids, err := st.LineageVersionIDs(ctx, 999999); err != nil || len(ids) != 0 {
			t.Errorf("LineageVersionIDs(unknown) = %v, %v; want empty", ids, err)
		}
		if m, err := st.ModelVersion(ctx, a3.ID); err != nil || m.Version != 3 {
			t.Errorf("ModelVersion(a3) = %v, %v", m, err)
		}
		// An unknown parent is ErrNotFound and inserts nothing.
		bad := &store.MLModel{Name: "c", Endpoint: "logS", Task: store.TaskRegression, Version: 2, ParentID: ptr(int64(999999))}
		if err := st.CreateMLModel(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CreateMLModel(unknown parent) = %v, want ErrNotFound", err)
		}
	})
}

// TestLineageMigrationBackfill removes the lineage column (the down
// migration), inserts versions as the old schema had them, re-applies the up
// migration and checks every row got its root's id: through parent_id, or
// its own id for a root.
func TestLineageMigrationBackfill(t *testing.T) {
	const id = "20261125000006_model_lineage"
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		dir := store.MigrationsFS(st.Dialect())
		read := func(name string) string {
			b, err := fs.ReadFile(dir, name)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		if _, err := st.DB().ExecContext(ctx, read(id+".down.sql")); err != nil {
			t.Fatalf("down: %v", err)
		}
		ins := "INSERT INTO ml_models (id, name, endpoint, task, version, parent_id, status, created_at) VALUES " +
			"(10, 'x', 'logS', 'regression', 1, NULL, 'superseded', '2026-11-25 12:00:00+00:00')," +
			"(11, 'x', 'logS', 'regression', 2, 10, 'superseded', '2026-11-25 12:00:00+00:00')," +
			"(12, 'x', 'logS', 'regression', 3, 11, 'active', '2026-11-25 12:00:00+00:00')," +
			"(20, 'y', 'logS', 'regression', 1, NULL, 'active', '2026-11-25 12:00:00+00:00')"
		if _, err := st.DB().ExecContext(ctx, ins); err != nil {
			t.Fatalf("insert old rows: %v", err)
		}
		if _, err := st.DB().ExecContext(ctx, read(id+".up.sql")); err != nil {
			t.Fatalf("up: %v", err)
		}
		want := map[int64]int64{10: 10, 11: 10, 12: 10, 20: 20}
		for vid, lineage := range want {
			m, err := st.ModelVersion(ctx, vid)
			if err != nil || m.LineageID != lineage {
				t.Errorf("model %d after backfill: %+v, %v; want lineage %d", vid, m, err, lineage)
			}
		}
	})
}
