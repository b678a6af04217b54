package metrics

import (
	"math"
	"sort"
)

// RMSE is the root mean squared error sqrt(Σ w (y−ŷ)² / Σ w), as
// sqrt(sklearn.metrics.mean_squared_error(y, ŷ, sample_weight=w)).
// w may be nil for uniform weights.
func RMSE(yTrue, yPred, w []float64) (float64, error) {
	c, err := newChecker("RMSE", yTrue, "yTrue")
	if err != nil {
		return 0, err
	}
	if err := c.same(yPred, "yPred"); err != nil {
		return 0, err
	}
	if w, err = c.weights(w); err != nil {
		return 0, err
	}
	var s, sw float64
	for i := range yTrue {
		d := yTrue[i] - yPred[i]
		s += wt(w, i) * d * d
		sw += wt(w, i)
	}
	return math.Sqrt(s / sw), nil
}

// MAE is the mean absolute error Σ w |y−ŷ| / Σ w, as
// sklearn.metrics.mean_absolute_error. w may be nil.
func MAE(yTrue, yPred, w []float64) (float64, error) {
	c, err := newChecker("MAE", yTrue, "yTrue")
	if err != nil {
		return 0, err
	}
	if err := c.same(yPred, "yPred"); err != nil {
		return 0, err
	}
	if w, err = c.weights(w); err != nil {
		return 0, err
	}
	var s, sw float64
	for i := range yTrue {
		s += wt(w, i) * math.Abs(yTrue[i]-yPred[i])
		sw += wt(w, i)
	}
	return s / sw, nil
}

// R2 is the coefficient of determination 1 − SS_res/SS_tot with weighted
// sums, as sklearn.metrics.r2_score (force_finite=True): when y is constant
// it returns 1 for a perfect prediction and 0 otherwise. w may be nil.
func R2(yTrue, yPred, w []float64) (float64, error) {
	c, err := newChecker("R2", yTrue, "yTrue")
	if err != nil {
		return 0, err
	}
	if err := c.same(yPred, "yPred"); err != nil {
		return 0, err
	}
	if w, err = c.weights(w); err != nil {
		return 0, err
	}
	var sy, sw float64
	for i, y := range yTrue {
		sy += wt(w, i) * y
		sw += wt(w, i)
	}
	mean := sy / sw
	var res, tot float64
	for i, y := range yTrue {
		d := y - yPred[i]
		res += wt(w, i) * d * d
		e := y - mean
		tot += wt(w, i) * e * e
	}
	if tot == 0 {
		if res == 0 {
			return 1, nil
		}
		return 0, nil
	}
	return 1 - res/tot, nil
}

// Pearson is the Pearson correlation coefficient of x and y, as
// scipy.stats.pearsonr(x, y)[0]. It returns ErrUndefined when there are
// fewer than two observations or either input is constant.
func Pearson(x, y []float64) (float64, error) {
	c, err := newChecker("Pearson", x, "x")
	if err != nil {
		return 0, err
	}
	if err := c.same(y, "y"); err != nil {
		return 0, err
	}
	return pearson("Pearson", x, y)
}

func pearson(metric string, x, y []float64) (float64, error) {
	n := float64(len(x))
	if len(x) < 2 {
		return 0, inputErr(metric, "", -1, ErrUndefined, "fewer than 2 observations")
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, inputErr(metric, "", -1, ErrUndefined, "constant input")
	}
	r := sxy / math.Sqrt(sxx*syy)
	return max(-1, min(1, r)), nil
}

// Spearman is Spearman's rank correlation: the Pearson correlation of the
// ranks, tied values getting their average rank, as
// scipy.stats.spearmanr(x, y).correlation. ErrUndefined when either input
// is constant or there are fewer than two observations.
func Spearman(x, y []float64) (float64, error) {
	c, err := newChecker("Spearman", x, "x")
	if err != nil {
		return 0, err
	}
	if err := c.same(y, "y"); err != nil {
		return 0, err
	}
	return pearson("Spearman", Ranks(x), Ranks(y))
}

// Ranks returns the 1-based ranks of x, ties getting the average of the
// ranks they span (scipy.stats.rankdata(method="average")). NaN values
// are not allowed (they sort unpredictably).
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of ranks i+1 .. j
		for k := i; k < j; k++ {
			r[idx[k]] = avg
		}
		i = j
	}
	return r
}
