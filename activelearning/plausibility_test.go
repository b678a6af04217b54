package activelearning_test

import (
	"errors"
	"math"
	"sync"
	"testing"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// TestPlausibility: a regression label far outside both the endpoint's range
// and the prediction is refused as implausible unless confirmed, then
// kept flagged and left out of the range; values beyond ±1e6 (1e308, the
// case that once broke artifacts) are refused even confirmed.
func TestPlausibility(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := setup(t, open)
		c := e.selectBatch(t, "uncertainty", 6)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		r, err := e.st.EndpointRange(e.ctx, "logS")
		if err != nil || r.N < 2 {
			t.Fatalf("EndpointRange = %+v, %v", r, err)
		}
		label := func(it *store.LabelQueueItem, v float64, confirm bool) (*store.LabelQueueItem, error) {
			return e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: it.ID, Value: v, Confirm: confirm})
		}
		// Beyond ±1e6: refused, confirmed or not, and nothing is stored.
		for _, v := range []float64{1e308, -1.7e308, 1e6 + 1} {
			var ie *activelearning.InputError
			if _, err := label(items[0], v, true); !errors.As(err, &ie) || ie.Field != "value" {
				t.Errorf("label %g confirmed = %v, want an InputError on value", v, err)
			}
		}
		// Far beyond the observed range: implausible, with the range.
		far := r.Max + 2*r.Span()
		_, err = label(items[0], far, false)
		var imp *activelearning.ImplausibleError
		if !errors.As(err, &imp) || imp.ErrorCode() != "IMPLAUSIBLE_VALUE" || imp.Range != r {
			t.Fatalf("label %g = %v, want an ImplausibleError with range %+v", far, err, r)
		}
		ext := imp.ErrorExtensions()
		if ext["reason"] == "" || ext["range"].(map[string]any)["max"] != r.Max {
			t.Errorf("extensions %v", ext)
		}
		if it, _ := e.st.QueueItem(e.ctx, items[0].ID); it.Status == store.QueueLabeled {
			t.Fatal("a refused label was stored")
		}
		// Within the range but a sign flip far from the prediction.
		it1 := items[1]
		if it1.Prediction == nil || it1.Uncertainty == nil {
			t.Fatal("selected item without prediction")
		}
		sigma := math.Max(*it1.Uncertainty, 0.05*r.Span())
		flip := *it1.Prediction + 5*sigma
		if flip > r.Max+r.Span() {
			flip = *it1.Prediction - 5*sigma
		}
		// Far from the prediction but within the range: a surprise, not
		// an impossibility; plausible.
		if got, err := label(it1, flip, false); err != nil || got.LabelImplausible {
			t.Errorf("label %g, 5 sigma from the prediction %g but within the range = %+v, %v; want plausible", flip, *it1.Prediction, got, err)
		}
		// Near the prediction: plausible.
		got, err := label(items[2], *items[2].Prediction+0.5*sigma, false)
		if err != nil || got.LabelImplausible {
			t.Errorf("a plausible label = %+v, %v", got, err)
		}
		// Confirmed: stored flagged, on the item and the measurement, and
		// the range does not grow.
		r, _ = e.st.EndpointRange(e.ctx, "logS")
		got, err = label(items[0], far, true)
		if err != nil || got.Status != store.QueueLabeled || !got.LabelImplausible {
			t.Fatalf("confirmed implausible label = %+v, %v", got, err)
		}
		ms, err := e.st.MeasurementsByCompound(e.ctx, got.CompoundID, "logS")
		if err != nil || len(ms) == 0 || !ms[len(ms)-1].Implausible || ms[len(ms)-1].Value != far {
			t.Errorf("measurement of the confirmed label = %+v, %v", ms, err)
		}
		if r2, _ := e.st.EndpointRange(e.ctx, "logS"); r2 != r {
			t.Errorf("range after the flagged label %+v, before %+v: want it unchanged", r2, r)
		}
	})
}

// TestConcurrentIdenticalSubmits: two identical submitLabel calls at the
// same moment both succeed (the call is idempotent); 50 pairs.
func TestConcurrentIdenticalSubmits(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		e.model = e.createModel(t, "esol", "random")
		c := e.selectBatch(t, "random", 50)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		if len(items) != 50 {
			t.Fatalf("%d items", len(items))
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*len(items))
		for _, it := range items {
			in := activelearning.SubmitLabelInput{ItemID: it.ID, Value: *it.Prediction, Confirm: true}
			for range 2 {
				wg.Go(func() {
					if _, err := e.svc.SubmitLabel(e.ctx, e.sci, in); err != nil {
						errs <- err
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("an identical concurrent submit failed: %v", err)
		}
		n, err := e.st.CountQueue(e.ctx, store.QueueFilter{Statuses: []store.QueueStatus{store.QueueLabeled}})
		if err != nil || n != 50 {
			t.Errorf("%d labeled, %v; want 50", n, err)
		}
	})
}
