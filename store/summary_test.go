package store_test

import (
	"errors"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestEndpoints(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		if got, err := st.Endpoints(ctx); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("Endpoints(empty database) = %v, %v; want an empty list", got, err)
		}
		c1 := storetest.Compound(ctx, t, st, nil)
		c2 := storetest.Compound(ctx, t, st, nil)
		c3 := storetest.Compound(ctx, t, st, nil)
		measure := func(c *store.Compound, endpoint string, v float64) {
			t.Helper()
			m := &store.Measurement{CompoundID: c.ID, Endpoint: endpoint, Value: v,
				Source: store.SourceExperimental, Origin: store.OriginImport}
			if err := st.CreateMeasurement(ctx, m); err != nil {
				t.Fatalf("CreateMeasurement: %v", err)
			}
		}
		// logS: three compounds, c1 measured twice.
		measure(c1, "logS", -2.5)
		measure(c1, "logS", -2.0)
		measure(c2, "logS", 0.75)
		measure(c3, "logS", -7.25)
		// herg: only 0 and 1 (and 1 twice for c2).
		measure(c1, "herg", 0)
		measure(c2, "herg", 1)
		measure(c2, "herg", 1)
		// Ames: 0 and 1 and one 0.5, so not binary; "A" < "h" < "l" in byte order.
		measure(c3, "Ames", 1)
		measure(c2, "Ames", 0.5)
		measure(c1, "Ames", 0)
		// solub: a single value 1 is binary as far as the data says.
		measure(c3, "solub", 1)

		got, err := st.Endpoints(ctx)
		if err != nil {
			t.Fatalf("Endpoints: %v", err)
		}
		want := []store.EndpointStats{
			{Name: "Ames", Compounds: 3, Measurements: 3, Min: 0, Max: 1, Binary: false},
			{Name: "herg", Compounds: 2, Measurements: 3, Min: 0, Max: 1, Binary: true},
			{Name: "logS", Compounds: 3, Measurements: 4, Min: -7.25, Max: 0.75, Binary: false},
			{Name: "solub", Compounds: 1, Measurements: 1, Min: 1, Max: 1, Binary: true},
		}
		if len(got) != len(want) {
			t.Fatalf("Endpoints = %d endpoints %+v, want %d", len(got), got, len(want))
		}
		for i := range want {
			if *got[i] != want[i] {
				t.Errorf("Endpoints[%d] = %+v, want %+v", i, *got[i], want[i])
			}
		}
	})
}

func TestCompoundSetsWithSize(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		if got, err := st.CompoundSetsWithSize(ctx); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("CompoundSetsWithSize(empty database) = %v, %v; want an empty list", got, err)
		}
		base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		newSet := func(name string, at time.Time, members int) *store.CompoundSet {
			t.Helper()
			cs := &store.CompoundSet{Name: name, Kind: store.SetDataset, Description: name + " set", CreatedAt: at}
			if err := st.CreateCompoundSet(ctx, cs); err != nil {
				t.Fatalf("CreateCompoundSet: %v", err)
			}
			ids := make([]store.ID, members)
			for i := range ids {
				ids[i] = storetest.Compound(ctx, t, st, nil).ID
			}
			if err := st.AddCompoundSetMembers(ctx, cs.ID, ids); err != nil {
				t.Fatalf("AddCompoundSetMembers: %v", err)
			}
			return cs
		}
		old := newSet("old", base, 3)
		empty := newSet("empty", base.Add(time.Hour), 0)
		tieA := newSet("tie-a", base.Add(2*time.Hour), 1)
		tieB := newSet("tie-b", base.Add(2*time.Hour), 2) // same time: the higher id first
		// A compound in two sets counts in both.
		shared := storetest.Compound(ctx, t, st, nil)
		for _, cs := range []*store.CompoundSet{old, tieA} {
			if err := st.AddCompoundSetMembers(ctx, cs.ID, []store.ID{shared.ID}); err != nil {
				t.Fatal(err)
			}
		}

		got, err := st.CompoundSetsWithSize(ctx)
		if err != nil {
			t.Fatalf("CompoundSetsWithSize: %v", err)
		}
		want := []struct {
			set  *store.CompoundSet
			size int
		}{{tieB, 2}, {tieA, 2}, {empty, 0}, {old, 4}}
		if len(got) != len(want) {
			t.Fatalf("CompoundSetsWithSize = %d sets, want %d", len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.ID != w.set.ID || g.Name != w.set.Name || g.Size != w.size || g.Kind != store.SetDataset ||
				g.Description != w.set.Description || !g.CreatedAt.Equal(w.set.CreatedAt) {
				t.Errorf("CompoundSetsWithSize[%d] = %+v (size %d), want %q with size %d", i, g.CompoundSet, g.Size, w.set.Name, w.size)
			}
		}

		for _, w := range want {
			g, err := st.CompoundSetWithSizeByID(ctx, w.set.ID)
			if err != nil || g.ID != w.set.ID || g.Name != w.set.Name || g.Size != w.size {
				t.Errorf("CompoundSetWithSizeByID(%q) = %+v, %v; want size %d", w.set.Name, g, err, w.size)
			}
		}
		if _, err := st.CompoundSetWithSizeByID(ctx, ident.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CompoundSetWithSizeByID(unknown) error = %v, want ErrNotFound", err)
		}
	})
}
