package activelearning_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/store"
	"activelab/store/storetest"
)

// recorder is an Observer that keeps what it heard.
type recorder struct {
	mu       sync.Mutex
	labels   []string // model/source
	training []string // kind/outcome
	select_  []string // mode/outcome
	latency  []string // model
	retrains []string // model/activated
}

func (r *recorder) LabelLatency(model string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d > 0 {
		r.latency = append(r.latency, model)
	}
}

func (r *recorder) RetrainApplied(model string, activated bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retrains = append(r.retrains, fmt.Sprintf("%s/%v", model, activated))
}

func (r *recorder) LabelSubmitted(model string, source store.Source) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.labels = append(r.labels, model+"/"+string(source))
}

func (r *recorder) TrainingDone(kind, outcome string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d > 0 {
		r.training = append(r.training, kind+"/"+outcome)
	}
}

func (r *recorder) SelectionDone(mode, outcome string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d > 0 {
		r.select_ = append(r.select_, mode+"/"+outcome)
	}
}

// TestObserverHearsTheWork: a first training, a preview and a selection,
// two labels (an identical resubmission and a refused one not counted), a
// retrain, and a retrain killed midway, each reported once with its
// outcome and a positive duration.
func TestObserverHearsTheWork(t *testing.T) {
	eachBackend(t, func(t *testing.T, open storetest.Opener) {
		e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
		rec := &recorder{}
		e.svc.SetObserver(rec)
		tol := alwaysPromote
		e.tolerance = &tol
		e.model = e.createModel(t, "esol", "random")

		in := activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet, Strategy: "uncertainty", BatchSize: 4, Seed: 3}
		if _, err := e.svc.PreviewSelection(e.ctx, e.sci, in); err != nil {
			t.Fatal(err)
		}
		c := e.selectBatch(t, "uncertainty", 4)
		items := e.items(t, "selection_batch = ?", c.CycleNumber)
		for i, it := range items[:2] {
			src := []store.Source{store.SourceLiterature, store.SourceExperimental}[i]
			in := activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2.5, Source: src}
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, in); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.SubmitLabel(e.ctx, e.sci, in); err != nil { // the same again: no new label
				t.Fatal(err)
			}
		}
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci, activelearning.SubmitLabelInput{ItemID: items[0].ID, Value: -1}); err == nil {
			t.Fatal("a second, different label on a labeled item was accepted")
		}
		// A claimed item, labeled 90 s later: its latency is heard.
		held, err := e.svc.ClaimNextItem(e.ctx, e.sci2, e.model.ID)
		if err != nil || held == nil {
			t.Fatalf("claim: %+v, %v", held, err)
		}
		e.clock.Advance(90 * time.Second)
		if _, err := e.svc.SubmitLabel(e.ctx, e.sci2, activelearning.SubmitLabelInput{ItemID: held.ID, Value: -2, Source: store.SourceLiterature}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.TriggerRetrain(e.ctx, e.admin, c.ID, 2); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(e.ctx)
		err = e.svc.Retrain(ctx, c.ID, func(stage string, _ float64, _ string) {
			if stage != "prepare" {
				cancel() // in the middle of the fit
			}
		})
		if err == nil {
			t.Fatal("a retrain whose context ended returned nil")
		}
		if err := e.svc.Retrain(e.ctx, c.ID, nil); err != nil {
			t.Fatal(err)
		}

		rec.mu.Lock()
		defer rec.mu.Unlock()
		if want := []string{"esol/literature", "esol/experimental", "esol/literature"}; !slices.Equal(rec.labels, want) {
			t.Errorf("labels = %v; want %v", rec.labels, want)
		}
		if want := []string{"esol"}; !slices.Equal(rec.latency, want) {
			t.Errorf("label latencies = %v; want one, of the claimed item", rec.latency)
		}
		if want := []string{"esol/true"}; !slices.Equal(rec.retrains, want) {
			t.Errorf("retrains = %v; want one activated (the interrupted attempt applied nothing)", rec.retrains)
		}
		if want := []string{"train/ok", "retrain/interrupted", "retrain/ok"}; !slices.Equal(rec.training, want) {
			t.Errorf("training = %v; want %v", rec.training, want)
		}
		if want := []string{"preview/ok", "inline/ok"}; !slices.Equal(rec.select_, want) {
			t.Errorf("selection = %v; want %v", rec.select_, want)
		}
	})
}
