package metrics

import (
	"math"
	"sort"
)

// Binary classification metrics take labels yTrue in {0, 1} and scores or
// probabilities of the positive class. Weights w may be nil (uniform).

// ROCAUC is the area under the ROC curve of scores against binary labels,
// as sklearn.metrics.roc_auc_score(y, score, sample_weight=w): tied scores
// form one step of the curve, integrated with the trapezoid rule, so a
// positive and a negative with equal scores count one half. ErrSingleClass
// unless both classes have positive weight.
func ROCAUC(yTrue, score, w []float64) (float64, error) {
	order, pos, neg, err := rankInput("ROCAUC", yTrue, score, w)
	if err != nil {
		return 0, err
	}
	if pos == 0 || neg == 0 {
		return 0, inputErr("ROCAUC", "yTrue", -1, ErrSingleClass, "ROC AUC needs positives and negatives")
	}
	var tp, fp, area float64
	for i := 0; i < len(order); {
		tp0, fp0 := tp, fp
		j := i
		for ; j < len(order) && score[order[j]] == score[order[i]]; j++ {
			k := order[j]
			if yTrue[k] == 1 {
				tp += wt(w, k)
			} else {
				fp += wt(w, k)
			}
		}
		area += (fp - fp0) * (tp + tp0) / 2
		i = j
	}
	return area / (pos * neg), nil
}

// AveragePrecision is the area under the precision–recall curve as
// sklearn.metrics.average_precision_score(y, score, sample_weight=w):
// AP = Σ_n (R_n − R_{n−1}) P_n over the distinct score thresholds in
// decreasing order, with no interpolation (this is what we report as
// PR-AUC; it is not the trapezoidal sklearn.metrics.auc(recall, precision)).
// ErrSingleClass when no label is positive.
func AveragePrecision(yTrue, score, w []float64) (float64, error) {
	order, pos, _, err := rankInput("AveragePrecision", yTrue, score, w)
	if err != nil {
		return 0, err
	}
	if pos == 0 {
		return 0, inputErr("AveragePrecision", "yTrue", -1, ErrSingleClass, "no positive labels")
	}
	var tp, fp, prevRecall, ap float64
	for i := 0; i < len(order); {
		j := i
		for ; j < len(order) && score[order[j]] == score[order[i]]; j++ {
			k := order[j]
			if yTrue[k] == 1 {
				tp += wt(w, k)
			} else {
				fp += wt(w, k)
			}
		}
		i = j
		if tp+fp == 0 {
			continue
		}
		recall := tp / pos
		ap += (recall - prevRecall) * tp / (tp + fp)
		prevRecall = recall
	}
	return ap, nil
}

