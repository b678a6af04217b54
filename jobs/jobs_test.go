package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"activelab/activelearning"
	"activelab/activelearning/altest"
	"activelab/activelearning/ingest"
	"activelab/ident"
	"activelab/jobs"
	"activelab/store"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// esolRows returns the first n of the shared ESOL test rows (altest) as
// import rows with values.
func esolRows(t *testing.T, n int) []ingest.Row {
	t.Helper()
	var rows []ingest.Row
	for i, r := range altest.ESOL160()[:n] {
		v := r.Value
		rows = append(rows, ingest.Row{Line: i + 1, SMILES: r.SMILES, Name: r.Name, Value: &v})
	}
	return rows
}

// TestRiverRunsTrainAndRetrain drives the real River client on each
// database: create a model (train_model job), select, label, trigger a
// retrain (retrain_model job), and wait for both jobs with WaitJob.
func TestRiverRunsTrainAndRetrain(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			svc, client, admin, m, poolSet := riverModel(ctx, t, open(t), activelearning.Config{}, 10)
			if m, _ = svc.Model(ctx, m.ID); m.Status != store.ModelActive {
				t.Fatalf("after train_model: %s %s", m.Status, m.Error)
			}
			c, err := svc.SelectSamples(ctx, admin, activelearning.SelectInput{ModelID: m.ID, SetID: poolSet, BatchSize: 4})
			if err != nil {
				t.Fatal(err)
			}
			for {
				it, err := svc.ClaimNextItem(ctx, admin, m.ID)
				if err != nil {
					t.Fatal(err)
				}
				if it == nil {
					break
				}
				if _, err := svc.SubmitLabel(ctx, admin, activelearning.SubmitLabelInput{ItemID: it.ID, Value: -2.5}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.TriggerRetrain(ctx, admin, c.ID, 4); err != nil {
				t.Fatal(err)
			}
			waitKind(ctx, t, client, "retrain_model")
			c, _ = svc.Cycle(ctx, c.ID)
			vs, _ := svc.ModelVersions(ctx, m.ID)
			if c.Status != store.CycleComplete || len(vs) != 2 || vs[1].Status != store.ModelActive {
				t.Fatalf("after retrain_model: cycle %s (%s), %d versions", c.Status, c.Error, len(vs))
			}
		})
	}
}

// riverModel starts a River client over st working for a service with cfg,
// imports 30 ESOL rows with values and a pool of the next poolSize without,
// and trains an 8-member model through the train_model job; it returns the
// service, the client, the admin, the active model and the pool's set.
func riverModel(ctx context.Context, t *testing.T, st *store.Store, cfg activelearning.Config, poolSize int) (*activelearning.Service, *jobs.Client, *store.User, *store.MLModel, store.ID) {
	t.Helper()
	svc := activelearning.New(st, nil, cfg, nil)
	client, err := jobs.NewClient(st, svc, jobs.Config{PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetJobs(client)
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	admin := storetest.User(ctx, t, st, &store.User{Role: store.RoleAdmin})
	rows := esolRows(t, 30+poolSize)
	if _, err := svc.ImportCompounds(ctx, admin, activelearning.ImportInput{SetName: "train", Endpoint: "logS", Rows: rows[:30]}); err != nil {
		t.Fatal(err)
	}
	pool := rows[30:]
	for i := range pool {
		pool[i].Value = nil
	}
	rep, err := svc.ImportCompounds(ctx, admin, activelearning.ImportInput{SetName: "pool", Rows: pool})
	if err != nil {
		t.Fatal(err)
	}
	// Every retrain activates its version: the tests label with a
	// constant, which may move the validation RMSE past the default
	// promotion tolerance depending on the picks, and they are about the
	// jobs, not the promotion rule.
	always := 1e9
	m, err := svc.CreateModel(ctx, admin, activelearning.CreateModelInput{Name: "esol", Endpoint: "logS",
		Task: store.TaskRegression, Members: 8, Split: activelearning.SplitInput{Seed: 1}, PromotionTolerance: &always})
	if err != nil {
		t.Fatal(err)
	}
	waitKind(ctx, t, client, "train_model")
	return svc, client, admin, m, rep.SetID
}

func waitKind(ctx context.Context, t *testing.T, c *jobs.Client, kind string) {
	t.Helper()
	res, err := c.River().JobList(ctx, river.NewJobListParams().Kinds(kind))
	if err != nil || len(res.Jobs) != 1 {
		t.Fatalf("%s jobs: %v (%d)", kind, err, len(res.Jobs))
	}
	if err := c.WaitJob(ctx, res.Jobs[0].ID); err != nil {
		t.Fatal(err)
	}
}

// TestRiverRunsShardedSelection: with River's two workers scoring shards
// at once, a selection over a pool split into eight shards (each keeping
// its best three) ends with the batch that ranking the whole pool gives,
// on each database; the last shard's job, and only one, starts the merge.
func TestRiverRunsShardedSelection(t *testing.T) {
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
			defer cancel()
			svc, client, admin, m, poolSet := riverModel(ctx, t, open(t), activelearning.Config{InlinePoolLimit: 5, ShardSize: 4, ShardKeep: 3}, 32)
			in := activelearning.SelectInput{ModelID: m.ID, SetID: poolSet, Strategy: "uncertainty", BatchSize: 3, Seed: 2}
			whole, err := svc.PreviewSelection(ctx, admin, in)
			if err != nil {
				t.Fatal(err)
			}
			c, err := svc.SelectSamples(ctx, admin, in)
			if err != nil {
				t.Fatal(err)
			}
			for c.Status == store.CycleSelecting && ctx.Err() == nil {
				time.Sleep(20 * time.Millisecond)
				if c, err = svc.Cycle(ctx, c.ID); err != nil {
					t.Fatal(err)
				}
			}
			if c.Status != store.CycleLabeling || c.ItemsSelected != 3 {
				t.Fatalf("cycle %s (%s), %d selected", c.Status, c.Error, c.ItemsSelected)
			}
			page, err := svc.LabelQueue(ctx, activelearning.QueueFilter{ModelID: m.ID}, activelearning.OrderPriorityDesc, 10, "", false)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []store.ID
			for _, it := range page.Items {
				got = append(got, it.CompoundID)
			}
			for _, w := range whole {
				want = append(want, w.CompoundID)
			}
			slices.SortFunc(got, ident.Compare)
			slices.SortFunc(want, ident.Compare)
			if !slices.Equal(got, want) {
				t.Errorf("sharded batch %v, whole-pool ranking %v", got, want)
			}
			shards, err := client.River().JobList(ctx, river.NewJobListParams().Kinds("score_shard").First(100))
			if err != nil || len(shards.Jobs) != 8 {
				t.Errorf("score_shard jobs: %d, %v; want 8", len(shards.Jobs), err)
			}
			merges, err := client.River().JobList(ctx, river.NewJobListParams().Kinds("select_samples").First(100))
			if err != nil || len(merges.Jobs) != 2 {
				t.Errorf("select_samples jobs: %d, %v; want 2 (the split and one merge)", len(merges.Jobs), err)
			}
		})
	}
}
