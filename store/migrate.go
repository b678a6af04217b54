package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun/migrate"

	"activelab/migrations"
)

// Migration is one application migration and whether it is applied.
type Migration struct {
	// Name is the migration ID, YYYYMMDDHHMMSS.
	Name string
	// Comment is the rest of the file name ("auth" for 20261125000001_auth.up.sql).
	Comment string
	// GroupID is the group it was applied in (0 when pending); Rollback
	// undoes the last group.
	GroupID int64
	// MigratedAt is when it was applied (zero when pending).
	MigratedAt time.Time
}

// MigrationStatus reports the application's and River's migrations.
type MigrationStatus struct {
	// Dialect is DialectSQLite or DialectPostgres.
	Dialect string
	// Applied and Pending are the application migrations, oldest first.
	Applied, Pending []Migration
	// RiverApplied and RiverPending are River's schema versions.
	RiverApplied, RiverPending []int
}

// Current reports whether nothing is pending: the schema is what this
// binary expects.
func (m MigrationStatus) Current() bool {
	return len(m.Pending) == 0 && len(m.RiverPending) == 0
}

// MigrationsFS returns the migration folder for a dialect (DialectSQLite or
// DialectPostgres), nil for an unknown one.
func MigrationsFS(dialect string) fs.FS {
	switch dialect {
	case DialectSQLite:
		return migrations.SQLite
	case DialectPostgres:
		return migrations.Postgres
	}
	return nil
}

// migrator returns bun's migrator over this dialect's folder.
func (s *Store) migrator() (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(MigrationsFS(s.dialect)); err != nil {
		return nil, fmt.Errorf("discover %s migrations: %w", s.dialect, err)
	}
	return migrate.NewMigrator(s.bunDB, ms, migrate.WithMarkAppliedOnSuccess(true)), nil
}

// riverMigrator returns River's migrator for this database.
func (s *Store) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	m, err := rivermigrate.New(s.be.riverDriver(), &rivermigrate.Config{Logger: warnLogger()})
	if err != nil {
		return nil, fmt.Errorf("river migrator: %w", err)
	}
	return m, nil
}

// Migrate applies every pending application migration (as one group) and
// then River's migrations. Concurrent migrators on PostgreSQL wait for each
// other (an advisory lock). A failed migration stops the run with an error
// naming it; migrations before it stay applied.
func (s *Store) Migrate(ctx context.Context) error {
	unlock, err := s.be.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	m, err := s.migrator()
	if err != nil {
		return err
	}
	if err := m.Init(ctx); err != nil {
		return fmt.Errorf("migrate: create bun_migrations: %w", err)
	}
	if err := checkKnownMigrations(ctx, m); err != nil {
		return err
	}
	if _, err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", s.dialect, err)
	}
	rm, err := s.riverMigrator()
	if err != nil {
		return err
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	return nil
}

// Rollback undoes the last group of application migrations (what one
// Migrate applied). River's tables are left alone; see RollbackAll.
func (s *Store) Rollback(ctx context.Context) error {
	_, err := s.rollback(ctx)
	return err
}

func (s *Store) rollback(ctx context.Context) ([]Migration, error) {
	unlock, err := s.be.lockMigrations(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	m, err := s.migrator()
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("rollback: create bun_migrations: %w", err)
	}
	g, err := m.Rollback(ctx)
	if err != nil {
		return nil, fmt.Errorf("rollback %s: %w", s.dialect, err)
	}
	return convertMigrations(g.Migrations), nil
}

// RollbackAll undoes every application migration, then removes River's
// tables: an empty database (apart from bun's bookkeeping tables).
func (s *Store) RollbackAll(ctx context.Context) error {
	for {
		undone, err := s.rollback(ctx)
		if err != nil {
			return err
		}
		if len(undone) == 0 {
			break
		}
	}
	unlock, err := s.be.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	rm, err := s.riverMigrator()
	if err != nil {
		return err
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
		return fmt.Errorf("rollback river: %w", err)
	}
	return nil
}

// MigrationStatus reports applied and pending migrations of the application
// and of River.
func (s *Store) MigrationStatus(ctx context.Context) (MigrationStatus, error) {
	st := MigrationStatus{Dialect: s.dialect}
	m, err := s.migrator()
	if err != nil {
		return st, err
	}
	if err := m.Init(ctx); err != nil {
		return st, fmt.Errorf("migration status: create bun_migrations: %w", err)
	}
	all, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return st, fmt.Errorf("migration status: %w", err)
	}
	for _, mg := range convertMigrations(all) { // all is sorted oldest first
		if mg.GroupID != 0 {
			st.Applied = append(st.Applied, mg)
		} else {
			st.Pending = append(st.Pending, mg)
		}
	}
	rm, err := s.riverMigrator()
	if err != nil {
		return st, err
	}
	existing, err := rm.ExistingVersions(ctx)
	if err != nil {
		return st, fmt.Errorf("migration status: river: %w", err)
	}
	have := make(map[int]bool, len(existing))
	for _, v := range existing {
		have[v.Version] = true
		st.RiverApplied = append(st.RiverApplied, v.Version)
	}
	for _, v := range rm.AllVersions() {
		if !have[v.Version] {
			st.RiverPending = append(st.RiverPending, v.Version)
		}
	}
	return st, nil
}

func convertMigrations(ms migrate.MigrationSlice) []Migration {
	out := make([]Migration, 0, len(ms))
	for _, m := range ms {
		out = append(out, Migration{Name: m.Name, Comment: m.Comment, GroupID: m.GroupID, MigratedAt: m.MigratedAt})
	}
	return out
}

// ErrForeignSchema is returned by Migrate for a database that has
// migrations applied which this binary does not know: it was made by
// another build (for example a development database from before the
// schema was rewritten with UUID ids). Nothing is changed; the database
// must be removed, or opened with the build that made it.
var ErrForeignSchema = errors.New("database migrated by another build")

// checkKnownMigrations refuses a database with applied migrations that are
// not in this binary's folder: migrating it would stack this schema on an
// unknown one.
func checkKnownMigrations(ctx context.Context, m *migrate.Migrator) error {
	applied, err := m.AppliedMigrations(ctx)
	if err != nil {
		return fmt.Errorf("migrate: applied migrations: %w", err)
	}
	known, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return fmt.Errorf("migrate: migrations: %w", err)
	}
	have := make(map[string]bool, len(known))
	for _, k := range known {
		have[k.Name] = true
	}
	var unknown []string
	for _, a := range applied {
		if !have[a.Name] {
			unknown = append(unknown, a.Name+"_"+a.Comment)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("migrate: %w: applied migrations %v are not in this binary; "+
			"remove the database (the SQLite file) or use the build that made it", ErrForeignSchema, unknown)
	}
	return nil
}
