package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestStoreIsTheOnlyDataBoundary fails when code outside store/ builds
// queries itself: imports bun, or reaches through the Store for its bun or
// database/sql handle (Store.DB, Store.SQLDB). Every query the product
// needs is a store method, so there is one copy of each and the dialect
// differences stay here. Tests elsewhere may still tamper with rows
// through Store.DB (corrupting an artifact, counting a table).
func TestStoreIsTheOnlyDataBoundary(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch rel {
			case "store", "frontend", "node_modules", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		for _, im := range f.Imports {
			if strings.HasPrefix(strings.Trim(im.Path.Value, `"`), "github.com/uptrace/bun") {
				t.Errorf("%s imports %s: queries belong in store/", rel, im.Path.Value)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "DB" || sel.Sel.Name == "SQLDB") {
				t.Errorf("%s: %s calls .%s(): add a store method instead", rel, fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("checked only %d files under %s: is the walk wrong?", checked, root)
	}
}
