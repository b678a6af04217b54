package chem

import (
	"fmt"
	"testing"
)

// BenchmarkParse parses every golden SMILES (3120 from ESOL and BBBP, or
// the 150-record subset without the shared data) once per iteration and
// reports molecules per second.
func BenchmarkParse(b *testing.B) {
	gs := loadGolden(b)
	smiles := make([]string, len(gs.Records))
	for i := range gs.Records {
		smiles[i] = gs.Records[i].Smiles
	}
	b.Run(fmt.Sprintf("n=%d", len(smiles)), func(b *testing.B) { benchmarkParse(b, smiles) })
}

func benchmarkParse(b *testing.B, smiles []string) {
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, s := range smiles {
			if _, err := Parse(s); err != nil {
				b.Fatalf("Parse(%q): %v", s, err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "mol/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/mol")
}
