// Package rdkittest runs RDKit as a reference in tests: Debian's
// python3-rdkit (RDKit 2022.09.3 on bookworm) under /usr/bin/python3.
//
// Where RDKit is not installed a test that needs it skips, saying so; under
// ACTIVELAB_REQUIRE_RDKIT=1 (which .ci/run sets, after installing
// python3-rdkit) it fails instead, so CI cannot pass without the check.
package rdkittest

import (
	"bytes"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// Python is the interpreter the scripts run under: Debian's, whose
// python3-rdkit package provides the rdkit module.
const Python = "/usr/bin/python3"

var (
	probeOnce sync.Once
	probeErr  error
	version   string
)

// probe imports rdkit once per test binary and records its version.
func probe() (string, error) {
	probeOnce.Do(func() {
		out, err := exec.Command(Python, "-c", "import rdkit; print(rdkit.__version__)").CombinedOutput()
		if err != nil {
			probeErr = &missingError{out: string(bytes.TrimSpace(out)), err: err}
			return
		}
		version = string(bytes.TrimSpace(out))
	})
	return version, probeErr
}

type missingError struct {
	out string
	err error
}

func (e *missingError) Error() string {
	return Python + " cannot import rdkit (apt-get install python3-rdkit): " + e.err.Error() + ": " + e.out
}

// Require returns RDKit's version, or ends the test: it skips t, saying
// why, when RDKit is not installed, and fails it under
// ACTIVELAB_REQUIRE_RDKIT=1.
func Require(t testing.TB) string {
	t.Helper()
	v, err := probe()
	if err != nil {
		if os.Getenv("ACTIVELAB_REQUIRE_RDKIT") == "1" {
			t.Fatalf("RDKit is required (ACTIVELAB_REQUIRE_RDKIT=1): %v", err)
		}
		t.Skipf("SKIPPED: %v; not checked against RDKit", err)
	}
	return v
}

// Run runs a Python script (after Require) with args and stdin, and
// returns its standard output; a script that fails fails t with its
// standard error.
func Run(t testing.TB, script string, stdin []byte, args ...string) []byte {
	t.Helper()
	Require(t)
	cmd := exec.Command(Python, append([]string{"-c", script}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("RDKit script: %v\n%s", err, stderr.Bytes())
	}
	return out
}
