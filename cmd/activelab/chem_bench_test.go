package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkChemDescribe measures the whole describe pipeline (parse,
// canonical SMILES, descriptors, Morgan, JSON) over esol.csv.
func BenchmarkChemDescribe(b *testing.B) {
	esol, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "data", "esol.csv"))
	if err != nil {
		b.Skipf("SKIPPED: %v; this benchmark needs shared/data beside the repository", err)
	}
	n := strings.Count(string(esol), "\n") - 1
	b.Run("workers=1", func(b *testing.B) { benchmarkChemDescribe(b, string(esol), n, "1") })
	b.Run("workers=2", func(b *testing.B) { benchmarkChemDescribe(b, string(esol), n, "2") })
}

func benchmarkChemDescribe(b *testing.B, input string, n int, workers string) {
	b.ReportAllocs()
	mols := 0
	for b.Loop() {
		err := runChemDescribe(context.Background(), []string{"--csv", "--workers", workers}, strings.NewReader(input), io.Discard, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		mols += n
	}
	b.ReportMetric(float64(mols)/b.Elapsed().Seconds(), "mol/s")
}
