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
// # Crashes
//
// Every job is idempotent: it checks the state it is about to change first, so
// a job River retries after a crash (kill -9) finishes the work without
// applying anything twice.
package jobs
