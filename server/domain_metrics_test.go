package server

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"activelab/store"
)

// setTTL changes how long the database gauges are cached.
func (g *opsGauges) setTTL(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ttl = d
}

// scrape reads /metrics and returns every sample by its name and labels
// written name{a="x",b="y"} (labels sorted), as Prometheus parses them.
func scrape(t *testing.T, e *env) map[string]float64 {
	t.Helper()
	code, _, body := fetch(t, e, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d %s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			slices.Sort(ls)
			key := name
			if len(ls) > 0 {
				key += "{" + strings.Join(ls, ",") + "}"
			}
			switch {
			case m.Counter != nil:
				out[key] = m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[key] = m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[strings.Replace(key, name, name+"_count", 1)] = float64(m.GetHistogram().GetSampleCount())
				out[strings.Replace(key, name, name+"_sum", 1)] = m.GetHistogram().GetSampleSum()
			}
		}
	}
	return out
}

// TestDomainMetricsMove trains a model, selects a batch and labels an item
// through the API, scraping /metrics before and after each step: the
// counters, histograms and database gauges move by what was done; a
// scrape within the gauges' TTL reuses the last read.
func TestDomainMetricsMove(t *testing.T) {
	forEachBackend(t, func(t *testing.T, open func(testing.TB) *store.Store) {
		a := setupAL(t, open)
		a.srv.ops.setTTL(0)
		a.importESOL(t)
		before := scrape(t, a.env)
		for _, name := range []string{
			`activelab_queue_items{model="ESOL test",status="pending"}`,
			`activelab_labels_submitted_total{model="ESOL test",source="literature"}`,
		} {
			if _, ok := before[name]; ok {
				t.Errorf("%s exported before the model exists", name)
			}
		}
		if v, ok := before[`activelab_job_queue{kind="retrain_model",state="discarded"}`]; !ok || v != 0 {
			t.Errorf("job queue gauge before any job: %v, %v; want 0", v, ok)
		}

		a.trainModel(t)
		// The job's attempt is counted once its worker returns, just
		// after the version became active.
		var trained map[string]float64
		a.waitFor(t, "train_model's attempt counted", func() bool {
			trained = scrape(t, a.env)
			return trained[`activelab_job_attempts_total{kind="train_model",outcome="completed"}`] == 1
		})
		a.selectBatch(t, 3)
		item := a.claim(t, a.sciT)
		label := `mutation Label($i: ID!) { submitLabel(input: {itemId: $i, value: -2.5, source: LITERATURE, confidence: MEDIUM}) { item { id } } }`
		wantData(t, a.post(label, map[string]any{"i": item}, bearer(a.sciT)), nil)
		wantData(t, a.post(label, map[string]any{"i": item}, bearer(a.sciT)), nil) // idempotent: no second label
		wantError(t, a.post(`mutation Label($i: ID!) { submitLabel(input: {itemId: $i, value: -1, source: LITERATURE, confidence: MEDIUM}) { item { id } } }`,
			map[string]any{"i": item}, bearer(a.sciT)), "CONFLICT")
		after := scrape(t, a.env)

		moved := func(name string, from map[string]float64, want float64) {
			t.Helper()
			if got := after[name] - from[name]; got != want {
				t.Errorf("%s moved by %g (%g -> %g); want %g", name, got, from[name], after[name], want)
			}
		}
		moved(`activelab_labels_submitted_total{model="ESOL test",source="literature"}`, before, 1)
		moved(`activelab_queue_items{model="ESOL test",status="labeled"}`, before, 1)
		moved(`activelab_queue_items{model="ESOL test",status="pending"}`, before, 2)
		moved(`activelab_queue_items{model="ESOL test",status="in_progress"}`, before, 0)
		moved(`activelab_cycles{status="labeling"}`, before, 1)
		moved(`activelab_selection_duration_seconds_count{mode="inline",outcome="ok"}`, trained, 1)
		moved(`activelab_training_duration_seconds_count{kind="train",outcome="ok"}`, before, 1)
		moved(`activelab_job_attempts_total{kind="train_model",outcome="completed"}`, before, 1)
		moved(`activelab_graphql_responses_total{operation="Label",outcome="ok",type="mutation"}`, before, 2)
		moved(`activelab_graphql_responses_total{operation="Label",outcome="CONFLICT",type="mutation"}`, before, 1)
		moved(`activelab_graphql_operation_duration_seconds_count{operation="Label",type="mutation"}`, before, 3)
		if after[`activelab_training_duration_seconds_sum{kind="train",outcome="ok"}`] <= 0 {
			t.Error("training duration sum is not positive")
		}
		if n := after[`activelab_ops_gauges_errors_total`]; n != 0 {
			t.Errorf("gauge read errors: %g", n)
		}
		// The claimed item's label: one claim-to-submit latency. The active
		// version: 1, with its validation metrics as stored.
		moved(`activelab_label_latency_seconds_count{model="ESOL test"}`, before, 1)
		m, err := a.rt.Service.Model(context.Background(), a.modelID)
		if err != nil {
			t.Fatal(err)
		}
		var rmse struct{ RMSE float64 }
		if err := json.Unmarshal(m.Metrics, &rmse); err != nil || rmse.RMSE <= 0 {
			t.Fatalf("model metrics %s: %v", m.Metrics, err)
		}
		if got := after[`activelab_model_validation_metric{metric="rmse",model="ESOL test"}`]; got != rmse.RMSE {
			t.Errorf("active version's rmse gauge = %g; want the stored %g", got, rmse.RMSE)
		}
		if got := after[`activelab_model_active_version{model="ESOL test"}`]; got != 1 {
			t.Errorf("active version gauge = %g; want 1", got)
		}

		// Cached: with a long TTL, a label after one scrape is not seen by
		// the next; the counters, kept in the process, are.
		a.srv.ops.setTTL(time.Hour)
		scrape(t, a.env)
		item2 := a.claim(t, a.sciT)
		wantData(t, a.post(label, map[string]any{"i": item2}, bearer(a.sciT)), nil)
		cached := scrape(t, a.env)
		if got, old := cached[`activelab_queue_items{model="ESOL test",status="labeled"}`], after[`activelab_queue_items{model="ESOL test",status="labeled"}`]; got != old {
			t.Errorf("labeled items within the TTL = %g; want the cached %g", got, old)
		}
		if got := cached[`activelab_labels_submitted_total{model="ESOL test",source="literature"}`]; got != 2 {
			t.Errorf("labels counter = %g; want 2", got)
		}
	})
}
