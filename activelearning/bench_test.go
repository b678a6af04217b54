package activelearning_test

import (
	"testing"

	"activelab/activelearning"
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
		if err := st.CreateQueueItems(ctx, nil, items); err != nil {
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
