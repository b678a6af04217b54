package metrics_test

import (
	"errors"
	"fmt"

	"activelab/ml/metrics"
)

func ExampleROCAUC() {
	y := []float64{0, 0, 1, 1}
	score := []float64{0.1, 0.4, 0.35, 0.8}
	auc, _ := metrics.ROCAUC(y, score, nil)
	ap, _ := metrics.AveragePrecision(y, score, nil)
	fmt.Printf("ROC-AUC %.2f, PR-AUC (average precision) %.4f\n", auc, ap)
	_, err := metrics.ROCAUC([]float64{1, 1}, []float64{0.2, 0.3}, nil)
	fmt.Println(errors.Is(err, metrics.ErrSingleClass), err)
	// Output:
	// ROC-AUC 0.75, PR-AUC (average precision) 0.8333
	// true metrics: ROCAUC: only one class present in yTrue (ROC AUC needs positives and negatives)
}
