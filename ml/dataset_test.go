package ml

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*_features.csv.gz from ../shared/data")

// esolDescriptors are the chem.Describe fields (RDKit 2022.09 values from
// shared/data/chem-golden.jsonl) stored as dense features.
var esolDescriptors = []string{"heavy_atoms", "total_hs", "mol_wt", "exact_mass", "formal_charge",
	"ring_count", "aromatic_rings", "aromatic_atoms", "hbd", "hba", "nhoh_count", "no_count",
	"tpsa", "rotatable_bonds", "fraction_csp3", "crippen_logp", "crippen_mr"}

const (
	esolFile = "testdata/esol_features.csv.gz"
	bbbpFile = "testdata/bbbp_features.csv.gz"
)

// TestUpdateFeatureFiles rewrites the ESOL and BBBP feature files with
// -update: per data row (source order; BBBP rows RDKit cannot parse are
// skipped) its value, the descriptors above and the on bits of RDKit's
// Morgan radius 2, 2048 bits, all taken from the golden file.
func TestUpdateFeatureFiles(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate " + esolFile + " and " + bbbpFile)
	}
	data := filepath.Join("..", "..", "shared", "data")
	gold := map[string]map[string]json.RawMessage{}
	f, err := os.Open(filepath.Join(data, "chem-golden.jsonl"))
	if err != nil {
		t.Fatalf("SHARED DATA ABSENT: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var rec map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		var smi string
		json.Unmarshal(rec["smiles"], &smi)
		gold[smi] = rec
	}
	for src, dst := range map[string]string{"esol.csv": esolFile, "bbbp.csv": bbbpFile} {
		writeFeatureFile(t, filepath.Join(data, src), dst, gold)
	}
}

