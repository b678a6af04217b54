package metrics

import (
	"math"
	"testing"
)

// Reference values produced by testdata/reference.py with Debian bookworm's
// /usr/bin/python3: scikit-learn 1.2.1, scipy 1.10.1, numpy 1.24.2. Each
// value's comment is the exact call. The inputs are 40 seeded random
// observations (numpy default_rng(42)) with ties in targets, predictions
// and (rounded) probabilities, and probabilities of exactly 0 and 1.
// Printed by: sklearn 1.2.1 scipy 1.10.1 numpy 1.24.2
var (
	refY    = []float64{-2.39, -5.08, -1.5, -1.12, -6.9, -5.6, -2.74, -3.63, -3.03, -4.71, -1.44, -1.44, -2.87, -0.75, -2.06, -4.72, -2.26, -4.92, -1.24, -3.1, -3.37, -4.36, -0.55, -3.31, -3.86, -3.7, -1.94, -2.27, -2.17, -2.14, 1.28, -3.81, -4.02, -4.63, -1.77, -0.74, -3.23, -4.68, -4.65, -1.7}
	refPred = []float64{-1.8, -4.65, -2.03, -0.93, -6.81, -2.04, -2.04, -3.45, -2.49, -4.66, -1.01, -0.93, -4.04, -1.01, -2.44, -5.23, -2.48, -3.72, -1.93, -2.33, -4.72, -4.63, -0.42, -2.84, -3.29, -3.07, -2.22, -2.64, -1.48, -2.29, 0.26, -4.72, -4.76, -4.23, -1.66, -0.19, -3.57, -4.55, -4.15, -1.95}
	refW    = []float64{1.65, 0.42, 0.14, 0.27, 1.47, 0.98, 0.41, 1.05, 0.39, 1.42, 0.95, 0.82, 0.67, 1.3, 0.79, 0.27, 0.32, 1.93, 1.83, 1.43, 0.61, 1.94, 1.58, 1.46, 0.95, 0.62, 0.28, 1.81, 0.97, 0.48, 0.68, 1.2, 0.44, 1.73, 1.54, 1.47, 0.92, 1.29, 1.21, 1.33}
	refStd  = []float64{0.543, 0.904, 0.916, 1.258, 1.101, 0.957, 1.289, 0.493, 0.658, 0.572, 0.733, 0.437, 1.041, 0.783, 0.409, 0.545, 0.944, 1.101, 1.449, 1.724, 0.974, 0.553, 0.21, 0.93, 0.606, 0.725, 0.666, 0.808, 1.17, 0.897, 0.802, 0.539, 0.348, 0.704, 0.834, 1.38, 0.889, 1.145, 0.7, 0.495}
	refLab  = []float64{1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0}
	refProb = []float64{0.0, 1.0, 0.5, 0.1, 0.5, 0.4, 0.4, 0.8, 0.4, 0.4, 0.6, 0.8, 0.8, 0.4, 0.1, 0.6, 0.3, 0.2, 0.3, 0.5, 1.0, 0.2, 0.6, 0.3, 0.7, 0.4, 0.4, 0.1, 0.6, 1.0, 0.4, 1.0, 0.9, 0.3, 0.5, 0.3, 0.4, 0.6, 0.6, 0.2}
)
var refValues = []struct {
	name string
	want float64
}{
	{"RMSE", 0.8077159154059055},                   // np.sqrt(mean_squared_error(y, pred))
	{"RMSE/w", 0.7911148315782306},                 // np.sqrt(mean_squared_error(y, pred, sample_weight=w))
	{"MAE", 0.5715},                                // mean_absolute_error(y, pred)
	{"MAE/w", 0.5522793759141882},                  // mean_absolute_error(y, pred, sample_weight=w)
	{"R2", 0.7532158482326925},                     // r2_score(y, pred)
	{"R2/w", 0.7797759007433573},                   // r2_score(y, pred, sample_weight=w)
	{"Pearson", 0.8743698211781779},                // scipy.stats.pearsonr(y, pred)[0]
	{"Spearman", 0.8653999616562194},               // scipy.stats.spearmanr(y, pred).correlation
	{"ROCAUC", 0.6881313131313131},                 // roc_auc_score(lab, prob)
	{"ROCAUC/w", 0.6493538468796602},               // roc_auc_score(lab, prob, sample_weight=w)
	{"AveragePrecision", 0.6582821742909462},       // average_precision_score(lab, prob)
	{"AveragePrecision/w", 0.636528643066648},      // average_precision_score(lab, prob, sample_weight=w)
	{"Accuracy", 0.625},                            // accuracy_score(lab, prob > 0.5)
	{"Accuracy/w", 0.6260360799609946},             // accuracy_score(lab, prob > 0.5, sample_weight=w)
	{"F1", 0.5454545454545454},                     // f1_score(lab, prob > 0.5)
	{"F1/w", 0.48384925975773885},                  // f1_score(lab, prob > 0.5, sample_weight=w)
	{"LogLoss", 2.304296992324224},                 // log_loss(lab, prob)
	{"LogLoss/w", 2.3409466460851656},              // log_loss(lab, prob, sample_weight=w)
	{"Brier", 0.22549999999999998},                 // brier_score_loss(lab, prob)
	{"Brier/w", 0.2338200877620673},                // brier_score_loss(lab, prob, sample_weight=w)
	{"ECE10", 0.22},                                // sum(|prob_true-prob_pred|*count/N) from calibration_curve(lab, prob, n_bins=10)
	{"ECE5", 0.185},                                // same with n_bins=5
	{"SpearmanErrorStd", 0.2221596772680364},       // scipy.stats.spearmanr(abs(y-pred), std).correlation
	{"GaussianNLL", 1.1384143314560424},            // -np.mean(scipy.stats.norm.logpdf(y, pred, std))
	{"GaussianNLL/w", 1.0886555704478569},          // -np.average(scipy.stats.norm.logpdf(y, pred, std), weights=w)
	{"Coverage", 0.95},                             // np.mean(abs(y-pred) <= 1.96*std)
	{"Coverage/w", 0.9653827401267674},             // np.average(abs(y-pred) <= 1.96*std, weights=w)
	{"MiscalibrationArea", 0.06123606533034995},    // UT interval proportions, num_bins=100, |obs-exp| integrated by np.trapz on 1e6 points
	{"MiscalibrationArea/over", 0.307323232322925}, // same with std/3 (overconfident)
	{"ENCE10", 0.43473260233402533},                // Levi et al.: np.array_split(np.argsort(std, kind='stable'), 10), mean |RMV-RMSE|/RMV
	{"ENCE7", 0.33083646662945504},                 // same with 7 bins (uneven sizes)
}

