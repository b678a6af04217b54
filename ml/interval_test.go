package ml

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"activelab/ml/metrics"
)

// heldOutSplit returns a random 80/20 split of n rows for a seed.
func heldOutSplit(n int, seed uint64) (train, test []int) {
	perm := rand.New(rand.NewPCG(seed, 0xC0FFEE)).Perm(n)
	cut := n * 4 / 5
	train, test = slices.Clone(perm[:cut]), slices.Clone(perm[cut:])
	slices.Sort(train)
	slices.Sort(test)
	return train, test
}

// intervalRun is one seed's measurement of level intervals on held-out rows.
type intervalRun struct {
	coverage float64 // fraction of held-out rows inside their interval
	width    float64 // mean interval width
	// oracleWidth is the width of the narrowest constant-width interval
	// (mean ± c) with the same held-out coverage: 2 × the coverage-quantile
	// of |error| on the held-out rows themselves (an oracle: it sees the
	// answers).
	oracleWidth float64
	// constCoverage and constWidth are the plain (not normalised)
	// split-conformal interval: mean ± the same conformal quantile of the
	// out-of-bag |residuals|.
	constCoverage, constWidth float64
	// rho is Spearman(|error|, width) on the held-out rows.
	rho float64
}

// measureIntervals trains the default 32-member ensemble on a random 80 %
// of the rows (seed) and measures its level intervals on the other 20 %.
func measureIntervals(t testing.TB, X *Features, y []float64, seed uint64, level float64) intervalRun {
	t.Helper()
	ctx := context.Background()
	tr, te := heldOutSplit(X.Rows(), seed)
	Xt, yt := X.Subset(tr), pick(y, tr)
	Xv, yv := X.Subset(te), pick(y, te)
	e, err := TrainEnsemble(ctx, Xt, yt, nil, EnsembleConfig{Learner: DefaultLearner, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.PredictInterval(ctx, Xv, level)
	if err != nil {
		t.Fatal(err)
	}
	var r intervalRun
	absErr := make([]float64, len(yv))
	width := make([]float64, len(yv))
	for i, v := range yv {
		absErr[i] = math.Abs(v - p.Mean[i])
		width[i] = p.High[i] - p.Low[i]
		if p.Low[i] <= v && v <= p.High[i] {
			r.coverage++
		}
		r.width += width[i]
	}
	n := float64(len(yv))
	r.coverage /= n
	r.width /= n
	sorted := slices.Sorted(slices.Values(absErr))
	k := max(1, int(math.Ceil(r.coverage*n-1e-9)))
	r.oracleWidth = 2 * sorted[k-1]
	// Plain split conformal on the out-of-bag absolute residuals.
	oob, counts, err := e.OutOfBagPredict(ctx, Xt)
	if err != nil {
		t.Fatal(err)
	}
	var res []float64
	for i, c := range counts {
		if c >= minOOBMembers {
			res = append(res, math.Abs(yt[i]-oob.Mean[i]))
		}
	}
	slices.Sort(res)
	c := res[int(math.Ceil(float64(len(res)+1)*level-1e-9))-1]
	for _, a := range absErr {
		if a <= c {
			r.constCoverage++
		}
	}
	r.constCoverage /= n
	r.constWidth = 2 * c
	if r.rho, err = metrics.Spearman(absErr, width); err != nil {
		t.Fatal(err)
	}
	return r
}

// intervalSummary aggregates runs over seeds.
type intervalSummary struct {
	runs                            []intervalRun
	meanCov, minCov, maxCov         float64
	width, oracleWidth, constWidth  float64
	constCov, rho                   float64
	narrowerThanOracle, seedsWithin int
}

func summarise(runs []intervalRun) intervalSummary {
	s := intervalSummary{runs: runs, minCov: 1}
	for _, r := range runs {
		s.meanCov += r.coverage
		s.minCov = min(s.minCov, r.coverage)
		s.maxCov = max(s.maxCov, r.coverage)
		s.width += r.width
		s.oracleWidth += r.oracleWidth
		s.constWidth += r.constWidth
		s.constCov += r.constCoverage
		s.rho += r.rho
		if r.width < r.oracleWidth {
			s.narrowerThanOracle++
		}
	}
	n := float64(len(runs))
	s.meanCov /= n
	s.width /= n
	s.oracleWidth /= n
	s.constWidth /= n
	s.constCov /= n
	s.rho /= n
	return s
}

func (s intervalSummary) String() string {
	return fmt.Sprintf("%d seeds: coverage mean %.3f min %.3f max %.3f; mean width %.3f vs constant width of the same coverage %.3f (narrower on %d seeds); plain conformal (constant) coverage %.3f width %.3f; Spearman(|error|, width) %.3f",
		len(s.runs), s.meanCov, s.minCov, s.maxCov, s.width, s.oracleWidth, s.narrowerThanOracle, s.constCov, s.constWidth, s.rho)
}

// TestIntervalCoverageESOL: 90 % intervals of the default ensemble cover
// 88-92 % of held-out ESOL rows on average over 10 random 80/20 splits
// (87-93 % over the 4 splits run under the race detector), and are
// narrower on average than the constant-width interval with the same
// coverage. Each seed's coverage has a sampling error of about
// sqrt(0.09/226) = 2 points, so single seeds are held to a wider band.
// The figures (per seed and summary) are logged:
//
//	go test ./ml -run 'TestIntervalCoverageESOL|TestCalibratedProba' -v
func TestIntervalCoverageESOL(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 10 ensembles on ESOL")
	}
	t.Parallel()
	X, y := loadESOL(t)
	var runs []intervalRun
	for seed := range uint64(studySeeds) {
		r := measureIntervals(t, X, y, seed, 0.9)
		t.Logf("seed %d: %+v", seed, r)
		runs = append(runs, r)
	}
	s := summarise(runs)
	t.Log("ESOL 90 %: " + s.String())
	tol := 0.02
	if studySeeds < 10 {
		tol = 0.03
	}
	if math.Abs(s.meanCov-0.9) > tol {
		t.Errorf("mean coverage %.3f outside 0.90 ± %.2f", s.meanCov, tol)
	}
	for i, r := range runs {
		if r.coverage < 0.83 || r.coverage > 0.97 {
			t.Errorf("seed %d: coverage %.3f outside [0.83, 0.97]", i, r.coverage)
		}
	}
	if s.width >= s.oracleWidth {
		t.Errorf("mean width %.3f not narrower than the constant width %.3f of the same coverage", s.width, s.oracleWidth)
	}
	if s.rho <= 0.1 {
		t.Errorf("Spearman(|error|, width) %.3f: the widths do not follow the errors", s.rho)
	}
}

// probaRun is one seed's measurement of calibrated probabilities on
// held-out rows.
type probaRun struct{ rawECE, calECE, rawAUC, calAUC, rawLogLoss, calLogLoss float64 }

// measureProba trains the default ensemble on a random 80 % of a binary
// data set and scores raw and calibrated probabilities on the other 20 %.
func measureProba(t testing.TB, X *Features, y []float64, seed uint64) probaRun {
	t.Helper()
	ctx := context.Background()
	tr, te := heldOutSplit(X.Rows(), seed)
	e, err := TrainEnsemble(ctx, X.Subset(tr), pick(y, tr), nil, EnsembleConfig{Task: Classification, Learner: DefaultLearner, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.CalibratedProba(ctx, X.Subset(te))
	if err != nil {
		t.Fatal(err)
	}
	yv := pick(y, te)
	raw, err := metrics.ClassificationSummary(yv, p.Mean, nil)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := metrics.ClassificationSummary(yv, p.Proba, nil)
	if err != nil {
		t.Fatal(err)
	}
	return probaRun{raw["ece"], cal["ece"], raw["auc"], cal["auc"], raw["log_loss"], cal["log_loss"]}
}

// TestCalibratedProbaBBBP: on BBBP the default ensemble's raw
// probabilities are already well calibrated (held-out ECE about 0.045),
// and the isotonic map fitted on the out-of-bag probabilities does not
// improve them measurably: over random 80/20 splits its ECE stays within
// 0.01 of the raw one, and ranking quality is kept (ROC-AUC within 0.01:
// the map is monotone, only its flat steps tie rows).
func TestCalibratedProbaBBBP(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 6 ensembles on BBBP")
	}
	t.Parallel()
	X, y := loadBBBP(t)
	var s probaRun
	seeds := float64(max(2, studySeeds/2))
	for seed := range uint64(seeds) {
		r := measureProba(t, X, y, seed)
		t.Logf("seed %d: %+v", seed, r)
		s.rawECE += r.rawECE / seeds
		s.calECE += r.calECE / seeds
		s.rawAUC += r.rawAUC / seeds
		s.calAUC += r.calAUC / seeds
		s.rawLogLoss += r.rawLogLoss / seeds
		s.calLogLoss += r.calLogLoss / seeds
	}
	t.Logf("BBBP, %.0f seeds: ECE raw %.4f calibrated %.4f; ROC-AUC raw %.4f calibrated %.4f; log loss raw %.4f calibrated %.4f",
		seeds, s.rawECE, s.calECE, s.rawAUC, s.calAUC, s.rawLogLoss, s.calLogLoss)
	if s.calECE > s.rawECE+0.01 {
		t.Errorf("calibrated ECE %.4f worse than raw %.4f", s.calECE, s.rawECE)
	}
	if s.calAUC < s.rawAUC-0.01 {
		t.Errorf("calibration cost ROC-AUC: %.4f -> %.4f", s.rawAUC, s.calAUC)
	}
}

// TestCalibratedProbaFixesUnderconfidence: a heavily penalised logistic
// ensemble (L2 = 300) squeezes its probabilities towards the base rate;
// on held-out rows the isotonic map restores calibration (ECE at least
// halved) without changing the ranking much.
func TestCalibratedProbaFixesUnderconfidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := newSynthModel(defaultSynth(0, 11))
	X, yr := m.generate(1500, 3, 0.3)
	thr := medianOf(slices.Clone(yr))
	y := make([]float64, len(yr))
	for i, v := range yr {
		if v > thr {
			y[i] = 1
		}
	}
	tr, te := heldOutSplit(X.Rows(), 1)
	e, err := TrainEnsemble(ctx, X.Subset(tr), pick(y, tr), nil, EnsembleConfig{Task: Classification, Learner: Linear, L2: 300, Members: 16, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.CalibratedProba(ctx, X.Subset(te))
	if err != nil {
		t.Fatal(err)
	}
	yv := pick(y, te)
	raw, _ := metrics.ClassificationSummary(yv, p.Mean, nil)
	cal, _ := metrics.ClassificationSummary(yv, p.Proba, nil)
	t.Logf("ECE raw %.4f calibrated %.4f; ROC-AUC raw %.4f calibrated %.4f", raw["ece"], cal["ece"], raw["auc"], cal["auc"])
	if !(cal["ece"] <= raw["ece"]/2) {
		t.Errorf("ECE %.4f -> %.4f: not halved", raw["ece"], cal["ece"])
	}
	if cal["auc"] < raw["auc"]-0.02 {
		t.Errorf("ROC-AUC %.4f -> %.4f", raw["auc"], cal["auc"])
	}
}
