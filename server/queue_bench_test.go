package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// benchQueueItems is the queue size of issue 15's read target.
const benchQueueItems = 5000

// BenchmarkLabelQueueFirstPage measures issue 15's hot read,
// `labelQueue(first: 25)` with each item's compound, through the GraphQL
// handler (authentication, parsing, limits, the resolvers and their
// dataloaders, JSON) on a 5,000-item queue of one model, on each database:
// "idle" one request at a time; "claiming" requests from parallel
// goroutines while a labeller claims items in a loop (each claim a write
// transaction). The queue's priorities are in a fixed pseudo-random order.
//
//	go test -run '^$' -bench BenchmarkLabelQueueFirstPage -benchmem -count 6 ./server/
func BenchmarkLabelQueueFirstPage(b *testing.B) {
	for name, open := range storetest.Backends(b) {
		b.Run(name, func(b *testing.B) { benchmarkLabelQueueFirstPage(b, open(b), benchQueueItems) })
	}
}

// benchCompound is the i-th compound of the benchmark's queue, shaped like
// one `activelab import` stores for examples/esol.csv (averages over its
// 1,117 compounds: a 22-character SMILES, 525 bytes of descriptors JSON,
// a 259-byte fingerprint and 136 bytes of features). storetest.Compound's
// default SMILES grows with a counter shared by every store of the process,
// thousands of characters long by the second database.
func benchCompound(i int) *store.Compound {
	desc := make(map[string]float64, 15)
	for k := range 15 {
		desc[fmt.Sprintf("descriptor_%02d", k)] = float64(i*31+k) / 7
	}
	raw, _ := json.Marshal(desc)
	return &store.Compound{CanonicalSMILES: fmt.Sprintf("c1ccc(cc1)C(=O)N%05d", i), Name: fmt.Sprintf("bench-%d", i),
		Descriptors: raw, Fingerprint: bytes.Repeat([]byte{byte(i)}, 259), Features: bytes.Repeat([]byte{byte(i >> 8)}, 136),
		FeatureSet: "bench"}
}

func benchmarkLabelQueueFirstPage(b *testing.B, st *store.Store, n int) {
	ctx := context.Background()
	svc := activelearning.New(st, nil, activelearning.Config{}, discardLogger())
	srv, err := New(Defaults(), Options{Store: st, Service: svc, Logger: discardLogger(), Frontend: testFrontend})
	if err != nil {
		b.Fatal(err)
	}
	u := storetest.User(ctx, b, st, &store.User{Role: store.RoleViewer})
	labeller := storetest.User(ctx, b, st, nil)
	_, tok, err := srv.Auth().CreateAPIToken(ctx, u, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	m := storetest.Model(ctx, b, st, &store.MLModel{Status: store.ModelActive})
	items := make([]*store.LabelQueueItem, n)
	for i := range items {
		c := storetest.Compound(ctx, b, st, benchCompound(i))
		items[i] = &store.LabelQueueItem{CompoundID: c.ID, ModelID: m.ID, SelectionStrategy: "uncertainty",
			SelectionBatch: 1, PriorityScore: float64((i*7919)%n) / float64(n)}
	}
	if err := st.CreateQueueItems(ctx, items); err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"query":     `query($m: ID!) { labelQueue(filter: {modelId: $m}, first: 25) { totalCount edges { node { id priority status compound { id name canonicalSmiles } } } } }`,
		"variables": map[string]any{"m": fmt.Sprint(m.ID)},
	})
	h := srv.Handler()
	want := []byte(`"canonicalSmiles"`)
	var queries atomic.Int64
	st.OnQuery(func(string) { queries.Add(1) })
	get := func() error {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) || bytes.Count(rec.Body.Bytes(), want) != 25 {
			return fmt.Errorf("status %d: %.500s", rec.Code, rec.Body.String())
		}
		return nil
	}
	b.Run("idle", func(b *testing.B) {
		queries.Store(0)
		b.ReportAllocs()
		for b.Loop() {
			if err := get(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(queries.Load())/float64(b.N), "queries/op")
	})
	b.Run("claiming", func(b *testing.B) {
		// The labeller's clock runs a second per claim and each lease
		// lasts a millisecond, so lapsed items are claimed again and the
		// queue never runs dry.
		stop, stopped := make(chan struct{}), make(chan struct{})
		var claims atomic.Int64
		go func() {
			defer close(stopped)
			at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
			for {
				select {
				case <-stop:
					return
				default:
				}
				at = at.Add(time.Second)
				if _, err := st.ClaimNextItem(ctx, []store.ID{m.ID}, labeller.ID, at, at.Add(time.Millisecond)); err != nil {
					b.Error(err)
					return
				}
				claims.Add(1)
			}
		}()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := get(); err != nil {
					b.Error(err)
					return
				}
			}
		})
		close(stop)
		<-stopped
		b.ReportMetric(float64(claims.Load())/b.Elapsed().Seconds(), "claims/s")
	})
}
