package activelearning

import (
	"activelab/ml"
	"activelab/ml/metrics"
	"activelab/store"
)

// metricsOf computes validation metrics under the specification's names,
// leaving out undefined ones: for classification metrics.ClassificationSummary
// (auc, ece, accuracy, f1, log_loss, brier, and roc_auc, auc's former name,
// kept for the learning curves of versions trained before), for regression
// metrics.RegressionSummary (rmse, mae, r2, spearman, coverage95) plus,
// when p carries calibrated 90 % intervals (PredictInterval), their
// empirical coverage and mean width (coverage90, interval_width90).
func metricsOf(task store.Task, y []float64, p *ml.Prediction) map[string]float64 {
	var out map[string]float64
	var err error
	if task == store.TaskClassification {
		out, err = metrics.ClassificationSummary(y, p.Mean, nil)
	} else {
		out, err = metrics.RegressionSummary(y, p.Mean, p.Std, nil)
	}
	if err != nil || out == nil {
		out = map[string]float64{}
	}
	if task == store.TaskRegression && len(p.Low) == len(y) && len(p.High) == len(y) && len(y) > 0 {
		var in, width float64
		for i, v := range y {
			if v >= p.Low[i] && v <= p.High[i] {
				in++
			}
			width += p.High[i] - p.Low[i]
		}
		out["coverage90"] = in / float64(len(y))
		out["interval_width90"] = width / float64(len(y))
	}
	return out
}
