package simulation

import (
	"activelab/features"
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// StrategySummary condenses one strategy's learning curves (primary metric:
// RMSE for regression, ROC-AUC for classification).
type StrategySummary struct {
	Name string `json:"name"`
	// Final is the mean over seeds of the last cycle's primary metric, and
	// FinalSD its standard deviation over seeds (n−1 divisor).
	Final   float64 `json:"final"`
	FinalSD float64 `json:"final_sd"`
	// FinalLabels is the number of labels of the last cycle.
	FinalLabels int `json:"final_labels"`
	// Area is the area under the learning curve, normalised as the mean of
	// the primary metric over cycles 0..Cycles (and over seeds); AreaSD is
	// the standard deviation over seeds of each seed's area.
	Area   float64 `json:"area"`
	AreaSD float64 `json:"area_sd"`
	// LabelsToRandomFinal is the fewest labels at which this strategy's
	// seed-mean curve reaches random's final seed-mean value (at or below
	// for RMSE, at or above for ROC-AUC); null when it never does, or when
	// random was not simulated.
	LabelsToRandomFinal *int `json:"labels_to_random_final"`
	// FinalMetrics and AreaMetrics give every metric of curves.csv, seed
	// means (NaN values, such as an undefined Spearman, left out).
	FinalMetrics map[string]float64 `json:"final_metrics"`
	AreaMetrics  map[string]float64 `json:"area_metrics"`
	// FinalQuality gives the seed means of ExtraMetricNames for the final
	// models (uncertainty quality for regression, calibration for
	// classification).
	FinalQuality map[string]float64 `json:"final_quality"`
	// VsRandom compares the strategy with random seed by seed (same
	// initial labels and ensemble seeds); null for random itself or when
	// random was not simulated.
	VsRandom *PairedComparison `json:"vs_random"`
	// TopFound is goal-directed use: the seed mean, after each cycle, of
	// the fraction of the pool's top 5 % (highest values) labeled;
	// regression only.
	TopFound []float64 `json:"top5_found,omitempty"`
	// SelfCheck averages the diagnostics of the strategy's batches.
	SelfCheck *SelfCheckSummary `json:"self_check,omitempty"`
	// Intervals follows the calibrated prediction intervals on the
	// validation set cycle by cycle (regression with calibrated models).
	Intervals *IntervalSummary `json:"intervals,omitempty"`
}

// IntervalSummary is the calibrated intervals' quality on the validation
// set after each cycle, seed means: coverage (fraction of validation rows
// inside their interval), mean width, and the width of the constant
// interval that covers as many rows on the same model (an oracle fitted
// on the validation rows: adaptive intervals should be narrower). The
// target is coverage within TargetBand of Level at every cycle from
// FirstChecked on.
type IntervalSummary struct {
	Level         float64  `json:"level"`
	Coverage      []Number `json:"coverage"`
	Width         []Number `json:"width"`
	ConstantWidth []Number `json:"constant_width"`
	// FirstChecked is the first cycle the band applies to (the models
	// of cycles 0-2 train on the fewest labels).
	FirstChecked int     `json:"first_checked"`
	TargetBand   float64 `json:"target_band"`
	// CoverageMin and CoverageMax bound Coverage from FirstChecked on;
	// CyclesInBand counts those cycles inside Level ± TargetBand, of
	// CyclesChecked.
	CoverageMin   Number `json:"coverage_min"`
	CoverageMax   Number `json:"coverage_max"`
	CyclesInBand  int    `json:"cycles_in_band"`
	CyclesChecked int    `json:"cycles_checked"`
	// CyclesNarrower counts the checked cycles whose mean width is below
	// the constant interval's.
	CyclesNarrower int `json:"cycles_narrower"`
}

// Number is a float64 written to JSON as null when it is undefined (NaN
// or infinite) and read back from null as NaN.
type Number float64

// MarshalJSON implements json.Marshaler.
func (n Number) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(n))
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Number(math.NaN())
		return nil
	}
	return json.Unmarshal(b, (*float64)(n))
}

// Interval targets (issue 16): 90 % intervals cover 88-92 % at every
// cycle after the first three.
const (
	intervalFirstChecked = 3
	intervalBand         = 0.02
)

