package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestParseCuts: --bins takes strictly ascending finite cut-offs.
func TestParseCuts(t *testing.T) {
	t.Parallel()
	if got, err := parseCuts(" -4, -2 "); err != nil || !slices.Equal(got, []float64{-4, -2}) {
		t.Errorf("parseCuts(-4,-2) = %v, %v", got, err)
	}
	if got, err := parseCuts(""); err != nil || got != nil {
		t.Errorf("parseCuts('') = %v, %v; want none", got, err)
	}
	for _, bad := range []string{"-2,-4", "1,1", "a", "NaN", "-4,,-2", "Inf"} {
		if _, err := parseCuts(bad); err == nil {
			t.Errorf("parseCuts(%q): no error", bad)
		}
	}
}

// TestSplitClasses: --classes names, trimmed; none when empty.
func TestSplitClasses(t *testing.T) {
	t.Parallel()
	if got := splitClasses(" low, medium ,high"); !slices.Equal(got, []string{"low", "medium", "high"}) {
		t.Errorf("splitClasses = %q", got)
	}
	if got := splitClasses("  "); got != nil {
		t.Errorf("splitClasses(blank) = %q, want nil", got)
	}
}

// TestImportTrainThreeClasses: `import --classes` reads class names (a row
// with another one is rejected naming the classes) and `train --classes`
// makes a three-class model with the multi-class metrics; ESOL's first 120
// rows binned at logS -4 and -2 (low, medium, high).
func TestImportTrainThreeClasses(t *testing.T) {
	t.Parallel()
	db := commandDB(t)
	raw, err := os.ReadFile(filepath.Join("..", "..", "examples", "esol.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("smiles,class\n")
	for i, line := range strings.Split(string(raw), "\n")[1:121] {
		smiles, rest, _ := strings.Cut(line, ",")
		v, err := strconv.ParseFloat(strings.Split(rest, ",")[0], 64)
		if err != nil {
			t.Fatalf("line %d: %v", i+2, err)
		}
		class := "high"
		if v < -4 {
			class = "low"
		} else if v < -2 {
			class = "medium"
		}
		fmt.Fprintf(&b, "%s,%s\n", smiles, class)
	}
	b.WriteString("CCO,soluble\n")
	path := filepath.Join(t.TempDir(), "sol3.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := importRun(t, "--database-url", db, "--file", path, "--endpoint", "sol3", "--value-column", "class",
		"--classes", "low,medium,high", "--set", "sol3")
	if err != nil {
		t.Fatal(err)
	}
	hasLines(t, out, "rows:         121", "errors:       1", `row 121, column class: "soluble" is not a class: valid classes are low, medium, high`)
	var tout, terr bytes.Buffer
	if err := runTrain(t.Context(), []string{"--database-url", db, "--name", "sol3", "--endpoint", "sol3", "--task", "classification",
		"--classes", "low,medium,high", "--members", "4"}, &tout, &terr); err != nil {
		t.Fatalf("%v\n%s", err, terr.String())
	}
	hasLines(t, tout.String(), "status:        active", "endpoint:      sol3 (classification)", "classes:       low, medium, high",
		"accuracy", "log_loss", "ece")
	// activelab predict names the classes: class, then p_<class> columns.
	in := filepath.Join(t.TempDir(), "library.csv")
	if err := os.WriteFile(in, []byte("id,smiles\nhexadecane,CCCCCCCCCCCCCCCC\nglycerol,OCC(O)CO\nbroken,C1CC\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	scored := filepath.Join(t.TempDir(), "scored.csv")
	var perr bytes.Buffer
	if err := runPredict(t.Context(), []string{"--database-url", db, "--model", "sol3", "--in", in, "--out", scored}, &perr); err != nil {
		t.Fatalf("predict: %v\n%s", err, perr.String())
	}
	raw, err = os.ReadFile(scored)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("scored: %v\n%s", err, raw)
	}
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	at := col["probability"]
	if !slices.Equal(recs[0][at+1:at+5], []string{"class", "p_low", "p_medium", "p_high"}) {
		t.Fatalf("header %q", recs[0])
	}
	for i, want := range []string{"low", "high", ""} {
		r := recs[i+1]
		var sum float64
		for _, c := range []string{"p_low", "p_medium", "p_high"} {
			v, _ := strconv.ParseFloat(r[col[c]], 64)
			sum += v
		}
		if r[col["class"]] != want || (want != "" && math.Abs(sum-1) > 1e-6) || (want == "" && r[col["error"]] == "") {
			t.Errorf("%s: class %q, probabilities summing to %g, error %q; want class %q", r[0], r[col["class"]], sum, r[col["error"]], want)
		}
	}
	// Without the classes the values (class indexes up to 2) are no binary labels.
	err = runTrain(t.Context(), []string{"--database-url", db, "--name", "sol3 binary", "--endpoint", "sol3", "--task", "classification",
		"--members", "4"}, &tout, &terr)
	if err == nil || !strings.Contains(err.Error(), "values 0 or 1") {
		t.Errorf("binary train on three classes: %v", err)
	}
}
