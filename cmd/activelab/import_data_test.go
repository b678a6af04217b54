package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"activelab/auth"
	"activelab/store"
	"activelab/store/storetest"
)

// importDB returns the URL of a fresh, migrated database of the backend
// with one admin.
func importDB(t *testing.T, backend string) string {
	t.Helper()
	url := storetest.DatabaseURL(t, backend)
	st, err := openStore(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := auth.NewService(st, auth.Options{}).CreateUserAsOperator(t.Context(), auth.NewUser{
		Email: "admin@example.com", Name: "Admin", Role: store.RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	return url
}

// TestImportCommandKeepsTheData imports, on both databases, the gzipped
// multi-property SDF (six ESOL molecules with ID, logS, MolWt and MolLogP
// written by RDKit 2022.09; the fifth lacks MolLogP) with three endpoints,
// an .xlsx with a censored value, and checks the exit conditions: an SDF
// without the data item asked for, and a file whose every row is rejected.
func TestImportCommandKeepsTheData(t *testing.T) {
	multi := filepath.Join("..", "..", "activelearning", "ingest", "testdata", "multi.sdf.gz")
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "assay.xlsx")
	f := excelize.NewFile()
	for i, row := range [][]any{{"ID", "SMILES", "pIC50"}, {"P-1", "c1ccccc1O", 6.5}, {"P-2", "c1ccccc1N", "<4"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(xlsx); err != nil {
		t.Fatal(err)
	}
	allBad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(allBad, []byte("smiles;logS\nC1CC(;1\nXx;2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			db := importDB(t, backend)
			out, _, err := importRun(t, "--database-url", db, "--file", multi, "--endpoint", "sol=logS,mw=MolWt,clogp=MolLogP", "--set", "multi")
			if err != nil {
				t.Fatalf("multi.sdf.gz: %v\n%s", err, out)
			}
			hasLines(t, out, "rows:         6", "created:      6", "measurements: 17 (sol, mw, clogp)", "errors:       0")
			out, _, err = importRun(t, "--database-url", db, "--file", multi, "--endpoint", "sol=logS,mw=MolWt,clogp=MolLogP", "--set", "multi")
			if err != nil {
				t.Fatal(err)
			}
			hasLines(t, out, "created:      0", "existing:     6", "measurements: 0 (sol, mw, clogp)")

			out, _, err = importRun(t, "--database-url", db, "--file", xlsx, "--endpoint", "pIC50", "--value-column", "pIC50")
			if err != nil {
				t.Fatalf("xlsx: %v\n%s", err, out)
			}
			hasLines(t, out, "rows:         2", "created:      2", "measurements: 2 (pIC50)")
			st, err := openStore(t.Context(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c, err := st.CompoundBySMILES(t.Context(), "Nc1ccccc1")
			if err != nil {
				t.Fatal(err)
			}
			ms, err := st.MeasurementsByCompound(t.Context(), c.ID, "pIC50")
			if err != nil || len(ms) != 1 || ms[0].Qualifier != store.QualifierLess || ms[0].Value != 4 {
				t.Errorf("aniline's pIC50 = %+v, %v; want < 4", ms, err)
			}
			if id, _ := c.Properties.Get("ID"); id != "P-2" {
				t.Errorf("aniline's properties %v, want ID P-2", c.Properties)
			}

			_, _, err = importRun(t, "--database-url", db, "--file", multi, "--endpoint", "pIC50=PIC50")
			if err == nil || !strings.Contains(err.Error(), `no record has the value data item (endpoint pIC50) "PIC50"`) || errors.Is(err, errUsage) {
				t.Errorf("SDF without the data item: err %v, want a column error", err)
			}
			out, _, err = importRun(t, "--database-url", db, "--file", allBad, "--endpoint", "logS=logS")
			if !errors.Is(err, errAllRejected) || errors.Is(err, errUsage) {
				t.Errorf("every row rejected: err %v, want errAllRejected (exit status 1)", err)
			}
			hasLines(t, out, "rows:         2", "errors:       2")
		})
	}
}
