package main

import (
	"slices"
	"testing"
)

// TestParseCuts: --bins takes strictly ascending finite cut-offs.
func TestParseCuts(t *testing.T) {
	t.Parallel()
	if got, err := parseCuts(" -4, -2 "); err != nil || !slices.Equal(got, []float64{-4, -2}) {
		t.Errorf("parseCuts(-4,-2) = %v, %v", got, err)
	}
	if got, err := parseCuts(""); err != nil || got != nil {
		t.Errorf("parseCuts('') = %v, %v; want none", got, err)
	}
	for _, bad := range []string{"-2,-4", "1,1", "a", "NaN", "-4,,-2", "Inf"} {
		if _, err := parseCuts(bad); err == nil {
			t.Errorf("parseCuts(%q): no error", bad)
		}
	}
}

// TestSplitClasses: --classes names, trimmed; none when empty.
func TestSplitClasses(t *testing.T) {
	t.Parallel()
	if got := splitClasses(" low, medium ,high"); !slices.Equal(got, []string{"low", "medium", "high"}) {
		t.Errorf("splitClasses = %q", got)
	}
	if got := splitClasses("  "); got != nil {
		t.Errorf("splitClasses(blank) = %q, want nil", got)
	}
}
