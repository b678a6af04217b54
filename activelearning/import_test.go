package activelearning_test

import (
	"cmp"
	"errors"
	"slices"
	"testing"

	"activelab/activelearning"
	"activelab/activelearning/ingest"
	"activelab/auth"
	"activelab/chem"
	"activelab/features"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

func TestImportIsIdempotentAndReportsBadRows(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		v := -1.5
		in := activelearning.ImportInput{SetName: "mixed", Endpoint: "logS", Rows: []ingest.Row{
			{Line: 1, SMILES: "c1ccccc1OCC(F)(F)F", Name: "trifluoroethoxybenzene", Value: &v},
			{Line: 2, SMILES: "C1CC(", Name: "broken"},
			{Line: 3, SMILES: "FC(F)(F)COc1ccccc1", Name: "same, spelled differently"}, // same canonical SMILES
			{Line: 4, SMILES: "OCC(F)(F)C(F)(F)C(F)(F)Cl"},
		}, Errors: []ingest.RowError{{Row: 5, Column: "value", Reason: "not a number"}}}
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 5 || rep.Created != 2 || rep.Existing != 1 || rep.Measurements != 1 || len(rep.Errors) != 2 || rep.SetID == store.NilID {
			t.Fatalf("report %+v", rep)
		}
		// Rejected rows are listed in input order (the reader's and the
		// service's together).
		if re := rep.Errors[0]; re.Row != 2 || re.Column != "smiles" || re.Offset == 0 && re.Reason == "" || rep.Errors[1].Row != 5 {
			t.Errorf("bad SMILES error %+v", re)
		}
		before := e.snapshot(t)
		rep2, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil || rep2.Created != 0 || rep2.Measurements != 0 || rep2.Existing != 3 {
			t.Fatalf("second import: %+v %v", rep2, err)
		}
		if after := strip(e.snapshot(t)); after != strip(before) {
			t.Errorf("importing twice changed data:\n%s\n%s", before, after)
		}
		c, _ := e.st.CompoundBySMILES(e.ctx, mustCanon(t, "FC(F)(F)COc1ccccc1"))
		if c == nil || len(c.Fingerprint) == 0 || len(c.Descriptors) == 0 || len(c.Features) == 0 || c.FeatureSet != features.Set {
			t.Errorf("stored compound lacks features: %+v", c)
		}
		if _, err := e.svc.ImportCompounds(e.ctx, e.view, in); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("viewer import: %v", err)
		}
	})
}

func TestLargeImportRunsAsAJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{InlineImportLimit: 5})
		in := activelearning.ImportInput{SetName: "big", Endpoint: "logS"}
		for i, r := range readESOL(t)[:20] {
			in.Rows = append(in.Rows, ingestRow(i, r.SMILES, r.Value+1))
		}
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil || rep.JobID == 0 {
			t.Fatalf("report %+v %v", rep, err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		set, err := e.st.CompoundSetByName(e.ctx, "big")
		if err != nil {
			t.Fatal(err)
		}
		ids, _ := e.st.CompoundSetMemberIDs(e.ctx, set.ID)
		if len(ids) != 20 || len(e.events(t, activelearning.EventImportProgress)) == 0 {
			t.Errorf("%d members after the job", len(ids))
		}
	})
}

