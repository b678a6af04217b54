// Package metrics scores predictions: regression accuracy, binary
// classification quality, and whether predicted uncertainties mean
// something. It uses only the standard library and gonum.
//
// # Conventions
//
// Every function validates its input and returns an *InputError (test it
// with errors.Is against ErrEmpty, ErrLength, ErrNaN, ErrLabel,
// ErrProbability, ErrWeight, ErrStd, ErrSingleClass, ErrUndefined or
// ErrParam) rather than a NaN. Binary labels are float64 0 or 1;
// probabilities are of the positive class. Sample weights w may be nil
// (uniform); weighted functions follow scikit-learn's sample_weight.
//
// # Summaries
//
// ClassificationSummary and RegressionSummary compute the set a model
// version stores, keyed by the specification's names: classification
// auc (ROC-AUC; also under roc_auc, an alias for older readers), ece (10
// equal-width bins, bin 0 = [0, 0.1], bin b = (b/10, (b+1)/10], so p = 1.0
// is in the last bin), accuracy, f1, log_loss, brier; regression rmse,
// mae, r2, spearman, coverage95. Metrics undefined for the input are left
// out of the map. MultiClassSummary scores K-class probabilities under the
// same names: auc (MacroROCAUC), accuracy, log_loss, ece (TopLabelECE).
//
// # What each metric matches
//
//   - RMSE, MAE, R2: sklearn.metrics mean_squared_error (square-rooted),
//     mean_absolute_error, r2_score (force_finite: 1 or 0 for constant y).
//   - Pearson, Spearman: scipy.stats pearsonr, spearmanr (average ranks for ties).
//   - ROCAUC: roc_auc_score (ties count one half, trapezoids over tied groups).
//   - AveragePrecision: average_precision_score, the step-wise
//     Σ (R_n − R_{n−1}) P_n; this is the PR-AUC we report.
//   - Accuracy, F1: on hard predictions prob > 0.5.
//   - LogLoss: log_loss of scikit-learn 1.2 (clip at machine epsilon).
//   - Brier: brier_score_loss.
//   - ECE: equal-width bins of calibration_curve(strategy="uniform"),
//     DefaultECEBins = 10 in the product.
//   - MacroROCAUC: roc_auc_score(multi_class="ovr", average="macro");
//     MultiAccuracy: argmax (first maximum); MultiLogLoss: multi-class
//     log_loss; TopLabelECE: ECE of the top label's confidence, the same
//     bins as ECE.
//   - SpearmanErrorStd: Spearman(|y − mean|, std).
//   - MiscalibrationArea: Uncertainty Toolbox's miscalibration_area with
//     prop_type="interval" (Tran et al. 2020), DefaultCalibrationBins = 100.
//   - ENCE: Levi et al. 2019, equal-count bins sorted by std, DefaultENCEBins = 10.
//   - GaussianNLL: mean −log N(y; mean, std²).
//   - Coverage: fraction inside mean ± z·std, z = Z95 = 1.96 for 95%.
//
// The reference values in the tests come from scikit-learn 1.2.1 and scipy
// 1.10.1 (Debian bookworm); testdata/reference.py reproduces them.
package metrics
