package settings

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestTable checks every row: a unique name, a flag, an ACTIVELAB_*
// variable named after the flag (the names users and docs rely on), help
// text, a known group and known commands, and a default that reads and
// passes its own checks. Within one command no flag or variable is used
// twice.
func TestTable(t *testing.T) {
	names := map[string]bool{}
	for _, st := range Table() {
		t.Run(st.Name, func(t *testing.T) {
			if st.Name == "" || names[st.Name] {
				t.Errorf("name %q empty or used twice", st.Name)
			}
			names[st.Name] = true
			if st.Flag == "" || strings.HasPrefix(st.Flag, "-") || strings.ToLower(st.Flag) != st.Flag {
				t.Errorf("flag %q: want lower-case kebab-case without dashes", st.Flag)
			}
			if want := "ACTIVELAB_" + strings.ToUpper(strings.ReplaceAll(st.Flag, "-", "_")); st.Env != want {
				t.Errorf("variable %q, want %q", st.Env, want)
			}
			if len(strings.TrimSpace(st.Help)) < 10 {
				t.Errorf("help text %q too short", st.Help)
			}
			if !slices.Contains(Groups(), st.Group) {
				t.Errorf("group %q is not one of %v", st.Group, Groups())
			}
			if len(st.Commands) == 0 {
				t.Error("no command reads it")
			}
			for _, c := range st.Commands {
				if !slices.Contains(Commands(), c) {
					t.Errorf("command %q is not one of %v", c, Commands())
				}
			}
			v, err := st.Parse(st.Default)
			if err == nil {
				err = st.Check(v)
			}
			if err != nil {
				t.Errorf("default %q: %v", st.Default, err)
			}
			if (st.Type == IntMap || st.Type == DurationMap) && len(st.Keys) == 0 {
				t.Error("a map setting lists its keys")
			}
		})
	}
	for _, c := range Commands() {
		flags, envs := map[string]string{}, map[string]string{}
		for _, st := range For(c).Settings() {
			if prev, dup := flags[st.Flag]; dup {
				t.Errorf("%s: --%s is both %s and %s", c, st.Flag, prev, st.Name)
			}
			if prev, dup := envs[st.Env]; dup {
				t.Errorf("%s: %s is both %s and %s", c, st.Env, prev, st.Name)
			}
			flags[st.Flag], envs[st.Env] = st.Name, st.Name
		}
		if len(flags) == 0 {
			t.Errorf("%s reads no setting", c)
		}
	}
}

// resolve binds command's settings to a flag set, parses args and
// resolves with env as the environment.
func resolve(t *testing.T, command string, args []string, env map[string]string) (*Set, error) {
	t.Helper()
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	set := For(command)
	set.Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return set, set.Resolve(func(k string) string { return env[k] })
}

// TestPrecedence: a flag beats its variable, which beats the default; an
// empty variable counts as unset.
func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name, setting string
		args          []string
		env           map[string]string
		want          string // the resolved value, as Text writes it
		from          string
	}{
		{"default", "DepthLimit", nil, nil, "12", "default"},
		{"env over default", "DepthLimit", nil, map[string]string{"ACTIVELAB_DEPTH_LIMIT": "20"}, "20", "ACTIVELAB_DEPTH_LIMIT"},
		{"flag over env", "DepthLimit", []string{"--depth-limit", "7"}, map[string]string{"ACTIVELAB_DEPTH_LIMIT": "20"}, "7", "flag"},
		{"empty env is unset", "DepthLimit", nil, map[string]string{"ACTIVELAB_DEPTH_LIMIT": ""}, "12", "default"},
		{"duration env", "LeaseDuration", nil, map[string]string{"ACTIVELAB_LEASE_DURATION": "90s"}, "1m30s", "ACTIVELAB_LEASE_DURATION"},
		{"duration flag over env", "LeaseDuration", []string{"--lease-duration=5m"}, map[string]string{"ACTIVELAB_LEASE_DURATION": "90s"}, "5m0s", "flag"},
		{"bool flag alone", "TrustProxy", []string{"--trust-proxy"}, nil, "true", "flag"},
		{"bool flag false over env", "Jobs", []string{"--jobs=false"}, map[string]string{"ACTIVELAB_JOBS": "true"}, "false", "flag"},
		{"bool env", "Demo", nil, map[string]string{"ACTIVELAB_DEMO": "false"}, "false", "ACTIVELAB_DEMO"},
		{"float", "PlausibilityK", []string{"--plausibility-k", "2.5"}, nil, "2.5", "flag"},
		{"list", "AllowedOrigins", nil, map[string]string{"ACTIVELAB_ALLOWED_ORIGINS": " http://a.example , ,http://b.example"}, "http://a.example,http://b.example", "ACTIVELAB_ALLOWED_ORIGINS"},
		{"map over its default", "Workers", nil, map[string]string{"ACTIVELAB_WORKERS": "training=3"}, "default=2,training=3", "ACTIVELAB_WORKERS"},
		{"map flag over env", "Workers", []string{"--workers", "default=4"}, map[string]string{"ACTIVELAB_WORKERS": "training=3"}, "default=4,training=1", "flag"},
		{"duration map", "JobTimeouts", []string{"--job-timeouts", "retrain_model=15m"}, nil, "import_compounds=10m0s,retrain_model=15m0s", "flag"},
		{"string", "DatabaseURL", nil, map[string]string{"ACTIVELAB_DATABASE_URL": "postgres://db/x"}, "postgres://db/x", "ACTIVELAB_DATABASE_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := resolve(t, "serve", tc.args, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Text(tc.setting); got != tc.want {
				t.Errorf("%s = %q, want %q", tc.setting, got, tc.want)
			}
			if got := set.Source(tc.setting); got != tc.from {
				t.Errorf("%s from %q, want %q", tc.setting, got, tc.from)
			}
		})
	}
}

