package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river/rivertype"

	"activelab/ident"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

// gate is a Deps whose retrain blocks until released or until its context
// ends (returning the context's error, as the service does); every other
// kind completes at once.
type gate struct {
	started chan store.ID // each retrain's cycle id, when it starts
	release chan struct{}
}

func newGate() *gate { return &gate{started: make(chan store.ID, 10), release: make(chan struct{})} }

func (g *gate) Retrain(ctx context.Context, cycleID store.ID, _ func(string, float64, string)) error {
	g.started <- cycleID
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
func (g *gate) TrainModel(context.Context, store.ID, func(string, float64, string)) error { return nil }
func (g *gate) RunSelection(context.Context, store.ID) error                              { return nil }
func (g *gate) RunShard(context.Context, jobs.ScoreShardArgs) error                       { return nil }
func (g *gate) RunImport(context.Context, json.RawMessage, func(string, float64, string)) (json.RawMessage, error) {
	return json.RawMessage(`{}`), nil
}

// syncBuffer is a log sink safe for River's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startGate starts a River client over st working for g, logging to logs.
func startGate(ctx context.Context, t *testing.T, st *store.Store, g *gate, logs *syncBuffer) *jobs.Client {
	t.Helper()
	c, err := jobs.NewClient(st, g, jobs.Config{PollInterval: 20 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// enqueueRetrain inserts a retrain_model job for cycle in a transaction of
// its own, as the service does.
func enqueueRetrain(ctx context.Context, t *testing.T, st *store.Store, c *jobs.Client, cycle store.ID) int64 {
	t.Helper()
	var id int64
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = c.EnqueueRetrainModel(ctx, tx, cycle)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func waitStarted(ctx context.Context, t *testing.T, g *gate) {
	t.Helper()
	select {
	case <-g.started:
	case <-ctx.Done():
		t.Fatal("the retrain never started")
	}
}

// TestStopFinishesRunningJob: Stop lets a running job finish when it does
// within the grace period; the job completes on its first attempt and its
// start and finish are logged at INFO with id and kind.
func TestStopFinishesRunningJob(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			st := open(t)
			g := newGate()
			var logs syncBuffer
			c := startGate(ctx, t, st, g, &logs)
			id := enqueueRetrain(ctx, t, st, c, ident.New())
			waitStarted(ctx, t, g)

			stopped := make(chan error, 1)
			go func() {
				sctx, scancel := context.WithTimeout(ctx, 20*time.Second)
				defer scancel()
				stopped <- c.Stop(sctx)
			}()
			time.Sleep(200 * time.Millisecond) // Stop is waiting for the job
			select {
			case err := <-stopped:
				t.Fatalf("Stop returned (%v) while a job was running", err)
			default:
			}
			close(g.release)
			if err := <-stopped; err != nil {
				t.Fatal(err)
			}
			j, err := c.River().JobGet(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != rivertype.JobStateCompleted || j.Attempt != 1 {
				t.Errorf("job after a graceful stop: %s, attempt %d; want completed on attempt 1", j.State, j.Attempt)
			}
			for _, want := range []string{"level=INFO msg=\"job started\" job_id=" + itoa(id) + " kind=retrain_model queue=training attempt=1",
				"level=INFO msg=\"job finished\" job_id=" + itoa(id) + " kind=retrain_model queue=training attempt=1 outcome=completed"} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, logs.String())
				}
			}
			if n := counter(t, c.Metrics(), "activelab_job_attempts_total", "retrain_model", jobs.OutcomeCompleted); n != 1 {
				t.Errorf("activelab_job_attempts_total{kind=retrain_model,outcome=completed} = %v, want 1", n)
			}
		})
	}
}

