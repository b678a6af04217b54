package metrics

import "errors"

// Metric names of the summaries, as stored with a model version and
// shown by the API. AUC and ECE are the specification's names
// ({"auc": 0.85, "ece": 0.08}); ROCAUCAlias is the same value as AUC under
// the name earlier versions stored, kept until every reader uses "auc".
const (
	NameAUC         = "auc"
	NameROCAUCAlias = "roc_auc"
	NameECE         = "ece"
	NameAccuracy    = "accuracy"
	NameF1          = "f1"
	NameLogLoss     = "log_loss"
	NameBrier       = "brier"

	NameRMSE       = "rmse"
	NameMAE        = "mae"
	NameR2         = "r2"
	NameSpearman   = "spearman"
	NameCoverage95 = "coverage95"
)

// ClassificationSummary scores positive-class probabilities prob against
// binary labels yTrue (weights w may be nil) under the names above:
//
//	auc, roc_auc  ROCAUC (the same value under both names)
//	ece           ECE with DefaultECEBins (10) equal-width bins; see ECE
//	accuracy, f1  on hard predictions prob > 0.5
//	log_loss      LogLoss
//	brier         Brier
//
// A metric undefined for this input is left out (auc and roc_auc when only
// one class is present), so the map holds only numbers that mean
// something. Invalid input (empty, lengths differ, non-finite, a label not
// 0/1, a probability outside [0, 1], bad weights) is an *InputError and no
// map.
func ClassificationSummary(yTrue, prob, w []float64) (map[string]float64, error) {
	if _, err := classInput("ClassificationSummary", yTrue, prob, w); err != nil {
		return nil, err
	}
	out := make(map[string]float64, 7)
	s := summary{out: out}
	v, err := ROCAUC(yTrue, prob, w)
	s.put(NameAUC, v, err)
	s.put(NameROCAUCAlias, v, err)
	v, err = ECE(yTrue, prob, w, DefaultECEBins)
	s.put(NameECE, v, err)
	v, err = Accuracy(yTrue, prob, w)
	s.put(NameAccuracy, v, err)
	v, err = F1(yTrue, prob, w)
	s.put(NameF1, v, err)
	v, err = LogLoss(yTrue, prob, w)
	s.put(NameLogLoss, v, err)
	v, err = Brier(yTrue, prob, w)
	s.put(NameBrier, v, err)
	return out, s.err
}

// RegressionSummary scores predictions (mean, with the ensemble's std)
// against yTrue under the names above: rmse, mae, r2 (weighted by w, which
// may be nil), spearman (Spearman(yTrue, mean), unweighted) and coverage95
// (Coverage of mean ± Z95·std). Undefined metrics (spearman of a constant
// vector, coverage95 with a negative std) are left out; invalid input is
// an *InputError and no map.
func RegressionSummary(yTrue, mean, std, w []float64) (map[string]float64, error) {
	c, err := newChecker("RegressionSummary", yTrue, "yTrue")
	if err != nil {
		return nil, err
	}
	if err := c.same(mean, "mean"); err != nil {
		return nil, err
	}
	if _, err := c.weights(w); err != nil {
		return nil, err
	}
	out := make(map[string]float64, 5)
	s := summary{out: out}
	v, err := RMSE(yTrue, mean, w)
	s.put(NameRMSE, v, err)
	v, err = MAE(yTrue, mean, w)
	s.put(NameMAE, v, err)
	v, err = R2(yTrue, mean, w)
	s.put(NameR2, v, err)
	v, err = Spearman(yTrue, mean)
	s.put(NameSpearman, v, err)
	if std != nil {
		v, err = Coverage(yTrue, mean, std, w, Z95)
		s.put(NameCoverage95, v, err)
	}
	return out, s.err
}

// summary collects metrics, leaving out those undefined for the input
// (ErrSingleClass, ErrUndefined, ErrStd) and keeping the first other error.
type summary struct {
	out map[string]float64
	err error
}

func (s *summary) put(name string, v float64, err error) {
	switch {
	case err == nil:
		s.out[name] = v
	case errors.Is(err, ErrSingleClass) || errors.Is(err, ErrUndefined) || errors.Is(err, ErrStd):
	case s.err == nil:
		s.err = err
	}
}
