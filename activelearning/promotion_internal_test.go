package activelearning

import (
	"math"
	"strings"
	"testing"

	"activelab/store"
)

// TestPromotionDecision checks the gate at and around its bounds: RMSE may
// grow by tol relative, ROC-AUC (auc, or its alias roc_auc) may drop by
// tol absolute; a missing or non-finite new metric never activates; an
// active version without a metric does not block.
func TestPromotionDecision(t *testing.T) {
	reg, cls := store.TaskRegression, store.TaskClassification
	cases := []struct {
		name          string
		task          store.Task
		tol           float64
		before, after map[string]float64
		want          bool
		note          string
	}{
		{"rmse better", reg, 0.02, map[string]float64{"rmse": 0.62}, map[string]float64{"rmse": 0.60}, true, "activated"},
		{"rmse at the bound", reg, 0.02, map[string]float64{"rmse": 1}, map[string]float64{"rmse": 1.02}, true, "at most 1.02"},
		{"rmse past the bound", reg, 0.02, map[string]float64{"rmse": 1}, map[string]float64{"rmse": 1.0201}, false, "kept as a candidate"},
		{"poisoned", reg, 0.02, map[string]float64{"rmse": 0.62}, map[string]float64{"rmse": 4563}, false, "rmse 4563"},
		{"tolerance 0, slightly worse", reg, 0, map[string]float64{"rmse": 0.62}, map[string]float64{"rmse": 0.6200001}, false, "candidate"},
		{"tolerance 0, equal", reg, 0, map[string]float64{"rmse": 0.62}, map[string]float64{"rmse": 0.62}, true, "activated"},
		{"rmse missing after", reg, 0.02, map[string]float64{"rmse": 0.62}, map[string]float64{}, false, "no finite validation rmse"},
		{"rmse NaN after", reg, 0.02, map[string]float64{"rmse": 0.62}, map[string]float64{"rmse": math.NaN()}, false, "candidate"},
		{"rmse missing before", reg, 0.02, map[string]float64{}, map[string]float64{"rmse": 9}, true, "nothing"},
		{"auc within", cls, 0.01, map[string]float64{"auc": 0.85}, map[string]float64{"auc": 0.8401}, true, "at least 0.84"},
		{"auc past", cls, 0.01, map[string]float64{"auc": 0.85}, map[string]float64{"auc": 0.8399}, false, "auc 0.8399"},
		{"roc_auc alias", cls, 0.01, map[string]float64{"roc_auc": 0.85}, map[string]float64{"auc": 0.70, "roc_auc": 0.70}, false, "candidate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, note := promotionDecision(c.task, c.tol, c.before, c.after, 1, 2)
			if strings.Contains(c.note, "nothing") {
				c.note = "no finite validation rmse to compare"
			}
			if got != c.want || !strings.Contains(note, c.note) {
				t.Errorf("promote = %v (%q), want %v with %q", got, note, c.want, c.note)
			}
		})
	}
	if tol := promotionTolerance(&store.MLModel{Task: cls}); tol != DefaultClassificationTolerance {
		t.Errorf("classification default %g", tol)
	}
	if tol := promotionTolerance(&store.MLModel{Task: reg}); tol != DefaultRegressionTolerance {
		t.Errorf("regression default %g", tol)
	}
}
