package activelearning

import (
	"activelab/ml"
	"activelab/ml/metrics"
	"activelab/store"
)

// metricsOf computes validation metrics, leaving out undefined ones.
func metricsOf(task store.Task, y []float64, p *ml.Prediction) map[string]float64 {
	out := map[string]float64{}
	put := func(name string, v float64, err error) {
		if err == nil {
			out[name] = v
		}
	}
	if task == store.TaskClassification {
		v, err := metrics.ROCAUC(y, p.Mean, nil)
		put("roc_auc", v, err)
		v, err = metrics.Accuracy(y, p.Mean, nil)
		put("accuracy", v, err)
		v, err = metrics.F1(y, p.Mean, nil)
		put("f1", v, err)
		v, err = metrics.LogLoss(y, p.Mean, nil)
		put("log_loss", v, err)
		v, err = metrics.Brier(y, p.Mean, nil)
		put("brier", v, err)
		return out
	}
	v, err := metrics.RMSE(y, p.Mean, nil)
	put("rmse", v, err)
	v, err = metrics.MAE(y, p.Mean, nil)
	put("mae", v, err)
	v, err = metrics.R2(y, p.Mean, nil)
	put("r2", v, err)
	v, err = metrics.Spearman(y, p.Mean)
	put("spearman", v, err)
	v, err = metrics.Coverage(y, p.Mean, p.Std, nil, metrics.Z95)
	put("coverage95", v, err)
	return out
}
