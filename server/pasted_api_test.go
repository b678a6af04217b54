package server

import (
	"testing"

	"activelab/store"
)

// TestPastedPoolAPI drives SelectionInput.smiles and Cycle.startedBy over
// HTTP on both databases: bad lines come back as BAD_USER_INPUT with
// extensions.field "smiles" and each line's number, reason and offset; a
// good list previews and starts a cycle on the pasted compounds, and the
// cycle history says which user started it.
func TestPastedPoolAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		preview := `query($in: SelectionInput!) { previewSelection(input: $in) { rank compound { name canonicalSmiles } } }`
		bad := map[string]any{"modelId": a.modelID, "batchSize": 5, "smiles": []string{"CCO ethanol", "", "C1CC", "c1ccccc1"}}
		r := a.post(preview, map[string]any{"in": bad}, bearer(a.sciT))
		wantError(t, r, CodeBadUserInput, "line 3")
		ext := r.Errors[0].Extensions
		lines, _ := ext["lines"].([]any)
		if ext["field"] != "smiles" || ext["badLines"] != float64(1) || len(lines) != 1 {
			t.Fatalf("extensions %v", ext)
		}
		if l := lines[0].(map[string]any); l["line"] != float64(3) || l["reason"] == "" {
			t.Errorf("bad line %v, want line 3 with a reason", l)
		}

		good := map[string]any{"modelId": a.modelID, "batchSize": 5, "seed": 2, "smiles": []string{"CCCCCCCCCCCCCCCCCCCCCCCCCC hexacosane", "N#Cc1ccc(cc1)C(F)(F)F"}}
		var p struct {
			PreviewSelection []struct {
				Rank     int
				Compound struct{ Name, CanonicalSmiles string }
			}
		}
		wantData(t, a.post(preview, map[string]any{"in": good}, bearer(a.sciT)), &p)
		if len(p.PreviewSelection) != 2 {
			t.Fatalf("preview of two pasted compounds: %+v", p.PreviewSelection)
		}
		var s struct {
			SelectSamples struct{ Cycle struct{ ID string } }
		}
		wantData(t, a.post(`mutation($in: SelectionInput!) { selectSamples(input: {selection: $in}) { cycle { id } } }`, map[string]any{"in": good}, bearer(a.sciT)), &s)
		var c struct {
			Cycle struct {
				ItemsSelected int
				StartedBy     *struct{ ID, Name string }
			}
		}
		wantData(t, a.post(`query($c: ID!) { cycle(id: $c) { itemsSelected startedBy { id name } } }`, map[string]any{"c": s.SelectSamples.Cycle.ID}, bearer(a.vwT)), &c)
		if c.Cycle.ItemsSelected != 2 || c.Cycle.StartedBy == nil || c.Cycle.StartedBy.Name != a.sci.Name {
			t.Errorf("cycle %+v; want 2 items started by %q", c.Cycle, a.sci.Name)
		}
	})
}
