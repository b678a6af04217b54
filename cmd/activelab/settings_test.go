package main

import (
	"errors"
	"flag"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"activelab/activelearning"
	"activelab/jobs"
	"activelab/server"
	"activelab/settings"
	"activelab/store"
	"activelab/store/storetest"
)

// resolveSettings parses args for command and resolves its settings with
// env as the whole environment.
func resolveSettings(t *testing.T, command string, args []string, env map[string]string) *settings.Set {
	t.Helper()
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	conf := bindSettings(fs, command)
	if err := parseFlagsEnv(fs, args, conf, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("%s %v: %v", command, args, err)
	}
	return conf
}

// TestSettingsAreHandedOn: serve and worker read every setting of theirs
// in the table into the configuration they run with, so no row can be
// forgotten (the database commands read their one setting, DatabaseURL).
func TestSettingsAreHandedOn(t *testing.T) {
	serve := resolveSettings(t, "serve", nil, nil)
	serveOptionsFrom(serve)
	if unread := serve.Unread(); len(unread) > 0 {
		t.Errorf("serve never reads %v", unread)
	}
	worker := resolveSettings(t, "worker", nil, nil)
	workerOptionsFrom(worker)
	if unread := worker.Unread(); len(unread) > 0 {
		t.Errorf("worker never reads %v", unread)
	}
}

// TestSettingsDefaultsAreTheLibraries: the table's defaults are the ones
// server, jobs, activelearning and store apply to a zero configuration,
// so the command line and a library caller get the same behaviour (one
// default per setting).
func TestSettingsDefaultsAreTheLibraries(t *testing.T) {
	opts := serveOptionsFrom(resolveSettings(t, "serve", nil, nil))
	if want := server.Defaults(); !reflect.DeepEqual(opts.Server, want) {
		t.Errorf("serve's server config from the table:\n%+v\nserver.Defaults():\n%+v", opts.Server, want)
	}
	wantJobs := jobs.Config{Queues: jobs.DefaultQueues(), JobTimeout: jobs.DefaultJobTimeout, KindTimeouts: jobs.DefaultKindTimeouts(),
		RescueAfter: jobs.DefaultRescueAfter, MaxAttempts: jobs.DefaultMaxAttempts, PollInterval: jobs.DefaultPollInterval}
	if !reflect.DeepEqual(opts.Runtime.Jobs, wantJobs) {
		t.Errorf("serve's jobs config from the table:\n%+v\njobs' defaults:\n%+v", opts.Runtime.Jobs, wantJobs)
	}
	worker := workerOptionsFrom(resolveSettings(t, "worker", nil, nil))
	if !reflect.DeepEqual(worker.Runtime, opts.Runtime) {
		t.Errorf("worker's runtime config %+v differs from serve's %+v", worker.Runtime, opts.Runtime)
	}
	if worker.DatabaseURL != store.DefaultURL || opts.Server.DatabaseURL != store.DefaultURL {
		t.Errorf("database URL defaults %q (worker), %q (serve), want store.DefaultURL %q", worker.DatabaseURL, opts.Server.DatabaseURL, store.DefaultURL)
	}
	// The service applies its defaults in New; read them back.
	svc := activelearning.New(storetest.OpenSQLite(t), nil, activelearning.Config{}, nil)
	want := svc.Config()
	want.Now = nil
	if !reflect.DeepEqual(opts.Runtime.Service, want) {
		t.Errorf("service config from the table:\n%+v\nactivelearning's defaults:\n%+v", opts.Runtime.Service, want)
	}
	// The map settings name exactly the queues and kinds package jobs has.
	workers, _ := settings.Lookup("Workers")
	if got, want := slices.Sorted(slices.Values(workers.Keys)), slices.Sorted(maps.Keys(jobs.DefaultQueues())); !slices.Equal(got, want) {
		t.Errorf("Workers keys %v, jobs' queues %v", got, want)
	}
	kinds, _ := settings.Lookup("JobTimeouts")
	if !slices.Equal(kinds.Keys, jobs.Kinds()) {
		t.Errorf("JobTimeouts keys %v, jobs.Kinds() %v", kinds.Keys, jobs.Kinds())
	}
}

