package activelearning_test

import (
	"errors"
	"slices"
	"testing"

	"activelab/activelearning"
	"activelab/chem"
	"activelab/store"
	"activelab/store/storetest"
)

// TestSubstructureSearch pages through a substructure search, seven at a
// time, and compares it with matching every stored compound one by one;
// the total, a set filter, and a query that does not parse.
func TestSubstructureSearch(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		all, err := e.st.SearchCompounds(e.ctx, store.CompoundFilter{}, store.NilID, 100000)
		if err != nil {
			t.Fatal(err)
		}
		pool, _ := e.st.CompoundSetMemberIDs(e.ctx, e.poolSet)
		for _, tc := range []struct {
			query  string
			smarts bool
			setID  store.ID
		}{{"c1ccccc1", false, store.NilID}, {"C(=O)O", false, store.NilID}, {"[OX2H]", true, store.NilID}, {"Cl", false, e.poolSet}} {
			sub, err := compile(tc.query, tc.smarts)
			if err != nil {
				t.Fatal(err)
			}
			var want []store.ID
			for _, c := range all {
				m, err := chem.Parse(c.CanonicalSMILES)
				if err != nil {
					t.Fatal(err)
				}
				if sub.Matches(m) && (tc.setID == store.NilID || slices.Contains(pool, c.ID)) {
					want = append(want, c.ID)
				}
			}
			if len(want) < 8 || len(want) == len(all) {
				t.Fatalf("%s: %d of %d compounds match; the test needs several pages and some misses", tc.query, len(want), len(all))
			}
			q := activelearning.CompoundQuery{Filter: store.CompoundFilter{SetID: tc.setID}, Substructure: tc.query, SMARTS: tc.smarts}
			var got []store.ID
			after := store.NilID
			for pages := 0; ; pages++ {
				p, err := e.svc.SearchCompounds(e.ctx, q, after, 7, pages == 0)
				if err != nil {
					t.Fatal(err)
				}
				if pages == 0 && p.Total != len(want) {
					t.Errorf("%s: total %d, want %d", tc.query, p.Total, len(want))
				}
				for _, c := range p.Items {
					got = append(got, c.ID)
				}
				if !p.HasNext {
					break
				}
				after = p.Items[len(p.Items)-1].ID
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: pages give %v, want %v", tc.query, got, want)
			}
		}
		for _, bad := range []string{"c1ccc(cc1", "CCO.Cl"} {
			_, err = e.svc.SearchCompounds(e.ctx, activelearning.CompoundQuery{Substructure: bad}, store.NilID, 10, false)
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != "substructure" || ie.Offset == 0 {
				t.Errorf("%s: %v, want an input error on substructure with an offset", bad, err)
			}
		}
	})
}

func compile(q string, smarts bool) (*chem.Substructure, error) {
	if smarts {
		return chem.ParseSubstructure(q)
	}
	return chem.SubstructureFromSMILES(q)
}
