package activelearning_test

import (
	"fmt"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/altest"
	"activelab/activelearning/ingest"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// benchRefill is how many queue items a benchmark adds when its queue runs dry.
const benchRefill = 500

// BenchmarkClaimAndLabel measures one labeler's round trip on SQLite: claim
// the next item (with its event) and submit a label (item, measurement,
// cycle count and event in one transaction).
func BenchmarkClaimAndLabel(b *testing.B) {
	ctx := b.Context()
	st := storetest.OpenSQLite(b)
	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	user := storetest.User(ctx, b, st, nil)
	m := storetest.Model(ctx, b, st, &store.MLModel{Status: store.ModelActive})
	refill := func() {
		items := make([]*store.LabelQueueItem, benchRefill)
		for i := range items {
			c := storetest.Compound(ctx, b, st, nil)
			items[i] = &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty",
				SelectionBatch: 1, PriorityScore: float64(i)}
		}
		if err := st.CreateQueueItems(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
	refill()
	b.ReportAllocs()
	for b.Loop() {
		it, err := svc.ClaimNextItem(ctx, user, m.ID)
		if err != nil {
			b.Fatal(err)
		}
		if it == nil {
			b.StopTimer()
			refill()
			b.StartTimer()
			if it, err = svc.ClaimNextItem(ctx, user, m.ID); err != nil || it == nil {
				b.Fatal("claim after refill", err)
			}
		}
		if _, err := svc.SubmitLabel(ctx, user, activelearning.SubmitLabelInput{ItemID: it.ID, Value: 1.5}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPool measures the queries that read a whole pool, on SQLite with
// pools of 10k and 100k compounds: "preview" ranks the pool with a
// 32-member default model trained on 120 ESOL compounds and the default
// strategy, batch 25 (read the pool's stored features, score it,
// applicability distances, select); "similar" finds the 10 compounds most
// similar to one (every stored fingerprint). The pool is ESOL molecules
// behind alkyl prefixes with an alkoxy branch (rows whose prefix breaks a
// valence are rejected by the import and skipped, hence a few more rows are
// generated than needed).
func BenchmarkPool(b *testing.B) {
	for _, size := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("pool=%dk", size/1000), func(b *testing.B) { benchPool(b, size) })
	}
}

func benchPool(b *testing.B, size int) {
	ctx := b.Context()
	st := storetest.OpenSQLite(b)
	rec := &jobs.Recorder{}
	svc := activelearning.New(st, nil, activelearning.Config{InlineImportLimit: 2 * size}, nil)
	svc.SetJobs(rec)
	admin := storetest.User(ctx, b, st, &store.User{Role: store.RoleAdmin})
	data := altest.ESOL160()
	train := activelearning.ImportInput{SetName: "train", Endpoint: "logS"}
	for i, r := range data[:120] {
		v := r.Value
		train.Rows = append(train.Rows, ingest.Row{Line: i + 1, SMILES: r.SMILES, Value: &v})
	}
	trep, err := svc.ImportCompounds(ctx, admin, train)
	if err != nil {
		b.Fatal(err)
	}
	pool := activelearning.ImportInput{SetName: "pool"}
	for k := 0; len(pool.Rows) < size*3/2; k++ {
		prefix := strings.Repeat("C", k%40+1) + "C(O" + strings.Repeat("C", k/40+1) + ")"
		for _, r := range data {
			pool.Rows = append(pool.Rows, ingest.Row{Line: len(pool.Rows) + 1, SMILES: prefix + r.SMILES})
		}
	}
	prep, err := svc.ImportCompounds(ctx, admin, pool)
	if err != nil {
		b.Fatal(err)
	}
	if prep.Created < size {
		b.Fatalf("pool of %d compounds, want %d", prep.Created, size)
	}
	m, err := svc.CreateModel(ctx, admin, activelearning.CreateModelInput{Name: "bench", Endpoint: "logS", Task: store.TaskRegression,
		TrainingSetID: trep.SetID, Split: activelearning.SplitInput{Kind: "random", Fraction: 0.2, Seed: 1}})
	if err != nil {
		b.Fatal(err)
	}
	if err := rec.Run(ctx, svc); err != nil {
		b.Fatal(err)
	}
	b.Run("preview", func(b *testing.B) {
		in := activelearning.SelectInput{ModelID: m.ID, SetID: prep.SetID, BatchSize: 25, Seed: 1}
		b.ReportAllocs()
		for b.Loop() {
			got, err := svc.PreviewSelection(ctx, admin, in)
			if err != nil || len(got) != 25 {
				b.Fatalf("%d candidates, %v", len(got), err)
			}
		}
		b.ReportMetric(float64(prep.Created), "pool")
	})
	b.Run("similar", func(b *testing.B) {
		var query store.ID // the first compound imported
		if err := st.DB().NewSelect().Model((*store.Compound)(nil)).ColumnExpr("MIN(id)").Scan(ctx, &query); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			got, err := svc.SimilarCompounds(ctx, query, 10)
			if err != nil || len(got) != 10 {
				b.Fatalf("%d similar compounds, %v", len(got), err)
			}
		}
		b.ReportMetric(float64(prep.Created), "pool")
	})
	// A substructure search with its total: every compound read, parsed
	// and matched (the worst case; a page without the total stops early).
	b.Run("substructure", func(b *testing.B) {
		q := activelearning.CompoundQuery{Substructure: "c1ccccc1Cl"}
		b.ReportAllocs()
		for b.Loop() {
			got, err := svc.SearchCompounds(ctx, q, store.NilID, 25, true)
			if err != nil || got.Total < 25 {
				b.Fatalf("%+v, %v", got, err)
			}
		}
		b.ReportMetric(float64(prep.Created+trep.Created), "compounds")
	})
}

// pastedBenchLines is the size of the pasted pool BenchmarkPastedPool
// pastes: the most a pasted pool may have (DefaultMaxPastedPool).
const pastedBenchLines = activelearning.DefaultMaxPastedPool

// BenchmarkPastedPool measures turning a pasted pool of 5,000 SMILES into
// compound ids on SQLite (PastedPool: parse, canonicalize and featurize
// every line, then store each compound unless known): "new" pastes 5,000
// compounds the database has not seen (ESOL molecules behind alkyl
// prefixes unique to the iteration), "known" pastes the same 5,000 again.
func BenchmarkPastedPool(b *testing.B) {
	ctx := b.Context()
	st := storetest.OpenSQLite(b)
	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	data := altest.ESOL160()
	lines := func(iter int) []string {
		var out []string
		for k := 0; len(out) < pastedBenchLines; k++ {
			prefix := strings.Repeat("C", k%40+1) + "C(O" + strings.Repeat("C", k/40+1) + ")" + strings.Repeat("N", iter%3) + strings.Repeat("CC", iter/3)
			for _, r := range data {
				if len(out) < pastedBenchLines {
					out = append(out, prefix+r.SMILES)
				}
			}
		}
		return out
	}
	// A prefix can break a valence (chem refuses the line): keep the lines it takes.
	valid := func(ls []string) []string {
		out := ls[:0]
		for _, l := range ls {
			if _, err := activelearning.NewCompound(l); err == nil {
				out = append(out, l)
			}
		}
		return out
	}
	b.Run("new", func(b *testing.B) {
		iter := 0
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			ls := valid(lines(iter))
			iter++
			b.StartTimer()
			ids, err := svc.PastedPool(ctx, ls)
			if err != nil || len(ids) == 0 {
				b.Fatalf("%d ids, %v", len(ids), err)
			}
		}
	})
	b.Run("known", func(b *testing.B) {
		ls := valid(lines(0))
		if _, err := svc.PastedPool(ctx, ls); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.PastedPool(ctx, ls); err != nil {
				b.Fatal(err)
			}
		}
	})
}