func writeFeatureFile(t *testing.T, src, dst string, gold map[string]map[string]json.RawMessage) {
	ef, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	rows, err := csv.NewReader(ef).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(out)
	w := csv.NewWriter(zw)
	w.Write(append(append([]string{"value"}, esolDescriptors...), "morgan2_2048"))
	skipped := 0
	for _, row := range rows[1:] {
		rec, ok := gold[row[0]]
		if !ok {
			skipped++ // RDKit rejects it (the 11 BBBP failures)
			continue
		}
		fields := []string{row[1]}
		for _, d := range esolDescriptors {
			fields = append(fields, string(rec[d]))
		}
		var on []int
		json.Unmarshal(rec["morgan2_2048"], &on)
		s := make([]string, len(on))
		for k, b := range on {
			s[k] = strconv.Itoa(b)
		}
		fields = append(fields, strings.Join(s, " "))
		w.Write(fields)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d rows, %d skipped", dst, len(rows)-1-skipped, skipped)
}

// loadESOL reads the committed ESOL features: 1128 molecules, 2048 Morgan
// bits and the 17 descriptors, target logS (Delaney 2004 via MoleculeNet).
func loadESOL(t testing.TB) (*Features, []float64) { return loadFeatureFile(t, esolFile) }

// loadBBBP reads the committed BBBP features: the 2039 molecules RDKit
// parses, label 1 = penetrates the blood-brain barrier (Martins 2012 via
// MoleculeNet).
func loadBBBP(t testing.TB) (*Features, []float64) { return loadFeatureFile(t, bbbpFile) }

func loadFeatureFile(t testing.TB, name string) (*Features, []float64) {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	nd := len(esolDescriptors)
	X := NewFeatures(2048, nd, len(rows)-1)
	y := make([]float64, 0, len(rows)-1)
	for i, row := range rows[1:] {
		v, err := strconv.ParseFloat(row[0], 64)
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		dense := make([]float32, nd)
		for j := range dense {
			d, err := strconv.ParseFloat(row[1+j], 64)
			if err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			dense[j] = float32(d)
		}
		var on []int
		for _, s := range strings.Fields(row[1+nd]) {
			b, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			on = append(on, b)
		}
		if err := X.AppendRowOnBits(on, dense); err != nil {
			t.Fatal(fmt.Errorf("row %d: %w", i, err))
		}
		y = append(y, v)
	}
	return X, y
}

// esolReferenceSplit mirrors testdata/sklearn_esol_reference.py:
// validation = rows i%5 == 0; training = the 420 other rows with the
// smallest (i*2654435761) mod 2^32.
func esolReferenceSplit(n int) (train, val []int) {
	var pool []int
	for i := range n {
		if i%5 == 0 {
			val = append(val, i)
		} else {
			pool = append(pool, i)
		}
	}
	key := func(i int) uint64 { return uint64(i) * 2654435761 % (1 << 32) }
	slices.SortStableFunc(pool, func(a, b int) int { return cmp.Compare(key(a), key(b)) })
	return pool[:420], val
}

// bitsOnly returns X without its descriptors.
func bitsOnly(X *Features) *Features {
	B := NewFeatures(X.NBits(), 0, X.Rows())
	for i := 0; i < X.Rows(); i++ {
		B.AppendRow(X.BitsRow(i), nil)
	}
	return B
}

// referenceScore trains 32-member ensembles of the given task and learner
// with seeds 0-4 on the reference split's training rows (esolReferenceSplit)
// and returns the mean validation RMSE (regression) or ROC-AUC
// (classification).
func referenceScore(t *testing.T, X *Features, y []float64, task Task, learner LearnerKind) float64 {
	t.Helper()
	train, val := esolReferenceSplit(X.Rows())
	Xt, Xv := X.Subset(train), X.Subset(val)
	yt, yv := pick(y, train), pick(y, val)
	var sum float64
	for seed := range uint64(5) {
		e, err := TrainEnsemble(context.Background(), Xt, yt, nil, EnsembleConfig{Task: task, Learner: learner, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.Predict(context.Background(), Xv)
		if err != nil {
			t.Fatal(err)
		}
		if task == Classification {
			sum += auc(p.Mean, yv)
		} else {
			mse, _ := mseAndBaseline(p.Mean, yv)
			sum += math.Sqrt(mse)
		}
	}
	return sum / 5
}

// Speed must not cost quality: on the same ESOL split, our default forest
// (32 members) is at least as accurate as scikit-learn 1.2.1's
// RandomForestRegressor(n_estimators=32, max_features="sqrt") averaged over
// seeds 0-4, as computed by testdata/sklearn_esol_reference.py:
// bits only 1.5008, bits + descriptors 0.8389.
func TestForestMatchesScikitLearnOnESOL(t *testing.T) {
	t.Parallel()
	X, y := loadESOL(t)
	for _, c := range []struct {
		name    string
		X       *Features
		sklearn float64
	}{
		{"bits", bitsOnly(X), 1.5008},
		{"bits+descriptors", X, 0.8389},
	} {
		rmse := referenceScore(t, c.X, y, Regression, Forest)
		t.Logf("%s: RMSE %.4f, scikit-learn %.4f", c.name, rmse, c.sklearn)
		if rmse > c.sklearn+0.03 {
			t.Errorf("%s: RMSE %.4f, worse than scikit-learn's %.4f", c.name, rmse, c.sklearn)
		}
	}
}

// The same comparison for classification on BBBP: scikit-learn 1.2.1
// RandomForestClassifier(n_estimators=32, max_features="sqrt"), ROC-AUC
// averaged over seeds 0-4 (testdata/sklearn_bbbp_reference.py): bits only
// 0.8647, bits + descriptors 0.8943.
func TestForestMatchesScikitLearnOnBBBP(t *testing.T) {
	t.Parallel()
	X, y := loadBBBP(t)
	for _, c := range []struct {
		name    string
		X       *Features
		sklearn float64
	}{
		{"bits", bitsOnly(X), 0.8647},
		{"bits+descriptors", X, 0.8943},
	} {
		a := referenceScore(t, c.X, y, Classification, Forest)
		t.Logf("%s: ROC-AUC %.4f, scikit-learn %.4f", c.name, a, c.sklearn)
		if a < c.sklearn-0.01 {
			t.Errorf("%s: ROC-AUC %.4f, worse than scikit-learn's %.4f", c.name, a, c.sklearn)
		}
	}
}

// The default learner (forest+linear) must predict at least as well as a
// forest alone on the same splits with these 17 RDKit descriptors,
// averaged over seeds 0-4 (when it became the default: ESOL RMSE 0.6688
// forest, 0.6697 mixed; BBBP ROC-AUC 0.8960, 0.9005). Its clear gain comes
// with the product's 34 dense features (activelearning/simulation,
// TestDefaultLearnerOnProductFeatures).
func TestDefaultLearnerBeatsForest(t *testing.T) {
	t.Parallel()
	X, y := loadESOL(t)
	forest, mixed := referenceScore(t, X, y, Regression, Forest), referenceScore(t, X, y, Regression, DefaultLearner)
	t.Logf("ESOL RMSE: forest %.4f, %v %.4f", forest, DefaultLearner, mixed)
	if mixed > forest+0.01 {
		t.Errorf("ESOL: %v RMSE %.4f, worse than the forest's %.4f", DefaultLearner, mixed, forest)
	}
	X, y = loadBBBP(t)
	forest, mixed = referenceScore(t, X, y, Classification, Forest), referenceScore(t, X, y, Classification, DefaultLearner)
	t.Logf("BBBP ROC-AUC: forest %.4f, %v %.4f", forest, DefaultLearner, mixed)
	if mixed < forest {
		t.Errorf("BBBP: %v ROC-AUC %.4f below the forest's %.4f", DefaultLearner, mixed, forest)
	}
}
