package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"activelab/auth"
	"activelab/store"
)

// commandDB returns the URL of a migrated SQLite database in t.TempDir()
// with one admin, admin@example.com.
func commandDB(t *testing.T) string {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "cmd.db")
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

func importRun(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := runImport(t.Context(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// lines checks that out contains every line of want.
func hasLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestImportCommandESOLTwice(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	esol := filepath.Join("..", "..", "examples", "esol.csv")
	out, _, err := importRun(t, "--database-url", db, "--file", esol, "--endpoint", "logS", "--set", "ESOL")
	if err != nil {
		t.Fatal(err)
	}
	// shared/data/README.md: 1128 rows, 1117 distinct canonical SMILES (chem
	// agrees with RDKit); 5 rows repeat a compound with the same value.
	hasLines(t, out, "rows:         1128", "created:      1117", "existing:     11", "measurements: 1123 (logS)", "errors:       0")
	hasMatch(t, out, `(?m)^set:          ESOL \(id [0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\)$`)
	out, _, err = importRun(t, "--database-url", db, "--file", esol, "--endpoint", "logS", "--set", "ESOL")
	if err != nil {
		t.Fatal(err)
	}
	hasLines(t, out, "rows:         1128", "created:      0", "existing:     1128", "measurements: 0 (logS)", "errors:       0")
}

func TestImportCommandBadRows(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "bad.csv")
	csv := "Name,SMILES,pIC50\nethanol,CCO,5.1\nbroken,C1CC,6\nempty,,7\nword,CCN,high\ninf,CCC,Inf\nbenzene,c1ccccc1,\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := importRun(t, "--database-url", db, "--file", csvPath, "--endpoint", "pIC50", "--value-column", "pic50", "--source", "literature")
	if err != nil {
		t.Fatal(err)
	}
	hasLines(t, out,
		"rows:         6", "created:      2", "measurements: 1 (pIC50)", "errors:       4",
		"row 2, column SMILES: ring bond 1 opened at offset 1 is never closed (offset 1)",
		"row 3, column SMILES: empty SMILES",
		`row 4, column pIC50: value "high" is not a number`,
		`row 5, column pIC50: value "Inf" is not finite`)

	// SDF with an id item and values.
	sdf, err := os.ReadFile(filepath.Join("..", "..", "activelearning", "ingest", "testdata", "handmade.sdf"))
	if err != nil {
		t.Fatal(err)
	}
	sdfPath := filepath.Join(dir, "mols.sdf")
	if err := os.WriteFile(sdfPath, sdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = importRun(t, "--database-url", db, "--file", sdfPath, "--endpoint", "logS", "--value-column", "logS", "--name-column", "id")
	if err != nil {
		t.Fatal(err)
	}
	hasLines(t, out, "rows:         6", "created:      3", "existing:     1", "measurements: 3 (logS)", "errors:       2",
		"row 5, column molfile: carbon at offset 0 has valence 5", `row 6, column logS: value "NaN" is not finite`)
}

func TestImportCommandErrors(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	dir := t.TempDir()
	noSmiles := filepath.Join(dir, "x.csv")
	if err := os.WriteFile(noSmiles, []byte("id,structure\n1,CC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no file flag", []string{}, true, "--file is required"},
		{"missing file", []string{"--file", filepath.Join(dir, "nope.csv")}, false, "no such file"},
		{"unknown extension", []string{"--file", filepath.Join(dir, "a.xls")}, true, `extension ".xls"`},
		{"no smiles column", []string{"--file", noSmiles}, false, `no SMILES column "smiles" in the header (columns: "id", "structure")`},
		{"value column without endpoint", []string{"--file", noSmiles, "--value-column", "v"}, true, "needs --endpoint"},
		{"bad source", []string{"--file", noSmiles, "--source", "rumour"}, true, `--source "rumour"`},
		{"unknown user", []string{"--file", filepath.Join("..", "..", "examples", "esol.csv"), "--user", "who@example.com"}, true, "no user with email"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := importRun(t, append([]string{"--database-url", db}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, errUsage) != tc.usage {
				t.Errorf("err = %v (usage %v), want ~%q usage %v", err, errors.Is(err, errUsage), tc.want, tc.usage)
			}
		})
	}
}

// hasMatch checks that out matches the regular expression re (ids are
// UUIDs, so lines that show one are matched, not compared).
func hasMatch(t *testing.T, out, re string) {
	t.Helper()
	if !regexp.MustCompile(re).MatchString(out) {
		t.Errorf("output does not match %s:\n%s", re, out)
	}
}
