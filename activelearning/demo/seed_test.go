package demo

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/auth"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// setup opens a migrated SQLite database in t.TempDir() and a service whose
// River client works jobs.
func setup(t *testing.T) (*activelearning.Service, *store.Store) {
	t.Helper()
	st, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return withService(t, st)
}

// withService returns a service over st whose River client works jobs.
func withService(t *testing.T, st *store.Store) (*activelearning.Service, *store.Store) {
	t.Helper()
	ctx := t.Context()
	svc := activelearning.New(st, nil, activelearning.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	jc, err := jobs.NewClient(st, svc, jobs.Config{PollInterval: 100 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetJobs(jc)
	if err := jc.Start(context.WithoutCancel(ctx)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = jc.Stop(sctx)
	})
	return svc, st
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// snapshot counts what Seed writes, to show a second run writes nothing.
type snapshot struct {
	users, compounds, measurements, cycles, queue, models, events int
}

func take(t *testing.T, st *store.Store) snapshot {
	t.Helper()
	ctx := t.Context()
	var s snapshot
	db := st.DB()
	for _, c := range []struct {
		table string
		n     *int
	}{{"users", &s.users}, {"compounds", &s.compounds}, {"measurements", &s.measurements},
		{"active_learning_cycles", &s.cycles}, {"label_queue", &s.queue}, {"ml_models", &s.models}} {
		n, err := db.NewSelect().Table(c.table).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		*c.n = int(n)
	}
	n, err := db.NewSelect().Table("events").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.events = int(n)
	return s
}

func TestSeed(t *testing.T) {
	t.Parallel()
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testSeed(t, open)
		})
	}
}

