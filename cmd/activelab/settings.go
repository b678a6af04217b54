package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"activelab/activelearning"
	"activelab/jobs"
	"activelab/server"
	"activelab/settings"
)

// usageOut receives a command's usage on -h (a variable for tests).
var usageOut io.Writer = os.Stderr

// bindSettings registers on fs the flags of the settings command reads
// (package settings' table) and returns them, to be resolved by parseFlags.
func bindSettings(fs *flag.FlagSet, command string) *settings.Set {
	set := settings.For(command)
	set.Bind(fs)
	return set
}

// parseFlags parses args, then resolves set: a flag given beats its
// ACTIVELAB_* variable, which beats the default, and every value is
// checked. -h prints the usage once and is flag.ErrHelp; anything wrong is
// errUsage, naming the flag (and the variable and its value when the value
// came from the environment).
func parseFlags(fs *flag.FlagSet, args []string, set *settings.Set) error {
	return parseFlagsEnv(fs, args, set, os.Getenv)
}

// parseFlagsEnv is parseFlags reading the environment through getenv.
func parseFlagsEnv(fs *flag.FlagSet, args []string, set *settings.Set, getenv func(string) string) error {
	fs.SetOutput(io.Discard) // the flag package prints the usage itself on -h: not there
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(usageOut)
			fs.Usage()
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if err := set.Resolve(getenv); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	return nil
}

// serveOptions is everything `activelab serve` takes from its settings.
type serveOptions struct {
	Server  server.Config
	Runtime server.RuntimeConfig // Jobs.InsertOnly with --jobs=false
	Demo    bool                 // seed the demo (a process working jobs does)
	// OTLPEndpoint turns tracing on (tracing.Config.Endpoint).
	OTLPEndpoint string
}

// serveOptionsFrom reads every setting of `activelab serve`.
func serveOptionsFrom(conf *settings.Set) serveOptions {
	rc := server.RuntimeConfig{Service: serviceConfig(conf), Jobs: jobsConfig(conf)}
	rc.Jobs.InsertOnly = !conf.Bool("Jobs")
	return serveOptions{Server: serverConfig(conf), Runtime: rc, Demo: conf.Bool("Demo"), OTLPEndpoint: conf.String("OTLPEndpoint")}
}

// workerOptions is everything `activelab worker` takes from its settings.
type workerOptions struct {
	Addr, DatabaseURL, LogLevel string
	OTLPEndpoint                string // turns tracing on (tracing.Config.Endpoint)
	ShutdownTimeout             time.Duration
	Demo                        bool
	Runtime                     server.RuntimeConfig
}

// workerOptionsFrom reads every setting of `activelab worker`.
func workerOptionsFrom(conf *settings.Set) workerOptions {
	return workerOptions{
		Addr:            conf.String("WorkerAddr"),
		DatabaseURL:     conf.String("DatabaseURL"),
		LogLevel:        conf.String("LogLevel"),
		OTLPEndpoint:    conf.String("OTLPEndpoint"),
		ShutdownTimeout: conf.Duration("WorkerShutdownTimeout"),
		Demo:            conf.Bool("WorkerDemo"),
		Runtime:         server.RuntimeConfig{Service: serviceConfig(conf), Jobs: jobsConfig(conf)},
	}
}

// serverConfig is the resolved settings of `activelab serve` as the HTTP
// server's configuration.
func serverConfig(set *settings.Set) server.Config {
	return server.Config{
		Addr:                      set.String("Addr"),
		DatabaseURL:               set.String("DatabaseURL"),
		AllowedOrigins:            set.List("AllowedOrigins"),
		LogLevel:                  set.String("LogLevel"),
		MaxBodyBytes:              set.Int64("MaxBodyBytes"),
		MaxUploadBytes:            set.Int64("MaxUploadBytes"),
		ShutdownTimeout:           set.Duration("ShutdownTimeout"),
		ComplexityLimit:           set.Int("ComplexityLimit"),
		DepthLimit:                set.Int("DepthLimit"),
		SessionTTL:                set.Duration("SessionTTL"),
		WebsocketPingInterval:     set.Duration("WebsocketPingInterval"),
		WebsocketInitTimeout:      set.Duration("WebsocketInitTimeout"),
		WebsocketRecheckInterval:  set.Duration("WebsocketRecheckInterval"),
		TokenCacheTTL:             set.Duration("TokenCacheTTL"),
		TrustProxy:                set.Bool("TrustProxy"),
		MaxTokens:                 set.Int("MaxTokens"),
		MaxFields:                 set.Int("MaxFields"),
		MaxAliases:                set.Int("MaxAliases"),
		RequestTimeout:            set.Duration("RequestTimeout"),
		MaxPasswordHashes:         set.Int("MaxPasswordHashes"),
		MetricsAddr:               set.String("MetricsAddr"),
		MetricsToken:              set.String("MetricsToken"),
		ReadTimeout:               set.Duration("ReadTimeout"),
		IdleTimeout:               set.Duration("IdleTimeout"),
		MaxConnsPerAddr:           set.Int("MaxConnsPerAddr"),
		MaxSubscriptionsPerSocket: set.Int("MaxSubscriptionsPerSocket"),
		MaxSocketsPerUser:         set.Int("MaxSocketsPerUser"),
		MaxInFlight:               set.Int("MaxInFlight"),
		QueueTimeout:              set.Duration("QueueTimeout"),
	}
}

// jobsConfig is the resolved job settings (serve and worker) as the River
// client's configuration.
func jobsConfig(set *settings.Set) jobs.Config {
	return jobs.Config{
		Queues:       set.IntMap("Workers"),
		JobTimeout:   set.Duration("JobTimeout"),
		KindTimeouts: set.DurationMap("JobTimeouts"),
		RescueAfter:  set.Duration("JobRescueAfter"),
		MaxAttempts:  set.Int("JobMaxAttempts"),
		PollInterval: set.Duration("JobPollInterval"),
	}
}

// serviceConfig is the resolved service settings (serve and worker) as
// the active-learning service's configuration.
func serviceConfig(set *settings.Set) activelearning.Config {
	return activelearning.Config{
		MaxBatchSize:      set.Int("MaxBatchSize"),
		LeaseDuration:     set.Duration("LeaseDuration"),
		InlinePoolLimit:   set.Int("InlinePoolLimit"),
		ShardSize:         set.Int("ShardSize"),
		ShardKeep:         set.Int("ShardKeep"),
		InlineImportLimit: set.Int("InlineImportLimit"),
		MaxPastedPool:     set.Int("MaxPastedPool"),
		ImportChunk:       set.Int("ImportChunk"),
		ImportStaleAfter:  set.Duration("ImportStaleAfter"),
		QueuePageMax:      set.Int("QueuePageMax"),
		CorrectionWindow:  set.Duration("CorrectionWindow"),
		PlausibilityK:     set.Float("PlausibilityK"),
	}
}