func TestReferenceValues(t *testing.T) {
	t.Parallel()
	calls := map[string]func() (float64, error){
		"RMSE":                    func() (float64, error) { return RMSE(refY, refPred, nil) },
		"RMSE/w":                  func() (float64, error) { return RMSE(refY, refPred, refW) },
		"MAE":                     func() (float64, error) { return MAE(refY, refPred, nil) },
		"MAE/w":                   func() (float64, error) { return MAE(refY, refPred, refW) },
		"R2":                      func() (float64, error) { return R2(refY, refPred, nil) },
		"R2/w":                    func() (float64, error) { return R2(refY, refPred, refW) },
		"Pearson":                 func() (float64, error) { return Pearson(refY, refPred) },
		"Spearman":                func() (float64, error) { return Spearman(refY, refPred) },
		"ROCAUC":                  func() (float64, error) { return ROCAUC(refLab, refProb, nil) },
		"ROCAUC/w":                func() (float64, error) { return ROCAUC(refLab, refProb, refW) },
		"AveragePrecision":        func() (float64, error) { return AveragePrecision(refLab, refProb, nil) },
		"AveragePrecision/w":      func() (float64, error) { return AveragePrecision(refLab, refProb, refW) },
		"Accuracy":                func() (float64, error) { return Accuracy(refLab, refProb, nil) },
		"Accuracy/w":              func() (float64, error) { return Accuracy(refLab, refProb, refW) },
		"F1":                      func() (float64, error) { return F1(refLab, refProb, nil) },
		"F1/w":                    func() (float64, error) { return F1(refLab, refProb, refW) },
		"LogLoss":                 func() (float64, error) { return LogLoss(refLab, refProb, nil) },
		"LogLoss/w":               func() (float64, error) { return LogLoss(refLab, refProb, refW) },
		"Brier":                   func() (float64, error) { return Brier(refLab, refProb, nil) },
		"Brier/w":                 func() (float64, error) { return Brier(refLab, refProb, refW) },
		"ECE10":                   func() (float64, error) { return ECE(refLab, refProb, nil, 10) },
		"ECE5":                    func() (float64, error) { return ECE(refLab, refProb, nil, 5) },
		"SpearmanErrorStd":        func() (float64, error) { return SpearmanErrorStd(refY, refPred, refStd) },
		"GaussianNLL":             func() (float64, error) { return GaussianNLL(refY, refPred, refStd, nil) },
		"GaussianNLL/w":           func() (float64, error) { return GaussianNLL(refY, refPred, refStd, refW) },
		"Coverage":                func() (float64, error) { return Coverage(refY, refPred, refStd, nil, Z95) },
		"Coverage/w":              func() (float64, error) { return Coverage(refY, refPred, refStd, refW, Z95) },
		"MiscalibrationArea":      func() (float64, error) { return MiscalibrationArea(refY, refPred, refStd, 100) },
		"MiscalibrationArea/over": func() (float64, error) { return MiscalibrationArea(refY, refPred, scaled(refStd, 1.0/3), 100) },
		"ENCE10":                  func() (float64, error) { return ENCE(refY, refPred, refStd, 10) },
		"ENCE7":                   func() (float64, error) { return ENCE(refY, refPred, refStd, 7) },
	}
	for _, ref := range refValues {
		t.Run(ref.name, func(t *testing.T) {
			call, ok := calls[ref.name]
			if !ok {
				t.Fatalf("no call for reference %q", ref.name)
			}
			got, err := call()
			if err != nil {
				t.Fatal(err)
			}
			tol := 1e-12 // same formula, float64 rounding only
			if ref.name == "MiscalibrationArea" || ref.name == "MiscalibrationArea/over" {
				tol = 1e-6 // reference integrated numerically on a 1e6-point grid
			}
			if math.Abs(got-ref.want) > tol*max(1, math.Abs(ref.want)) {
				t.Errorf("%s = %.17g, want %.17g (tol %g)", ref.name, got, ref.want, tol)
			}
		})
	}
}

func scaled(x []float64, f float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v * f
	}
	return out
}
