package activelearning_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/activelearning/altest"
	"activelab/activelearning/ingest"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// Compile-time checks: the service is what the workers call, the River
// client and the recorder are what the service enqueues with.
var (
	_ jobs.Deps                  = (*activelearning.Service)(nil)
	_ activelearning.JobEnqueuer = (*jobs.Client)(nil)
	_ activelearning.JobEnqueuer = (*jobs.Recorder)(nil)
)

// Test data sizes: the first trainRows ESOL compounds carry values (the
// model's training and validation data), the next poolRows are the pool.
const (
	trainRows = 40
	poolRows  = 120
	members   = 8
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	ctx                    context.Context
	st                     *store.Store
	svc                    *activelearning.Service
	jobs                   *jobs.Recorder
	clock                  *clock
	admin, sci, sci2, view *store.User
	trainSet, poolSet      store.ID
	model                  *store.MLModel // lineage root, trained
	// tolerance is createModel's PromotionTolerance (nil: the default).
	tolerance *float64
}

// alwaysPromote is a promotion tolerance no retrain exceeds.
var alwaysPromote = 1e9

// readESOL returns the shared 160 ESOL rows (altest.ESOL160).
func readESOL(testing.TB) []altest.Row { return altest.ESOL160() }

// importRows imports ESOL rows [from, to) into a set, with values when withValues.
func (e *env) importRows(t testing.TB, set string, from, to int, withValues bool) *activelearning.ImportReport {
	t.Helper()
	data := readESOL(t)
	in := activelearning.ImportInput{SetName: set, Endpoint: "logS"}
	for i := from; i < to; i++ {
		r := ingest.Row{Line: i + 1, SMILES: data[i].SMILES, Name: data[i].Name}
		if withValues {
			v := data[i].Value
			r.Value = &v
		}
		in.Rows = append(in.Rows, r)
	}
	rep, err := e.svc.ImportCompounds(e.ctx, e.sci, in)
	if err != nil {
		t.Fatalf("import %s: %v", set, err)
	}
	return rep
}

// newEnv opens a database, imports ESOL (trainRows with values, poolRows
// without) and creates the users; no model yet.
func newEnv(t *testing.T, open storetest.Opener, cfg activelearning.Config) *env {
	t.Helper()
	ctx := t.Context()
	st := open(t)
	e := &env{ctx: ctx, st: st, jobs: &jobs.Recorder{}, clock: &clock{t: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)}}
	cfg.Now = e.clock.Now
	e.svc = activelearning.New(st, nil, cfg, nil)
	e.svc.SetJobs(e.jobs)
	e.admin = storetest.User(ctx, t, st, &store.User{Role: store.RoleAdmin})
	e.sci = storetest.User(ctx, t, st, &store.User{Role: store.RoleScientist})
	e.sci2 = storetest.User(ctx, t, st, &store.User{Role: store.RoleScientist})
	e.view = storetest.User(ctx, t, st, &store.User{Role: store.RoleViewer})
	e.trainSet = e.importRows(t, "esol-train", 0, trainRows, true).SetID
	e.poolSet = e.importRows(t, "esol-pool", trainRows, trainRows+poolRows, false).SetID
	return e
}

// setup is newEnv plus a trained regression model "esol".
func setup(t *testing.T, open storetest.Opener) *env {
	t.Helper()
	e := newEnv(t, open, activelearning.Config{MaxBatchSize: 60})
	// Every retrain activates its version, as before gated promotion (a
	// few labels on 40 compounds can move the validation RMSE either way);
	// promotion_test.go sets its own tolerances.
	e.tolerance = &alwaysPromote
	e.model = e.createModel(t, "esol", "random")
	return e
}

