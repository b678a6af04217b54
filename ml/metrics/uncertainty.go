package metrics

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Uncertainty-quality metrics take the observed values yTrue, the predicted
// means and the predicted standard deviations (an ensemble's spread), and
// judge whether the standard deviations mean something.

// Z95 is the half-width, in standard deviations, of a central 95% Gaussian
// interval, the z that Coverage is usually called with.
const Z95 = 1.96

// DefaultCalibrationBins is the number of expected proportions in
// MiscalibrationArea (Uncertainty Toolbox's default num_bins).
const DefaultCalibrationBins = 100

// DefaultENCEBins is the number of standard-deviation bins ENCE uses in the
// simulator and the service.
const DefaultENCEBins = 10

func uncInput(metric string, yTrue, mean, std []float64, positiveStd bool) (*checker, error) {
	c, err := newChecker(metric, yTrue, "yTrue")
	if err != nil {
		return nil, err
	}
	if err := c.same(mean, "mean"); err != nil {
		return nil, err
	}
	return c, c.stds(std, "std", positiveStd)
}

// SpearmanErrorStd is Spearman's rank correlation between the absolute error
// |y − mean| and std (scipy.stats.spearmanr(abs(y − mean), std)): positive
// when larger uncertainty goes with larger errors. ErrUndefined when either
// vector is constant.
func SpearmanErrorStd(yTrue, mean, std []float64) (float64, error) {
	if _, err := uncInput("SpearmanErrorStd", yTrue, mean, std, false); err != nil {
		return 0, err
	}
	abs := make([]float64, len(yTrue))
	for i := range yTrue {
		abs[i] = math.Abs(yTrue[i] - mean[i])
	}
	return pearson("SpearmanErrorStd", Ranks(abs), Ranks(std))
}

// MiscalibrationArea is the area between the average calibration curve and
// the diagonal, as uncertainty_toolbox.metrics_calibration.miscalibration_area
// (y_pred, y_std, y_true, num_bins, prop_type="interval") (Tran et al. 2020,
// "Methods for comparing uncertainty quantifications for material property
// predictions"; Uncertainty Toolbox 0.1.1): for each expected proportion p
// in np.linspace(0, 1, nBins), the observed proportion is the fraction of
// standardised residuals (y − mean)/std inside the central interval
// [Φ⁻¹(0.5 − p/2), Φ⁻¹(0.5 + p/2)]; the area between the two piecewise
// linear curves is integrated exactly, crossings included (what the
// Toolbox's polygon construction computes). 0 is perfect, 0.5 the worst.
// std must be positive. nBins must be at least 2.
func MiscalibrationArea(yTrue, mean, std []float64, nBins int) (float64, error) {
	if _, err := uncInput("MiscalibrationArea", yTrue, mean, std, true); err != nil {
		return 0, err
	}
	if nBins < 2 {
		return 0, inputErr("MiscalibrationArea", "nBins", -1, ErrParam, "need at least 2 proportions")
	}
	z := make([]float64, len(yTrue))
	for i := range yTrue {
		z[i] = (yTrue[i] - mean[i]) / std[i]
	}
	exp, obs := CalibrationCurve(z, nBins)
	var area float64
	for k := 0; k+1 < nBins; k++ {
		d0, d1 := obs[k]-exp[k], obs[k+1]-exp[k+1]
		dx := exp[k+1] - exp[k]
		a0, a1 := math.Abs(d0), math.Abs(d1)
		if d0*d1 >= 0 {
			area += dx * (a0 + a1) / 2
		} else { // the curves cross inside the segment: two triangles
			area += dx * (a0*a0 + a1*a1) / (2 * (a0 + a1))
		}
	}
	return area, nil
}

