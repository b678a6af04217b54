package server

import (
	"testing"
	"time"

	"activelab/store"
)

// TestArchivedItemsAPI drives archiving over HTTP on both databases (issue
// 11, part 4): after a retrain that activates version 2, labelQueue leaves
// the 5 labeled items out by default (introspection shows the default
// archived: false), lists them with archived: true, with archivedAt and
// archivedWith (version 2), and archived: null lists all 10.
func TestArchivedItemsAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		a.trainModel(t)
		cycle := a.selectBatch(t, 10)
		for i := range 5 {
			wantData(t, a.label(t, a.sciT, a.claim(t, a.sciT), -2-float64(i)/4), nil)
		}
		wantData(t, a.post(`mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 5}) { cycle { status } } }`,
			map[string]any{"c": cycle}, bearer(a.adminT)), nil)
		a.waitFor(t, "retrain complete", func() bool {
			var cy struct{ Cycle struct{ Status string } }
			wantData(t, a.post(`query($c: ID!) { cycle(id: $c) { status } }`, map[string]any{"c": cycle}, bearer(a.vwT)), &cy)
			return cy.Cycle.Status == "COMPLETE" || cy.Cycle.Status == "FAILED"
		})
		type page struct {
			LabelQueue struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Status       string
						ArchivedAt   *time.Time
						ArchivedWith *struct{ Version int }
					}
				}
			}
		}
		list := func(filter string) page {
			t.Helper()
			var p page
			wantData(t, a.post(`query($m: ID!) { labelQueue(filter: {modelId: $m`+filter+`}, first: 50) { totalCount
				edges { node { status archivedAt archivedWith { version } } } } }`,
				map[string]any{"m": a.modelID.String()}, bearer(a.vwT)), &p)
			return p
		}
		def := list("")
		if def.LabelQueue.TotalCount != 5 {
			t.Errorf("default labelQueue has %d items, want the 5 not archived", def.LabelQueue.TotalCount)
		}
		for _, e := range def.LabelQueue.Edges {
			if e.Node.Status == "LABELED" || e.Node.ArchivedAt != nil || e.Node.ArchivedWith != nil {
				t.Errorf("default view shows %+v", e.Node)
			}
		}
		arch := list(", archived: true")
		if arch.LabelQueue.TotalCount != 5 {
			t.Errorf("archived: true has %d items, want 5", arch.LabelQueue.TotalCount)
		}
		for _, e := range arch.LabelQueue.Edges {
			if e.Node.Status != "LABELED" || e.Node.ArchivedAt == nil || e.Node.ArchivedWith == nil || e.Node.ArchivedWith.Version != 2 {
				t.Errorf("archived item %+v, want LABELED, archived with version 2", e.Node)
			}
		}
		if all := list(", archived: null"); all.LabelQueue.TotalCount != 10 {
			t.Errorf("archived: null has %d items, want 10", all.LabelQueue.TotalCount)
		}
		var intro struct {
			Type struct {
				InputFields []struct{ Name, DefaultValue string }
			} `json:"__type"`
		}
		wantData(t, a.post(`{ __type(name: "QueueFilter") { inputFields { name defaultValue } } }`, nil, bearer(a.vwT)), &intro)
		found := false
		for _, f := range intro.Type.InputFields {
			if f.Name == "archived" {
				found = f.DefaultValue == "false"
			}
		}
		if !found {
			t.Errorf("QueueFilter.archived default: %+v, want false", intro.Type.InputFields)
		}
	})
}

// TestImportRecordAPI (issue 11, part 6): an inline upload's payload
// carries its record (COMPLETE, counts, the rejected row); imports(setId)
// lists it; a record whose process died (heartbeat two minutes old) reads
// as INTERRUPTED with the rows it applied and where it stopped; viewers get
// FORBIDDEN.
func TestImportRecordAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		csv := "smiles,name,logS\nCCO,ethanol,1.1\nC1CC(,broken,0\nCCCO,propanol,0.6\nCCO,ethanol again,1.1\n"
		var up struct {
			ImportCompounds struct {
				Set    struct{ ID string }
				Import struct {
					ID, State, Via, File                                                   string
					Rows                                                                   *int
					RowsDone, LastRow, Created, Existing, Measurements, Rejected, Attempts int
					Errors                                                                 []struct{ Row int }
					FinishedAt                                                             *time.Time
				}
			}
		}
		wantData(t, a.upload(t, a.sciT, `mutation($in: ImportCompoundsInput!) { importCompounds(input: $in) { set { id }
			import { id state via file rows rowsDone lastRow created existing measurements rejected attempts errors { row } finishedAt } } }`,
			map[string]any{"in": map[string]any{"file": nil, "setName": "alcohols", "endpoint": "logS", "valueColumn": "logS"}}, "alcohols.csv", csv), &up)
		imp := up.ImportCompounds.Import
		if imp.State != "COMPLETE" || imp.Via != "UPLOAD" || imp.File != "alcohols.csv" || imp.Rows == nil || *imp.Rows != 4 ||
			imp.RowsDone != 4 || imp.LastRow != 4 || imp.Created != 2 || imp.Existing != 1 || imp.Measurements != 2 ||
			imp.Rejected != 1 || imp.Attempts != 1 || len(imp.Errors) != 1 || imp.Errors[0].Row != 2 || imp.FinishedAt == nil {
			t.Fatalf("import record %+v", imp)
		}
		// A CLI import killed after 500 of its rows, its heartbeat stale.
		set, err := a.st.CompoundSetByName(t.Context(), "alcohols")
		if err != nil {
			t.Fatal(err)
		}
		stale := time.Now().Add(-2 * time.Minute)
		dead := &store.Import{SetID: &set.ID, UserID: &a.sci.ID, Via: store.ImportViaCLI, File: "big.csv", Attempts: 1,
			RowsDone: 500, LastRow: 500, Created: 480, Existing: 20, StartedAt: stale, HeartbeatAt: stale}
		if err := a.st.CreateImport(t.Context(), dead); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Import struct {
				State      string
				Rows       *int
				LastRow    int
				Created    int
				FinishedAt *time.Time
				Set        struct{ Name string }
				User       struct{ Name string }
			}
			Imports []struct{ ID, State string }
		}
		wantData(t, a.post(`query($id: ID!, $s: ID!) { import(id: $id) { state rows lastRow created finishedAt set { name } user { name } }
			imports(setId: $s) { id state } }`,
			map[string]any{"id": dead.ID.String(), "s": up.ImportCompounds.Set.ID}, bearer(a.sciT)), &got)
		if g := got.Import; g.State != "INTERRUPTED" || g.Rows != nil || g.LastRow != 500 || g.Created != 480 || g.FinishedAt != nil ||
			g.Set.Name != "alcohols" || g.User.Name != a.sci.Name {
			t.Errorf("interrupted import %+v", g)
		}
		if len(got.Imports) != 2 || got.Imports[0].State != "INTERRUPTED" || got.Imports[1].ID != imp.ID {
			t.Errorf("imports(setId) = %+v, want the dead one, then the upload", got.Imports)
		}
		wantError(t, a.post(`query($id: ID!) { import(id: $id) { state } }`, map[string]any{"id": imp.ID}, bearer(a.vwT)), CodeForbidden)
		wantError(t, a.post(`{ import(id: "01900000-0000-7000-8000-000000000999") { state } }`, nil, bearer(a.sciT)), CodeNotFound)
	})
}
