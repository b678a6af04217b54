package server

import (
	"testing"

	"activelab/activelearning"
	"activelab/store"
)

// TestCompoundsSubstructure: the compounds query with a substructure, as
// SMILES and as SMARTS, pages and counts what the service finds; a query
// that does not parse is BAD_USER_INPUT naming the offset.
func TestCompoundsSubstructure(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		const q = `query($s: String!, $x: SubstructureSyntax, $after: String) {
			compounds(substructure: $s, substructureSyntax: $x, first: 5, after: $after) {
				totalCount pageInfo { hasNextPage endCursor } edges { node { id canonicalSmiles } } } }`
		type page struct {
			Compounds struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct {
					Node struct{ ID, CanonicalSmiles string }
				}
			}
		}
		for _, c := range []struct {
			query, syntax string
		}{{"c1ccccc1Cl", "SMILES"}, {"[OX2H]", "SMARTS"}} {
			want, err := a.rt.Service.SearchCompounds(t.Context(), activelearning.CompoundQuery{Substructure: c.query, SMARTS: c.syntax == "SMARTS"}, store.NilID, 1000, true)
			if err != nil {
				t.Fatal(err)
			}
			if want.Total < 6 {
				t.Fatalf("%s matches %d ESOL compounds; the test wants more than a page", c.query, want.Total)
			}
			var d page
			wantData(t, a.post(q, map[string]any{"s": c.query, "x": c.syntax}, bearer(a.vwT)), &d)
			if d.Compounds.TotalCount != want.Total || len(d.Compounds.Edges) != 5 || !d.Compounds.PageInfo.HasNextPage {
				t.Errorf("%s: total %d, %d edges, next %v; want %d, 5, true", c.query, d.Compounds.TotalCount, len(d.Compounds.Edges), d.Compounds.PageInfo.HasNextPage, want.Total)
			}
			var d2 page
			wantData(t, a.post(q, map[string]any{"s": c.query, "x": c.syntax, "after": *d.Compounds.PageInfo.EndCursor}, bearer(a.vwT)), &d2)
			if len(d2.Compounds.Edges) == 0 || d2.Compounds.Edges[0].Node.ID != want.Items[5].ID.String() {
				t.Errorf("%s: second page starts with %+v, want compound %d", c.query, d2.Compounds.Edges, want.Items[5].ID)
			}
		}
		wantError(t, a.post(q, map[string]any{"s": "c1ccc(cc1"}, bearer(a.vwT)), CodeBadUserInput, "substructure", "offset 5")
	})
}