// TestStopInterruptsWithoutSpendingAttempt: a job still running when the
// grace period ends is cancelled and put back in the queue, available at
// once, with its attempt not counted and no error recorded; the next
// worker to start finishes it on what is again its first attempt.
func TestStopInterruptsWithoutSpendingAttempt(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			st := open(t)
			g := newGate()
			var logs syncBuffer
			c := startGate(ctx, t, st, g, &logs)
			id := enqueueRetrain(ctx, t, st, c, ident.New())
			waitStarted(ctx, t, g)

			sctx, scancel := context.WithTimeout(ctx, 300*time.Millisecond)
			err := c.Stop(sctx)
			scancel()
			if err != nil {
				t.Fatal(err)
			}
			j, err := c.River().JobGet(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != rivertype.JobStateAvailable || j.Attempt != 0 || len(j.Errors) != 0 {
				t.Fatalf("job after an interrupted stop: %s, attempt %d, errors %v; want available, attempt 0, no error", j.State, j.Attempt, j.Errors)
			}
			if !strings.Contains(logs.String(), "outcome=interrupted") {
				t.Errorf("the interruption is not logged:\n%s", logs.String())
			}

			g2 := newGate()
			close(g2.release)
			c2 := startGate(ctx, t, st, g2, &logs)
			t.Cleanup(func() { _ = c2.Stop(context.Background()) })
			if err := c2.WaitJob(ctx, id); err != nil {
				t.Fatal(err)
			}
			if j, _ = c2.River().JobGet(ctx, id); j.Attempt != 1 {
				t.Errorf("finished on attempt %d, want 1 (the interrupted one not counted)", j.Attempt)
			}
		})
	}
}

// TestStartContextDoesNotCancelJobs: ending the context given to Start (a
// signal) does not cancel running jobs; only Stop does.
func TestStartContextDoesNotCancelJobs(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	st := storetest.OpenSQLite(t)
	g := newGate()
	var logs syncBuffer
	sigctx, signal := context.WithCancel(ctx)
	c := startGate(sigctx, t, st, g, &logs)
	id := enqueueRetrain(ctx, t, st, c, ident.New())
	waitStarted(ctx, t, g)
	signal()
	time.Sleep(200 * time.Millisecond)
	close(g.release)
	if err := c.WaitJob(ctx, id); err != nil {
		t.Fatalf("job after the start context ended: %v", err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestConfigValidation: a rescue delay shorter than the job timeout is
// refused (River would retry jobs while they run); the flags' parsers
// reject unknown queues and kinds and bad values.
func TestConfigValidation(t *testing.T) {
	st := storetest.OpenSQLite(t)
	if _, err := jobs.NewClient(st, newGate(), jobs.Config{JobTimeout: time.Minute, RescueAfter: 30 * time.Second}); err == nil {
		t.Error("RescueAfter < JobTimeout accepted")
	}
	q, err := jobs.ParseQueues("training=3")
	if err != nil || q[jobs.QueueTraining] != 3 || q[jobs.QueueDefault] != 2 {
		t.Errorf("ParseQueues(training=3) = %v, %v", q, err)
	}
	k, err := jobs.ParseKindTimeouts("retrain_model=5m")
	if err != nil || k["retrain_model"] != 5*time.Minute || k["import_compounds"] != jobs.DefaultImportTimeout {
		t.Errorf("ParseKindTimeouts(retrain_model=5m) = %v, %v", k, err)
	}
	for _, bad := range []string{"gpu=1", "default=0", "default=x", "default"} {
		if _, err := jobs.ParseQueues(bad); err == nil {
			t.Errorf("ParseQueues(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"retrain=5m", "retrain_model=-1s", "retrain_model=soon"} {
		if _, err := jobs.ParseKindTimeouts(bad); err == nil {
			t.Errorf("ParseKindTimeouts(%q) accepted", bad)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// counter gathers m and returns the named counter's value for kind and outcome.
func counter(t *testing.T, m *jobs.Metrics, name, kind, outcome string) float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.Collectors()...)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, mt := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range mt.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["kind"] == kind && labels["outcome"] == outcome {
				return mt.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("%s{kind=%q,outcome=%q} not exported", name, kind, outcome)
	return 0
}