// TestTypedValues: the accessors return the values Text shows, typed.
func TestTypedValues(t *testing.T) {
	set, err := resolve(t, "worker", []string{"--workers", "training=2", "--job-timeouts", "score_shard=3m", "--plausibility-k", "3"},
		map[string]string{"ACTIVELAB_LEASE_DURATION": "2m", "ACTIVELAB_DEMO": "1", "ACTIVELAB_SHARD_SIZE": "5000"})
	if err != nil {
		t.Fatal(err)
	}
	if got := set.IntMap("Workers"); got["default"] != 2 || got["training"] != 2 || len(got) != 2 {
		t.Errorf("Workers = %v", got)
	}
	if got := set.DurationMap("JobTimeouts"); got["score_shard"] != 3*time.Minute || got["import_compounds"] != 10*time.Minute || len(got) != 2 {
		t.Errorf("JobTimeouts = %v", got)
	}
	if got := set.Duration("LeaseDuration"); got != 2*time.Minute {
		t.Errorf("LeaseDuration = %v", got)
	}
	if !set.Bool("WorkerDemo") || set.Int("ShardSize") != 5000 || set.Float("PlausibilityK") != 3 || set.String("WorkerAddr") != ":8081" {
		t.Errorf("WorkerDemo %v ShardSize %d PlausibilityK %v WorkerAddr %q", set.Bool("WorkerDemo"), set.Int("ShardSize"), set.Float("PlausibilityK"), set.String("WorkerAddr"))
	}
	// A copy: changing it changes nothing in the Set.
	set.IntMap("Workers")["default"] = 99
	if set.IntMap("Workers")["default"] != 2 {
		t.Error("IntMap returned the Set's own map")
	}
}

