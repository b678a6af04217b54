package simulation

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"activelab/features"
	"activelab/ml"
	"activelab/ml/sampling"
)

// load featurises testdata/name.
func load(t *testing.T, name string) (*Dataset, []Skipped) {
	t.Helper()
	return loadFile(t, filepath.Join("testdata", name))
}

// loadFile reads a CSV with smiles and value columns and featurises it.
func loadFile(t *testing.T, path string) (*Dataset, []Skipped) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := ReadCSV(f, "smiles", "value")
	if err != nil {
		t.Fatal(err)
	}
	ds, skipped := Featurize(recs, FeaturizeOptions{})
	return ds, skipped
}

func smallConfig(task ml.Task, strategies ...string) Config {
	return Config{
		Task: task, Strategies: strategies, Batch: 5, Cycles: 3, Seeds: 2,
		Initial: 0.15, Validation: 0.25, SplitSeed: 0,
		Model: ml.EnsembleConfig{Members: 8},
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	in := "name,smiles,value\n\"2,2-x\",CCO,1.5\nb, CCC ,-2\n"
	recs, err := ReadCSV(strings.NewReader(in), "smiles", "value")
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{Line: 2, SMILES: "CCO", Value: 1.5}, {Line: 3, SMILES: "CCC", Value: -2}}
	if !slices.Equal(recs, want) {
		t.Fatalf("got %+v", recs)
	}
	for _, bad := range []struct{ in, msg string }{
		{"smiles,y\nCCO,1\n", "lacks column"},
		{"smiles,value\nCCO,1\nCCC,abc\n", "line 3"},
		{"smiles,value\nCCO,NaN\n", "line 2"},
		{"smiles,value\n", "no data rows"},
		{"value,name,smiles\n1,x\n", "line 2"},
	} {
		_, err := ReadCSV(strings.NewReader(bad.in), "smiles", "value")
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("ReadCSV(%q) = %v, want error with %q", bad.in, err, bad.msg)
		}
	}
}

