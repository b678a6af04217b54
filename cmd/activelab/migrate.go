package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"activelab/store"
)

func init() {
	register("migrate", command{
		Summary: "database schema: 'migrate up|down|status [--database-url URL]'",
		Run: func(ctx context.Context, args []string) error {
			return runMigrate(ctx, args, os.Stdout, os.Stderr, os.Getenv)
		},
	})
}

// migrateUsage is the synopsis of the migrate command.
const migrateUsage = `Usage: activelab migrate up|down|status [--database-url URL] [--all]

  up      apply every pending migration (the application's, then River's)
  down    roll back the last group of application migrations
          (--all: every application migration and River's tables too)
  status  list applied and pending migrations

The database is --database-url, else $ACTIVELAB_DATABASE_URL, else ` + store.DefaultURL + `
(sqlite:PATH or postgres://USER:PASS@HOST:PORT/DB).
`

// runMigrate runs `activelab migrate`; flags may come before or after the
// subcommand.
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	conf := bindSettings(fs, "migrate")
	all := fs.Bool("all", false, "with down: roll back everything, River's tables included")
	parse := func(args []string) error {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stderr, migrateUsage)
				return flag.ErrHelp
			}
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		return nil
	}
	if err := parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, migrateUsage)
		return fmt.Errorf("%w: missing subcommand (up, down or status)", errUsage)
	}
	sub := fs.Arg(0)
	if sub == "help" {
		fmt.Fprint(stderr, migrateUsage)
		return flag.ErrHelp
	}
	if err := parse(fs.Args()[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if sub != "up" && sub != "down" && sub != "status" {
		return fmt.Errorf("%w: unknown migrate subcommand %q (want up, down or status)", errUsage, sub)
	}
	if *all && sub != "down" {
		return fmt.Errorf("%w: --all only applies to down", errUsage)
	}
	if err := conf.Resolve(getenv); err != nil {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	dbURL := conf.String("DatabaseURL")

	octx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := store.Open(octx, dbURL)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "database: %s\n", displayURL(dbURL))

	before, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	switch sub {
	case "status":
		printMigrationStatus(stdout, before)
		return nil
	case "up":
		if err := st.Migrate(ctx); err != nil {
			return err
		}
	case "down":
		if *all {
			err = st.RollbackAll(ctx)
		} else {
			err = st.Rollback(ctx)
		}
		if err != nil {
			return err
		}
	}
	after, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	printMigrationChanges(stdout, before, after)
	return nil
}

// displayURL hides a PostgreSQL password.
func displayURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	return raw
}

// printMigrationStatus lists every migration with its state.
func printMigrationStatus(w io.Writer, s store.MigrationStatus) {
	fmt.Fprintf(w, "dialect:  %s\n", s.Dialect)
	for _, m := range s.Applied {
		fmt.Fprintf(w, "applied   %s_%s  (group %d, %s)\n", m.Name, m.Comment, m.GroupID, m.MigratedAt.UTC().Format(time.RFC3339))
	}
	for _, m := range s.Pending {
		fmt.Fprintf(w, "pending   %s_%s\n", m.Name, m.Comment)
	}
	fmt.Fprintf(w, "river:    applied %s; pending %s\n", versionList(s.RiverApplied), versionList(s.RiverPending))
	if s.Current() {
		fmt.Fprintln(w, "status:   up to date")
	} else {
		fmt.Fprintf(w, "status:   %d application and %d River migrations pending (run: activelab migrate up)\n", len(s.Pending), len(s.RiverPending))
	}
}

// printMigrationChanges reports what an up or down changed.
func printMigrationChanges(w io.Writer, before, after store.MigrationStatus) {
	was := map[string]bool{}
	for _, m := range before.Applied {
		was[m.Name] = true
	}
	is := map[string]bool{}
	changed := 0
	for _, m := range after.Applied {
		is[m.Name] = true
		if !was[m.Name] {
			fmt.Fprintf(w, "applied     %s_%s\n", m.Name, m.Comment)
			changed++
		}
	}
	for i := len(before.Applied) - 1; i >= 0; i-- {
		if m := before.Applied[i]; !is[m.Name] {
			fmt.Fprintf(w, "rolled back %s_%s\n", m.Name, m.Comment)
			changed++
		}
	}
	if a, b := len(after.RiverApplied), len(before.RiverApplied); a != b {
		fmt.Fprintf(w, "river:      %d → %d versions applied\n", b, a)
		changed++
	}
	if changed == 0 {
		fmt.Fprintln(w, "nothing to do")
	}
	if after.Current() {
		fmt.Fprintln(w, "status:     up to date")
	} else {
		fmt.Fprintf(w, "status:     %d application and %d River migrations pending\n", len(after.Pending), len(after.RiverPending))
	}
}

// versionList formats River versions compactly: "1-8", "none".
func versionList(vs []int) string {
	if len(vs) == 0 {
		return "none"
	}
	var parts []string
	start := vs[0]
	for i := 1; i <= len(vs); i++ {
		if i < len(vs) && vs[i] == vs[i-1]+1 {
			continue
		}
		if start == vs[i-1] {
			parts = append(parts, fmt.Sprint(start))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", start, vs[i-1]))
		}
		if i < len(vs) {
			start = vs[i]
		}
	}
	return strings.Join(parts, ",")
}
