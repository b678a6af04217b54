package activelearning_test

import (
	"errors"
	"math"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/ml"
	"activelab/store"
)

func f64p(v float64) *float64 { return &v }

// TestItemProbabilities: a binary item's classes get 1 − p and p, a
// three-class item its stored probabilities, regression none; the
// predicted class is the most probable (class 0 on a tie) and the label's
// class is named when it is a class index.
func TestItemProbabilities(t *testing.T) {
	t.Parallel()
	binary := &store.MLModel{Task: store.TaskClassification}
	named := &store.MLModel{Task: store.TaskClassification, Classes: store.ClassNames{"inactive", "active"}}
	three := &store.MLModel{Task: store.TaskClassification, Classes: store.ClassNames{"low", "medium", "high"}}
	reg := &store.MLModel{Task: store.TaskRegression}
	cases := []struct {
		name      string
		m         *store.MLModel
		it        store.LabelQueueItem
		want      []float64
		predicted string
		label     string
	}{
		{"binary", binary, store.LabelQueueItem{Prediction: f64p(0.8), Label: f64p(1)}, []float64{0.2, 0.8}, "1", "1"},
		{"binary tie", binary, store.LabelQueueItem{Prediction: f64p(0.5)}, []float64{0.5, 0.5}, "0", ""},
		{"named", named, store.LabelQueueItem{Prediction: f64p(0.25), Label: f64p(0)}, []float64{0.75, 0.25}, "inactive", "inactive"},
		{"three", three, store.LabelQueueItem{Prediction: f64p(0.5), ClassProbabilities: store.ClassProbabilities{0.2, 0.3, 0.5}, Label: f64p(1)},
			[]float64{0.2, 0.3, 0.5}, "high", "medium"},
		{"three, not a class", three, store.LabelQueueItem{Prediction: f64p(0.5), ClassProbabilities: store.ClassProbabilities{0.2, 0.3, 0.5}, Label: f64p(3)},
			[]float64{0.2, 0.3, 0.5}, "high", ""},
		{"no prediction", binary, store.LabelQueueItem{}, nil, "", ""},
		{"regression", reg, store.LabelQueueItem{Prediction: f64p(-2.5), Label: f64p(1)}, nil, "", ""},
	}
	for _, tc := range cases {
		got := activelearning.ItemProbabilities(tc.m, &tc.it)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d probabilities, want %v", tc.name, len(got), tc.want)
		}
		for k, p := range got {
			if p.Index != k || p.Class != tc.m.ClassList()[k] || math.Abs(p.Probability-tc.want[k]) > 1e-15 {
				t.Errorf("%s: class %d = %+v, want %s %g", tc.name, k, *p, tc.m.ClassList()[k], tc.want[k])
			}
		}
		if pc := activelearning.ItemPredictedClass(tc.m, &tc.it); (pc == nil) != (tc.predicted == "") || (pc != nil && *pc != tc.predicted) {
			t.Errorf("%s: predicted class %v, want %q", tc.name, pc, tc.predicted)
		}
		if lc := activelearning.ItemLabelClass(tc.m, &tc.it); (lc == nil) != (tc.label == "") || (lc != nil && *lc != tc.label) {
			t.Errorf("%s: label class %v, want %q", tc.name, lc, tc.label)
		}
	}
}

// TestClassIndex: a class by name (ignoring case, as an import reads it)
// or index; anything else an *InputError naming the classes.
func TestClassIndex(t *testing.T) {
	t.Parallel()
	classes := []string{"low", "medium", "high"}
	for label, want := range map[string]int{"low": 0, " high ": 2, "1": 1, "Low": 0, "HIGH": 2} {
		if k, err := activelearning.ClassIndex("class", classes, label); err != nil || k != want {
			t.Errorf("%q: %d, %v; want %d", label, k, err, want)
		}
	}
	for _, label := range []string{"", "3", "-1", "1.0", "very low", "l0w"} {
		_, err := activelearning.ClassIndex("class", classes, label)
		var ie *activelearning.InputError
		if !errors.As(err, &ie) || ie.Field != "class" || ie.Msg == "" {
			t.Errorf("%q: %v, want an input error on class", label, err)
		}
	}
}

// TestMaxClasses: the class-name rules (ingest) allow as many classes as
// a model can have (ml).
func TestMaxClasses(t *testing.T) {
	if ingest.MaxClasses != ml.MaxClasses {
		t.Fatalf("ingest.MaxClasses %d, ml.MaxClasses %d", ingest.MaxClasses, ml.MaxClasses)
	}
}
