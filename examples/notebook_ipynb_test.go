package examples_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"activelab/activelearning/demo"
	"activelab/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// runNotebook executes a notebook with nbclient (Debian's
// python3-nbclient and python3-ipykernel), in the examples directory,
// printing every cell's text output; a failing cell fails the run.
const runNotebook = `
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
try:
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
finally:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                sys.stdout.write(out["text"])
            elif out.get("output_type") == "error":
                sys.stdout.write("cell %d: %s: %s\n" % (i, out["ename"], out["evalue"]))
`

// TestNotebookIPYNB executes examples/notebook.ipynb, every cell in order,
// with nbclient and the Python client of clients/python, against a live
// server on SQLite and on PostgreSQL: import, train, queue into pandas,
// label, retrain and wait, learning curve, predictions for a list, export
// of the scored pool to SDF and CSV, live events. The notebook asserts
// what it sees; this test checks its printed summary. Without Debian's
// python3-nbclient, python3-ipykernel, python3-pandas, python3-requests or
// python3-websockets it skips loudly (fails under ACTIVELAB_REQUIRE_PYTHON=1).
func TestNotebookIPYNB(t *testing.T) {
	if testing.Short() {
		t.Skip("notebook run skipped in -short mode")
	}
	if err := exec.Command(debianPython, "-c", "import nbclient, nbformat, ipykernel, pandas, requests, websockets").Run(); err != nil {
		msg := "SKIPPED: " + debianPython + " lacks nbclient/ipykernel/pandas/requests/websockets " +
			"(apt-get install python3-nbclient python3-ipykernel python3-pandas python3-requests python3-websockets): " + err.Error()
		if os.Getenv("ACTIVELAB_REQUIRE_PYTHON") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	client, err := filepath.Abs(filepath.Join("..", "clients", "python"))
	if err != nil {
		t.Fatal(err)
	}
	for name, open := range storetest.Backends(t) {
		t.Run(name, func(t *testing.T) {
			url := startServerOn(t, open(t))
			cmd := exec.CommandContext(t.Context(), debianPython, "-B", "-c", runNotebook, "notebook.ipynb")
			cmd.Env = append(os.Environ(), "ACTIVELAB_URL="+url, "ACTIVELAB_ADMIN_PASSWORD="+adminPassword,
				"ACTIVELAB_ADMIN_EMAIL="+demo.DefaultEmail, "ACTIVELAB_TOKEN=", "PYTHONPATH="+client, "MPLBACKEND=Agg", "PYDEVD_DISABLE_FILE_VALIDATION=1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				t.Fatalf("notebook.ipynb: %v\n%s", err, out.String())
			}
			got := out.String()
			t.Logf("notebook output:\n%s", got)
			for _, want := range []string{
				"signed in as admin@localhost ADMIN",
				"imported 150 rows with 150 measurements and 300 pool rows",
				"version 1 trained on",
				"items queued",
				"labeled 10 items",
				"retrain COMPLETE",
				"learning curve: 2 points",
				"predicted 4 SMILES, 1 with an error",
				"compounds to SDF and to CSV, 10 with a measurement",
				"events: {",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("notebook output lacks %q:\n%s", want, got)
				}
			}
		})
	}
}
