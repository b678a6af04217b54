package settings

import (
	"go/build"
	"strings"
	"testing"
)

// TestImportsOnlyStandardLibrary: the table depends on nothing of the
// project (nor store, nor graph) and on no module, so any command or
// package may read it without an import cycle.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") || first == "activelab" {
			t.Errorf("settings imports %s", imp)
		}
	}
	if len(pkg.Imports) == 0 {
		t.Fatal("no imports found: the check read nothing")
	}
}
