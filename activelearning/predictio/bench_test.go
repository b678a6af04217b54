package predictio_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"activelab/activelearning/predictio"
	"activelab/store/storetest"
)

// Benchmark sizes: rows of a CSV scored and written.
const (
	benchRows20k = 20_000
	benchRows1M  = 1_000_000
)

// BenchmarkPredictCSV scores a CSV (ESOL's 1128 SMILES with an id column,
// cycled to n rows) with an 8-member model trained on 40 ESOL rows and
// writes the scored CSV to io.Discard: the whole of `activelab predict`
// but the files. rows/s is reported; peak memory is the test binary's
// maximum RSS (see the commit message for the command). The 1M size runs
// only with ACTIVELAB_BENCH_1M=1.
func BenchmarkPredictCSV(b *testing.B) {
	benchmarkPredictCSV(b, benchRows20k, predictio.CSV)
	if os.Getenv("ACTIVELAB_BENCH_1M") == "1" {
		benchmarkPredictCSV(b, benchRows1M, predictio.CSV)
	}
}

// BenchmarkPredictCSVToSDF is BenchmarkPredictCSV writing SDF: each row's
// structure is parsed again and written as a molfile (chem.MolBlock).
func BenchmarkPredictCSVToSDF(b *testing.B) {
	benchmarkPredictCSV(b, benchRows20k, predictio.SDF)
}

func benchmarkPredictCSV(b *testing.B, n int, out predictio.Format) {
	b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
		esol, err := os.ReadFile(filepath.Join("..", "..", "examples", "esol.csv"))
		if err != nil {
			b.Skipf("examples/esol.csv: %v", err)
		}
		var smiles []string
		for _, l := range strings.Split(string(esol), "\n")[1:] {
			if s, _, ok := strings.Cut(l, ","); ok && s != "" {
				smiles = append(smiles, s)
			}
		}
		var in bytes.Buffer
		in.WriteString("id,smiles\n")
		for i := range n {
			fmt.Fprintf(&in, "ID-%07d,%s\n", i, smiles[i%len(smiles)])
		}
		p := trained(b, storetest.OpenSQLite)
		b.ReportAllocs()
		cpu0 := cpuSeconds()
		b.ResetTimer()
		for b.Loop() {
			r, err := predictio.Open(bytes.NewReader(in.Bytes()), predictio.CSV, "")
			if err != nil {
				b.Fatal(err)
			}
			w, _ := predictio.NewWriter(io.Discard, out, r.Header())
			rows, failed, err := predictio.Run(b.Context(), p, r, w)
			if err != nil || rows != n || failed != 0 {
				b.Fatalf("%d rows, %d failed: %v", rows, failed, err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		// On a shared machine wall time hides the cost: rows per second of
		// the process's CPU time (user + system, all cores) does not.
		b.ReportMetric(float64(n)*float64(b.N)/(cpuSeconds()-cpu0), "rows/cpu-s")
	})
}

// cpuSeconds is the process's user + system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
