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

var update = flag.Bool("update", false, "rewrite testdata/esol_features.csv.gz from ../shared/data")

// esolDescriptors are the chem.Describe fields (RDKit 2022.09 values from
// shared/data/chem-golden.jsonl) stored as dense features.
var esolDescriptors = []string{"heavy_atoms", "total_hs", "mol_wt", "exact_mass", "formal_charge",
	"ring_count", "aromatic_rings", "aromatic_atoms", "hbd", "hba", "nhoh_count", "no_count",
	"tpsa", "rotatable_bonds", "fraction_csp3", "crippen_logp", "crippen_mr"}

const esolFile = "testdata/esol_features.csv.gz"

// TestUpdateESOLFeatures rewrites the ESOL feature file with -update: per
// ESOL row (source order) its logS, the descriptors above and the on bits
// of RDKit's Morgan radius 2, 2048 bits, all taken from the golden file.
func TestUpdateESOLFeatures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate " + esolFile)
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
	ef, err := os.Open(filepath.Join(data, "esol.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	rows, err := csv.NewReader(ef).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(esolFile)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(out)
	w := csv.NewWriter(zw)
	w.Write(append(append([]string{"value"}, esolDescriptors...), "morgan2_2048"))
	for i, row := range rows[1:] {
		rec, ok := gold[row[0]]
		if !ok {
			t.Fatalf("esol row %d: %q not in golden file", i+1, row[0])
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
}

// loadESOL reads the committed ESOL features: 1128 molecules, 2048 Morgan
// bits and the 17 descriptors, target logS (Delaney 2004 via MoleculeNet).
func loadESOL(t testing.TB) (*Features, []float64) {
	t.Helper()
	f, err := os.Open(esolFile)
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

// Speed must not cost quality: on the same ESOL split, our default forest
// (32 members) is at least as accurate as scikit-learn 1.2.1's
// RandomForestRegressor(n_estimators=32, max_features="sqrt") averaged over
// seeds 0-4, as computed by testdata/sklearn_esol_reference.py:
// bits only 1.5008, bits + descriptors 0.8389.
func TestForestMatchesScikitLearnOnESOL(t *testing.T) {
	t.Parallel()
	X, y := loadESOL(t)
	train, val := esolReferenceSplit(X.Rows())
	for _, c := range []struct {
		name    string
		X       *Features
		sklearn float64
	}{
		{"bits", bitsOnly(X), 1.5008},
		{"bits+descriptors", X, 0.8389},
	} {
		Xt, Xv := c.X.Subset(train), c.X.Subset(val)
		yt, yv := pick(y, train), pick(y, val)
		var sum float64
		for seed := range uint64(5) {
			e, err := TrainEnsemble(context.Background(), Xt, yt, nil, EnsembleConfig{Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.Predict(context.Background(), Xv)
			if err != nil {
				t.Fatal(err)
			}
			mse, _ := mseAndBaseline(p.Mean, yv)
			sum += math.Sqrt(mse)
		}
		rmse := sum / 5
		t.Logf("%s: RMSE %.4f, scikit-learn %.4f", c.name, rmse, c.sklearn)
		if rmse > c.sklearn+0.03 {
			t.Errorf("%s: RMSE %.4f, worse than scikit-learn's %.4f", c.name, rmse, c.sklearn)
		}
	}
}
