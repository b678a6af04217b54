package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPredictCommand: a model trained on 60 ESOL rows scores a CSV with
// ID columns and a bad row, and a gzipped SMILES file into SDF; usage
// errors leave no file behind.
func TestPredictCommand(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	dir := t.TempDir()
	esol, err := os.ReadFile(filepath.Join("..", "..", "examples", "esol.csv"))
	if err != nil {
		t.Fatal(err)
	}
	train := filepath.Join(dir, "train.csv")
	if err := os.WriteFile(train, []byte(strings.Join(strings.SplitN(string(esol), "\n", 62)[:61], "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := importRun(t, "--database-url", db, "--file", train, "--endpoint", "logS", "--set", "ESOL60"); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := runTrain(t.Context(), []string{"--database-url", db, "--name", "esol60", "--endpoint", "logS", "--task", "regression",
		"--members", "4", "--set", "ESOL60"}, &out, &errOut); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut.String())
	}

	in := filepath.Join(dir, "library.csv")
	if err := os.WriteFile(in, []byte("reg_id\tSMILES\tproject\nX-1\tCCO\tp1\nX-2\tC1CC\tp1\nX-3\tc1ccccc1N\tp2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	scored := filepath.Join(dir, "scored.csv")
	errOut.Reset()
	if err := runPredict(t.Context(), []string{"--database-url", db, "--model", "esol60", "--in", in, "--out", scored}, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "predict: 3 rows scored with esol60 version 1 (1 with an error) written to "+scored) {
		t.Errorf("stderr %q", errOut.String())
	}
	f, err := os.Open(scored)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 4 || recs[0][0] != "reg_id" || recs[0][3] != "prediction" {
		t.Fatalf("%v: %q", err, recs)
	}
	for i, id := range []string{"X-1", "X-2", "X-3"} {
		r := recs[i+1]
		bad := r[len(r)-1] != ""
		if r[0] != id || bad != (id == "X-2") || (r[3] == "") != bad {
			t.Errorf("row %d: %q", i+1, r)
		}
	}

	smi := filepath.Join(dir, "list.smi.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("CCO ethanol\n\nc1ccccc1O phenol\n"))
	zw.Close()
	if err := os.WriteFile(smi, gz.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	sdf := filepath.Join(dir, "list.sdf")
	if err := runPredict(t.Context(), []string{"--database-url", db, "--model", "esol60", "--version", "1", "--in", smi, "--out", sdf}, &errOut); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(sdf)
	if err != nil || strings.Count(string(b), "$$$$\n") != 2 || !strings.Contains(string(b), "> <name>\nphenol\n") ||
		!strings.Contains(string(b), "> <model_version>\n1\n") {
		t.Errorf("%v\n%s", err, b)
	}

	for _, args := range [][]string{{}, {"--model", "nope", "--in", in}, {"--model", "esol60", "--version", "3", "--in", in},
		{"--model", "esol60", "--in", filepath.Join(dir, "missing.csv")}, {"--model", "esol60", "--in", in, "--format", "xml"}} {
		bad := filepath.Join(dir, "bad.csv")
		err := runPredict(t.Context(), append([]string{"--database-url", db, "--out", bad}, args...), &errOut)
		if err == nil {
			t.Errorf("predict %v succeeded", args)
		}
		if _, statErr := os.Stat(bad); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("predict %v left %s behind", args, bad)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("files in %s: %v", dir, entries)
	}
}
