package store_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// TestTrainingReads checks MeasurementsByEndpoint (all, latest per
// compound, by set and origin), MeasuredCompoundIDs,
// MeasurementsByCompoundIDs, LoadCompounds and EachCompound's chunks.
func TestTrainingReads(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		u := storetest.User(ctx, t, st, nil)
		var cs []*store.Compound
		for i := range 5 {
			c := &store.Compound{}
			if i != 4 {
				c.Fingerprint = []byte{byte(i)}
			}
			cs = append(cs, storetest.Compound(ctx, t, st, c))
		}
		t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		add := func(c *store.Compound, endpoint string, v float64, origin store.Origin, at time.Time) *store.Measurement {
			m := &store.Measurement{CompoundID: c.ID, Endpoint: endpoint, Value: v, Source: store.SourceExperimental, Origin: origin, CreatedAt: at}
			if origin == store.OriginLabel {
				m.UserID = &u.ID
			}
			if err := st.CreateMeasurement(ctx, m); err != nil {
				t.Fatal(err)
			}
			return m
		}
		m0 := add(cs[0], "logS", -1, store.OriginImport, t0)
		m0b := add(cs[0], "logS", -1.5, store.OriginLabel, t0.Add(time.Hour))
		m1 := add(cs[1], "logS", -2, store.OriginImport, t0)
		add(cs[2], "bbbp", 1, store.OriginImport, t0)
		ids := func(ms []*store.Measurement) []store.ID {
			out := []store.ID{}
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		all, err := st.MeasurementsByEndpoint(ctx, "logS", store.MeasurementQuery{})
		if err != nil || !slices.Equal(ids(all), []store.ID{m0.ID, m0b.ID, m1.ID}) {
			t.Errorf("all logS = %v, %v", ids(all), err)
		}
		latest, err := st.MeasurementsByEndpoint(ctx, "logS", store.MeasurementQuery{LatestPerCompound: true})
		if err != nil || !slices.Equal(ids(latest), []store.ID{m0b.ID, m1.ID}) {
			t.Errorf("latest logS = %v, %v; want the label for compound 0", ids(latest), err)
		}
		imported, err := st.MeasurementsByEndpoint(ctx, "logS", store.MeasurementQuery{LatestPerCompound: true, Origins: []store.Origin{store.OriginImport}})
		if err != nil || !slices.Equal(ids(imported), []store.ID{m0.ID, m1.ID}) {
			t.Errorf("latest imported logS = %v, %v", ids(imported), err)
		}
		set := &store.CompoundSet{Name: "pool", Kind: store.SetPool}
		if err := st.CreateCompoundSet(ctx, set); err != nil {
			t.Fatal(err)
		}
		if err := st.AddCompoundSetMembers(ctx, set.ID, []store.ID{cs[1].ID, cs[3].ID, cs[4].ID}); err != nil {
			t.Fatal(err)
		}
		inSet, err := st.MeasurementsByEndpoint(ctx, "logS", store.MeasurementQuery{SetID: set.ID})
		if err != nil || !slices.Equal(ids(inSet), []store.ID{m1.ID}) {
			t.Errorf("logS in set = %v, %v", ids(inSet), err)
		}
		if _, err := st.MeasurementsByEndpoint(ctx, "logS", store.MeasurementQuery{Origins: []store.Origin{"rumour"}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown origin = %v, want ErrInvalid", err)
		}
		if got, err := st.MeasuredCompoundIDs(ctx, "logS"); err != nil || !slices.Equal(got, []store.ID{cs[0].ID, cs[1].ID}) {
			t.Errorf("MeasuredCompoundIDs = %v, %v", got, err)
		}
		byC, err := st.MeasurementsByCompoundIDs(ctx, []store.ID{cs[1].ID, cs[3].ID, cs[0].ID}, "logS")
		if err != nil || len(byC) != 3 || !slices.Equal(ids(byC[0]), []store.ID{m1.ID}) || len(byC[1]) != 0 || !slices.Equal(ids(byC[2]), []store.ID{m0.ID, m0b.ID}) {
			t.Errorf("MeasurementsByCompoundIDs = %v, %v", byC, err)
		}
		loaded, err := st.LoadCompounds(ctx, []store.ID{cs[3].ID, cs[0].ID})
		if err != nil || len(loaded) != 2 || loaded[0].ID != cs[3].ID || loaded[1].ID != cs[0].ID {
			t.Errorf("LoadCompounds = %v, %v", loaded, err)
		}
		if _, err := st.LoadCompounds(ctx, []store.ID{cs[0].ID, ident.New()}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LoadCompounds(unknown) = %v, want ErrNotFound", err)
		}
		// EachFeatureRow: the feature columns, and the descriptors only of a
		// row without a binary vector; every position of ids, duplicates and
		// a list longer than one chunk included.
		withVec := storetest.Compound(ctx, t, st, &store.Compound{InputSMILES: "C(C)", Descriptors: []byte(`{"a":1}`), Fingerprint: []byte{7},
			Features: []byte{1, 2, 3, 4}, FeatureSet: "fs.v1"})
		legacy := storetest.Compound(ctx, t, st, &store.Compound{Descriptors: []byte(`{"b":2}`), Fingerprint: []byte{8}})
		var list []store.ID
		for i := range 1234 {
			list = append(list, []store.ID{legacy.ID, withVec.ID, cs[2].ID}[i%3])
		}
		seen := make([]int, len(list))
		err = st.EachFeatureRow(ctx, list, func(i int, r *store.FeatureRow) error {
			seen[i]++
			if r.ID != list[i] {
				t.Errorf("position %d: row %d, want %d", i, r.ID, list[i])
			}
			switch r.ID {
			case withVec.ID:
				if string(r.InputSMILES) != "C(C)" || string(r.CanonicalSMILES) != withVec.CanonicalSMILES || !slices.Equal(r.Features, []byte{1, 2, 3, 4}) ||
					string(r.FeatureSet) != "fs.v1" || !slices.Equal(r.Fingerprint, []byte{7}) || r.Descriptors != nil {
					t.Errorf("row with a vector: %+v", r)
				}
			case legacy.ID:
				var d map[string]int
				if r.Features != nil || len(r.FeatureSet) != 0 || json.Unmarshal(r.Descriptors, &d) != nil || d["b"] != 2 || !slices.Equal(r.Fingerprint, []byte{8}) {
					t.Errorf("row without a vector: %+v (descriptors %s)", r, r.Descriptors)
				}
			case cs[2].ID:
				if r.Fingerprint == nil || r.Features != nil {
					t.Errorf("row of a compound with only a fingerprint: %+v", r)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("EachFeatureRow: %v", err)
		}
		for i, n := range seen {
			if n != 1 {
				t.Fatalf("EachFeatureRow called position %d %d times, want once", i, n)
			}
		}
		unknown := ident.New()
		for _, bad := range [][]store.ID{{unknown}, {withVec.ID, unknown}, {unknown, withVec.ID}} {
			err := st.EachFeatureRow(ctx, bad, func(int, *store.FeatureRow) error { return nil })
			if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), unknown.String()) {
				t.Errorf("EachFeatureRow(%v) = %v, want ErrNotFound naming %s", bad, err, unknown)
			}
		}
		stopAt := errors.New("stop")
		calls := 0
		err = st.EachFeatureRow(ctx, list, func(int, *store.FeatureRow) error {
			if calls++; calls == 700 {
				return stopAt
			}
			return nil
		})
		if err != stopAt || calls != 700 {
			t.Errorf("EachFeatureRow stopped = %v after %d calls; want stop after 700", err, calls)
		}
		var chunks [][]store.ID
		err = st.EachCompound(ctx, set.ID, 2, func(cs []*store.Compound) error {
			chunk := []store.ID{}
			for _, c := range cs {
				chunk = append(chunk, c.ID)
			}
			chunks = append(chunks, chunk)
			return nil
		})
		want := [][]store.ID{{cs[1].ID, cs[3].ID}, {cs[4].ID}}
		if err != nil || !slices.EqualFunc(chunks, want, slices.Equal) {
			t.Errorf("EachCompound(set, 2) chunks = %v, %v; want %v", chunks, err, want)
		}
		n := 0
		stop := errors.New("stop")
		err = st.EachCompound(ctx, store.NilID, 1, func(cs []*store.Compound) error {
			n++
			if n == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 3 {
			t.Errorf("EachCompound stopped = %v after %d chunks; want stop after 3", err, n)
		}
	})
}
