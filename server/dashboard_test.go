package server

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// dashboardPath is the Grafana dashboard deploy/compose.yaml provisions.
const dashboardPath = "../deploy/grafana/activelab.json"

var (
	metricRef   = regexp.MustCompile(`activelab_[a-z0-9_]+`)
	selectorRef = regexp.MustCompile(`(activelab_[a-z0-9_]+)\{([^}]*)\}`)
	matcherRef  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)`)
)

// dashboardQueries returns every panel's PromQL expressions by panel title.
func dashboardQueries(t *testing.T) map[string][]string {
	t.Helper()
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string
		Title  string
		Panels []struct {
			Title      string
			Type       string
			Datasource *struct{ UID string }
			Targets    []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%s does not parse: %v", dashboardPath, err)
	}
	if d.UID == "" || d.Title == "" {
		t.Errorf("dashboard has no uid or title")
	}
	out := map[string][]string{}
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.UID != "activelab-prometheus" {
			t.Errorf("panel %q: datasource %+v; want the provisioned uid activelab-prometheus", p.Title, p.Datasource)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, q := range p.Targets {
			out[p.Title] = append(out[p.Title], q.Expr)
		}
	}
	return out
}

// TestDashboardQueriesExportedMetrics parses the dashboard and checks that
// every metric its queries name, and every label they match on, is in a
// real scrape of a server that trained a model, selected a batch, stored a
// label of a claimed item, retrained and answered an error; and that compose.yaml provisions it with the
// datasource uid the panels use. The panels the issue asks for are there.
func TestDashboardQueriesExportedMetrics(t *testing.T) {
	queries := dashboardQueries(t)
	for _, want := range []string{"Queue depth (open items)", "Label rate (labels per hour)", "Training duration (p50, p95)",
		"Selection duration (p50, p95)", "Job failures", "Job queue depth", "GraphQL latency (p50, p95, p99)", "Error rate",
		"Event delivery lag (p50, p99)", "Event subscribers", "Label latency, claim to submit (p50, p90)", "Retrains by outcome (per day)",
		"Active version's validation metric"} {
		if _, ok := queries[want]; !ok {
			t.Errorf("dashboard lacks the panel %q", want)
		}
	}
	compose, err := os.ReadFile("../deploy/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"file: ./grafana/activelab.json", "uid: activelab-prometheus", `targets: ["api-1:9090", "api-2:9090"]`, `"--metrics-addr", ":9090"`} {
		if !strings.Contains(string(compose), want) {
			t.Errorf("compose.yaml lacks %q", want)
		}
	}

	a := setupAL(t, openSQLite)
	a.srv.ops.setTTL(0) // each scrape reads the database gauges
	a.importESOL(t)
	a.trainModel(t)
	a.waitFor(t, "the training's attempt counted", func() bool {
		return scrape(t, a.env)[`activelab_job_attempts_total{kind="train_model",outcome="completed"}`] == 1
	})
	cycle := a.selectBatch(t, 3)
	wantData(t, a.label(t, a.sciT, a.claim(t, a.sciT), -2.5), nil)
	wantData(t, a.post(`mutation($c: ID!) { triggerRetrain(input: {cycleId: $c, minNewLabels: 1}) { cycle { id } } }`,
		map[string]any{"c": cycle}, bearer(a.adminT)), nil)
	a.waitFor(t, "the retrain applied", func() bool {
		return scrape(t, a.env)[`activelab_retrains_total{model="ESOL test",outcome="activated"}`] == 1
	})
	wantError(t, a.post(`{ cycle(id: "01900000-0000-7000-8000-000000000999") { id } }`, nil, bearer(a.sciT)), CodeNotFound)

	code, _, body := fetch(t, a.env, "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	// family returns the scraped family a name in a query refers to (a
	// histogram's _bucket, _count and _sum series name their family).
	family := func(name string) *dto.MetricFamily {
		if f, ok := fams[name]; ok {
			return f
		}
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if base, ok := strings.CutSuffix(name, suffix); ok {
				if f, ok := fams[base]; ok && f.GetType() == dto.MetricType_HISTOGRAM {
					return f
				}
			}
		}
		return nil
	}
	for title, exprs := range queries {
		for _, expr := range exprs {
			names := metricRef.FindAllString(expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: %q names no activelab metric", title, expr)
			}
			for _, name := range names {
				if family(name) == nil {
					t.Errorf("panel %q: %s is not exported by the server (query %q)", title, name, expr)
				}
			}
			for _, sel := range selectorRef.FindAllStringSubmatch(expr, -1) {
				f := family(sel[1])
				if f == nil {
					continue
				}
				for _, m := range matcherRef.FindAllStringSubmatch(sel[2], -1) {
					if !hasLabel(f, m[1]) {
						t.Errorf("panel %q: %s has no label %q (query %q)", title, sel[1], m[1], expr)
					}
				}
			}
		}
	}
}

func hasLabel(f *dto.MetricFamily, label string) bool {
	for _, m := range f.GetMetric() {
		if slices.ContainsFunc(m.GetLabel(), func(l *dto.LabelPair) bool { return l.GetName() == label }) {
			return true
		}
	}
	return false
}
