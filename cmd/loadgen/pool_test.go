package main

import (
	"strings"
	"testing"

	"activelab/chem"
)

// TestPoolCSV: the generated pool is n distinct molecules that parse.
func TestPoolCSV(t *testing.T) {
	const n = 6000
	lines := strings.Split(strings.TrimSpace(poolCSV(n)), "\n")[1:]
	if len(lines) != n {
		t.Fatalf("%d rows, want %d", len(lines), n)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		smi, _, _ := strings.Cut(l, ",")
		m, err := chem.Parse(smi)
		if err != nil {
			t.Fatalf("%s: %v", smi, err)
		}
		c := chem.CanonicalSMILES(m)
		if seen[c] {
			t.Errorf("%s duplicates %s", smi, c)
		}
		seen[c] = true
	}
}
