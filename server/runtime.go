package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"activelab/activelearning"
	"activelab/events"
	"activelab/graph"
	"activelab/jobs"
	"activelab/store"
)

var (
	_ graph.JobAdmin = (*jobs.Client)(nil)
	_ jobs.Canceller = (*activelearning.Service)(nil)
)

// RuntimeConfig tunes the parts of a Runtime.
type RuntimeConfig struct {
	Service activelearning.Config
	Jobs    jobs.Config
	Broker  events.BrokerConfig
}

// Runtime is the active-learning machinery behind the API: the event
// broker over the store's outbox (woken by PostgreSQL NOTIFY when on
// PostgreSQL), the service, and the River client working its jobs.
// NewRuntime builds it and starts the broker; Start starts working jobs;
// Stop stops both, gracefully.
type Runtime struct {
	Service *activelearning.Service
	Broker  *events.Broker
	Jobs    *jobs.Client
	// Metrics counts the service's labels, trainings and selections (see
	// Collectors).
	Metrics *DomainMetrics

	log    *slog.Logger
	cancel context.CancelFunc
	wg     sync.WaitGroup

	stopJobs    sync.Once
	stopJobsErr error
}

// NewRuntime builds the broker (and starts it, with the PostgreSQL
// listener when st is PostgreSQL), the service and the job client, and
// wires the client into the service. Jobs are not worked until Start.
func NewRuntime(st *store.Store, cfg RuntimeConfig, log *slog.Logger) (*Runtime, error) {
	if log == nil {
		log = slog.Default()
	}
	if cfg.Broker.Log == nil {
		cfg.Broker.Log = log
	}
	if cfg.Jobs.Log == nil {
		cfg.Jobs.Log = log
	}
	rt := &Runtime{Broker: events.NewBroker(st.EventSource(), cfg.Broker), log: log}
	ctx, cancel := context.WithCancel(context.Background())
	rt.cancel = cancel
	rt.wg.Add(1)
	go func() {
		defer rt.wg.Done()
		if err := rt.Broker.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("event broker stopped", "error", err.Error())
		}
	}()
	if pool := st.Pool(); pool != nil {
		rt.wg.Add(1)
		go func() {
			defer rt.wg.Done()
			if err := events.ListenPostgres(ctx, pool, rt.Broker.Notify, log); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("event listener stopped", "error", err.Error())
			}
		}()
	}
	rt.Service = activelearning.New(st, rt.Broker, cfg.Service, log)
	rt.Metrics = NewDomainMetrics()
	rt.Service.SetObserver(rt.Metrics)
	jc, err := jobs.NewClient(st, rt.Service, cfg.Jobs)
	if err != nil {
		rt.cancel()
		rt.wg.Wait()
		return nil, fmt.Errorf("job client: %w", err)
	}
	rt.Jobs = jc
	rt.Service.SetJobs(jc)
	return rt, nil
}

// Collectors returns the runtime's Prometheus collectors, for the
// process's /metrics (Options.Metrics, or the worker's registry): the
// service's label, training and selection metrics and the job client's
// attempts, durations and running jobs.
func (rt *Runtime) Collectors() []prometheus.Collector {
	return append(rt.Metrics.Collectors(), rt.Jobs.Metrics().Collectors()...)
}

// Start starts working jobs.
func (rt *Runtime) Start(ctx context.Context) error {
	if err := rt.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("start job client: %w", err)
	}
	return nil
}

// StopJobs stops the job client: it fetches no more jobs, and running
// jobs get until ctx ends; any still running are then cancelled and
// queued again without spending an attempt. The broker keeps running
// (Stop ends it). Only the first call stops; later ones return its error.
func (rt *Runtime) StopJobs(ctx context.Context) error {
	rt.stopJobs.Do(func() {
		err := rt.Jobs.Stop(ctx)
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			rt.stopJobsErr = fmt.Errorf("stop job client: %w", err)
		}
	})
	return rt.stopJobsErr
}

// Stop stops the job client (StopJobs, if not stopped yet), then the
// broker, ending every subscription.
func (rt *Runtime) Stop(ctx context.Context) error {
	err := rt.StopJobs(ctx)
	rt.cancel()
	rt.wg.Wait()
	return err
}