// intervalSummary condenses the interval metrics of curves c (grouped
// [seed][cycle]); nil for classification or when no model was calibrated.
func intervalSummary(c [][]Point, level float64) *IntervalSummary {
	if len(c) == 0 || len(c[0]) == 0 || len(c[0][0].Extra) <= extraConstantWidth {
		return nil
	}
	if level == 0 {
		level = 0.9
	}
	is := &IntervalSummary{Level: level, FirstChecked: intervalFirstChecked, TargetBand: intervalBand}
	lo, hi := math.Inf(1), math.Inf(-1)
	any := false
	for j := range c[0] {
		col := func(k int) float64 {
			vals := make([]float64, 0, len(c))
			for _, seed := range c {
				if j < len(seed) {
					vals = append(vals, seed[j].Extra[k])
				}
			}
			m, _ := meanSD(vals)
			return m
		}
		cov, w, cw := col(extraIntervalCoverage), col(extraIntervalWidth), col(extraConstantWidth)
		is.Coverage = append(is.Coverage, Number(cov))
		is.Width = append(is.Width, Number(w))
		is.ConstantWidth = append(is.ConstantWidth, Number(cw))
		if math.IsNaN(cov) {
			continue
		}
		any = true
		if j < intervalFirstChecked {
			continue
		}
		is.CyclesChecked++
		lo, hi = min(lo, cov), max(hi, cov)
		if math.Abs(cov-level) <= intervalBand+1e-12 {
			is.CyclesInBand++
		}
		if w < cw {
			is.CyclesNarrower++
		}
	}
	if !any {
		return nil
	}
	is.CoverageMin, is.CoverageMax = Number(lo), Number(hi) // ±Inf (null) when no cycle was checked
	return is
}

// PairedComparison is a strategy's primary metric minus random's on the
// same seed, for the area and the final value: the mean difference over
// seeds (negative is better for RMSE, positive for ROC-AUC), the standard
// error of the mean area difference (sample sd / √seeds; 0 for one seed),
// and on how many of the seeds the strategy was strictly better. A mean
// difference within about two standard errors of 0 is a tie.
type PairedComparison struct {
	AreaDifference   float64 `json:"area_difference"`
	AreaDifferenceSE float64 `json:"area_difference_se"`
	FinalDifference  float64 `json:"final_difference"`
	SeedsBetterArea  int     `json:"seeds_better_area"`
	Seeds            int     `json:"seeds"`
}

// Summary is summary.json.
type Summary struct {
	Task           string            `json:"task"`
	PrimaryMetric  string            `json:"primary_metric"`
	HigherIsBetter bool              `json:"higher_is_better"`
	Rows           int               `json:"rows"`
	Validation     int               `json:"validation_rows"`
	Pool           int               `json:"pool_rows"`
	Protocol       map[string]any    `json:"protocol"`
	RandomFinal    *float64          `json:"random_final"`
	Strategies     []StrategySummary `json:"strategies"`
}

// curve is one strategy's points grouped [seed][cycle].
func (r *Result) curve(name string) [][]Point {
	var out [][]Point
	idx := map[int]int{}
	for _, p := range r.Points {
		if p.Strategy != name {
			continue
		}
		i, ok := idx[p.Seed]
		if !ok {
			i = len(out)
			idx[p.Seed] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], p)
	}
	return out
}

// meanCurve returns, per cycle, the mean and sd over seeds of metric k,
// and the label counts.
func meanCurve(c [][]Point, k int) (mean, sd []float64, labels []int) {
	if len(c) == 0 {
		return nil, nil, nil
	}
	cycles := len(c[0])
	for j := range cycles {
		vals := make([]float64, 0, len(c))
		for _, s := range c {
			vals = append(vals, s[j].Metrics[k])
		}
		m, d := meanSD(vals)
		mean = append(mean, m)
		sd = append(sd, d)
		labels = append(labels, c[0][j].Labels)
	}
	return mean, sd, labels
}