func (e *env) createModel(t testing.TB, name, split string) *store.MLModel {
	t.Helper()
	m, err := e.svc.CreateModel(e.ctx, e.admin, activelearning.CreateModelInput{
		Name: name, Endpoint: "logS", Task: store.TaskRegression, Members: members, TrainingSetID: e.trainSet,
		Split: activelearning.SplitInput{Kind: split, Fraction: 0.25, Seed: 7}, PromotionTolerance: e.tolerance,
	})
	if err != nil {
		t.Fatalf("create model: %v", err)
	}
	if err := e.jobs.Run(e.ctx, e.svc); err != nil {
		t.Fatalf("train: %v", err)
	}
	return m
}

// selectBatch starts a cycle of n items from the pool set.
// solubleModel imports the first trainRows ESOL compounds with a binary
// endpoint "soluble" (1 when logS > -3), trains the classification model
// "soluble" on them with split, makes it e.model and returns it with every
// ESOL compound's class by SMILES.
func (e *env) solubleModel(t testing.TB, split activelearning.SplitInput) (*store.MLModel, map[string]float64) {
	t.Helper()
	class := map[string]float64{}
	in := activelearning.ImportInput{SetName: "esol-train", Endpoint: "soluble"}
	for i, r := range readESOL(t) {
		if r.Value > -3 {
			class[r.SMILES] = 1
		} else {
			class[r.SMILES] = 0
		}
		if i < trainRows {
			in.Rows = append(in.Rows, ingestRow(i, r.SMILES, class[r.SMILES]))
		}
	}
	if _, err := e.svc.ImportCompounds(e.ctx, e.sci, in); err != nil {
		t.Fatal(err)
	}
	m, err := e.svc.CreateModel(e.ctx, e.admin, activelearning.CreateModelInput{Name: "soluble", Endpoint: "soluble",
		Task: store.TaskClassification, Members: members, TrainingSetID: e.trainSet, Split: split})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.jobs.Run(e.ctx, e.svc); err != nil {
		t.Fatal(err)
	}
	e.model = m
	return m, class
}

func (e *env) selectBatch(t testing.TB, strategy string, n int) *store.ActiveLearningCycle {
	t.Helper()
	c, err := e.svc.SelectSamples(e.ctx, e.sci, activelearning.SelectInput{ModelID: e.model.ID, SetID: e.poolSet,
		Strategy: strategy, BatchSize: n, Seed: 3})
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	return c
}

func (e *env) items(t testing.TB, where string, args ...any) []*store.LabelQueueItem {
	t.Helper()
	var items []*store.LabelQueueItem
	q := e.st.DB().NewSelect().Model(&items).Order("id")
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Scan(e.ctx); err != nil {
		t.Fatal(err)
	}
	return items
}

// snapshot summarises every table a service call could change, so a test
// can assert that a rejected call changed nothing.
func (e *env) snapshot(t testing.TB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"events", "measurements", "label_queue", "active_learning_cycles", "ml_models", "compounds", "compound_sets"} {
		n, err := e.st.DB().NewSelect().Table(table).Count(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", table, n)
	}
	for _, it := range e.items(t, "") {
		fmt.Fprintf(&b, "%d:%s:%d:%d ", it.ID, it.Status, it.Version, it.ModelID)
	}
	var cycles []*store.ActiveLearningCycle
	if err := e.st.DB().NewSelect().Model(&cycles).Order("id").Scan(e.ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range cycles {
		fmt.Fprintf(&b, "c%d:%s:%d ", c.ID, c.Status, c.Version)
	}
	return b.String()
}

func (e *env) events(t testing.TB, typ string) []*store.Event {
	t.Helper()
	var evs []*store.Event
	if err := e.st.DB().NewSelect().Model(&evs).Where("type = ?", typ).Order("seq").Scan(e.ctx); err != nil {
		t.Fatal(err)
	}
	return evs
}

func eachBackend(t *testing.T, fn func(t *testing.T, open storetest.Opener)) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) { fn(t, open) })
	}
}

func ingestRow(i int, smiles string, v float64) ingest.Row {
	return ingest.Row{Line: i + 1, SMILES: smiles, Value: &v}
}
