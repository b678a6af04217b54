package metrics

import (
	"fmt"
	"math"
	"sort"
)

// Multi-class metrics take class indexes yTrue in [0, K) and per-row class
// probabilities prob[i] (K values in [0, 1] summing to 1 within 1e-6).
// Weights w may be nil (uniform).

// probSumTol is how far a row of class probabilities may sum from 1.
const probSumTol = 1e-6

// multiInput validates class labels, probability rows and weights, and
// returns K.
func multiInput(metric string, yTrue []int, prob [][]float64, w []float64) (k int, _ []float64, err error) {
	if len(yTrue) == 0 {
		return 0, nil, inputErr(metric, "yTrue", -1, ErrEmpty, "")
	}
	if len(prob) != len(yTrue) {
		return 0, nil, inputErr(metric, "prob", -1, ErrLength, fmt.Sprintf("%d rows, want %d", len(prob), len(yTrue)))
	}
	k = len(prob[0])
	if k < 2 {
		return 0, nil, inputErr(metric, "prob", 0, ErrParam, fmt.Sprintf("%d classes, need at least 2", k))
	}
	for i, row := range prob {
		if len(row) != k {
			return 0, nil, inputErr(metric, "prob", i, ErrLength, fmt.Sprintf("%d classes, want %d", len(row), k))
		}
		var s float64
		for _, p := range row {
			if math.IsNaN(p) || math.IsInf(p, 0) {
				return 0, nil, inputErr(metric, "prob", i, ErrNaN, "")
			}
			if p < 0 || p > 1 {
				return 0, nil, inputErr(metric, "prob", i, ErrProbability, fmt.Sprintf("got %g", p))
			}
			s += p
		}
		if math.Abs(s-1) > probSumTol {
			return 0, nil, inputErr(metric, "prob", i, ErrProbability, fmt.Sprintf("row sums to %g", s))
		}
		if yTrue[i] < 0 || yTrue[i] >= k {
			return 0, nil, inputErr(metric, "yTrue", i, ErrLabel, fmt.Sprintf("class %d of %d", yTrue[i], k))
		}
	}
	c := &checker{metric: metric, n: len(yTrue)}
	w, err = c.weights(w)
	if err != nil {
		return 0, nil, err
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, nil, inputErr(metric, "weights", i, ErrNaN, "")
		}
	}
	return k, w, nil
}

// argmax is the first index of the largest value (numpy's argmax).
func argmax(row []float64) int {
	best := 0
	for k, v := range row {
		if v > row[best] {
			best = k
		}
	}
	return best
}

// MacroROCAUC is the unweighted mean over classes of the one-vs-rest
// ROC-AUC of prob[:, k] for class k, as sklearn.metrics.roc_auc_score(y,
// prob, multi_class="ovr", average="macro", sample_weight=w).
// ErrSingleClass unless every class has positive and negative rows.
func MacroROCAUC(yTrue []int, prob [][]float64, w []float64) (float64, error) {
	k, w, err := multiInput("MacroROCAUC", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	bin := make([]float64, len(yTrue))
	score := make([]float64, len(yTrue))
	var sum float64
	for c := 0; c < k; c++ {
		for i, y := range yTrue {
			bin[i], score[i] = 0, prob[i][c]
			if y == c {
				bin[i] = 1
			}
		}
		a, err := ROCAUC(bin, score, w)
		if err != nil {
			return 0, inputErr("MacroROCAUC", "yTrue", -1, ErrSingleClass, fmt.Sprintf("class %d: %v", c, err))
		}
		sum += a
	}
	return sum / float64(k), nil
}

// MultiAccuracy is the weighted fraction of rows whose most probable class
// (the first one on ties, numpy's argmax) is the true one.
func MultiAccuracy(yTrue []int, prob [][]float64, w []float64) (float64, error) {
	_, w, err := multiInput("MultiAccuracy", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	var ok, sw float64
	for i, y := range yTrue {
		if argmax(prob[i]) == y {
			ok += wt(w, i)
		}
		sw += wt(w, i)
	}
	return ok / sw, nil
}

// MultiLogLoss is the weighted mean cross-entropy −ln p[y], as
// sklearn.metrics.log_loss(y, prob, sample_weight=w) in scikit-learn 1.2:
// probabilities clipped to [LogLossEps, 1−LogLossEps] and each row
// renormalised to sum to one.
func MultiLogLoss(yTrue []int, prob [][]float64, w []float64) (float64, error) {
	_, w, err := multiInput("MultiLogLoss", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	var s, sw float64
	for i, y := range yTrue {
		var sum float64
		for _, p := range prob[i] {
			sum += clip(p, LogLossEps, 1-LogLossEps)
		}
		s += wt(w, i) * -math.Log(clip(prob[i][y], LogLossEps, 1-LogLossEps)/sum)
		sw += wt(w, i)
	}
	return s / sw, nil
}

// TopLabelECE is the expected calibration error of the top label: each
// row's confidence is its largest class probability and it is correct
// when that class (argmax) is the true one; over nBins equal-width bins of
// the confidence (the same bins as ECE: bin 0 = [0, 1/nBins], bin b =
// (b/nBins, (b+1)/nBins], an inner edge in the lower bin, 1.0 in the last)
// it is Σ_b (W_b / W) |accuracy_b − mean confidence_b|. With two classes it
// is the usual confidence ECE (not the positive-class ECE of ECE).
func TopLabelECE(yTrue []int, prob [][]float64, w []float64, nBins int) (float64, error) {
	_, w, err := multiInput("TopLabelECE", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	if nBins < 1 {
		return 0, inputErr("TopLabelECE", "nBins", -1, ErrParam, "need at least one bin")
	}
	step := 1 / float64(nBins)
	edges := make([]float64, nBins-1)
	for k := range edges {
		edges[k] = float64(k+1) * step
	}
	sumC := make([]float64, nBins)
	sumA := make([]float64, nBins)
	var total float64
	for i, y := range yTrue {
		top := argmax(prob[i])
		conf := prob[i][top]
		b := sort.SearchFloat64s(edges, conf)
		sumC[b] += wt(w, i) * conf
		if top == y {
			sumA[b] += wt(w, i)
		}
		total += wt(w, i)
	}
	var ece float64
	for b := range sumC {
		ece += math.Abs(sumA[b]-sumC[b]) / total
	}
	return ece, nil
}

// MultiClassSummary scores class probabilities under the names of the
// binary summary: auc (MacroROCAUC; left out when a class has no positive
// or no negative row), accuracy, log_loss and ece (TopLabelECE with
// DefaultECEBins). Invalid input is an *InputError and no map.
func MultiClassSummary(yTrue []int, prob [][]float64, w []float64) (map[string]float64, error) {
	if _, _, err := multiInput("MultiClassSummary", yTrue, prob, w); err != nil {
		return nil, err
	}
	out := make(map[string]float64, 4)
	s := summary{out: out}
	v, err := MacroROCAUC(yTrue, prob, w)
	s.put(NameAUC, v, err)
	v, err = MultiAccuracy(yTrue, prob, w)
	s.put(NameAccuracy, v, err)
	v, err = MultiLogLoss(yTrue, prob, w)
	s.put(NameLogLoss, v, err)
	v, err = TopLabelECE(yTrue, prob, w, DefaultECEBins)
	s.put(NameECE, v, err)
	return out, s.err
}