// TestBadValues: a value that does not read or is out of range is refused
// with an *Error naming the setting's flag, and for a variable the
// variable and its value.
func TestBadValues(t *testing.T) {
	for _, tc := range []struct {
		name    string
		command string
		args    []string
		env     map[string]string
		setting string
		want    string // in the message
	}{
		{"env not a number", "serve", nil, map[string]string{"ACTIVELAB_MAX_BODY_BYTES": "lots"}, "MaxBodyBytes",
			`ACTIVELAB_MAX_BODY_BYTES="lots": --max-body-bytes: "lots" is not a whole number`},
		{"flag not a number", "serve", []string{"--max-body-bytes", "lots"}, nil, "MaxBodyBytes", `--max-body-bytes: "lots" is not a whole number`},
		{"env out of range", "serve", nil, map[string]string{"ACTIVELAB_DEPTH_LIMIT": "0"}, "DepthLimit",
			`ACTIVELAB_DEPTH_LIMIT="0": --depth-limit: must be positive, got 0`},
		{"flag not positive", "worker", []string{"--shutdown-timeout", "0s"}, nil, "WorkerShutdownTimeout", "--shutdown-timeout: must be positive, got 0s"},
		{"negative allowed-zero", "serve", []string{"--max-conns-per-addr", "-1"}, nil, "MaxConnsPerAddr", "--max-conns-per-addr: must be at least 0, got -1"},
		{"above max", "serve", []string{"--job-max-attempts", "1000"}, nil, "JobMaxAttempts", "--job-max-attempts: must be from 1 to 100, got 1000"},
		{"duration below min", "worker", nil, map[string]string{"ACTIVELAB_JOB_POLL_INTERVAL": "1ms"}, "JobPollInterval",
			`ACTIVELAB_JOB_POLL_INTERVAL="1ms": --job-poll-interval: must be from 10ms to 1m0s, got 1ms`},
		{"not a duration", "worker", nil, map[string]string{"ACTIVELAB_LEASE_DURATION": "15"}, "LeaseDuration", `ACTIVELAB_LEASE_DURATION="15": --lease-duration: "15" is not a duration`},
		{"not a bool", "serve", nil, map[string]string{"ACTIVELAB_TRUST_PROXY": "yes"}, "TrustProxy", `ACTIVELAB_TRUST_PROXY="yes": --trust-proxy: "yes" is not true or false`},
		{"NaN", "serve", []string{"--plausibility-k", "NaN"}, nil, "PlausibilityK", `"NaN" is not a finite number`},
		{"not in enum", "worker", []string{"--log-level", "loud"}, nil, "LogLevel", `--log-level: "loud" is not one of debug, info, warn, error`},
		{"empty required", "serve", []string{"--addr", ""}, nil, "Addr", "--addr: must not be empty"},
		{"unknown map key", "serve", []string{"--workers", "gpu=1"}, nil, "Workers", `--workers: unknown queue "gpu" (queues: default, training)`},
		{"map value out of range", "worker", nil, map[string]string{"ACTIVELAB_WORKERS": "default=0"}, "Workers",
			`ACTIVELAB_WORKERS="default=0": --workers: queue default: must be from 1 to 1000, got 0`},
		{"map pair without =", "worker", []string{"--job-timeouts", "retrain_model"}, nil, "JobTimeouts", `"retrain_model" is not NAME=VALUE`},
		{"map value not a duration", "worker", []string{"--job-timeouts", "retrain_model=soon"}, nil, "JobTimeouts", `job kind retrain_model: "soon" is not a duration`},
		{"rescue shorter than timeout", "worker", []string{"--job-timeout", "2m"}, nil, "JobRescueAfter",
			"--job-rescue-after: got --job-timeout 2m0s and --job-rescue-after 1m10s: want --job-rescue-after at least as long"},
		{"metrics on the main address", "serve", []string{"--addr", ":9000"}, map[string]string{"ACTIVELAB_METRICS_ADDR": ":9000"}, "MetricsAddr",
			`ACTIVELAB_METRICS_ADDR=":9000": --metrics-addr: must differ from --addr (:9000)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := resolve(t, tc.command, tc.args, tc.env)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			var se *Error
			if !errors.As(err, &se) || se.Setting != tc.setting {
				t.Errorf("err = %#v, want an *Error for %s", err, tc.setting)
			}
			fromEnv, _, _ := strings.Cut(tc.want, "=")
			if !strings.HasPrefix(fromEnv, "ACTIVELAB_") {
				fromEnv = ""
			}
			if se != nil && se.Env != fromEnv {
				t.Errorf("Env = %q, want %q", se.Env, fromEnv)
			}
		})
	}
}

// TestSeveralBadValues: every bad setting is reported, not just the first.
func TestSeveralBadValues(t *testing.T) {
	_, err := resolve(t, "serve", []string{"--depth-limit", "0"}, map[string]string{"ACTIVELAB_MAX_TOKENS": "x"})
	for _, want := range []string{"--depth-limit", "ACTIVELAB_MAX_TOKENS"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %s", err, want)
		}
	}
}

// TestAccessorMisuse: reading a setting the command does not have, with
// the wrong type, or before Resolve is a programmer error and panics.
func TestAccessorMisuse(t *testing.T) {
	resolved, err := resolve(t, "import", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"not the command's": func() { resolved.String("Addr") },
		"wrong type":        func() { resolved.Int("DatabaseURL") },
		"unresolved":        func() { For("import").String("DatabaseURL") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}

// TestUnread: Unread names the settings no accessor returned.
func TestUnread(t *testing.T) {
	set, err := resolve(t, "serve", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := set.Unread()
	if len(all) != len(set.Settings()) {
		t.Fatalf("Unread before any read = %d names, want %d", len(all), len(set.Settings()))
	}
	set.Int("DepthLimit")
	_ = set.Text("Addr") // Text does not count
	if got := set.Unread(); slices.Contains(got, "DepthLimit") || !slices.Contains(got, "Addr") || len(got) != len(all)-1 {
		t.Errorf("Unread after reading DepthLimit = %v", got)
	}
}

// TestUsage: -h lists every flag of the command with its variable, its
// default (never a secret) and its checks; a command's own flags keep
// their plain listing.
func TestUsage(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	set := For("serve")
	set.Bind(fs)
	fs.String("local", "x", "a flag of the command's own")
	var b strings.Builder
	set.WriteUsage(&b, fs, "activelab serve [flags]")
	out := b.String()
	for _, st := range set.Settings() {
		if !strings.Contains(out, "--"+st.Flag+" "+st.Type.String()+", "+st.Env+"\n") {
			t.Errorf("usage lacks --%s with %s", st.Flag, st.Env)
		}
		if st.Default != "" && !strings.Contains(out, "(default "+st.Default) {
			t.Errorf("usage lacks --%s's default %s", st.Flag, st.Default)
		}
	}
	for _, want := range []string{"  --local\n      a flag of the command's own (default x)\n", "(default 500; positive)", "(default info; one of debug, info, warn, error)", "(default 5; 1 to 100)", "(default :8080; not empty)"} {
		if !strings.Contains(out, want) {
			t.Errorf("usage lacks %q", want)
		}
	}
}