func testSeed(t *testing.T, open storetest.Opener) {
	svc, st := withService(t, open(t))
	ctx := t.Context()
	var out bytes.Buffer
	// 8 members instead of the demo's 32 keep the test quick under -race;
	// TestConfigDefaults checks the demo's own settings.
	cfg := Config{Out: &out, Getenv: func(string) string { return "" }, Log: quiet(), Members: 8}
	res, err := Seed(ctx, svc, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Seeded || res.Admin == nil || res.Admin.Email != DefaultEmail || res.Admin.Role != store.RoleAdmin {
		t.Fatalf("result = %+v", res)
	}
	// The generated password is printed once and logs in.
	if res.GeneratedPassword == "" || strings.Count(out.String(), res.GeneratedPassword) != 1 {
		t.Errorf("password %q printed as %q", res.GeneratedPassword, out.String())
	}
	if _, err := auth.NewService(st, auth.Options{}).Login(ctx, DefaultEmail, res.GeneratedPassword); err != nil {
		t.Errorf("login with the generated password: %v", err)
	}
	// 1128 rows, 25% (282) with values; 1117 distinct compounds in all
	// (shared/data/README.md).
	if got := len(res.Labeled.Errors) + len(res.Pool.Errors); got != 0 {
		t.Errorf("import errors: %v %v", res.Labeled.Errors, res.Pool.Errors)
	}
	if res.Labeled.Rows != 282 || res.Pool.Rows != 846 || res.Labeled.Created+res.Pool.Created != 1117 {
		t.Errorf("labeled %+v pool %+v", res.Labeled, res.Pool)
	}
	m, err := svc.Model(ctx, res.ModelID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != ModelName || m.Status != store.ModelActive || m.Task != store.TaskRegression || len(m.Metrics) == 0 {
		t.Errorf("model = %+v", m)
	}
	page, err := svc.LabelQueue(ctx, activelearning.QueueFilter{ModelID: res.ModelID, Status: []store.QueueStatus{store.QueuePending}}, activelearning.OrderPriorityDesc, 100, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != DefaultBatch || len(page.Items) != DefaultBatch {
		t.Errorf("pending items: total %d, page %d; want %d", page.Total, len(page.Items), DefaultBatch)
	}
	// The first cycle's items come from the pool, never from the labeled part.
	pool, err := st.CompoundSetByName(ctx, PoolSetName)
	if err != nil {
		t.Fatal(err)
	}
	members, err := st.CompoundSetMemberIDs(ctx, pool.ID)
	if err != nil {
		t.Fatal(err)
	}
	inPool := map[store.ID]bool{}
	for _, id := range members {
		inPool[id] = true
	}
	for _, it := range page.Items {
		if !inPool[it.CompoundID] {
			t.Errorf("queued compound %d is not in %q", it.CompoundID, PoolSetName)
		}
	}

	// A second start changes nothing.
	before := take(t, st)
	out.Reset()
	res2, err := Seed(ctx, svc, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res2.Seeded || out.Len() != 0 {
		t.Errorf("second Seed: %+v, printed %q", res2, out.String())
	}
	if after := take(t, st); after != before {
		t.Errorf("second Seed changed the database: %+v -> %+v", before, after)
	}
	if before.users != 1 || before.cycles != 1 || before.queue != DefaultBatch {
		t.Errorf("after seeding: %+v", before)
	}
}

func TestSeedFromEnvironment(t *testing.T) {
	t.Parallel()
	svc, st := setup(t)
	ctx := t.Context()
	env := map[string]string{"ACTIVELAB_ADMIN_EMAIL": "lab@example.org", "ACTIVELAB_ADMIN_PASSWORD": "a long demo password"}
	var out bytes.Buffer
	res, err := Seed(ctx, svc, st, Config{Out: &out, Getenv: func(k string) string { return env[k] }, Log: quiet(), Members: 4, BatchSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.GeneratedPassword != "" || out.Len() != 0 {
		t.Errorf("a password from the environment must not be printed: %q", out.String())
	}
	if _, err := auth.NewService(st, auth.Options{}).Login(ctx, "lab@example.org", "a long demo password"); err != nil {
		t.Errorf("login: %v", err)
	}
	if s := take(t, st); s.queue != 10 {
		t.Errorf("queue = %d, want 10", s.queue)
	}
}

func TestSeedLeavesUsedDatabase(t *testing.T) {
	t.Parallel()
	svc, st := setup(t)
	ctx := t.Context()
	if _, err := auth.NewService(st, auth.Options{}).CreateUserAsOperator(ctx, auth.NewUser{Email: "x@example.org", Name: "X", Role: store.RoleViewer, Password: "password one two"}); err != nil {
		t.Fatal(err)
	}
	before := take(t, st)
	res, err := Seed(ctx, svc, st, Config{Getenv: func(string) string { return "" }, Log: quiet()})
	if err != nil || res.Seeded {
		t.Fatalf("Seed = %+v, %v", res, err)
	}
	if after := take(t, st); after != before {
		t.Errorf("Seed changed a database with users: %+v -> %+v", before, after)
	}
}

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c := Config{Getenv: func(string) string { return "" }}.withDefaults()
	if c.AdminEmail != "admin@localhost" || c.AdminPassword != "" || c.Members != 32 || c.BatchSize != 25 || c.LabeledFraction != 0.25 || c.Seed != 0 {
		t.Errorf("defaults = %+v", c)
	}
}

// TestSeedAfterRetrain: once the demo model has been retrained (its latest
// version is 2), a restart's Seed leaves the database alone and reports the
// lineage (it used to take version 2's id for the lineage and fail).
func TestSeedAfterRetrain(t *testing.T) {
	t.Parallel()
	svc, st := setup(t)
	ctx := t.Context()
	cfg := Config{Getenv: func(string) string { return "" }, Log: quiet(), Out: io.Discard, Members: 4, BatchSize: 5}
	res, err := Seed(ctx, svc, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for {
		it, err := svc.ClaimNextItem(ctx, res.Admin, res.ModelID)
		if err != nil {
			t.Fatal(err)
		}
		if it == nil {
			break
		}
		if _, err := svc.SubmitLabel(ctx, res.Admin, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.TriggerRetrain(ctx, res.Admin, res.CycleID, 5); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := svc.Cycle(ctx, res.CycleID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status == store.CycleComplete {
			break
		}
		if c.Status == store.CycleFailed || time.Now().After(deadline) {
			t.Fatalf("retrain: cycle %s %q", c.Status, c.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
	before := take(t, st)
	again, err := Seed(ctx, svc, st, cfg)
	if err != nil {
		t.Fatalf("Seed after a retrain: %v", err)
	}
	if again.Seeded || again.ModelID != res.ModelID || again.CycleID != res.CycleID {
		t.Errorf("Seed after a retrain = %+v, want not seeded, lineage %d, cycle %d", again, res.ModelID, res.CycleID)
	}
	if after := take(t, st); after != before {
		t.Errorf("Seed changed the database: %+v -> %+v", before, after)
	}
}

// TestSeedTwoReplicas: two processes seeding the same empty database at once
// (two replicas starting together) give one demo and no error; the one that
// loses the race for the admin says another process is seeding. On each
// database, each "replica" with its own store and River client.
func TestSeedTwoReplicas(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			st := open(t)
			svcA, _ := withService(t, st)
			svcB, _ := withService(t, st)
			cfg := Config{Getenv: func(string) string { return "" }, Log: quiet(), Out: io.Discard, Members: 4, BatchSize: 5, AdminPassword: "two replicas"}
			type out struct {
				res *Result
				err error
			}
			results := make(chan out, 2)
			start := make(chan struct{})
			for _, svc := range []*activelearning.Service{svcA, svcB} {
				go func() {
					<-start
					res, err := Seed(ctx, svc, st, cfg)
					results <- out{res, err}
				}()
			}
			close(start)
			seeded := 0
			for range 2 {
				o := <-results
				if o.err != nil {
					t.Fatalf("a replica's seed failed: %v", o.err)
				}
				if o.res.Seeded {
					seeded++
				}
				t.Logf("replica: seeded %v, seeded elsewhere %v", o.res.Seeded, o.res.SeededElsewhere)
			}
			if seeded != 1 {
				t.Errorf("%d replicas seeded, want 1", seeded)
			}
			if s := take(t, st); s.users != 1 || s.cycles != 1 {
				t.Errorf("after two replicas: %d users, %d cycles; want 1 and 1", s.users, s.cycles)
			}
		})
	}
}
