package activelearning_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/ml/sampling"
	"activelab/store"
	"activelab/store/storetest"
)

// Three-class ESOL ("sol3"): logS below -4 is "low", from -4 to below -2
// "medium", -2 and above "high" (fixed cut-offs; on the first 300 rows of
// examples/esol.csv that is 99 low, 98 medium, 103 high).
var sol3Classes = []string{"low", "medium", "high"}

func sol3Class(logS float64) string {
	switch {
	case logS < -4:
		return "low"
	case logS < -2:
		return "medium"
	}
	return "high"
}

// sol3Rows reads examples/esol.csv: SMILES and three-class label of its
// first n rows, in file order.
func sol3Rows(t testing.TB, n int) (smiles, class []string) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "examples", "esol.csv"))
	if err != nil {
		t.Fatalf("examples/esol.csv (in the repository): %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil { // smiles,value,name
		t.Fatal(err)
	}
	for len(smiles) < n {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(rec[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		smiles, class = append(smiles, rec[0]), append(class, sol3Class(v))
	}
	return smiles, class
}

// TestThreeClassLoop runs the whole loop on three-class ESOL: import by
// class name, a model with classes low/medium/high, entropy and margin
// selection over the three classes, labels by class name, a retrain, and
// multi-class metrics (macro ROC-AUC, accuracy, log loss, ECE) on the
// fixed validation set.
func TestThreeClassLoop(t *testing.T) {
	const labeled, pool = 200, 100
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		smiles, class := sol3Rows(t, labeled+pool)
		truth := map[string]string{}
		var b strings.Builder
		b.WriteString("smiles,sol3\n")
		for i := range labeled {
			fmt.Fprintf(&b, "%s,%s\n", smiles[i], class[i])
			truth[smiles[i]] = class[i]
		}
		b.WriteString("CCO,very low\n") // not a class: rejected, naming the classes
		rep, err := e.svc.ImportFileInto(e.ctx, e.sci, activelearning.ImportFile{Body: strings.NewReader(b.String()), Name: "sol3.csv",
			Format: ingest.FormatCSV, Options: ingest.Options{ValueColumn: "sol3", Classes: sol3Classes}, SetName: "sol3-train", Endpoint: "sol3"})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Measurements != labeled || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Reason, "low, medium, high") {
			t.Fatalf("import: %d measurements, errors %v; want %d and one naming the classes", rep.Measurements, rep.Errors, labeled)
		}
		b.Reset()
		b.WriteString("smiles\n")
		for i := labeled; i < labeled+pool; i++ {
			fmt.Fprintf(&b, "%s\n", smiles[i])
			truth[smiles[i]] = class[i]
		}
		poolRep, err := e.svc.ImportFileInto(e.ctx, e.sci, activelearning.ImportFile{Body: strings.NewReader(b.String()), Name: "pool.csv",
			Format: ingest.FormatCSV, SetName: "sol3-pool"})
		if err != nil {
			t.Fatal(err)
		}

		// The endpoint holds class indexes up to 2: not a binary model.
		var ie *activelearning.InputError
		in := activelearning.CreateModelInput{Name: "sol3", Endpoint: "sol3", Task: store.TaskClassification, Members: members,
			Split: activelearning.SplitInput{Fraction: 0.25, Seed: 5}, PromotionTolerance: &alwaysPromote}
		if _, err := e.svc.CreateModel(e.ctx, e.admin, in); !errors.As(err, &ie) || ie.Field != "task" {
			t.Fatalf("binary model on three classes: %v, want an input error on task", err)
		}
		two := in
		two.Classes = []string{"insoluble", "soluble"}
		if _, err := e.svc.CreateModel(e.ctx, e.admin, two); !errors.As(err, &ie) || ie.Field != "classes" || !strings.Contains(ie.Msg, "0 insoluble, 1 soluble") {
			t.Fatalf("two classes on three: %v, want an input error on classes naming them", err)
		}
		bad := in
		bad.Classes = []string{"low", "low", "high"}
		if _, err := e.svc.CreateModel(e.ctx, e.admin, bad); !errors.As(err, &ie) || ie.Field != "classes" {
			t.Fatalf("duplicate class: %v, want an input error on classes", err)
		}
		in.Classes = sol3Classes
		m, err := e.svc.CreateModel(e.ctx, e.admin, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		e.model = m
		v1, err := e.svc.Model(e.ctx, m.ID)
		if err != nil || v1.Status != store.ModelActive || !slices.Equal(v1.ClassList(), sol3Classes) {
			t.Fatalf("version 1: %+v, %v", v1, err)
		}
		checkMultiMetrics(t, "version 1", metricsOf(t, v1.Metrics))

		// Entropy over three classes ranks the batch.
		c, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: m.ID, SetID: poolRep.SetID,
			Strategy: "entropy", BatchSize: 12, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		if len(items) != 12 {
			t.Fatalf("%d items, want 12", len(items))
		}
		prev := math.Inf(1)
		slices.SortFunc(items, func(a, b *store.LabelQueueItem) int { return -cmpFloat(a.PriorityScore, b.PriorityScore) })
		for _, it := range items {
			p := it.ClassProbabilities
			if len(p) != 3 || math.Abs(p[0]+p[1]+p[2]-1) > 1e-9 {
				t.Fatalf("item %s: class probabilities %v, want three summing to 1", it.ID, p)
			}
			if it.Prediction == nil || *it.Prediction != slices.Max(p) {
				t.Errorf("item %s: prediction %v, want the top class probability %g", it.ID, it.Prediction, slices.Max(p))
			}
			if h := sampling.EntropyK(p); math.Abs(it.PriorityScore-h) > 1e-9 || h > prev+1e-12 {
				t.Errorf("item %s: priority %g, want entropy %g, no more than the previous %g", it.ID, it.PriorityScore, h, prev)
			}
			prev = it.PriorityScore
		}
		// The queue's probabilities are the calibrated ones Predict gives.
		cp, err := e.st.CompoundByID(e.ctx, items[0].CompoundID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Predict(e.ctx, e.view, "sol3", 0, listOf([]string{cp.InputSMILES}), func(r *activelearning.PredictResult) error {
			for k, p := range r.Probabilities {
				if math.Abs(p-items[0].ClassProbabilities[k]) > 1e-9 {
					t.Errorf("item %s: probabilities %v, Predict gives %v", items[0].ID, items[0].ClassProbabilities, r.Probabilities)
					break
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		// Margin over three classes: (1 - (p1 - p2)) / 2.
		prevw, err := e.svc.PreviewSelection(e.ctx, e.sci, activelearning.SelectInput{ModelID: m.ID, SetID: poolRep.SetID,
			Strategy: "margin", BatchSize: 5, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, cand := range prevw {
			if want := (1 - sampling.MarginK(cand.Probabilities)) / 2; len(cand.Probabilities) != 3 || math.Abs(cand.Priority-want) > 1e-9 {
				t.Errorf("margin candidate: priority %g, probabilities %v, want %g", cand.Priority, cand.Probabilities, want)
			}
		}

		// Labels by class name; anything else is refused naming the classes.
		comp := func(it *store.LabelQueueItem) string {
			cp, err := e.st.CompoundByID(e.ctx, it.CompoundID)
			if err != nil {
				t.Fatal(err)
			}
			return cp.InputSMILES
		}
		for _, tc := range []struct {
			in    activelearning.SubmitLabelInput
			field string
		}{
			{activelearning.SubmitLabelInput{ItemID: items[0].ID, Class: "very low"}, "class"},
			{activelearning.SubmitLabelInput{ItemID: items[0].ID, Value: 3}, "value"},
			{activelearning.SubmitLabelInput{ItemID: items[0].ID, Value: 0.5}, "value"},
		} {
			_, err := e.svc.SubmitLabel(e.ctx, e.sci, tc.in)
			if !errors.As(err, &ie) || ie.Field != tc.field || !strings.Contains(ie.Msg, "0 low, 1 medium, 2 high") {
				t.Errorf("label %+v: %v, want an input error on %s naming the classes", tc.in, err, tc.field)
			}
		}
		for i, it := range items {
			in := activelearning.SubmitLabelInput{ItemID: it.ID, Class: truth[comp(it)]}
			if i == 1 { // by index, as a number
				k := slices.Index(sol3Classes, in.Class)
				in = activelearning.SubmitLabelInput{ItemID: it.ID, Value: float64(k)}
			}
			got, err := e.svc.SubmitLabel(e.ctx, e.sci, in)
			if err != nil {
				t.Fatalf("label %d: %v", i, err)
			}
			if want := float64(slices.Index(sol3Classes, truth[comp(it)])); got.Label == nil || *got.Label != want {
				t.Errorf("item %d: label %v, want class index %g", i, got.Label, want)
			}
		}
		// The same label again is idempotent.
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: items[0].ID, Class: truth[comp(items[0])]}); err != nil {
			t.Errorf("same label again: %v", err)
		}

		// The cycle's self-check reads the labeled class's probability.
		ds, err := e.svc.CycleDiagnoses(e.ctx, []store.ID{c.ID})
		if err != nil || ds[c.ID] == nil || ds[c.ID].Labeled != 12 {
			t.Fatalf("diagnosis: %+v, %v", ds[c.ID], err)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 12); err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		done, err := e.svc.Cycle(e.ctx, c.ID)
		if err != nil || done.Status != store.CycleComplete {
			t.Fatalf("cycle after retrain: %+v, %v", done, err)
		}
		checkMultiMetrics(t, "metrics before", metricsOf(t, done.MetricsBefore))
		checkMultiMetrics(t, "metrics after", metricsOf(t, done.MetricsAfter))
		v2, err := e.svc.Model(e.ctx, m.ID)
		if err != nil || v2.Version != 2 || v2.Status != store.ModelActive || !slices.Equal(v2.ClassList(), sol3Classes) {
			t.Fatalf("version 2: %+v, %v", v2, err)
		}
		if v2.TrainedLabels != 12 {
			t.Errorf("version 2 trained on %d labels, want 12", v2.TrainedLabels)
		}

		// Predictions carry the three probabilities.
		var got []*activelearning.PredictResult
		if _, err := e.svc.Predict(e.ctx, e.view, "sol3", 0, listOf([]string{"CCCCCCCCCCCCCCCC", "OCC(O)CO"}), func(r *activelearning.PredictResult) error {
			got = append(got, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			if r.Err != nil || len(r.Probabilities) != 3 || r.Prediction != slices.Max(r.Probabilities) {
				t.Errorf("predict %s: %+v", r.SMILES, r)
			}
		}
		// Hexadecane is insoluble, glycerol soluble: the model says so.
		if len(got) == 2 && (argmaxF(got[0].Probabilities) != 0 || argmaxF(got[1].Probabilities) != 2) {
			t.Errorf("hexadecane %v, glycerol %v: want low and high most probable", got[0].Probabilities, got[1].Probabilities)
		}

		// Exports and batch predictions name the classes.
		checkThreeClassExports(t, e, truth)
	})
}

// checkMultiMetrics: the multi-class summary is there and sane (three
// classes: chance is AUC 0.5, accuracy 1/3, log loss ln 3 ≈ 1.10).
func checkMultiMetrics(t *testing.T, what string, m map[string]float64) {
	t.Helper()
	for _, k := range []string{"auc", "accuracy", "log_loss", "ece"} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s: no %s in %v", what, k, m)
		}
	}
	if m["auc"] < 0.7 || m["auc"] > 1 || m["accuracy"] < 0.45 || m["log_loss"] <= 0 || m["log_loss"] > 1.1 || m["ece"] < 0 || m["ece"] > 0.5 {
		t.Errorf("%s: %v, want better than chance (auc > 0.7, accuracy > 0.45, log loss < ln 3) and ece in [0, 0.5]", what, m)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func argmaxF(p []float64) int {
	best := 0
	for k := range p {
		if p[k] > p[best] {
			best = k
		}
	}
	return best
}