// TestSettingsReachTheService: values given as flags and variables reach
// the running service and job configuration (the service's settings could
// not be set at all before the table), on both databases.
func TestSettingsReachTheService(t *testing.T) {
	conf := resolveSettings(t, "worker",
		[]string{"--lease-duration", "3m", "--workers", "training=2", "--shard-size", "50000"},
		map[string]string{"ACTIVELAB_MAX_BATCH_SIZE": "40", "ACTIVELAB_JOB_TIMEOUTS": "retrain_model=5m", "ACTIVELAB_LEASE_DURATION": "1h",
			"ACTIVELAB_PLAUSIBILITY_K": "2.5", "ACTIVELAB_CORRECTION_WINDOW": "1h"})
	opts := workerOptionsFrom(conf)
	if got := opts.Runtime.Jobs; got.Queues["training"] != 2 || got.Queues["default"] != 2 ||
		got.KindTimeouts["retrain_model"] != 5*time.Minute || got.KindTimeouts["import_compounds"] != 10*time.Minute {
		t.Errorf("jobs config %+v", got)
	}
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			rt, err := server.NewRuntime(open(t), opts.Runtime, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = rt.Stop(t.Context()) })
			cfg := rt.Service.Config()
			if cfg.LeaseDuration != 3*time.Minute || cfg.MaxBatchSize != 40 || cfg.ShardSize != 50000 ||
				cfg.PlausibilityK != 2.5 || cfg.CorrectionWindow != time.Hour || cfg.QueuePageMax != 100 {
				t.Errorf("service config %+v", cfg)
			}
		})
	}
}

// TestDatabaseCommandsReadTheTable: every command that opens the database
// takes --database-url and ACTIVELAB_DATABASE_URL from the table, and
// lists the variable in -h.
func TestDatabaseCommandsReadTheTable(t *testing.T) {
	for _, c := range settings.Commands() {
		conf := settings.For(c)
		st, ok := conf.HasFlag("database-url")
		if !ok || st.Env != "ACTIVELAB_DATABASE_URL" {
			t.Errorf("%s: no --database-url / ACTIVELAB_DATABASE_URL", c)
		}
		fs := flag.NewFlagSet(c, flag.ContinueOnError)
		conf.Bind(fs)
		var b strings.Builder
		conf.WriteUsage(&b, fs, "activelab "+c)
		if !strings.Contains(b.String(), "--database-url string, ACTIVELAB_DATABASE_URL") {
			t.Errorf("%s -h lacks the database setting:\n%s", c, b.String())
		}
	}
}

// TestConfigCommand: `activelab config` prints the README's section, and
// --show prints a command's effective settings with where each came from,
// hiding secrets and database passwords.
func TestConfigCommand(t *testing.T) {
	var out strings.Builder
	if err := runConfig(nil, &out, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if out.String() != settings.Markdown() {
		t.Error("activelab config does not print settings.Markdown()")
	}
	env := map[string]string{"ACTIVELAB_METRICS_TOKEN": "s3cret", "ACTIVELAB_DATABASE_URL": "postgres://al:hunter2@db/al", "ACTIVELAB_DEPTH_LIMIT": "20"}
	out.Reset()
	if err := runConfig([]string{"--show", "serve"}, &out, func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DepthLimit", "--depth-limit", "20", "ACTIVELAB_DEPTH_LIMIT", "MetricsToken", "(set)", "al:xxxxx@db", "LeaseDuration"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("config --show serve lacks %q:\n%s", want, out.String())
		}
	}
	for _, secret := range []string{"s3cret", "hunter2"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("config --show serve shows %q", secret)
		}
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--show", "dance"}, nil, `--show: unknown command "dance"`},
		{[]string{"--show", "worker"}, map[string]string{"ACTIVELAB_WORKERS": "gpu=1"}, `ACTIVELAB_WORKERS="gpu=1": --workers: unknown queue "gpu"`},
	} {
		err := runConfig(tc.args, &out, func(k string) string { return tc.env[k] })
		if err == nil || !errors.Is(err, errUsage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("config %v: err = %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
}