// meanSD is the mean and sample standard deviation of the non-NaN values
// (NaN when there are none; sd 0 for a single value).
func meanSD(x []float64) (mean, sd float64) {
	var n, s float64
	for _, v := range x {
		if !math.IsNaN(v) {
			n++
			s += v
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean = s / n
	if n < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		if !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	return mean, math.Sqrt(ss / (n - 1))
}

// Summarize computes summary.json's content.
func (r *Result) Summarize(rows int) Summary {
	cfg := r.Config
	names := cfg.MetricNames()
	hib := HigherIsBetter(cfg.Task)
	s := Summary{
		Task: cfg.Task.String(), PrimaryMetric: names[0], HigherIsBetter: hib,
		Rows: rows, Validation: r.Validation, Pool: r.Pool,
		Protocol: map[string]any{
			"batch": cfg.Batch, "cycles": cfg.Cycles, "seeds": cfg.Seeds, "first_seed": cfg.FirstSeed,
			"initial": cfg.Initial, "validation": cfg.Validation, "split_seed": cfg.SplitSeed,
			"ensemble": cfg.Model.Members, "learner": cfg.Model.Learner.String(),
			"fingerprint": "morgan r=2 2048 bits", "descriptors": len(features.DenseNames),
			"split": splitName(cfg.Split), "familiar_pool_rows": r.Familiar, "ablation": cfg.Ablation,
		},
	}
	if len(cfg.Classes) > 0 {
		s.Protocol["classes"] = cfg.Classes
	}
	for _, name := range cfg.Strategies {
		if name == "random" {
			m, _, _ := meanCurve(r.curve(name), 0)
			if len(m) > 0 {
				v := m[len(m)-1]
				s.RandomFinal = &v
			}
		}
	}
	random := r.curve("random")
	for _, name := range cfg.Strategies {
		c := r.curve(name)
		if len(c) == 0 {
			continue
		}
		ss := StrategySummary{Name: name, FinalMetrics: map[string]float64{}, AreaMetrics: map[string]float64{}, FinalQuality: map[string]float64{}}
		for k, metric := range cfg.ExtraMetricNames() {
			vals := make([]float64, len(c))
			for i, seed := range c {
				vals[i] = seed[len(seed)-1].Extra[k]
			}
			if m, _ := meanSD(vals); !math.IsNaN(m) {
				ss.FinalQuality[metric] = m
			}
		}
		for k, metric := range names {
			mean, _, labels := meanCurve(c, k)
			last := len(mean) - 1
			finals := make([]float64, len(c))
			areas := make([]float64, len(c))
			for i, seed := range c {
				finals[i] = seed[last].Metrics[k]
				var vals []float64
				for _, p := range seed {
					vals = append(vals, p.Metrics[k])
				}
				areas[i], _ = meanSD(vals)
			}
			fm, fsd := meanSD(finals)
			am, asd := meanSD(areas)
			if !math.IsNaN(fm) {
				ss.FinalMetrics[metric] = fm
			}
			if !math.IsNaN(am) {
				ss.AreaMetrics[metric] = am
			}
			if k == 0 {
				ss.Final, ss.FinalSD, ss.Area, ss.AreaSD = fm, fsd, am, asd
				ss.FinalLabels = labels[last]
				if s.RandomFinal != nil {
					for j, v := range mean {
						if (hib && v >= *s.RandomFinal) || (!hib && v <= *s.RandomFinal) {
							l := labels[j]
							ss.LabelsToRandomFinal = &l
							break
						}
					}
				}
			}
		}
		if name != "random" && len(random) == len(c) {
			ss.VsRandom = paired(c, random, hib)
		}
		ss.TopFound = topFoundCurve(c)
		ss.SelfCheck = selfCheckSummary(c)
		ss.Intervals = intervalSummary(c, cfg.Level)
		s.Strategies = append(s.Strategies, ss)
	}
	return s
}

// paired compares curves c with random's, seed by seed (both grouped by
// seed in the same order, as Run produces them); seeds whose metric is
// undefined (NaN) are left out.
func paired(c, random [][]Point, higherIsBetter bool) *PairedComparison {
	area := func(seed []Point) float64 {
		m, _ := meanSD(primary(seed))
		return m
	}
	var da, df []float64
	pc := &PairedComparison{}
	for i := range c {
		a, ra := area(c[i]), area(random[i])
		f, rf := c[i][len(c[i])-1].Metrics[0], random[i][len(random[i])-1].Metrics[0]
		if math.IsNaN(a) || math.IsNaN(ra) || math.IsNaN(f) || math.IsNaN(rf) || c[i][0].Seed != random[i][0].Seed {
			continue
		}
		da, df = append(da, a-ra), append(df, f-rf)
		if (higherIsBetter && a > ra) || (!higherIsBetter && a < ra) {
			pc.SeedsBetterArea++
		}
	}
	pc.Seeds = len(da)
	var sd float64
	pc.AreaDifference, sd = meanSD(da)
	if pc.Seeds > 0 {
		pc.AreaDifferenceSE = sd / math.Sqrt(float64(pc.Seeds))
	}
	pc.FinalDifference, _ = meanSD(df)
	if pc.Seeds == 0 {
		return nil
	}
	return pc
}

// primary returns a seed's primary metric at every cycle.
func primary(seed []Point) []float64 {
	out := make([]float64, len(seed))
	for j, p := range seed {
		out[j] = p.Metrics[0]
	}
	return out
}

// WriteJSON writes the summary as summary.json (indented).
func (s Summary) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// WriteCSV writes curves.csv: strategy,seed,cycle,labels and the task's
// metrics (MetricNames), one row per (strategy, seed, cycle); an undefined
// metric is written as NaN.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := append([]string{"strategy", "seed", "cycle", "labels"}, r.Config.MetricNames()...)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, p := range r.Points {
		rec := []string{p.Strategy, strconv.Itoa(p.Seed), strconv.Itoa(p.Cycle), strconv.Itoa(p.Labels)}
		for _, v := range p.Metrics {
			rec = append(rec, strconv.FormatFloat(v, 'f', 6, 64))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func splitName(s string) string {
	if s == "" {
		return SplitRandom
	}
	return s
}
