package server

import (
	"fmt"
	"strings"
	"testing"

	"activelab/ident"
	"activelab/store"
)

// TestPromoteRollbackAPI drives gated promotion over HTTP on both
// databases (issue 11, part 3): a model created with promotionTolerance 0
// is retrained on confirmed absurd labels; the retrained version is a
// CANDIDATE with its metrics and the cycle's promotionNote says why;
// promoteVersion and rollbackModel are ADMIN only, answer NOT_FOUND and
// CONFLICT for wrong versions, and move the pending items between versions
// (the arguments the web app sends: versionId + reason, modelId + toVersion).
func TestPromoteRollbackAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.importESOL(t)
		var cm struct {
			CreateModel struct{ Model struct{ ID string } }
		}
		wantData(t, a.post(`mutation($in: CreateModelInput!) { createModel(input: $in) { model { id } } }`,
			map[string]any{"in": map[string]any{"name": "gated", "endpoint": "logS", "task": "REGRESSION", "members": alMembers,
				"split": map[string]any{"kind": "random", "fraction": 0.2, "seed": 7}, "seed": 7, "promotionTolerance": 0}}, bearer(a.adminT)), &cm)
		a.modelID, _ = ident.Parse(cm.CreateModel.Model.ID)
		a.waitFor(t, "version 1 active", func() bool {
			m, err := a.rt.Service.Model(t.Context(), a.modelID)
			return err == nil && m.Status == store.ModelActive
		})
		wantError(t, a.post(`mutation { createModel(input: {name: "bad", endpoint: "logS", task: REGRESSION, promotionTolerance: -1}) { model { id } } }`,
			nil, bearer(a.adminT)), CodeBadUserInput, "promotionTolerance")

		cycle := a.selectBatch(t, 10)
		for i := range 5 {
			v := 40.0 * float64(1-2*(i%2))
			wantData(t, a.post(`mutation($i: ID!, $v: Float!) { submitLabel(input: {itemId: $i, value: $v, confirm: true}) { item { id } } }`,
				map[string]any{"i": a.claim(t, a.sciT), "v": v}, bearer(a.sciT)), nil)
		}
		wantData(t, a.post(`mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 5}) { cycle { status } } }`,
			map[string]any{"c": cycle}, bearer(a.adminT)), nil)
		var cy struct {
			Cycle struct{ Status, PromotionNote string }
		}
		a.waitFor(t, "cycle complete", func() bool {
			wantData(t, a.post(`query($c: ID!) { cycle(id: $c) { status promotionNote } }`, map[string]any{"c": cycle}, bearer(a.vwT)), &cy)
			return cy.Cycle.Status == "COMPLETE" || cy.Cycle.Status == "FAILED"
		})
		if cy.Cycle.Status != "COMPLETE" || !strings.Contains(cy.Cycle.PromotionNote, "version 2 kept as a candidate") {
			t.Fatalf("cycle %+v", cy.Cycle)
		}

		type version struct {
			ID      string
			Version int
			Status  string
			Metrics []struct {
				Name  string
				Value float64
			}
		}
		type modelView struct {
			ID            string
			ActiveVersion *struct{ Version int }
			Versions      []version
		}
		var md struct{ Model modelView }
		readModel := func() modelView {
			wantData(t, a.post(`query($m: ID!) { model(id: $m) { id activeVersion { version } versions { id version status metrics { name value } } } }`,
				map[string]any{"m": a.modelID}, bearer(a.vwT)), &md)
			return md.Model
		}
		m := readModel()
		if m.ActiveVersion == nil || m.ActiveVersion.Version != 1 || len(m.Versions) != 2 || m.Versions[1].Status != "CANDIDATE" || len(m.Versions[1].Metrics) == 0 {
			t.Fatalf("after a poisoned retrain: %+v", m)
		}
		v1, v2 := m.Versions[0].ID, m.Versions[1].ID
		pendingOn := func() map[int]int {
			var d struct {
				LabelQueue struct {
					Edges []struct {
						Node struct{ ModelVersion struct{ Version int } }
					}
				}
			}
			wantData(t, a.post(`query($m: ID!) { labelQueue(filter: {modelId: $m, status: [PENDING]}, first: 100) { edges { node { modelVersion { version } } } } }`,
				map[string]any{"m": a.modelID}, bearer(a.vwT)), &d)
			n := map[int]int{}
			for _, e := range d.LabelQueue.Edges {
				n[e.Node.ModelVersion.Version]++
			}
			return n
		}
		if n := pendingOn(); n[1] != 5 || len(n) != 1 {
			t.Fatalf("pending items by version after the candidate: %v, want 5 on version 1", n)
		}

		promote := `mutation($v: ID!, $r: String!) { promoteVersion(input: {versionId: $v, reason: $r}) { model { id activeVersion { version } } version { status } } }`
		rollback := `mutation($m: ID!, $to: Int!) { rollbackModel(input: {modelId: $m, toVersion: $to}) { model { id activeVersion { version } } } }`
		wantError(t, a.post(promote, map[string]any{"v": v2, "r": "fine"}, bearer(a.sciT)), CodeForbidden, "ADMIN")
		wantError(t, a.post(rollback, map[string]any{"m": a.modelID, "to": 1}, bearer(a.sciT)), CodeForbidden, "ADMIN")
		wantError(t, a.post(promote, map[string]any{"v": ident.New(), "r": "fine"}, bearer(a.adminT)), CodeNotFound)
		wantError(t, a.post(promote, map[string]any{"v": v1, "r": "fine"}, bearer(a.adminT)), CodeConflict, "not a candidate")
		wantError(t, a.post(promote, map[string]any{"v": v2, "r": ""}, bearer(a.adminT)), CodeBadUserInput, "reason")
		wantError(t, a.post(rollback, map[string]any{"m": a.modelID, "to": 1}, bearer(a.adminT)), CodeConflict)
		wantError(t, a.post(rollback, map[string]any{"m": a.modelID, "to": 7}, bearer(a.adminT)), CodeNotFound)

		var pd struct {
			PromoteVersion struct {
				Model struct {
					ID            string
					ActiveVersion struct{ Version int }
				}
				Version struct{ Status string }
			}
		}
		wantData(t, a.post(promote, map[string]any{"v": v2, "r": "outliers confirmed by the lab"}, bearer(a.adminT)), &pd)
		if p := pd.PromoteVersion; p.Model.ID != fmt.Sprint(a.modelID) || p.Model.ActiveVersion.Version != 2 || p.Version.Status != "ACTIVE" {
			t.Fatalf("promoteVersion = %+v", p)
		}
		if n := pendingOn(); n[2] != 5 || len(n) != 1 {
			t.Errorf("pending items by version after promotion: %v, want 5 on version 2", n)
		}

		var rd struct {
			RollbackModel struct {
				Model struct {
					ID            string
					ActiveVersion struct{ Version int }
				}
			}
		}
		wantData(t, a.post(rollback, map[string]any{"m": a.modelID, "to": 1}, bearer(a.adminT)), &rd)
		if r := rd.RollbackModel; r.Model.ID != fmt.Sprint(a.modelID) || r.Model.ActiveVersion.Version != 1 {
			t.Fatalf("rollbackModel = %+v", r)
		}
		if n := pendingOn(); n[1] != 5 || len(n) != 1 {
			t.Errorf("pending items by version after rollback: %v, want 5 on version 1", n)
		}
		if m := readModel(); m.Versions[0].Status != "ACTIVE" || m.Versions[1].Status != "SUPERSEDED" {
			t.Errorf("after rollback: %+v", m.Versions)
		}
	})
}
