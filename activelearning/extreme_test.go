package activelearning_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"activelab/activelearning"
	"activelab/chem"
	"activelab/store"
	"activelab/store/storetest"
)

// TestExtremeValuesNeverReachAModel: 1e308 and friends (beyond ±1e6) are
// refused by every door a value comes in, not only submitLabel: an
// import rejects the row (value column, reason) and stores no
// measurement for it, an amendment is refused confirmed or not and the
// label stays; the retrain that follows trains on the sane labels only,
// and its version's artifact loads with finite metrics.
func TestExtremeValuesNeverReachAModel(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		data := readESOL(t)
		extreme := []float64{1e308, -1.7e308, 1e6 + 1}
		in := activelearning.ImportInput{SetName: "extreme", Endpoint: "logS"}
		for i, v := range extreme {
			r := data[trainRows+i] // pool compounds, no measurement yet
			in.Rows = append(in.Rows, ingestRow(i, r.SMILES, v))
		}
		rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != len(extreme) {
			t.Fatalf("import rejected %d rows (%+v); want all %d", len(rep.Errors), rep.Errors, len(extreme))
		}
		for _, re := range rep.Errors {
			if re.Column != "value" || !strings.Contains(re.Reason, "beyond ±1e+06") {
				t.Errorf("row %d rejected on %q: %q; want the value column, beyond ±1e+06", re.Row, re.Column, re.Reason)
			}
		}
		for i := range extreme {
			c, err := e.st.CompoundBySMILES(e.ctx, canonicalOf(t, data[trainRows+i].SMILES))
			if err != nil {
				t.Fatal(err)
			}
			if ms, err := e.st.MeasurementsByCompound(e.ctx, c.ID, "logS"); err != nil || len(ms) != 0 {
				t.Errorf("compound of row %d has measurements %+v (%v); want none", i+1, ms, err)
			}
		}

		c, _ := e.labelSome(t, 6, 3)
		labeled := e.items(t, "selection_batch = ? AND status = ?", c.CycleNumber, store.QueueLabeled)
		for _, v := range extreme {
			for _, confirm := range []bool{false, true} {
				_, err := e.svc.AmendLabel(e.ctx, e.sci, activelearning.AmendLabelInput{ItemID: labeled[0].ID, Value: v, Reason: "typo", Confirm: confirm})
				var ie *activelearning.InputError
				if !errors.As(err, &ie) || ie.Field != "value" {
					t.Errorf("amend to %g (confirm %v) = %v; want an input error on value", v, confirm, err)
				}
			}
		}
		if it, _ := e.st.QueueItem(e.ctx, labeled[0].ID); it.Label == nil || *it.Label != *labeled[0].Label {
			t.Errorf("label after refused amendments = %v; want %v", it.Label, *labeled[0].Label)
		}

		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 1); err != nil {
			t.Fatal(err)
		}
		if err := e.jobs.Run(e.ctx, e.svc); err != nil {
			t.Fatal(err)
		}
		vs, err := e.svc.ModelVersions(e.ctx, e.model.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions %d, %v", len(vs), err)
		}
		nv := vs[1]
		if nv.TrainingSize != vs[0].TrainingSize+3 || nv.TrainedLabels != 3 {
			t.Errorf("version 2 trained on %d rows, %d labels; want %d and 3", nv.TrainingSize, nv.TrainedLabels, vs[0].TrainingSize+3)
		}
		var m map[string]float64
		if err := json.Unmarshal(nv.Metrics, &m); err != nil || len(m) == 0 {
			t.Fatalf("version 2 metrics %s: %v", nv.Metrics, err)
		}
		for name, v := range m {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("version 2 %s = %v", name, v)
			}
		}
		// Its artifact loads: a preview scores with it.
		if _, err := e.svc.PreviewSelection(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, BatchSize: 5}); err != nil {
			t.Errorf("preview with version 2: %v", err)
		}
	})
}

// canonicalOf is smiles' canonical form, as compounds are stored.
func canonicalOf(t *testing.T, smiles string) string {
	t.Helper()
	m, err := chem.Parse(smiles)
	if err != nil {
		t.Fatal(err)
	}
	return chem.CanonicalSMILES(m)
}
