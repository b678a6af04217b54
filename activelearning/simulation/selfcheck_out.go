package simulation

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"activelab/activelearning/selfcheck"
)

// DiagnosticsCSV is the file of per-cycle diagnostics and goal-directed
// figures written by WriteFiles.
const DiagnosticsCSV = "diagnostics.csv"

// SelfCheckSummary averages one strategy's batch diagnostics over every
// cycle and seed (each mean over the batches where it was measurable,
// with their number).
type SelfCheckSummary struct {
	Batches int `json:"batches"`
	// Hardness: mean exploit/explore error ratio, and in how many of the
	// HardnessN batches it was above 1.
	Hardness       *float64 `json:"hardness"`
	HardnessN      int      `json:"hardness_n"`
	HardnessAbove1 int      `json:"hardness_above_1"`
	// Rho: mean Spearman(|error|, std) on the new labels.
	Rho  *float64 `json:"rho"`
	RhoN int      `json:"rho_n"`
	// Coverage: labels inside their interval over labels with one, pooled.
	Coverage  *float64 `json:"coverage"`
	CoverageN int      `json:"coverage_n"`
	Level     float64  `json:"level,omitempty"`
	// Gains per label (validation metric improvement, positive better),
	// mean over the GainN ablated batches.
	GainPerExploitLabel *float64 `json:"gain_per_exploit_label"`
	GainPerExploreLabel *float64 `json:"gain_per_explore_label"`
	GainN               int      `json:"gain_n"`
	// MeanShare is the mean explore share of the batches; Shares counts
	// the batches per share (the adaptive policy's choices).
	MeanShare float64        `json:"mean_share"`
	Shares    map[string]int `json:"shares"`
}

type meanAcc struct {
	sum float64
	n   int
}

func (a *meanAcc) add(v *float64) {
	if v != nil && !math.IsNaN(*v) {
		a.sum += *v
		a.n++
	}
}

func (a *meanAcc) mean() *float64 {
	if a.n == 0 {
		return nil
	}
	m := a.sum / float64(a.n)
	return &m
}

// selfCheckSummary condenses the diagnostics of one strategy's points.
func selfCheckSummary(c [][]Point) *SelfCheckSummary {
	s := &SelfCheckSummary{Shares: map[string]int{}}
	var h, rho, ge, gx, share meanAcc
	inside := 0.0
	for _, seed := range c {
		for _, p := range seed {
			d := p.Diag
			if d == nil {
				continue
			}
			s.Batches++
			h.add(d.Hardness)
			if d.Hardness != nil && *d.Hardness > 1 {
				s.HardnessAbove1++
			}
			rho.add(d.Rho)
			if d.Coverage != nil {
				inside += *d.Coverage * float64(d.CoverageN)
				s.CoverageN += d.CoverageN
				s.Level = d.Level
			}
			if d.GainPerExploitLabel != nil && d.GainPerExploreLabel != nil {
				ge.add(d.GainPerExploitLabel)
				gx.add(d.GainPerExploreLabel)
			}
			sh := p.Share
			share.add(&sh)
			s.Shares[strconv.FormatFloat(p.Share, 'g', -1, 64)]++
		}
	}
	if s.Batches == 0 {
		return nil
	}
	s.Hardness, s.HardnessN = h.mean(), h.n
	s.Rho, s.RhoN = rho.mean(), rho.n
	if s.CoverageN > 0 {
		v := inside / float64(s.CoverageN)
		s.Coverage = &v
	}
	s.GainPerExploitLabel, s.GainPerExploreLabel, s.GainN = ge.mean(), gx.mean(), ge.n
	if m := share.mean(); m != nil {
		s.MeanShare = *m
	}
	return s
}

// topFoundCurve is the mean over seeds of TopFound per cycle; nil for
// classification.
func topFoundCurve(c [][]Point) []float64 {
	if len(c) == 0 || math.IsNaN(c[0][0].TopFound) {
		return nil
	}
	out := make([]float64, len(c[0]))
	for j := range out {
		vals := make([]float64, len(c))
		for i, s := range c {
			vals[i] = s[j].TopFound
		}
		out[j], _ = meanSD(vals)
	}
	return out
}

// WriteDiagnosticsCSV writes diagnostics.csv: per strategy, seed and
// cycle, the labels so far, the fraction of the pool's top 5 % found, and
// for the batch that cycle's model picked its explore share and
// diagnostics (empty where not measurable, and at the last cycle) with the
// sentence.
func (r *Result) WriteDiagnosticsCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"strategy", "seed", "cycle", "labels", "top5_found", "share", "exploit", "explore",
		"hardness", "rho", "coverage", "gain_per_exploit_label", "gain_per_explore_label", "sentence"}); err != nil {
		return err
	}
	num := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', 6, 64)
	}
	opt := func(v *float64) string {
		if v == nil {
			return ""
		}
		return num(*v)
	}
	for _, p := range r.Points {
		rec := []string{p.Strategy, strconv.Itoa(p.Seed), strconv.Itoa(p.Cycle), strconv.Itoa(p.Labels), num(p.TopFound), num(p.Share)}
		d := p.Diag
		if d == nil {
			d = &selfcheck.Diagnostics{}
			rec = append(rec, "", "")
		} else {
			rec = append(rec, strconv.Itoa(d.Exploit), strconv.Itoa(d.Explore))
		}
		rec = append(rec, opt(d.Hardness), opt(d.Rho), opt(d.Coverage), opt(d.GainPerExploitLabel), opt(d.GainPerExploreLabel), d.Sentence)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