func TestSimilarCompoundsAndStats(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		q, _ := e.st.CompoundBySMILES(e.ctx, mustCanon(t, "Cc1occc1C(=O)Nc2ccccc2"))
		sim, err := e.svc.SimilarCompounds(e.ctx, q.ID, 5)
		if err != nil || len(sim) != 5 {
			t.Fatalf("similar: %d %v", len(sim), err)
		}
		// Reference: every other compound's Tanimoto to q by chem, sorted
		// by similarity, ties by ID.
		var all []store.ID
		if err := e.st.DB().NewSelect().Model((*store.Compound)(nil)).Column("id").Where("id <> ?", q.ID).Order("id").Scan(e.ctx, &all); err != nil {
			t.Fatal(err)
		}
		cs, err := e.st.LoadCompounds(e.ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		var qfp chem.BitVec
		if err := qfp.UnmarshalBinary(q.Fingerprint); err != nil {
			t.Fatal(err)
		}
		type ref struct {
			id  store.ID
			sim float64
		}
		var wantSim []ref
		for _, c := range cs {
			var fp chem.BitVec
			if err := fp.UnmarshalBinary(c.Fingerprint); err != nil {
				t.Fatal(err)
			}
			wantSim = append(wantSim, ref{c.ID, chem.Tanimoto(qfp, fp)})
		}
		slices.SortStableFunc(wantSim, func(a, b ref) int { return cmp.Compare(b.sim, a.sim) })
		for _, first := range []int{1, 5, len(wantSim) + 3} {
			got, err := e.svc.SimilarCompounds(e.ctx, q.ID, first)
			if n := min(first, len(wantSim), 100); err != nil || len(got) != n {
				t.Fatalf("first %d: %d similar compounds, %v; want %d", first, len(got), err, n)
			}
			for i, g := range got {
				if w := wantSim[i]; g.Compound.ID != w.id || g.Similarity != w.sim {
					t.Errorf("first %d: similar[%d] = compound %d at %.4f, want %d at %.4f", first, i, g.Compound.ID, g.Similarity, w.id, w.sim)
				}
			}
		}
		if _, err := e.svc.SimilarCompounds(e.ctx, ident.New(), 5); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown compound: %v", err)
		}
		e.selectBatch(t, "uncertainty", 6)
		it, _ := e.svc.ClaimNextItem(e.ctx, e.sci, e.model.ID)
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2}); err != nil {
			t.Fatal(err)
		}
		it, _ = e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID)
		if _, err := e.svc.SkipItem(e.ctx, e.sci2, it.ID, "unavailable"); err != nil {
			t.Fatal(err)
		}
		e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID)
		st, err := e.svc.Stats(e.ctx, e.model.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[store.QueueStatus]int{store.QueuePending: 3, store.QueueInProgress: 1, store.QueueLabeled: 1, store.QueueSkipped: 1}
		for k, v := range want {
			if st.Counts[k] != v {
				t.Errorf("count %s = %d, want %d", k, st.Counts[k], v)
			}
		}
		if st.Cycles != 1 || len(st.LearningCurve) != 1 || st.LearningCurve[0].Metrics["rmse"] == 0 {
			t.Errorf("cycles %d curve %+v", st.Cycles, st.LearningCurve)
		}
		if len(st.Labelers) != 2 || st.Labelers[0].UserID != e.sci.ID || st.Labelers[0].Labeled != 1 || st.Labelers[1].Skipped != 1 {
			t.Errorf("labelers %+v", st.Labelers)
		}
	})
}

func mustCanon(t *testing.T, smiles string) string {
	t.Helper()
	c, err := activelearning.NewCompound(smiles)
	if err != nil {
		t.Fatal(err)
	}
	return c.CanonicalSMILES
}

// TestStereoisomersStayApart: tropine and pseudotropine (exo/endo
// 3-hydroxytropanes, told apart only by a pseudo-asymmetric centre) are two
// compounds through import, each with its own measurement (they merged
// when canonical SMILES dropped r/s centres).
func TestStereoisomersStayApart(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{})
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, activelearning.ImportInput{Endpoint: "logS", SetName: "tropanes", Rows: []ingest.Row{
			ingestRow(0, "CN1[C@@H]2CC[C@H]1C[C@@H](O)C2", -0.5), // tropine
			ingestRow(1, "CN1[C@@H]2CC[C@H]1C[C@H](O)C2", -0.7),  // pseudotropine
		}})
		if err != nil || rep.Created != 2 || rep.Measurements != 2 || len(rep.Errors) != 0 {
			t.Fatalf("import = %+v, %v; want 2 new compounds with a measurement each", rep, err)
		}
	})
}
