package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"activelab/migrations"
	"activelab/store"
	"activelab/store/storetest"
)

// column is a column as both catalogs can describe it.
type column struct {
	Family  string // int, float, text, bytes, time, bool, uuid
	NotNull bool
}

// index is an index (or unique constraint) as both catalogs can describe it.
type index struct {
	Unique  bool
	Partial bool
	Columns string // comma-separated; "<expr>" for an expression
}

// table is one table's shape.
type table struct {
	Columns map[string]column
	PK      string // comma-separated primary-key columns
	Indexes map[string]index
}

// appTable reports whether a table belongs to the application's migrations
// (not River's, not bun's bookkeeping, not SQLite's internals).
func appTable(name string) bool {
	return !strings.HasPrefix(name, "river_") && !strings.HasPrefix(name, "bun_") && !strings.HasPrefix(name, "sqlite_")
}

// introspect reads every table's columns, primary key and indexes from the
// database's catalog (sqlite_master and pragmas, or information_schema and
// pg_index).
func introspect(ctx context.Context, t testing.TB, st *store.Store) map[string]table {
	t.Helper()
	db := st.DB()
	var names []string
	var err error
	if st.Dialect() == store.DialectSQLite {
		err = db.NewRaw("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").Scan(ctx, &names)
	} else {
		err = db.NewRaw("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name").Scan(ctx, &names)
	}
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	out := make(map[string]table, len(names))
	for _, name := range names {
		if st.Dialect() == store.DialectSQLite {
			out[name] = introspectSQLite(ctx, t, st, name)
		} else {
			out[name] = introspectPostgres(ctx, t, st, name)
		}
	}
	return out
}

func sqliteFamily(decl string) string {
	switch strings.ToUpper(decl) {
	case "INTEGER":
		return "int"
	case "REAL":
		return "float"
	case "TEXT":
		return "text"
	case "BLOB":
		return "bytes"
	case "TIMESTAMP":
		return "time"
	case "BOOLEAN":
		return "bool"
	case "UUID":
		return "uuid"
	}
	return "unknown:" + decl
}

func postgresFamily(dataType string) string {
	switch dataType {
	case "bigint", "integer", "smallint":
		return "int"
	case "double precision", "real":
		return "float"
	case "text", "jsonb", "character varying":
		return "text"
	case "bytea":
		return "bytes"
	case "uuid":
		return "uuid"
	case "timestamp with time zone":
		return "time"
	case "boolean":
		return "bool"
	}
	return "unknown:" + dataType
}

