package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"activelab/examples"
)

// server is an `activelab serve` process the generator started.
type server struct {
	addr   string
	cmd    *exec.Cmd
	logs   *bytes.Buffer
	dbURL  string
	dropDB func()
	// pg is the generator's own connection to the PostgreSQL server and
	// dbName the run's database there (nil and "" on SQLite).
	pg     *pgx.Conn
	dbName string
}

const adminEmail, adminPassword = "loadgen-admin@localhost", "loadgen admin password"

// database is a fresh database for one run.
type database struct {
	url  string
	drop func() // removes it
	// On PostgreSQL: the generator's connection to the server, and the
	// database's name.
	pg   *pgx.Conn
	name string
}

// newDatabase returns a fresh database of kind db.
func newDatabase(ctx context.Context, o options, db, dir string) (database, error) {
	if db == "sqlite" {
		return database{url: "sqlite:" + filepath.Join(dir, "activelab.db"), drop: func() {}}, nil
	}
	if o.pgURL == "" {
		return database{}, errors.New("PostgreSQL: set -pg-url or TEST_DATABASE_URL")
	}
	admin, err := adminURL(o.pgURL)
	if err != nil {
		return database{}, err
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return database{}, fmt.Errorf("PostgreSQL: %w", err)
	}
	name := fmt.Sprintf("activelab_loadgen_%d", time.Now().UnixNano())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close(ctx)
		return database{}, fmt.Errorf("PostgreSQL: create database: %w", err)
	}
	u, err := url.Parse(o.pgURL)
	if err != nil {
		conn.Close(ctx)
		return database{}, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	u.Path = "/" + name
	drop := func() {
		_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		conn.Close(context.Background())
	}
	return database{url: u.String(), drop: drop, pg: conn, name: name}, nil
}

// adminURL is the URL of the generator's own connection to the PostgreSQL
// server (creating and dropping the run's database): raw without pgxpool's
// pool_* parameters, which only the server's pool understands (pgx.Connect
// would send them to PostgreSQL as settings, and PostgreSQL refuses them).
// The server's URL keeps them, so -pg-url '...?pool_max_conns=8' sizes the
// server's pool.
func adminURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL: %w", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL: parameters: %w", err)
	}
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// cli runs one activelab command on dbURL with stdin, returning its output.
func cli(ctx context.Context, o options, dbURL, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, o.bin, args...)
	cmd.Env = append(os.Environ(), "ACTIVELAB_DATABASE_URL="+dbURL, "ACTIVELAB_LOG_LEVEL=warn")
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("activelab %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// poolCSV writes n distinct aryl compounds (two substituents, para or meta,
// on a benzene ring) without values: the pool the queue is selected from.
func poolCSV(n int) string {
	var subs []string
	for i := 1; i <= 12; i++ {
		c := strings.Repeat("C", i)
		subs = append(subs, c, c+"O", c+"N", c+"Cl", c+"F", "O"+c, c+"C#N", c+"C(=O)O")
	}
	var b strings.Builder
	b.WriteString("smiles,name\n")
	k := 0
	for _, pattern := range []string{"c1cc(%s)ccc1%s", "c1c(%s)cccc1%s", "c1cccc(%s)c1%s"} {
		for i := range subs {
			for j := i; j < len(subs); j++ {
				if k == n {
					return b.String()
				}
				fmt.Fprintf(&b, "%s,gen-%d\n", fmt.Sprintf(pattern, subs[i], subs[j]), k)
				k++
			}
		}
	}
	return b.String()
}

// start seeds a fresh database of kind db through the CLI (admin, ESOL
// with values, the pool, a trained model), then starts the server on it
// and waits for /readyz.
func start(ctx context.Context, o options, db string) (*server, error) {
	dir, err := os.MkdirTemp("", "activelab-loadgen-")
	if err != nil {
		return nil, err
	}
	d, err := newDatabase(ctx, o, db, dir)
	if err != nil {
		return nil, err
	}
	dbURL, drop := d.url, d.drop
	esol, pool := filepath.Join(dir, "esol.csv"), filepath.Join(dir, "pool.csv")
	if err := os.WriteFile(esol, examples.ESOL, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(pool, []byte(poolCSV(o.queue+o.queue/5)), 0o644); err != nil {
		return nil, err
	}
	steps := [][]string{
		{"user", "create", "--email", adminEmail, "--name", "Loadgen admin", "--role", "admin"},
		{"import", "--file", esol, "--set", "ESOL", "--endpoint", "logS"},
		{"import", "--file", pool, "--set", "pool"},
		{"train", "--name", "loadgen", "--endpoint", "logS", "--task", "regression", "--members", "8"},
	}
	for _, s := range steps {
		t0 := time.Now()
		if _, err := cli(ctx, o, dbURL, adminPassword+"\n", s...); err != nil {
			drop()
			return nil, err
		}
		logf("%s: activelab %s %s (%.1fs)", db, s[0], s[1], time.Since(t0).Seconds())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"serve", "--addr", addr, "--demo=false"}
	// Every subscriber is one user's websocket from one address: lift the
	// per-address and per-user caps that an abuser would meet (the flags
	// of -server-args come later and win).
	args = append(args, "--max-conns-per-addr", "0", "--max-sockets-per-user", strconv.Itoa(o.subscribers+16))
	args = append(args, strings.Fields(o.serverArgs)...)
	cmd := exec.Command(o.bin, args...)
	cmd.Env = append(os.Environ(), "ACTIVELAB_DATABASE_URL="+dbURL, "ACTIVELAB_LOG_LEVEL=warn")
	s := &server{addr: addr, cmd: cmd, logs: &bytes.Buffer{}, dbURL: dbURL, dropDB: func() { drop(); os.RemoveAll(dir) },
		pg: d.pg, dbName: d.name}
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		s.dropDB()
		return nil, err
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("server not ready in 60 s:\n%s", s.logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server (SIGTERM, then kill) and removes its database.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	s.dropDB()
}
