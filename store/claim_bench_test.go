package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"activelab/store"
	"activelab/store/storetest"
)

// benchQueueItems is the size of the queue BenchmarkClaimNextItem claims from.
const benchQueueItems = 2000

// BenchmarkClaimNextItem measures one claim on a queue of benchQueueItems
// items over two model versions, per backend. Each iteration claims a fresh
// item; the queue is refilled (outside the timer) when it runs dry.
func BenchmarkClaimNextItem(b *testing.B) {
	for name, open := range storetest.Backends(b) {
		b.Run(fmt.Sprintf("%s/items=%d", name, benchQueueItems), func(b *testing.B) {
			st := open(b)
			ctx := context.Background()
			u := storetest.User(ctx, b, st, nil)
			v1 := storetest.Model(ctx, b, st, &store.MLModel{Status: store.ModelActive})
			ids := []store.ID{v1.ID}
			batch := 0
			fill := func() {
				batch++
				items := make([]*store.LabelQueueItem, benchQueueItems)
				for i := range items {
					c := &store.Compound{CanonicalSMILES: fmt.Sprintf("C%dO%d", batch, i)}
					if _, err := st.EnsureCompound(ctx, c); err != nil {
						b.Fatal(err)
					}
					items[i] = &store.LabelQueueItem{CompoundID: c.ID, ModelID: v1.ID, SelectionStrategy: "random",
						SelectionBatch: batch, PriorityScore: float64(i % 97)}
				}
				if err := st.CreateQueueItems(ctx, items); err != nil {
					b.Fatal(err)
				}
			}
			fill()
			left := benchQueueItems
			now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if left == 0 {
					b.StopTimer()
					fill()
					left = benchQueueItems
					b.StartTimer()
				}
				c, err := st.ClaimNextItem(ctx, ids, u.ID, now, now.Add(time.Hour))
				if err != nil || c == nil {
					b.Fatalf("claim: %v, %v", c, err)
				}
				left--
			}
		})
	}
}
