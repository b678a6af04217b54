package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
)

// TestExportPoolCommand: a model trained on 60 ESOL rows exports the
// database's 120 compounds as SDF (by --out's extension: every record
// reads back with the import reader, with its measurement) and as CSV (by
// --format, to standard output); a set filter; usage errors leave no file.
func TestExportPoolCommand(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	dir := t.TempDir()
	esol, err := os.ReadFile(filepath.Join("..", "..", "examples", "esol.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(esol), "\n", 122)
	train := filepath.Join(dir, "train.csv")
	pool := filepath.Join(dir, "pool.csv")
	if err := os.WriteFile(train, []byte(strings.Join(lines[:61], "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pool, []byte(lines[0]+"\n"+strings.Join(lines[61:121], "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := importRun(t, "--database-url", db, "--file", train, "--endpoint", "logS", "--set", "ESOL60"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := importRun(t, "--database-url", db, "--file", pool, "--set", "pool"); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := runTrain(t.Context(), []string{"--database-url", db, "--name", "esol60", "--endpoint", "logS", "--task", "regression",
		"--members", "4", "--set", "ESOL60"}, &out, &errOut); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut.String())
	}

	sdf := filepath.Join(dir, "scored.sdf")
	out.Reset()
	errOut.Reset()
	if err := runExport(t.Context(), []string{"--database-url", db, "--model", "esol60", "--out", sdf}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if want := "export: 120 compounds scored by esol60 (sdf) written to " + sdf; !strings.Contains(errOut.String(), want) || strings.Contains(errOut.String(), "\r") {
		t.Errorf("stderr %q, want %q and no progress line (not a terminal)", errOut.String(), want)
	}
	f, err := os.Open(sdf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ingest.Open(f, ingest.FormatSDF, ingest.Options{Endpoints: []ingest.EndpointColumn{{Endpoint: "logS", Column: "measurement"}}, Qualified: true})
	if err != nil {
		t.Fatal(err)
	}
	rows, bad, err := ingest.ReadAll(r)
	if err != nil || len(bad) != 0 || len(rows) != 120 {
		t.Fatalf("read back %d rows, %d bad (%v), %v", len(rows), len(bad), bad, err)
	}
	measured := 0
	for _, row := range rows {
		if len(row.Values) == 1 {
			measured++
		}
		if v, _ := row.Field("prediction"); v == "" {
			t.Errorf("record %d has no prediction", row.Line)
		}
	}
	// The first ESOL row is Amigdalin, logS -0.77: the 60 training rows
	// carry their values, the 60 pool rows none.
	if measured != 60 || rows[0].Name != "Amigdalin" || rows[0].Values[0].Value != -0.77 {
		t.Errorf("%d records with a measurement (want 60); first %q %+v", measured, rows[0].Name, rows[0].Values)
	}

	out.Reset()
	errOut.Reset()
	if err := runExport(t.Context(), []string{"--database-url", db, "--model", "esol60", "--format", "csv", "--set", "pool"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(recs) != 61 || recs[0][0] != "compound_id" || recs[0][len(recs[0])-1] != "error" {
		t.Fatalf("stdout: %d records, %v; header %v", len(recs), err, recs[:min(1, len(recs))])
	}

	for _, args := range [][]string{
		{"--model", "nope"}, {"--model", "esol60", "--version", "7"}, {"--model", "esol60", "--format", "xlsx"},
		{"--model", "esol60", "--endpoint", "logS"}, {"--endpoint", "logS", "--format", "sdf"}, {"--model", "esol60", "--set", "nope"},
	} {
		bad := filepath.Join(dir, "bad.sdf")
		err := runExport(t.Context(), append([]string{"--database-url", db, "--out", bad}, args...), &out, &errOut)
		if err == nil {
			t.Errorf("export %v succeeded", args)
		}
		var ie *activelearning.InputError
		if !errors.Is(err, errUsage) && !errors.As(err, &ie) {
			t.Errorf("export %v: %v is neither a usage nor an input error", args, err)
		}
		if _, statErr := os.Stat(bad); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("export %v left %s behind", args, bad)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("files in %s: %v; want train.csv, pool.csv and scored.sdf", dir, entries)
	}
}

// TestExportProgress: on a terminal the progress line is rewritten in
// place (carriage return, erase line) at most every progressEvery, always
// at the end, and closed with a newline; off a terminal nothing is written.
func TestExportProgress(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	p := &progress{w: &buf}
	p.report(1000, 4000)
	p.report(2000, 4000) // within progressEvery: not shown
	p.report(4000, 4000) // the end: always shown
	p.done()
	if want := "\r\x1b[Kexport: 1000 of 4000 compounds (25%)\r\x1b[Kexport: 4000 of 4000 compounds (100%)\n"; buf.String() != want {
		t.Errorf("progress wrote %q, want %q", buf.String(), want)
	}
	var file bytes.Buffer
	q := newProgress(&file)
	q.report(1, 2)
	q.done()
	if file.Len() != 0 {
		t.Errorf("progress off a terminal wrote %q", file.String())
	}
}
