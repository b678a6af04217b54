package sampling

import (
	"fmt"
	"strconv"
	"strings"
)

// Mix is the fixed half-and-half batch, ParseSpec's "mix": the product's
// default until issue 16 (now the adaptive strategy of
// activelearning/selfcheck, which plays Mix's exploit half with an explore
// share chosen per model; Mix is its arm 0.5), and what the simulator's
// tables before then call "default".
//
// Half of each batch is the medoids of clusters of the most uncertain
// compounds (the 20·k best by ensemble spread, grouped by Tanimoto
// k-medoids, for k = half the batch), and half is drawn at random from the
// rest. Chosen with `activelab simulate` (docs/simulation/README.md): with
// the forest+linear model plain uncertainty loses to random on ESOL's area
// under the learning curve (the spread is largest on unusual molecules);
// over seeds 0-19 this mix was level with random on ESOL's area (slightly
// better) and better on BBBP's, and on held-out seeds 20-29 better on both.
// The gains are small, as published studies find for in-distribution data.
const Mix = "uncertainty+cluster=20+explore=0.5"

// MixName is the alias ParseSpec resolves to Mix.
const MixName = "mix"

// Spec is a strategy together with its batch modes, written as the
// strategy name followed by optional modes in this order: one of
// "+diverse" or "+diverse=T" (diversity, Tanimoto threshold T) and
// "+cluster" or "+cluster=B" (clustered batches of the B·k best) and
// "+softrank" or "+softrank=P" (a draw with probability ∝ rank^−P), then
// "+explore=F" (a fraction F of the batch picked at random), e.g.
// "uncertainty", "hybrid+diverse", "uncertainty+diverse=0.6+explore=0.2",
// "uncertainty+cluster=5", "uncertainty+softrank=2".
type Spec struct {
	Strategy  string  // one of Names
	Diverse   bool    // diversity-aware batch mode
	Threshold float64 // its threshold; 0 means DefaultDiversityThreshold
	Cluster   bool    // clustered batch mode
	Beta      float64 // its candidates per batch slot; 0 means DefaultClusterBeta
	Softrank  bool    // stochastic batch mode
	Power     float64 // its exponent; 0 means DefaultSoftrankPower
	Explore   float64 // fraction of the batch picked at random, in [0, 1)
}

// BatchMode names the spec's batch mode: "diverse", "cluster", "softrank"
// or "" (plain top-k).
func (s Spec) BatchMode() string {
	switch {
	case s.Diverse:
		return "diverse"
	case s.Cluster:
		return "cluster"
	case s.Softrank:
		return "softrank"
	}
	return ""
}

// WithDiversity returns the spec with the diversity batch mode at
// threshold in place of its batch mode, if any (the strategy and the
// explore fraction are kept).
func (s Spec) WithDiversity(threshold float64) Spec {
	return Spec{Strategy: s.Strategy, Diverse: true, Threshold: threshold, Explore: s.Explore}
}

// NeedsFingerprints reports whether Apply needs the candidates'
// fingerprints (the diversity and cluster modes compare them).
func (s Spec) NeedsFingerprints() bool { return s.Diverse || s.Cluster }

// ParseSpec parses a spec string; "mix" means Mix. An unknown strategy is
// an *UnknownStrategyError. "default" is not a spec: the product's default
// is chosen per model (activelearning/selfcheck.Default).
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	if s == MixName {
		s = Mix
	}
	parts := strings.Split(s, "+")
	sp := Spec{Strategy: parts[0]}
	next := 0 // modes must come in order: diverse, cluster or softrank, then explore
	for _, mode := range parts[1:] {
		key, val, hasVal := strings.Cut(mode, "=")
		switch {
		case key == "diverse" && next == 0:
			sp.Diverse = true
			next = 1
			if hasVal {
				th, err := strconv.ParseFloat(val, 64)
				if err != nil || !(th > 0 && th <= 1) {
					return Spec{}, optionErr("spec %q: threshold %q must be a number in (0, 1]", s, val)
				}
				sp.Threshold = th
			}
		case key == "cluster" && next == 0:
			sp.Cluster = true
			next = 1
			if hasVal {
				b, err := strconv.ParseFloat(val, 64)
				if err != nil || !(b >= 1 && b <= 1000) {
					return Spec{}, optionErr("spec %q: cluster beta %q must be a number in [1, 1000]", s, val)
				}
				sp.Beta = b
			}
		case key == "softrank" && next == 0:
			sp.Softrank = true
			next = 1
			if hasVal {
				p, err := strconv.ParseFloat(val, 64)
				if err != nil || !(p > 0 && p <= 100) {
					return Spec{}, optionErr("spec %q: softrank exponent %q must be a number in (0, 100]", s, val)
				}
				sp.Power = p
			}
		case key == "explore" && next <= 1 && hasVal:
			next = 2
			f, err := strconv.ParseFloat(val, 64)
			if err != nil || !(f > 0 && f < 1) {
				return Spec{}, optionErr("spec %q: explore fraction %q must be a number in (0, 1)", s, val)
			}
			sp.Explore = f
		default:
			return Spec{}, optionErr("spec %q: unexpected batch mode %q (valid, in this order: diverse, diverse=T, cluster, cluster=B, softrank or softrank=P; then explore=F)", s, mode)
		}
	}
	if !isName(sp.Strategy) {
		return Spec{}, &UnknownStrategyError{Name: sp.Strategy, Valid: append(append([]string(nil), Names...), MixName)}
	}
	return sp, nil
}

// String formats the spec so that ParseSpec reads it back.
func (s Spec) String() string {
	out := s.Strategy
	switch {
	case s.Diverse && s.Threshold == 0:
		out += "+diverse"
	case s.Diverse:
		out += fmt.Sprintf("+diverse=%g", s.Threshold)
	case s.Cluster && s.Beta == 0:
		out += "+cluster"
	case s.Cluster:
		out += fmt.Sprintf("+cluster=%g", s.Beta)
	case s.Softrank && s.Power == 0:
		out += "+softrank"
	case s.Softrank:
		out += fmt.Sprintf("+softrank=%g", s.Power)
	}
	if s.Explore > 0 {
		out += fmt.Sprintf("+explore=%g", s.Explore)
	}
	return out
}

// Apply sets the spec's strategy and batch mode on opt; fingerprints are
// needed when NeedsFingerprints (one per candidate).
func (s Spec) Apply(opt *Options, fingerprints [][]uint64) {
	opt.Strategy = s.Strategy
	opt.Explore = s.Explore
	opt.Diversity, opt.Cluster, opt.Softrank = nil, nil, nil
	if s.Diverse {
		opt.Diversity = &Diversity{Fingerprints: fingerprints, Threshold: s.Threshold}
	}
	if s.Cluster {
		opt.Cluster = &Cluster{Fingerprints: fingerprints, Beta: s.Beta}
	}
	if s.Softrank {
		opt.Softrank = &Softrank{Power: s.Power}
	}
}

func isName(s string) bool {
	for _, n := range Names {
		if n == s {
			return true
		}
	}
	return false
}
