package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportCommand: ESOL imported, then exported to a file and to
// standard output: the same 1123 measurements, readable CSV, the values
// of the file; a set filter; usage errors leave no file behind.
func TestExportCommand(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	esol := filepath.Join("..", "..", "examples", "esol.csv")
	if _, _, err := importRun(t, "--database-url", db, "--file", esol, "--endpoint", "logS", "--set", "ESOL"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "logS.csv")
	var out, errOut bytes.Buffer
	if err := runExport(t.Context(), []string{"--database-url", db, "--endpoint", "logS", "--out", file}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 || !strings.Contains(errOut.String(), "export: 1123 measurements of logS written to "+file) {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 1124 || recs[0][0] != "compound_id" || recs[1][4] != "logS" || recs[1][8] != "import" {
		t.Fatalf("file: %d records, %v; first %v", len(recs), err, recs[:min(2, len(recs))])
	}
	// The first ESOL row of examples/esol.csv is Amigdalin, logS -0.77.
	if recs[1][1] != "Amigdalin" || recs[1][5] != "-0.77" {
		t.Errorf("first row %v, want Amigdalin -0.77", recs[1])
	}

	out.Reset()
	errOut.Reset()
	if err := runExport(t.Context(), []string{"--database-url", db, "--endpoint", "logS", "--set", "ESOL"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	again, err := os.ReadFile(file)
	if err != nil || out.String() != string(again) {
		t.Errorf("standard output differs from the file (%d vs %d bytes)", out.Len(), len(again))
	}

	for _, args := range [][]string{{}, {"--endpoint", "pKa"}, {"--endpoint", "logS", "--set", "nope"}} {
		bad := filepath.Join(dir, "bad.csv")
		err := runExport(t.Context(), append([]string{"--database-url", db, "--out", bad}, args...), &out, &errOut)
		if err == nil {
			t.Errorf("export %v succeeded", args)
		}
		if _, statErr := os.Stat(bad); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("export %v left %s behind", args, bad)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left in %s: %v", dir, entries)
	}
}
