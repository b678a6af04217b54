package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"activelab/activelearning"
	"activelab/jobs"
	"activelab/store"
)

func init() {
	register("train", command{
		Summary: "create and train a model: 'train --name N --endpoint E --task regression|classification [--classes low,medium,high] [--members 32] [--split random|scaffold]'",
		Run: func(ctx context.Context, args []string) error {
			return runTrain(ctx, args, os.Stdout, os.Stderr)
		},
	})
}

// trainPoll is how often train checks whether the version has finished.
const trainPoll = 100 * time.Millisecond

// runTrain creates a model lineage (version 1, its validation split fixed)
// and works its train_model job in this process with a River client on the
// same database, then prints the version's validation metrics. A running
// server may pick the job up instead; the command waits either way.
func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	conf := bindSettings(fs, "train")
	user := fs.String("user", "", "email of the admin creating the model (default: the first admin)")
	name := fs.String("name", "", "model name (required)")
	endpoint := fs.String("endpoint", "", "endpoint to predict, as imported (required)")
	task := fs.String("task", "", "regression or classification (required)")
	members := fs.Int("members", 32, "ensemble size")
	learner := fs.String("learner", activelearning.DefaultLearner, "learner: forest+linear (half trees, half ridge/logistic), forest, ridge or logistic")
	split := fs.String("split", "random", "validation split: random or scaffold (Bemis–Murcko)")
	validation := fs.Float64("validation", 0.2, "fraction held out for validation")
	seed := fs.Int64("seed", 0, "seed of the split and the ensemble")
	set := fs.String("set", "", "train only on compounds of this set (default: every compound measured for the endpoint)")
	classes := fs.String("classes", "", "classification: class names in index order (low,medium,high; default 0,1), as imported with import --classes")
	gainCheck := fs.Bool("gain-check", false, "every retrain also measures the validation gain per label of the strategy's and the random picks (two extra trainings)")
	fs.Usage = conf.Usage(fs, "activelab train --name N --endpoint E --task regression|classification [flags]")
	if err := parseFlags(fs, args, conf); err != nil {
		return err
	}
	if *name == "" || *endpoint == "" || *task == "" {
		return fmt.Errorf("%w: --name, --endpoint and --task are required", errUsage)
	}
	t := store.Task(*task)
	if t != store.TaskRegression && t != store.TaskClassification {
		return fmt.Errorf("%w: --task %q is not regression or classification", errUsage, *task)
	}
	if *split != "random" && *split != "scaffold" {
		return fmt.Errorf("%w: --split %q is not random or scaffold", errUsage, *split)
	}

	st, err := openStore(ctx, conf.String("DatabaseURL"))
	if err != nil {
		return err
	}
	defer st.Close()
	actor, err := commandActor(ctx, st, *user)
	if err != nil {
		return err
	}
	in := activelearning.CreateModelInput{
		Name: *name, Endpoint: *endpoint, Task: t, Members: *members, Learner: *learner,
		Split: activelearning.SplitInput{Kind: *split, Fraction: *validation, Seed: *seed}, Seed: *seed,
		Classes: splitClasses(*classes), GainCheck: *gainCheck,
	}
	if *set != "" {
		cs, err := st.CompoundSetByName(ctx, *set)
		if err != nil {
			return fmt.Errorf("%w: --set %q: %v", errUsage, *set, err)
		}
		in.TrainingSetID = cs.ID
	}

	svc := activelearning.New(st, nil, activelearning.Config{}, nil)
	quiet := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	jc, err := jobs.NewClient(st, svc, jobs.Config{Log: quiet, PollInterval: 200 * time.Millisecond})
	if err != nil {
		return err
	}
	svc.SetJobs(jc)
	if err := jc.Start(ctx); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = jc.Stop(sctx)
	}()

	m, err := svc.CreateModel(ctx, actor, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "train: model %d %q created; training %d members...\n", m.ID, m.Name, *members)
	v, err := waitTrained(ctx, svc, m.ID)
	if err != nil {
		return err
	}
	printModel(stdout, v)
	if v.Status == store.ModelFailed {
		return fmt.Errorf("model %d failed to train: %s", v.ID, v.Error)
	}
	return nil
}

// waitTrained polls until the lineage's latest version has left training.
func waitTrained(ctx context.Context, svc *activelearning.Service, lineageID store.ID) (*store.MLModel, error) {
	t := time.NewTicker(trainPoll)
	defer t.Stop()
	for {
		vs, err := svc.ModelVersions(ctx, lineageID)
		if err != nil {
			return nil, err
		}
		if n := len(vs); n > 0 && vs[n-1].Status != store.ModelTraining {
			return vs[n-1], nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for model %d to train: %w", lineageID, ctx.Err())
		case <-t.C:
		}
	}
}

// printModel prints a version and its validation metrics, sorted by name.
func printModel(w io.Writer, m *store.MLModel) {
	fmt.Fprintf(w, "model:         %s (id %s, version %d)\n", m.Name, m.ID, m.Version)
	fmt.Fprintf(w, "status:        %s\n", m.Status)
	fmt.Fprintf(w, "endpoint:      %s (%s)\n", m.Endpoint, m.Task)
	if len(m.Classes) > 0 {
		fmt.Fprintf(w, "classes:       %s\n", strings.Join(m.Classes, ", "))
	}
	fmt.Fprintf(w, "training size: %d\n", m.TrainingSize)
	fmt.Fprintf(w, "validation:    %s\n", m.ValidationHash)
	var metrics map[string]any
	if len(m.Metrics) > 0 && json.Unmarshal(m.Metrics, &metrics) == nil {
		keys := make([]string, 0, len(metrics))
		for k := range metrics {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch v := metrics[k].(type) {
			case float64:
				fmt.Fprintf(w, "  %-12s %.4f\n", k, v)
			default:
				fmt.Fprintf(w, "  %-12s %v\n", k, v)
			}
		}
	}
}
