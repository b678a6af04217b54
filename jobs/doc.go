// Package jobs runs ActiveLab's background work on River: training a model
// version (train_model), retraining after a cycle (retrain_model), scoring a
// large pool (select_samples) and large imports (import_compounds).
//
// The workers call the domain through interfaces defined here (Trainer,
// Retrainer, Selector, Importer) that *activelearning.Service satisfies, so
// the rules stay in one place and there is no import cycle. The service
// enqueues jobs through Client's Enqueue* methods inside its own
// transaction (River's InsertTx), so a job exists exactly when the change that
// asked for it commits.
//
// # Databases
//
// NewClient builds the River client from the store's driver: riversqlite on
// SQLite, riverdatabasesql with a pgx LISTEN/NOTIFY listener on PostgreSQL.
//
// # Queues
//
// Training (train_model, retrain_model) runs on QueueTraining, everything
// else on QueueDefault; Config.Queues says how many of each a process works
// at once (default 1 and 2).
//
// # Stopping and crashes
//
// Client.Stop stops fetching and lets running jobs finish until its
// context ends; jobs still running then are cancelled and put back in the
// queue without spending an attempt (JobSnooze(0)), available at once to
// another worker. Every attempt's start and finish is logged at INFO with
// the job's id and kind, and counted in Metrics.
//
// A process killed with its jobs running (kill -9, a lost machine) leaves
// them "running". River's rescuer, on the leader, retries a job once it has
// been running for Config.RescueAfter (70 s) and for its kind's timeout
// (Config.KindTimeouts, else JobTimeout, 1 minute): with the defaults an
// orphaned retrain is retried within about two minutes. River v0.51 has no
// heartbeat, so a kind's timeout is both the longest an attempt may run and
// the longest its orphan may wait; raise a kind's timeout when its jobs need
// longer (import_compounds: 10 minutes).
//
// Every job is idempotent: it checks the state it is about to change first, so
// a job River retries after a crash finishes the work without applying
// anything twice.
package jobs