// CalibrationCurve returns the expected proportions np.linspace(0, 1,
// nBins) and, for each, the observed fraction of the standardised residuals
// z inside the central Gaussian interval holding that proportion (the
// Toolbox's "interval" proportions). It is the curve behind
// MiscalibrationArea, exported for plots. Panics if nBins < 2.
func CalibrationCurve(z []float64, nBins int) (expected, observed []float64) {
	if nBins < 2 {
		panic("metrics: CalibrationCurve needs nBins >= 2")
	}
	expected = make([]float64, nBins)
	observed = make([]float64, nBins)
	abs := make([]float64, len(z))
	for i, v := range z {
		abs[i] = math.Abs(v)
	}
	sort.Float64s(abs)
	step := 1 / float64(nBins-1)
	for k := range expected {
		p := float64(k) * step
		if k == nBins-1 {
			p = 1
		}
		expected[k] = p
		lo := distuv.UnitNormal.Quantile(0.5 - p/2)
		hi := distuv.UnitNormal.Quantile(0.5 + p/2)
		// Count z with lo <= z <= hi. The interval is symmetric up to
		// rounding, so count both ends explicitly on the signed values.
		n := 0
		if math.IsInf(hi, 1) && math.IsInf(lo, -1) {
			n = len(z)
		} else {
			for _, v := range z {
				if v >= lo && v <= hi {
					n++
				}
			}
		}
		if len(z) > 0 {
			observed[k] = float64(n) / float64(len(z))
		}
	}
	return expected, observed
}

// ENCE is the expected normalised calibration error of Levi et al. (2019,
// "Evaluating and calibrating uncertainty prediction in regression tasks"):
// observations are sorted by std (ties by position) and split into nBins
// bins of equal count (sizes differ by at most one, the larger first, as
// numpy.array_split); per bin RMV = sqrt(mean std²) and
// RMSE = sqrt(mean (y − mean)²); ENCE = (1/nBins) Σ |RMV − RMSE| / RMV.
// 0 is perfect. nBins must be between 1 and len(yTrue); a bin whose RMV is
// zero is ErrStd.
func ENCE(yTrue, mean, std []float64, nBins int) (float64, error) {
	if _, err := uncInput("ENCE", yTrue, mean, std, false); err != nil {
		return 0, err
	}
	n := len(yTrue)
	if nBins < 1 || nBins > n {
		return 0, inputErr("ENCE", "nBins", -1, ErrParam, fmt.Sprintf("%d bins for %d observations", nBins, n))
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return std[order[a]] < std[order[b]] })
	size, extra := n/nBins, n%nBins
	var ence float64
	start := 0
	for b := range nBins {
		end := start + size
		if b < extra {
			end++
		}
		var v, e float64
		for _, i := range order[start:end] {
			v += std[i] * std[i]
			d := yTrue[i] - mean[i]
			e += d * d
		}
		m := float64(end - start)
		rmv, rmse := math.Sqrt(v/m), math.Sqrt(e/m)
		if rmv == 0 {
			return 0, inputErr("ENCE", "std", -1, ErrStd, fmt.Sprintf("bin %d has zero variance", b))
		}
		ence += math.Abs(rmv-rmse) / rmv
		start = end
	}
	return ence / float64(nBins), nil
}

// GaussianNLL is the weighted mean negative log-likelihood of yTrue under
// independent normals N(mean, std²):
// 0.5·log(2π·std²) + (y − mean)²/(2·std²), as
// −numpy.average(scipy.stats.norm.logpdf(y, mean, std), weights=w).
// std must be positive.
func GaussianNLL(yTrue, mean, std, w []float64) (float64, error) {
	c, err := uncInput("GaussianNLL", yTrue, mean, std, true)
	if err != nil {
		return 0, err
	}
	if w, err = c.weights(w); err != nil {
		return 0, err
	}
	var s, sw float64
	for i, y := range yTrue {
		d := (y - mean[i]) / std[i]
		s += wt(w, i) * (0.5*math.Log(2*math.Pi) + math.Log(std[i]) + 0.5*d*d)
		sw += wt(w, i)
	}
	return s / sw, nil
}

// Coverage is the weighted fraction of observations inside mean ± z·std
// (bounds included). With z = Z95 a calibrated Gaussian model covers 0.95.
func Coverage(yTrue, mean, std, w []float64, z float64) (float64, error) {
	c, err := uncInput("Coverage", yTrue, mean, std, false)
	if err != nil {
		return 0, err
	}
	if w, err = c.weights(w); err != nil {
		return 0, err
	}
	if !(z > 0) || math.IsInf(z, 0) {
		return 0, inputErr("Coverage", "z", -1, ErrParam, fmt.Sprintf("z = %g", z))
	}
	var in, sw float64
	for i, y := range yTrue {
		if math.Abs(y-mean[i]) <= z*std[i] {
			in += wt(w, i)
		}
		sw += wt(w, i)
	}
	return in / sw, nil
}