// rankInput validates labels and scores and returns the observation order
// by decreasing score (stable), and the weighted class totals.
func rankInput(metric string, yTrue, score, w []float64) (order []int, pos, neg float64, err error) {
	c, err := newChecker(metric, yTrue, "yTrue")
	if err != nil {
		return nil, 0, 0, err
	}
	if err = c.labels(yTrue, "yTrue"); err != nil {
		return nil, 0, 0, err
	}
	if err = c.same(score, "score"); err != nil {
		return nil, 0, 0, err
	}
	if w, err = c.weights(w); err != nil {
		return nil, 0, 0, err
	}
	order = make([]int, len(score))
	for i := range order {
		order[i] = i
		if yTrue[i] == 1 {
			pos += wt(w, i)
		} else {
			neg += wt(w, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	return order, pos, neg, nil
}

// classInput validates labels, probabilities and weights.
func classInput(metric string, yTrue, prob, w []float64) ([]float64, error) {
	c, err := newChecker(metric, yTrue, "yTrue")
	if err != nil {
		return nil, err
	}
	if err := c.labels(yTrue, "yTrue"); err != nil {
		return nil, err
	}
	if err := c.probs(prob, "prob"); err != nil {
		return nil, err
	}
	return c.weights(w)
}

// predicted is the hard class for a probability: positive when p > 0.5, as
// scikit-learn's predict (argmax of predict_proba, a tie going to class 0).
func predicted(p float64) float64 {
	if p > 0.5 {
		return 1
	}
	return 0
}

// Accuracy is the weighted fraction of correct hard predictions, the class
// being positive when prob > 0.5 (sklearn.metrics.accuracy_score(y,
// prob > 0.5, sample_weight=w)).
func Accuracy(yTrue, prob, w []float64) (float64, error) {
	w, err := classInput("Accuracy", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	var ok, sw float64
	for i, y := range yTrue {
		if predicted(prob[i]) == y {
			ok += wt(w, i)
		}
		sw += wt(w, i)
	}
	return ok / sw, nil
}

// F1 is the F1 score of the positive class for hard predictions prob > 0.5:
// 2TP / (2TP + FP + FN) with weighted counts, as sklearn.metrics.f1_score
// (0 when there are no true and no predicted positives, sklearn's
// zero_division behaviour).
func F1(yTrue, prob, w []float64) (float64, error) {
	w, err := classInput("F1", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	var tp, fp, fn float64
	for i, y := range yTrue {
		p := predicted(prob[i])
		switch {
		case p == 1 && y == 1:
			tp += wt(w, i)
		case p == 1:
			fp += wt(w, i)
		case y == 1:
			fn += wt(w, i)
		}
	}
	if 2*tp+fp+fn == 0 {
		return 0, nil
	}
	return 2 * tp / (2*tp + fp + fn), nil
}

// LogLossEps is the clipping of LogLoss: float64 machine epsilon, the
// default (eps="auto") of sklearn.metrics.log_loss in scikit-learn 1.2.
const LogLossEps = 2.220446049250313e-16

// LogLoss is the weighted mean binary cross-entropy, as
// sklearn.metrics.log_loss(y, prob, sample_weight=w) in scikit-learn 1.2:
// the two class probabilities 1−p and p are clipped to
// [LogLossEps, 1−LogLossEps] and renormalised to sum to one.
func LogLoss(yTrue, prob, w []float64) (float64, error) {
	w, err := classInput("LogLoss", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	var s, sw float64
	for i, y := range yTrue {
		q1 := clip(prob[i], LogLossEps, 1-LogLossEps)
		q0 := clip(1-prob[i], LogLossEps, 1-LogLossEps)
		sum := q0 + q1
		var l float64
		if y == 1 {
			l = -math.Log(q1 / sum)
		} else {
			l = -math.Log(q0 / sum)
		}
		s += wt(w, i) * l
		sw += wt(w, i)
	}
	return s / sw, nil
}

func clip(x, lo, hi float64) float64 { return max(lo, min(hi, x)) }

// Brier is the weighted mean squared difference between the probability and
// the label, as sklearn.metrics.brier_score_loss(y, prob, sample_weight=w).
func Brier(yTrue, prob, w []float64) (float64, error) {
	w, err := classInput("Brier", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	var s, sw float64
	for i, y := range yTrue {
		d := prob[i] - y
		s += wt(w, i) * d * d
		sw += wt(w, i)
	}
	return s / sw, nil
}

// DefaultECEBins is the number of bins ECE uses in the simulator and the
// service.
const DefaultECEBins = 10

// ECE is the expected calibration error of positive-class probabilities
// over nBins equal-width bins of [0, 1]:
// Σ_b (W_b / W) |mean label in b − mean probability in b|, with weighted
// means. Binning is that of sklearn.metrics.calibration_curve(y, prob,
// n_bins=nBins, strategy="uniform") in scikit-learn 1.2 (bin edges
// np.linspace(0, 1, nBins+1); a probability equal to an inner edge falls in
// the lower bin), so with w nil ECE equals
// Σ |prob_true − prob_pred| · count/N over calibration_curve's bins.
//
// The binning rule, with the default 10 bins: bin 0 is [0, 0.1], bin b
// (b ≥ 1) is (b/10, (b+1)/10], so a probability exactly on an inner edge
// (0.1, 0.3, ...) counts in the lower bin and p = 1.0 in the last bin
// (0.9, 1.0]; empty bins contribute nothing.
func ECE(yTrue, prob, w []float64, nBins int) (float64, error) {
	w, err := classInput("ECE", yTrue, prob, w)
	if err != nil {
		return 0, err
	}
	if nBins < 1 {
		return 0, inputErr("ECE", "nBins", -1, ErrParam, "need at least one bin")
	}
	// Inner edges as numpy's linspace computes them: k * (1/n).
	step := 1 / float64(nBins)
	edges := make([]float64, nBins-1)
	for k := range edges {
		edges[k] = float64(k+1) * step
	}
	sumP := make([]float64, nBins)
	sumY := make([]float64, nBins)
	sumW := make([]float64, nBins)
	var total float64
	for i, p := range prob {
		b := sort.SearchFloat64s(edges, p) // number of edges < p: numpy searchsorted side="left"
		sumP[b] += wt(w, i) * p
		sumY[b] += wt(w, i) * yTrue[i]
		sumW[b] += wt(w, i)
		total += wt(w, i)
	}
	var ece float64
	for b := range sumW {
		if sumW[b] == 0 {
			continue
		}
		ece += math.Abs(sumY[b]-sumP[b]) / total
	}
	return ece, nil
}
