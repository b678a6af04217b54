// Package store is ActiveLab's database layer: bun models and queries over
// SQLite or PostgreSQL, and the migrations of both (the application's and
// River's).
//
// # Opening
//
// Open picks the driver from the URL. "sqlite:PATH" is the embedded default
// (DefaultURL, ./data/activelab.db): modernc.org/sqlite, pure Go, with WAL,
// busy_timeout(5000), foreign keys and a single connection, SQLite's one
// writer, for writes and transactions; the reads that need no transaction
// (the queue's pages and counts, lookups by id, tokens, events: see
// conn.reads) run on a pool of query_only connections beside it, which WAL
// lets read while the writer writes. "postgres://..." is for production and several replicas: a pgx
// pool behind database/sql (stdlib.OpenDBFromPool) and bun's pgdialect.
// Open only connects; Migrate brings the schema up to date.
//
// # Two dialects, one place for their differences
//
// Everything that differs between the databases sits behind the unexported
// backend interface (backend.go): recognising unique, foreign-key and check
// violations, case-insensitive search (LIKE vs ILIKE), row claiming
// (ClaimNextItem: one WITH ... FOR UPDATE SKIP LOCKED UPDATE ... RETURNING on
// PostgreSQL; a pick and an UPDATE ... RETURNING in one write transaction on
// SQLite, which has one writer), row locks (LockEnabledAdmins: FOR UPDATE on
// PostgreSQL, nothing on SQLite), event ordering (AppendEvent takes
// pg_advisory_xact_lock and sends pg_notify on PostgreSQL; nothing on
// SQLite), the migration lock and River's driver. Upserts are written once: bun emits the same INSERT ... ON
// CONFLICT for both. The rest of the package is dialect-free.
//
// Times are stored in UTC with microsecond precision on both databases
// (TIMESTAMPTZ on PostgreSQL, ISO text on SQLite, which sorts correctly
// because every value is UTC); JSON is JSONB on PostgreSQL and TEXT on
// SQLite.
//
// # Lineages, queue and events
//
// A model in the API is a lineage: every version shares lineage_id, the ID
// of its version 1 (ModelVersions, ActiveVersionByLineage,
// ModelsLatestPerLineage, LineageVersionIDs). Queue items and cycles point
// at a version; queries by lineage take LineageVersionIDs.
//
// Rows that change under concurrency carry a version: UpdateQueueItem and
// UpdateCycle write only if the version is the one read, else ErrConflict.
// ListQueue pages by keyset (the last item's sort key and ID), so a page
// never repeats or skips an item while others change status.
//
// Events (the outbox) become visible in sequence order on both databases,
// so a subscriber that resumes from the last Seq it saw misses nothing;
// EventSource adapts the outbox to events.Source for the broker.
//
// # Errors
//
// Methods wrap ErrNotFound (no such row, or a reference to a missing row),
// ErrConflict (unique violations, lost races) and ErrInvalid (values the
// schema rejects) with what was being done, so callers test with errors.Is
// and show the message.
//
// # Migrations
//
// SQL files live in migrations/sqlite and migrations/postgres with the same
// IDs (YYYYMMDDHHMMSS_name.up.sql / .down.sql); bun's migrate package applies
// them, then rivermigrate applies River's own tables. The tests check that
// both folders hold the same IDs, that both schemas have the same tables,
// columns, primary keys and unique indexes, and that up, down (all the way)
// and up again work.
//
// # Testing
//
// Package storetest runs a test once per backend: SQLite always, PostgreSQL
// from TEST_DATABASE_URL or a throwaway cluster it starts itself.
package store
