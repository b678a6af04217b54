package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is a throwaway PostgreSQL server in a temporary directory.
type cluster struct {
	dir   string    // temporary directory: data/, the socket, server.log
	bin   string    // PostgreSQL's bin directory
	cmd   *exec.Cmd // the postgres process (through runuser when root)
	url   string
	asPG  bool // run as the postgres user (we are root)
	owner *user.User
}

var (
	clusterOnce sync.Once
	theCluster  *cluster
	clusterErr  error
	clusterMu   sync.Mutex // guards theCluster during stop
)

// clusterURL starts the throwaway cluster on first use and returns its
// superuser URL.
func clusterURL() (string, error) {
	clusterOnce.Do(func() {
		c, err := startCluster()
		clusterMu.Lock()
		theCluster, clusterErr = c, err
		clusterMu.Unlock()
	})
	if clusterErr != nil {
		return "", clusterErr
	}
	return theCluster.url, nil
}

// stopCluster stops the cluster if one was started and removes its files.
func stopCluster() error {
	clusterMu.Lock()
	c := theCluster
	theCluster = nil
	clusterMu.Unlock()
	if c == nil {
		return nil
	}
	return c.stop()
}

// pgBinDir returns the newest /usr/lib/postgresql/*/bin holding initdb.
func pgBinDir() (string, error) {
	if dir := os.Getenv("PGBIN"); dir != "" {
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) < versionOf(dirs[j]) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("no PostgreSQL binaries in /usr/lib/postgresql/*/bin and TEST_DATABASE_URL is not set (apt-get install postgresql, or set TEST_DATABASE_URL=postgres://...)")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// freePort returns a TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// command builds a command that runs as the postgres user when we are root
// (from "/", which postgres can read).
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if c.asPG {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Dir = "/"
	return cmd
}

// staleAge is how old a cluster directory without a running server must
// be before sweepStale removes it (initdb takes seconds).
const staleAge = 10 * time.Minute

// sweepStale removes the directories of throwaway clusters whose test
// binary was killed: the server stopped with it (Pdeathsig), the files
// stayed. A directory with a postmaster.pid, or a recent one, is kept.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "activelab-pgtest.*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < staleAge {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "data", "postmaster.pid")); err == nil {
			continue
		}
		os.RemoveAll(d)
	}
}

func startCluster() (*cluster, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	sweepStale()
	c := &cluster{bin: bin, asPG: os.Geteuid() == 0}
	dir, err := os.MkdirTemp("", "activelab-pgtest.")
	if err != nil {
		return nil, fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	c.dir = dir
	if c.asPG {
		pg, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("throwaway PostgreSQL: running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("throwaway PostgreSQL: %w", err)
		}
		c.owner = pg
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	data := filepath.Join(dir, "data")
	initdb := c.command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("throwaway PostgreSQL: initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("throwaway PostgreSQL: find a free port: %w", err)
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("throwaway PostgreSQL: %w", err)
	}
	defer logf.Close()
	c.cmd = c.command(filepath.Join(bin, "postgres"), "-D", data,
		"-c", "listen_addresses=127.0.0.1", "-p", strconv.Itoa(port), "-k", dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300")
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	// Best effort: if the test binary is killed, runuser gets SIGTERM and
	// passes it on, and postgres shuts down.
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("throwaway PostgreSQL: start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }()
	c.url = "postgres://postgres@127.0.0.1:" + strconv.Itoa(port) + "/postgres?sslmode=disable"
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.url)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return c, nil
		}
		select {
		case werr := <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("throwaway PostgreSQL exited at start-up: %v\n%s", werr, bytes.TrimSpace(log))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("throwaway PostgreSQL did not accept connections within 60 s: %w", err)
		}
	}
}

// stop shuts the server down (fast mode) and removes its directory.
func (c *cluster) stop() error {
	stop := c.command(filepath.Join(c.bin, "pg_ctl"), "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "30", "stop")
	out, err := stop.CombinedOutput()
	if err != nil {
		err = fmt.Errorf("pg_ctl stop: %w: %s", err, bytes.TrimSpace(out))
	}
	if rerr := os.RemoveAll(c.dir); rerr != nil && err == nil {
		err = rerr
	}
	return err
}