func TestFeaturizeSkips(t *testing.T) {
	t.Parallel()
	ds, skipped := load(t, "esol-small.csv")
	if len(skipped) != 1 || skipped[0].SMILES != "C1CC" || skipped[0].Line != 62 {
		t.Fatalf("skipped %+v, want only line 62 C1CC", skipped)
	}
	if ds.X.Rows() != 60 || len(ds.Y) != 60 || ds.X.NBits() != features.FingerprintBits || ds.X.NDense() != len(features.DenseNames) {
		t.Fatalf("dataset %d rows, %d bits, %d dense", ds.X.Rows(), ds.X.NBits(), ds.X.NDense())
	}
	if ds.X.OnBits(0) == 0 {
		t.Fatal("row 0 has an empty fingerprint")
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	v, p := Split(100, 0.2, 7)
	if len(v) != 20 || len(p) != 80 {
		t.Fatalf("sizes %d %d", len(v), len(p))
	}
	all := slices.Concat(v, p)
	slices.Sort(all)
	for i, r := range all {
		if r != i {
			t.Fatalf("split is not a partition: %v", all)
		}
	}
	v2, _ := Split(100, 0.2, 7)
	v3, _ := Split(100, 0.2, 8)
	if !slices.Equal(v, v2) || slices.Equal(v, v3) {
		t.Fatal("split not determined by its seed")
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestSimulateRegressionFiles runs a small simulation and checks the three
// files, the protocol's invariants and determinism.
func TestSimulateRegressionFiles(t *testing.T) {
	t.Parallel()
	ds, _ := load(t, "esol-small.csv")
	cfg := smallConfig(ml.Regression, "random", "uncertainty", "hybrid+diverse", sampling.MixName)
	var progress bytes.Buffer
	cfg.Progress = &progress
	res, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteFiles(dir, res, ds.X.Rows(), "test"); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, filepath.Join(dir, CurvesCSV))
	if got := strings.Join(rows[0], ","); got != "strategy,seed,cycle,labels,rmse,mae,r2,spearman" {
		t.Fatalf("header %q", got)
	}
	// 4 strategies × 2 seeds × (3 cycles + cycle 0).
	if len(rows)-1 != 4*2*4 {
		t.Fatalf("%d data rows", len(rows)-1)
	}
	// 60 rows: 15 validation, pool 45, initial round(0.15·45) = 7 labels, +5 per cycle.
	if res.Validation != 15 || res.Pool != 45 {
		t.Fatalf("validation %d pool %d", res.Validation, res.Pool)
	}
	cycle0 := map[string]string{} // seed -> metrics at cycle 0
	for _, r := range rows[1:] {
		cycle, labels := r[2], r[3]
		want := map[string]string{"0": "7", "1": "12", "2": "17", "3": "22"}[cycle]
		if labels != want {
			t.Fatalf("row %v: labels %s, want %s", r, labels, want)
		}
		if cycle == "0" {
			m := strings.Join(r[4:], ",")
			if prev, ok := cycle0[r[1]]; ok && prev != m {
				t.Fatalf("seed %s: cycle 0 differs between strategies: %s vs %s", r[1], prev, m)
			}
			cycle0[r[1]] = m
		}
	}
	var sum Summary
	b, err := os.ReadFile(filepath.Join(dir, SummaryJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if sum.PrimaryMetric != "rmse" || sum.HigherIsBetter || len(sum.Strategies) != 4 || sum.RandomFinal == nil {
		t.Fatalf("summary %+v", sum)
	}
	for _, s := range sum.Strategies {
		if !(s.Final > 0) || !(s.Area > 0) || s.FinalLabels != 22 {
			t.Errorf("strategy %+v", s)
		}
		if c, ok := s.FinalQuality["coverage_1.96sd"]; !ok || c < 0 || c > 1 {
			t.Errorf("strategy %s: final_quality %v", s.Name, s.FinalQuality)
		}
		// The calibrated intervals on the validation set, every cycle:
		// the last model (22 labels) is calibrated at 90 %.
		if iv := s.Intervals; iv == nil || len(iv.Coverage) != 4 || iv.Level != 0.9 || iv.CyclesChecked != 1 {
			t.Errorf("strategy %s: intervals %+v", s.Name, s.Intervals)
		} else if c, w, cw := float64(iv.Coverage[3]), float64(iv.Width[3]), float64(iv.ConstantWidth[3]); !(c > 0 && c <= 1 && w > 0 && cw > 0) {
			t.Errorf("strategy %s: last cycle's coverage %v width %v constant width %v", s.Name, c, w, cw)
		}
		if s.Name == "random" && (s.LabelsToRandomFinal == nil || *s.LabelsToRandomFinal > 22) {
			t.Errorf("random reaches its own final: %+v", s)
		}
	}
	checkVsRandom(t, filepath.Join(dir, CurvesCSV), sum)
	png, err := os.ReadFile(filepath.Join(dir, CurvesPNG))
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("curves.png: %v", err)
	}
	if strings.Count(progress.String(), "\n") != 8 {
		t.Errorf("progress:\n%s", progress.String())
	}

	// Determinism: a second run writes the same bytes.
	res2, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir2 := t.TempDir()
	if err := WriteFiles(dir2, res2, ds.X.Rows(), "test"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{CurvesCSV, SummaryJSON} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two identical runs", name)
		}
	}
}

func TestSimulateClassification(t *testing.T) {
	t.Parallel()
	ds, _ := load(t, "bbbp-small.csv")
	res, err := Run(context.Background(), ds, smallConfig(ml.Classification, "random", "margin", "entropy+diverse"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := strings.Cut(buf.String(), "\n"); h != "strategy,seed,cycle,labels,roc_auc,pr_auc,accuracy,log_loss" {
		t.Fatalf("header %q", h)
	}
	for _, p := range res.Points {
		auc, ap, acc, ll := p.Metrics[0], p.Metrics[1], p.Metrics[2], p.Metrics[3]
		if auc < 0 || auc > 1 || ap < 0 || ap > 1 || acc < 0 || acc > 1 || ll < 0 {
			t.Fatalf("point %+v out of range", p)
		}
	}
	s := res.Summarize(ds.X.Rows())
	if s.PrimaryMetric != "roc_auc" || !s.HigherIsBetter || len(s.Strategies) != 3 {
		t.Fatalf("summary %+v", s)
	}
}

// TestSimulateThreeClasses: three-class ESOL (logS below -4 low, below -2
// medium, else high) runs with multi-class models, margin and entropy over
// the three probabilities, and the multi-class metrics.
func TestSimulateThreeClasses(t *testing.T) {
	t.Parallel()
	ds, _ := load(t, "esol-small.csv")
	ds.Y = BinValues(ds.Y, []float64{-4, -2})
	counts := map[float64]int{}
	for _, y := range ds.Y {
		counts[y]++
	}
	if len(counts) != 3 {
		t.Fatalf("classes %v, want three", counts)
	}
	cfg := smallConfig(ml.Classification, "random", "margin", "entropy", "adaptive")
	cfg.Classes = []string{"low", "medium", "high"}
	cfg.Validation = 0.4 // every class in the validation set
	res, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := res.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if h, _, _ := strings.Cut(buf.String(), "\n"); h != "strategy,seed,cycle,labels,roc_auc,accuracy,log_loss,ece_10" {
		t.Fatalf("header %q", h)
	}
	for _, p := range res.Points {
		auc, acc, ll, ece := p.Metrics[0], p.Metrics[1], p.Metrics[2], p.Metrics[3]
		if !(auc >= 0 && auc <= 1 && acc >= 0 && acc <= 1 && ll > 0 && ece >= 0 && ece <= 1) {
			t.Fatalf("point %+v out of range", p)
		}
		if p.Cycle < cfg.Cycles && p.Diag == nil {
			t.Fatalf("point %+v: no diagnostics", p)
		}
	}
	s := res.Summarize(ds.X.Rows())
	if s.PrimaryMetric != "roc_auc" || !s.HigherIsBetter || len(s.Strategies) != 4 || s.Protocol["classes"] == nil {
		t.Fatalf("summary %+v", s)
	}
	// Values outside the classes are refused.
	bad := *ds
	bad.Y = slices.Clone(ds.Y)
	bad.Y[0] = 3
	if _, err := Run(context.Background(), &bad, cfg); !errors.Is(err, ErrData) {
		t.Fatalf("class 3 of 3: %v, want ErrData", err)
	}
}

func TestBinValues(t *testing.T) {
	t.Parallel()
	got := BinValues([]float64{-5, -4, -3.9, -2, 0.5}, []float64{-4, -2})
	if want := []float64{0, 1, 1, 2, 2}; !slices.Equal(got, want) {
		t.Fatalf("BinValues = %v, want %v", got, want)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	ds, _ := load(t, "esol-small.csv")
	cases := []struct {
		name string
		mod  func(*Config)
		is   error
	}{
		{"unknown strategy", func(c *Config) { c.Strategies = []string{"random", "psychic"} }, sampling.ErrUnknownStrategy},
		{"duplicate strategy", func(c *Config) { c.Strategies = []string{"random", "random"} }, ErrConfig},
		{"batch", func(c *Config) { c.Batch = 0 }, ErrConfig},
		{"seeds", func(c *Config) { c.Seeds = 0 }, ErrConfig},
		{"initial", func(c *Config) { c.Initial = 1.5 }, ErrConfig},
		{"validation", func(c *Config) { c.Validation = 0 }, ErrConfig},
		{"budget", func(c *Config) { c.Cycles = 100 }, ErrConfig},
		{"margin regression", func(c *Config) { c.Strategies = []string{"margin"} }, sampling.ErrTask},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig(ml.Regression, "random")
			tc.mod(&cfg)
			_, err := Run(context.Background(), ds, cfg)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
		})
	}
	// Classification needs 0/1 values.
	_, err := Run(context.Background(), ds, smallConfig(ml.Classification, "random"))
	if !errors.Is(err, ErrData) {
		t.Fatalf("regression values as classes: %v", err)
	}
}

func TestLargestFragment(t *testing.T) {
	t.Parallel()
	recs := []Record{{Line: 2, SMILES: "CCO"}, {Line: 3, SMILES: "[Cl-].[NH3+]CCO"}, {Line: 4, SMILES: "Cl.CCO"}}
	ds, skipped := Featurize(recs, FeaturizeOptions{})
	if len(skipped) != 0 {
		t.Fatal(skipped)
	}
	if !slices.Equal(ds.X.BitsRow(0), ds.X.BitsRow(2)) || !slices.Equal(ds.X.Dense(0), ds.X.Dense(2)) {
		t.Error("Cl.CCO is not featurised as its parent CCO")
	}
	all, _ := Featurize(recs, FeaturizeOptions{AllFragments: true})
	if slices.Equal(all.X.Dense(0), all.X.Dense(2)) {
		t.Error("AllFragments dropped the counter-ion")
	}
}

func TestFirstSeed(t *testing.T) {
	t.Parallel()
	ds, _ := load(t, "esol-small.csv")
	cfg := smallConfig(ml.Regression, "random")
	cfg.FirstSeed, cfg.Seeds, cfg.Cycles = 3, 2, 1
	res, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var seeds []int
	for _, p := range res.Points {
		if p.Cycle == 0 {
			seeds = append(seeds, p.Seed)
		}
	}
	if !slices.Equal(seeds, []int{3, 4}) {
		t.Fatalf("seeds %v", seeds)
	}
}

// checkVsRandom recomputes summary.json's paired comparison with random
// from curves.csv: per seed, the mean RMSE over cycles and the last
// cycle's, minus random's on the same seed; the standard error of the mean
// area difference.
func checkVsRandom(t *testing.T, curvesPath string, sum Summary) {
	t.Helper()
	f, err := os.Open(curvesPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		strategy string
		seed     string
	}
	curves := map[key][]float64{}
	for _, r := range recs[1:] {
		v, err := strconv.ParseFloat(r[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		k := key{r[0], r[1]}
		curves[k] = append(curves[k], v)
	}
	mean := func(x []float64) float64 {
		s := 0.0
		for _, v := range x {
			s += v
		}
		return s / float64(len(x))
	}
	for _, s := range sum.Strategies {
		if s.Name == "random" {
			if s.VsRandom != nil {
				t.Errorf("random compared with itself: %+v", s.VsRandom)
			}
			continue
		}
		var da, df float64
		var better, seeds int
		var ds []float64
		for k, c := range curves {
			if k.strategy != s.Name {
				continue
			}
			r := curves[key{"random", k.seed}]
			d := mean(c) - mean(r)
			da += d
			ds = append(ds, d)
			df += c[len(c)-1] - r[len(r)-1]
			if d < 0 { // lower RMSE
				better++
			}
			seeds++
		}
		var ss float64
		for _, d := range ds {
			ss += (d - da/float64(seeds)) * (d - da/float64(seeds))
		}
		se := math.Sqrt(ss/float64(seeds-1)) / math.Sqrt(float64(seeds))
		v := s.VsRandom
		if v == nil || v.Seeds != seeds || v.SeedsBetterArea != better || math.Abs(v.AreaDifferenceSE-se) > 1e-5 ||
			math.Abs(v.AreaDifference-da/float64(seeds)) > 1e-5 || math.Abs(v.FinalDifference-df/float64(seeds)) > 1e-5 {
			t.Errorf("%s: vs_random %+v; curves.csv gives area %.6f ± %.6f, final %.6f, %d of %d seeds better",
				s.Name, v, da/float64(seeds), se, df/float64(seeds), better, seeds)
		}
	}
}
