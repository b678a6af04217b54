package examples_test

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"activelab/activelearning/demo"
)

// debianPython is the interpreter with Debian's python3-requests and
// python3-websockets (see notebook.py).
const debianPython = "/usr/bin/python3"

// TestNotebook runs examples/notebook.py --retrain against a real server:
// queries and mutations over HTTP, and a queueEvents subscription over
// graphql-transport-ws that must see every claim and label.
func TestNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("notebook run skipped in -short mode")
	}
	if err := exec.Command(debianPython, "-c", "import requests, websockets").Run(); err != nil {
		t.Skipf("SKIPPED: %s lacks requests/websockets (apt-get install python3-requests python3-websockets): %v", debianPython, err)
	}
	url := startServer(t)
	cmd := exec.CommandContext(t.Context(), debianPython, "-B", "notebook.py", "--retrain")
	cmd.Env = append(os.Environ(), "ACTIVELAB_URL="+url, "ACTIVELAB_ADMIN_PASSWORD="+adminPassword,
		"ACTIVELAB_ADMIN_EMAIL="+demo.DefaultEmail, "ACTIVELAB_TOKEN=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("notebook.py: %v\n%s", err, out.String())
	}
	got := out.String()
	// The demo's cycle 1 (25 items) and the notebook's cycle 2 (25).
	for _, want := range []string{"signed in as {'email': 'admin@localhost', 'role': 'ADMIN'}", "preview #3:", "labeled 50 items", "cycle COMPLETE", "  after  {"} {
		if !strings.Contains(got, want) {
			t.Errorf("notebook output lacks %q:\n%s", want, got)
		}
	}
	// The subscription started before the selection: it saw the 25 new
	// items enqueued, and all 50 claims and labels.
	m := regexp.MustCompile(`queueEvents delivered (\d+) events: (.*)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no event summary:\n%s", got)
	}
	for _, want := range []string{"'item_enqueued': 25", "'item_claimed': 50", "'item_labeled': 50"} {
		if !strings.Contains(m[2], want) {
			t.Errorf("events %s lack %s", m[2], want)
		}
	}
	if n, _ := strconv.Atoi(m[1]); n < 125 {
		t.Errorf("%s events, want at least 125", m[1])
	}
}