func introspectSQLite(ctx context.Context, t testing.TB, st *store.Store, name string) table {
	t.Helper()
	db := st.DB()
	tb := table{Columns: map[string]column{}, Indexes: map[string]index{}}
	var cols []struct {
		Name    string `bun:"name"`
		Type    string `bun:"type"`
		NotNull bool   `bun:"not_null"`
		PK      int    `bun:"pk"`
	}
	if err := db.NewRaw(`SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(?)`, name).Scan(ctx, &cols); err != nil {
		t.Fatalf("columns of %s: %v", name, err)
	}
	pk := map[int]string{}
	for _, c := range cols {
		tb.Columns[c.Name] = column{Family: sqliteFamily(c.Type), NotNull: c.NotNull || c.PK > 0}
		if c.PK > 0 {
			pk[c.PK] = c.Name
		}
	}
	for i := 1; i <= len(pk); i++ {
		tb.PK += "," + pk[i]
	}
	tb.PK = strings.TrimPrefix(tb.PK, ",")
	var idx []struct {
		Name    string `bun:"name"`
		Unique  bool   `bun:"unique"`
		Origin  string `bun:"origin"`
		Partial bool   `bun:"partial"`
	}
	if err := db.NewRaw(`SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, name).Scan(ctx, &idx); err != nil {
		t.Fatalf("indexes of %s: %v", name, err)
	}
	for _, ix := range idx {
		if ix.Origin == "pk" {
			continue
		}
		var parts []string
		if err := db.NewRaw(`SELECT COALESCE(name, '<expr>') FROM pragma_index_info(?) ORDER BY seqno`, ix.Name).Scan(ctx, &parts); err != nil {
			t.Fatalf("columns of index %s: %v", ix.Name, err)
		}
		tb.Indexes[ix.Name] = index{Unique: ix.Unique, Partial: ix.Partial, Columns: strings.Join(parts, ",")}
	}
	return tb
}

func introspectPostgres(ctx context.Context, t testing.TB, st *store.Store, name string) table {
	t.Helper()
	db := st.DB()
	tb := table{Columns: map[string]column{}, Indexes: map[string]index{}}
	var cols []struct {
		Name       string `bun:"column_name"`
		DataType   string `bun:"data_type"`
		IsNullable string `bun:"is_nullable"`
	}
	if err := db.NewRaw(`SELECT column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ?`, name).Scan(ctx, &cols); err != nil {
		t.Fatalf("columns of %s: %v", name, err)
	}
	for _, c := range cols {
		tb.Columns[c.Name] = column{Family: postgresFamily(c.DataType), NotNull: c.IsNullable == "NO"}
	}
	var idx []struct {
		Name    string `bun:"name"`
		Unique  bool   `bun:"is_unique"`
		Primary bool   `bun:"is_primary"`
		Partial bool   `bun:"is_partial"`
		Columns string `bun:"cols"`
	}
	err := db.NewRaw(`SELECT i.relname AS name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
			ix.indpred IS NOT NULL AS is_partial,
			array_to_string(ARRAY(
				SELECT COALESCE(a.attname, '<expr>')
				FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
				LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum AND k.attnum > 0
				ORDER BY k.ord), ',') AS cols
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class tb ON tb.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = tb.relnamespace
		WHERE n.nspname = current_schema() AND tb.relname = ?`, name).Scan(ctx, &idx)
	if err != nil {
		t.Fatalf("indexes of %s: %v", name, err)
	}
	for _, ix := range idx {
		if ix.Primary {
			tb.PK = ix.Columns
			continue
		}
		tb.Indexes[ix.Name] = index{Unique: ix.Unique, Partial: ix.Partial, Columns: ix.Columns}
	}
	return tb
}

// appSchema keeps only the application's tables.
func appSchema(all map[string]table) map[string]table {
	out := map[string]table{}
	for name, tb := range all {
		if appTable(name) {
			out[name] = tb
		}
	}
	return out
}

// diffSchemas lists every difference between two schemas, sorted.
func diffSchemas(aName string, a map[string]table, bName string, b map[string]table) []string {
	var diffs []string
	for _, name := range slices.Sorted(maps.Keys(a)) {
		tb, ok := b[name]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("table %s: only in %s", name, aName))
			continue
		}
		ta := a[name]
		if ta.PK != tb.PK {
			diffs = append(diffs, fmt.Sprintf("table %s: primary key %s (%s) vs %s (%s)", name, ta.PK, aName, tb.PK, bName))
		}
		for _, c := range slices.Sorted(maps.Keys(ta.Columns)) {
			cb, ok := tb.Columns[c]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("column %s.%s: only in %s", name, c, aName))
			case cb != ta.Columns[c]:
				diffs = append(diffs, fmt.Sprintf("column %s.%s: %+v (%s) vs %+v (%s)", name, c, ta.Columns[c], aName, cb, bName))
			}
		}
		for c := range tb.Columns {
			if _, ok := ta.Columns[c]; !ok {
				diffs = append(diffs, fmt.Sprintf("column %s.%s: only in %s", name, c, bName))
			}
		}
		for _, ix := range slices.Sorted(maps.Keys(ta.Indexes)) {
			ib, ok := tb.Indexes[ix]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("index %s on %s: only in %s", ix, name, aName))
			case ib != ta.Indexes[ix]:
				diffs = append(diffs, fmt.Sprintf("index %s on %s: %+v (%s) vs %+v (%s)", ix, name, ta.Indexes[ix], aName, ib, bName))
			}
		}
		for ix := range tb.Indexes {
			if _, ok := ta.Indexes[ix]; !ok {
				diffs = append(diffs, fmt.Sprintf("index %s on %s: only in %s", ix, name, bName))
			}
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("table %s: only in %s", name, bName))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// TestMigrationsSameIDs checks that both dialect folders hold the same
// migration files, each with an up and a down.
func TestMigrationsSameIDs(t *testing.T) {
	list := func(fsys fs.FS) []string {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	lite, pg := list(migrations.SQLite), list(migrations.Postgres)
	if !slices.Equal(lite, pg) {
		t.Errorf("migration files differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
	ups := map[string]bool{}
	for _, n := range lite {
		id, _, ok := strings.Cut(n, "_")
		if !ok || len(id) != 14 || strings.Trim(id, "0123456789") != "" {
			t.Errorf("migration %s: name is not YYYYMMDDHHMMSS_name.(up|down).sql", n)
		}
		switch {
		case strings.HasSuffix(n, ".up.sql"):
			ups[strings.TrimSuffix(n, ".up.sql")] = true
		case strings.HasSuffix(n, ".down.sql"):
		default:
			t.Errorf("migration %s: neither .up.sql nor .down.sql", n)
		}
	}
	for base := range ups {
		if !slices.Contains(lite, base+".down.sql") {
			t.Errorf("migration %s has no down", base)
		}
	}
	if len(ups) == 0 {
		t.Fatal("no migrations embedded")
	}
}

// TestMigrationsSameSchema checks that both dialects' migrations produce the
// same tables, columns (type family and nullability), primary keys and
// indexes (names, uniqueness, partiality, columns).
func TestMigrationsSameSchema(t *testing.T) {
	backends := storetest.Backends(t)
	lite := appSchema(introspect(t.Context(), t, backends["sqlite"](t)))
	t.Run("postgres", func(t *testing.T) {
		pg := appSchema(introspect(t.Context(), t, backends["postgres"](t)))
		for _, d := range diffSchemas("sqlite", lite, "postgres", pg) {
			t.Error(d)
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		for name, tb := range lite {
			for c, col := range tb.Columns {
				if strings.HasPrefix(col.Family, "unknown") {
					t.Errorf("column %s.%s: unexpected type %s", name, c, col.Family)
				}
			}
			for ix := range tb.Indexes {
				if strings.HasPrefix(ix, "sqlite_autoindex") {
					t.Errorf("table %s has an unnamed UNIQUE constraint (%s): use a named CREATE UNIQUE INDEX so both dialects match", name, ix)
				}
			}
		}
	})
}

// TestSchemaSpecification checks the tables of the data model and the exact
// columns of label_queue and active_learning_cycles (the specification's
// plus the allowed extras), with the named unique constraint and index.
func TestSchemaSpecification(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		schema := introspect(t.Context(), t, st)
		wantTables := []string{"active_learning_cycles", "api_tokens", "compound_set_members", "compound_sets", "compounds",
			"events", "import_rejects", "imports", "label_history", "label_queue", "measurements", "ml_models", "selection_shards", "sessions", "users", "validation_set_members", "validation_sets"}
		got := slices.Sorted(maps.Keys(appSchema(schema)))
		if !slices.Equal(got, wantTables) {
			t.Errorf("application tables = %v\nwant %v", got, wantTables)
		}
		specCols := map[string][]string{
			"label_queue": {"id", "compound_id", "model_id", "prediction", "uncertainty", "applicability_distance",
				"selection_strategy", "selection_batch", "priority_score", "status", "assigned_to", "assigned_at", "label",
				"label_source", "label_confidence", "labeled_at", "labeled_by", "notes", "created_at", "updated_at",
				// allowed extras
				"version", "lease_expires_at", "skip_reason", "label_implausible", "lineage_id", "archived_at", "archived_version_id",
				"explore", "interval_low", "interval_high", "class_probabilities"},
			"active_learning_cycles": {"id", "model_id", "cycle_number", "selection_strategy", "batch_size", "status",
				"metrics_before", "metrics_after", "items_selected", "items_labeled", "items_skipped", "started_at", "completed_at",
				// allowed extras
				"version", "error", "params", "seed", "promotion_note", "created_by", "trained_version_id", "label_gain"},
		}
		for name, want := range specCols {
			got := slices.Sorted(maps.Keys(schema[name].Columns))
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s columns = %v\nwant %v", name, got, want)
			}
		}
		lq := schema["label_queue"]
		if ix := lq.Indexes["uq_label_queue_compound_model_batch"]; !ix.Unique || ix.Columns != "compound_id,model_id,selection_batch" {
			t.Errorf("uq_label_queue_compound_model_batch = %+v, want unique on compound_id,model_id,selection_batch", ix)
		}
		if ix := lq.Indexes["ix_label_queue_status_model"]; ix.Columns != "status,model_id" {
			t.Errorf("ix_label_queue_status_model = %+v, want on status,model_id", ix)
		}
		if ix := schema["ml_models"].Indexes["ux_ml_models_one_active"]; !ix.Unique || !ix.Partial {
			t.Errorf("ux_ml_models_one_active = %+v, want a partial unique index", ix)
		}
		if st.Dialect() == store.DialectPostgres {
			// On PostgreSQL it is a real table constraint, not only an index.
			var kind string
			if err := st.DB().NewRaw("SELECT contype FROM pg_constraint WHERE conname = 'uq_label_queue_compound_model_batch'").Scan(t.Context(), &kind); err != nil || kind != "u" {
				t.Errorf("pg_constraint uq_label_queue_compound_model_batch: contype %q, %v; want u", kind, err)
			}
		}
		for _, rt := range []string{"river_job", "river_migration", "river_leader", "river_queue"} {
			if _, ok := schema[rt]; !ok {
				t.Errorf("River table %s missing after Migrate", rt)
			}
		}
	})
}

// TestDiffSchemas checks that the comparison used above notices each kind
// of difference (so a passing TestMigrationsSameSchema means something).
func TestDiffSchemas(t *testing.T) {
	base := func() map[string]table {
		return map[string]table{"t": {
			Columns: map[string]column{"id": {"int", true}, "name": {"text", false}},
			PK:      "id",
			Indexes: map[string]index{"ux_t_name": {Unique: true, Columns: "name"}},
		}}
	}
	if d := diffSchemas("a", base(), "b", base()); len(d) != 0 {
		t.Fatalf("identical schemas differ: %v", d)
	}
	mutations := map[string]func(s map[string]table){
		"extra table":      func(s map[string]table) { s["u"] = table{} },
		"missing column":   func(s map[string]table) { delete(s["t"].Columns, "name") },
		"column type":      func(s map[string]table) { s["t"].Columns["name"] = column{"int", false} },
		"column nullable":  func(s map[string]table) { s["t"].Columns["name"] = column{"text", true} },
		"primary key":      func(s map[string]table) { tb := s["t"]; tb.PK = "name"; s["t"] = tb },
		"index not unique": func(s map[string]table) { s["t"].Indexes["ux_t_name"] = index{Columns: "name"} },
		"index columns":    func(s map[string]table) { s["t"].Indexes["ux_t_name"] = index{Unique: true, Columns: "id"} },
		"index renamed": func(s map[string]table) {
			s["t"].Indexes["uq_t_name"] = s["t"].Indexes["ux_t_name"]
			delete(s["t"].Indexes, "ux_t_name")
		},
	}
	for name, mutate := range mutations {
		b := base()
		mutate(b)
		if d := diffSchemas("a", base(), "b", b); len(d) == 0 {
			t.Errorf("%s: not detected", name)
		}
	}
}
