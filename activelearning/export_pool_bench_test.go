package activelearning_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/altest"
	"activelab/activelearning/ingest"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// Pool sizes of BenchmarkExportPool.
const (
	exportPoolSmall = 1_000
	exportPoolLarge = 10_000
)

// BenchmarkExportPool measures ExportPool on SQLite: read, score (an
// 8-member forest+linear ensemble trained on 160 ESOL compounds), find the
// latest measurement and write every compound of an n-compound pool (ESOL
// plus chains of 12 C/N/O atoms, seed 7), as CSV and as SDF, to io.Discard.
func BenchmarkExportPool(b *testing.B) {
	for _, n := range []int{exportPoolSmall, exportPoolLarge} {
		benchmarkExportPool(b, n)
	}
}

func benchmarkExportPool(b *testing.B, n int) {
	ctx := b.Context()
	st := storetest.OpenSQLite(b)
	rec := &jobs.Recorder{}
	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	svc.SetJobs(rec)
	admin := storetest.User(ctx, b, st, &store.User{Role: store.RoleAdmin})
	train := activelearning.ImportInput{SetName: "train", Endpoint: "logS"}
	for i, r := range altest.ESOL160() {
		v := r.Value
		train.Rows = append(train.Rows, ingest.Row{Line: i + 1, SMILES: r.SMILES, Name: r.Name, Value: &v})
	}
	rep, err := svc.ImportCompounds(ctx, admin, train)
	if err != nil {
		b.Fatal(err)
	}
	pool := activelearning.ImportInput{SetName: "pool"}
	rng, seen := rand.New(rand.NewPCG(7, 7)), map[string]bool{}
	for len(pool.Rows)+rep.Created < n {
		s := []byte("C")
		for range 11 {
			s = append(s, "CCCNO"[rng.IntN(5)])
		}
		if seen[string(s)] {
			continue
		}
		seen[string(s)] = true
		pool.Rows = append(pool.Rows, ingest.Row{Line: len(pool.Rows) + 1, SMILES: string(s)})
	}
	if _, err := svc.ImportCompounds(ctx, admin, pool); err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateModel(ctx, admin, activelearning.CreateModelInput{Name: "bench", Endpoint: "logS", Task: store.TaskRegression,
		Members: 8, TrainingSetID: rep.SetID, Split: activelearning.SplitInput{Kind: "random", Fraction: 0.2, Seed: 7}}); err != nil {
		b.Fatal(err)
	}
	if err := rec.Run(ctx, svc); err != nil {
		b.Fatal(err)
	}
	total, err := st.CountCompounds(ctx, store.CompoundFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []activelearning.PoolFormat{activelearning.PoolCSV, activelearning.PoolSDF} {
		b.Run(fmt.Sprintf("n=%d/%s", n, f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := svc.ExportPool(ctx, admin, activelearning.PoolExport{Model: "bench", Format: f}, io.Discard)
				if err != nil || got != total {
					b.Fatalf("exported %d of %d: %v", got, total, err)
				}
			}
			b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "compounds/s")
		})
	}
}
