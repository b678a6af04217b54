package activelearning_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/chem"
	"activelab/ident"
	"activelab/store"
	"activelab/store/storetest"
)

// newSMILES are valid SMILES of compounds outside ESOL160 (checked at the
// start of the test that uses them), each with the name pasted after it.
var newSMILES = []struct{ smiles, name string }{
	{"CCCCCCCCCCCCCCCCCCCCCCCCCC", "hexacosane"},
	{"OC(=O)c1ccc2ccccc2c1C(=O)O", "naphthalene-1,2-dicarboxylic acid"},
	{"N#Cc1ccc(cc1)C(F)(F)F", "4-(trifluoromethyl)benzonitrile"},
}

// pastedFixture is a pasted pool over setup(): two pool compounds (one as
// its input SMILES, one written as its canonical SMILES, with a tab), the
// new compounds (with names), a validation compound, a blank line and a
// repeated line.
type pastedFixture struct {
	lines    []string
	existing []store.ID // the two pool compounds, as pasted
	held     store.ID   // the validation compound
}

func newPastedFixture(t *testing.T, e *env) pastedFixture {
	t.Helper()
	for _, n := range newSMILES {
		c, err := activelearning.NewCompound(n.smiles)
		if err != nil {
			t.Fatalf("fixture SMILES %q: %v", n.smiles, err)
		}
		if _, err := e.st.CompoundBySMILES(e.ctx, c.CanonicalSMILES); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("fixture compound %q is already stored (%v): pick another", n.smiles, err)
		}
	}
	pool, err := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := e.st.LoadCompounds(e.ctx, pool[:2])
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.svc.Model(e.ctx, e.model.ID)
	if err != nil {
		t.Fatal(err)
	}
	val, err := e.st.ValidationMembers(e.ctx, *m.ValidationSetID)
	if err != nil {
		t.Fatal(err)
	}
	held, err := e.st.LoadCompounds(e.ctx, []store.ID{val[0].CompoundID})
	if err != nil {
		t.Fatal(err)
	}
	f := pastedFixture{existing: []store.ID{cs[0].ID, cs[1].ID}, held: held[0].ID}
	f.lines = []string{"  " + cs[0].InputSMILES + "  ", cs[1].CanonicalSMILES + "\tpasted name"}
	for _, n := range newSMILES {
		f.lines = append(f.lines, n.smiles+" "+n.name)
	}
	f.lines = append(f.lines, "", held[0].InputSMILES, cs[0].InputSMILES)
	return f
}

// TestPastedPool checks a pasted pool end to end: the preview ranks exactly
// the pasted compounds that may be selected (known ones found by canonical
// SMILES, unknown ones imported with their names, the validation compound
// left out, a repeated line once), and the selection that follows queues
// what the preview showed, records the pool's compound ids in its params and
// who started it.
func TestPastedPool(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		f := newPastedFixture(t, e)
		in := activelearning.SelectInput{ModelID: e.model.ID, SMILES: f.lines, Strategy: "default", BatchSize: 10, Seed: 5}
		preview, err := e.svc.PreviewSelection(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(f.existing)
		for _, n := range newSMILES {
			c, _ := activelearning.NewCompound(n.smiles)
			got, err := e.st.CompoundBySMILES(e.ctx, c.CanonicalSMILES)
			if err != nil {
				t.Fatalf("pasted %q was not imported: %v", n.smiles, err)
			}
			if got.Name != n.name || got.InputSMILES != n.smiles {
				t.Errorf("imported %q as name %q, input %q; want %q", n.smiles, got.Name, got.InputSMILES, n.name)
			}
			want = append(want, got.ID)
		}
		var ids []store.ID
		for _, c := range preview {
			ids = append(ids, c.CompoundID)
		}
		if !sameSet(ids, want) {
			t.Fatalf("preview ranked compounds %v; want the pasted %v (validation compound %d out)", ids, want, f.held)
		}
		known, err := e.st.LoadCompounds(e.ctx, f.existing[1:])
		if err != nil || known[0].Name == "pasted name" {
			t.Errorf("a known compound took the pasted name: %v, %v", known, err)
		}
		compounds, err := e.st.CountCompounds(e.ctx, store.CompoundFilter{})
		if err != nil {
			t.Fatal(err)
		}
		cyc, err := e.svc.SelectSamples(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.st.CountCompounds(e.ctx, store.CompoundFilter{}); err != nil || n != compounds {
			t.Errorf("%d compounds after the selection, %d after its preview (%v): imported twice", n, compounds, err)
		}
		items := e.items(t, "")
		if len(items) != len(preview) || cyc.ItemsSelected != len(preview) {
			t.Fatalf("%d items (cycle says %d); preview had %d", len(items), cyc.ItemsSelected, len(preview))
		}
		for i, it := range items {
			if it.CompoundID != preview[i].CompoundID {
				t.Errorf("item %d is compound %d, preview had %d", i, it.CompoundID, preview[i].CompoundID)
			}
		}
		var p struct {
			CompoundIDs []store.ID `json:"compound_ids"`
			PoolSize    int        `json:"pool_size"`
		}
		if err := json.Unmarshal(cyc.Params, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.CompoundIDs) != len(want)+1 || p.PoolSize != len(want) {
			t.Errorf("params record %d compound ids and pool %d; want %d pasted (validation included) and a pool of %d", len(p.CompoundIDs), p.PoolSize, len(want)+1, len(want))
		}
		stored, err := e.st.Cycle(e.ctx, cyc.ID)
		if err != nil || stored.CreatedBy == nil || *stored.CreatedBy != e.sci.ID {
			t.Errorf("cycle created by %v, %v; want the scientist %v", stored.CreatedBy, err, e.sci.ID)
		}
	})
}

