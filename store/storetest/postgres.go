package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"activelab/store"
)

// postgresAdminURL returns the URL of a server where test databases may be
// created: TEST_DATABASE_URL, or the throwaway cluster (started on first use).
func postgresAdminURL() (string, error) {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u, nil
	}
	return clusterURL()
}

// createDatabase creates an empty activelab_test_<random> on the admin
// URL's server, drops it at cleanup, and returns its URL.
func createDatabase(t testing.TB, adminURL string) string {
	t.Helper()
	return createDatabaseFrom(t, adminURL, "")
}

// createDatabaseFrom is createDatabase copying template (when not "").
func createDatabaseFrom(t testing.TB, adminURL, template string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "activelab_test_" + randomSuffix()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("storetest: connect to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template
	}
	if _, err := conn.Exec(ctx, create); err != nil {
		t.Fatalf("storetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	return withDatabase(adminURL, name)
}

// openPostgres opens a store on a fresh database: a copy of a migrated
// template when migrated is true, else an empty one.
func openPostgres(t testing.TB, adminURL string, migrated bool) *store.Store {
	t.Helper()
	template := ""
	if migrated {
		var err error
		if template, err = migratedTemplate(adminURL); err != nil {
			t.Fatalf("storetest: %v", err)
		}
	}
	dbURL := createDatabaseFrom(t, adminURL, template)
	st, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { st.Close() }) // runs before the DROP DATABASE registered earlier
	return st
}

// The migrated template database: created and migrated once per test
// binary, then copied by CREATE DATABASE ... TEMPLATE (faster than running
// every migration for every test). Main drops it.
var (
	templateMu   sync.Mutex
	templateName string
	templateURL  string // the admin URL it was made on
	templateErr  error
)

func migratedTemplate(adminURL string) (string, error) {
	templateMu.Lock()
	defer templateMu.Unlock()
	if templateName != "" || templateErr != nil {
		return templateName, templateErr
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := "activelab_test_tmpl_" + randomSuffix()
	templateErr = func() error {
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			return fmt.Errorf("connect to PostgreSQL: %w", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return fmt.Errorf("create template database: %w", err)
		}
		st, err := store.Open(ctx, withDatabase(adminURL, name))
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate template database: %w", err)
		}
		return nil
	}()
	if templateErr == nil {
		templateName, templateURL = name, adminURL
	}
	return templateName, templateErr
}

// dropTemplate drops the template database, if one was made.
func dropTemplate() error {
	templateMu.Lock()
	defer templateMu.Unlock()
	if templateName == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, templateURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)")
	templateName = ""
	return err
}

func randomSuffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withDatabase returns adminURL pointing at database name.
func withDatabase(adminURL, name string) string {
	u, err := url.Parse(adminURL)
	if err != nil {
		return adminURL
	}
	u.Path = "/" + name
	return u.String()
}
