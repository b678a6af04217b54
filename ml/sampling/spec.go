package sampling

import (
	"fmt"
	"strconv"
	"strings"
)

// Default is the product's default selection: the spec used when a user
// does not choose, and what the simulator runs for the name "default".
// It was chosen with the simulator on ESOL and BBBP (see
// docs/simulation/README in the repository).
const Default = "uncertainty"

// DefaultName is the alias ParseSpec resolves to Default.
const DefaultName = "default"

// Spec is a strategy together with the batch mode, written as
// "name" or "name+diverse" or "name+diverse=0.6" (a Tanimoto threshold).
type Spec struct {
	Strategy  string  // one of Names
	Diverse   bool    // diversity-aware batch mode
	Threshold float64 // its threshold; 0 means DefaultDiversityThreshold
}

// ParseSpec parses a spec string; "default" means Default. An unknown
// strategy is an *UnknownStrategyError.
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	if s == DefaultName {
		s = Default
	}
	name, mode, hasMode := strings.Cut(s, "+")
	sp := Spec{Strategy: name}
	if hasMode {
		key, val, hasVal := strings.Cut(mode, "=")
		if key != "diverse" {
			return Spec{}, optionErr("spec %q: unknown batch mode %q (valid: diverse, diverse=THRESHOLD)", s, key)
		}
		sp.Diverse = true
		if hasVal {
			th, err := strconv.ParseFloat(val, 64)
			if err != nil || !(th > 0 && th <= 1) {
				return Spec{}, optionErr("spec %q: threshold %q must be a number in (0, 1]", s, val)
			}
			sp.Threshold = th
		}
	}
	if !isName(sp.Strategy) {
		return Spec{}, &UnknownStrategyError{Name: sp.Strategy, Valid: append(append([]string(nil), Names...), DefaultName)}
	}
	return sp, nil
}

// String formats the spec so that ParseSpec reads it back.
func (s Spec) String() string {
	switch {
	case !s.Diverse:
		return s.Strategy
	case s.Threshold == 0:
		return s.Strategy + "+diverse"
	default:
		return fmt.Sprintf("%s+diverse=%g", s.Strategy, s.Threshold)
	}
}

// Apply sets the spec's strategy and batch mode on opt; fingerprints are
// needed when the spec is diverse (one per candidate).
func (s Spec) Apply(opt *Options, fingerprints [][]uint64) {
	opt.Strategy = s.Strategy
	opt.Diversity = nil
	if s.Diverse {
		opt.Diversity = &Diversity{Fingerprints: fingerprints, Threshold: s.Threshold}
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