// TestPastedPoolAsJob checks a pasted pool larger than the inline limit: the
// select_samples job scores the same pasted compounds (from the cycle's
// params), nothing else.
func TestPastedPoolAsJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60, InlinePoolLimit: 3})
		e.tolerance = &alwaysPromote
		e.model = e.createModel(t, "esol", "random")
		f := newPastedFixture(t, e)
		cyc, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SMILES: f.lines, Strategy: "uncertainty", BatchSize: 50, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if cyc.Status != store.CycleSelecting {
			t.Fatalf("cycle status %s, want selecting (a job)", cyc.Status)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		var got []store.ID
		for _, it := range e.items(t, "") {
			got = append(got, it.CompoundID)
		}
		if len(got) != 2+len(newSMILES) || !slices.Contains(got, f.existing[0]) || !slices.Contains(got, f.existing[1]) || slices.Contains(got, f.held) {
			t.Errorf("the job queued %v; want the %d pasted compounds without validation compound %d", got, 2+len(newSMILES), f.held)
		}
	})
}

// TestPastedPoolRefused checks the pasted pool's input errors: every bad line
// reported with its 1-based line number, chem's reason and offset (nothing
// imported or selected), a list over the cap, a list of blank lines, and a
// pasted pool given with another pool.
func TestPastedPoolRefused(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60, MaxPastedPool: 6})
		e.tolerance = &alwaysPromote
		e.model = e.createModel(t, "esol", "random")
		bad := map[int]string{3: "C1CC", 5: "CC(C"}
		lines := []string{newSMILES[0].smiles, "", bad[3], newSMILES[1].smiles + " a name", bad[5], "CCO"}
		before := e.snapshot(t)
		for _, call := range []string{"preview", "select"} {
			in := activelearning.SelectInput{ModelID: e.model.ID, SMILES: lines, Strategy: "default", BatchSize: 5}
			var err error
			if call == "preview" {
				_, err = e.svc.PreviewSelection(e.ctx, e.sci, in)
			} else {
				_, err = e.svc.SelectSamples(e.ctx, e.sci, in)
			}
			var pe *activelearning.PastedPoolError
			if !errors.As(err, &pe) {
				t.Fatalf("%s with bad lines: %v, want a PastedPoolError", call, err)
			}
			if pe.InputField() != "smiles" || pe.ErrorCode() != "BAD_USER_INPUT" || pe.Bad != 2 || len(pe.Lines) != 2 {
				t.Fatalf("%s: %+v", call, pe)
			}
			for _, l := range pe.Lines {
				_, perr := chem.Parse(bad[l.Line])
				var want *chem.ParseError
				if !errors.As(perr, &want) {
					t.Fatalf("line %d: chem.Parse(%q) = %v, want a ParseError", l.Line, bad[l.Line], perr)
				}
				if l.Reason != want.Msg || l.Offset != want.Pos {
					t.Errorf("line %d: reason %q offset %d; chem says %q at %d", l.Line, l.Reason, l.Offset, want.Msg, want.Pos)
				}
				if !strings.Contains(pe.Error(), fmt.Sprintf("line %d: ", l.Line)) {
					t.Errorf("message %q does not name line %d", pe.Error(), l.Line)
				}
			}
			ext := pe.ErrorExtensions()
			if ext["badLines"] != 2 || len(ext["lines"].([]map[string]any)) != 2 {
				t.Errorf("extensions %v", ext)
			}
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("a refused pasted pool wrote:\n%s\n%s", before, after)
		}
		pool, err := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
		if err != nil {
			t.Fatal(err)
		}
		for name, tc := range map[string]activelearning.SelectInput{
			"over the cap":   {SMILES: append(slices.Clone(lines[:1]), "C", "CC", "CCC", "CCCC", "CCCCC", "CCCCCC")},
			"only blank":     {SMILES: []string{"", "  ", "\t"}},
			"with a set":     {SMILES: lines[:1], SetID: e.poolSet},
			"with compounds": {SMILES: lines[:1], CompoundIDs: pool[:1]},
		} {
			tc.ModelID, tc.Strategy, tc.BatchSize = e.model.ID, "default", 5
			_, err := e.svc.PreviewSelection(e.ctx, e.sci, tc)
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != "smiles" {
				t.Errorf("%s: %v, want an InputError on smiles", name, err)
			}
		}
		if after := e.snapshot(t); after != before {
			t.Errorf("a refused pasted pool wrote:\n%s\n%s", before, after)
		}
	})
}

// sameSet says whether a and b hold the same ids, in any order.
func sameSet(a, b []store.ID) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, ident.Compare)
	slices.SortFunc(b, ident.Compare)
	return slices.Equal(a, b)
}
