package activelearning_test

import (
	"path/filepath"
	"slices"
	"testing"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"

	"github.com/uptrace/bun"
)

// TestCachesBelongToTheirService runs two services on two databases in one
// binary that hold the same rows under the same ids (b is a copy of a, as a
// restored backup or a staging clone is) but other training data: each
// one's previews equal those of a fresh service on its own database,
// whichever warmed its cache first (a process-wide cache keyed by row id
// served the first database's applicability domain to the second).
func TestCachesBelongToTheirService(t *testing.T) {
	open := storetest.Backends(t)["sqlite"]
	a := setup(t, open)
	path := filepath.Join(t.TempDir(), "copy.db")
	if _, err := a.st.DB().ExecContext(a.ctx, "VACUUM INTO ?", path); err != nil {
		t.Fatalf("copy the database: %v", err)
	}
	stB, err := store.Open(a.ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stB.Close() })
	b := *a
	b.st = stB
	b.svc = activelearning.New(stB, nil, activelearning.Config{MaxBatchSize: 60}, nil)
	// b's model loses half its training measurements: another domain, the
	// same version id.
	train, err := stB.CompoundSetMemberIDs(a.ctx, a.trainSet)
	if err != nil || len(train) < 20 {
		t.Fatalf("training set: %d compounds, %v", len(train), err)
	}
	if _, err := stB.DB().NewDelete().TableExpr("measurements").Where("compound_id IN (?)", bun.List(train[:len(train)/2])).
		Exec(a.ctx); err != nil {
		t.Fatal(err)
	}
	preview := func(e *env, svc *activelearning.Service) []activelearning.Candidate {
		t.Helper()
		cs, err := svc.PreviewSelection(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet,
			Strategy: "uncertainty", BatchSize: 60, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	gotB := preview(&b, b.svc) // warms b's caches
	gotA := preview(a, a.svc)
	// The pools hold the same compounds under the same ids: with one
	// shared domain, a compound would be as far from both training sets.
	distB := map[store.ID]float64{}
	for _, c := range gotB {
		distB[c.CompoundID] = c.ApplicabilityDistance
	}
	common, differ := 0, 0
	for _, c := range gotA {
		if d, ok := distB[c.CompoundID]; ok {
			common++
			if d != c.ApplicabilityDistance {
				differ++
			}
		}
	}
	if common == 0 || differ == 0 {
		t.Errorf("%d compounds in both previews, %d of them at another distance: the two databases' domains were not kept apart", common, differ)
	}
	fresh := func(e *env) *activelearning.Service {
		return activelearning.New(e.st, nil, activelearning.Config{MaxBatchSize: 60}, nil)
	}
	if wantB := preview(&b, fresh(&b)); !slices.EqualFunc(gotB, wantB, sameCandidate) {
		t.Errorf("database b's preview after a warmed a cache differs from a fresh service's:\n got %+v\nwant %+v", gotB, wantB)
	}
	if wantA := preview(a, fresh(a)); !slices.EqualFunc(gotA, wantA, sameCandidate) {
		t.Errorf("database a's preview differs from a fresh service's")
	}
	if slices.EqualFunc(gotA, gotB, sameCandidate) {
		t.Fatal("both databases gave the same preview: the test cannot tell their caches apart")
	}
}

// sameCandidate reports whether two candidates say the same: every
// exported field, and the interval their calibrations give at another
// level than the stored one (each service holds its own calibration, so
// the pointers differ while the contents must not).
func sameCandidate(x, y activelearning.Candidate) bool {
	ix, errx := x.IntervalAt(0.5)
	iy, erry := y.IntervalAt(0.5)
	sameInterval := (errx == nil) == (erry == nil) && (ix == nil) == (iy == nil) && (ix == nil || *ix == *iy)
	return sameInterval && x.CompoundID == y.CompoundID && x.Prediction == y.Prediction && x.Uncertainty == y.Uncertainty &&
		x.ApplicabilityDistance == y.ApplicabilityDistance && x.Priority == y.Priority && x.Rank == y.Rank &&
		x.Explore == y.Explore && x.IntervalLow == y.IntervalLow && x.IntervalHigh == y.IntervalHigh && x.HasInterval == y.HasInterval
}

// TestRetrainDropsSupersededFromCache: after a retrain the service holds
// the new version, not the superseded one.
func TestRetrainDropsSupersededFromCache(t *testing.T) {
	e := setup(t, storetest.Backends(t)["sqlite"])
	c, _ := e.labelSome(t, 12, 8)
	v1, err := e.svc.Model(e.ctx, e.model.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !activelearning.CachedVersions(e.svc)[v1.ID] {
		t.Fatalf("version 1 not cached after selecting with it: %v", activelearning.CachedVersions(e.svc))
	}
	if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 8); err != nil {
		t.Fatal(err)
	}
	if err := e.jobs.Run(e.ctx, e.svc); err != nil {
		t.Fatal(err)
	}
	v2, err := e.svc.Model(e.ctx, e.model.ID)
	if err != nil || v2.Status != store.ModelActive || v2.ID == v1.ID {
		t.Fatalf("after retrain: %+v, %v", v2, err)
	}
	cached := activelearning.CachedVersions(e.svc)
	if cached[v1.ID] || !cached[v2.ID] {
		t.Errorf("cached versions after retrain = %v; want %d, not %d", cached, v2.ID, v1.ID)
	}
}
