package chem

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics, returns either a molecule or a
// *ParseError with an offset inside the input, and a molecule it returns
// is consistent (adjacency matches bonds, ring data sized to the molecule).
// Seeds: the golden subset's SMILES, Kekulé and randomized forms, and the
// invalid list.
func FuzzParse(f *testing.F) {
	seedFile(f, filepath.Join("testdata", "golden-subset.jsonl"), func(line string) []string {
		var r struct {
			Smiles     string   `json:"smiles"`
			Kekule     string   `json:"kekule"`
			Randomized []string `json:"randomized"`
		}
		if json.Unmarshal([]byte(line), &r) != nil {
			return nil
		}
		return append([]string{r.Smiles, r.Kekule}, r.Randomized...)
	})
	seedFile(f, filepath.Join("testdata", "smiles-invalid.txt"), func(line string) []string {
		if strings.HasPrefix(line, "#") {
			return nil
		}
		return []string{strings.Split(line, "\t")[0]}
	})
	for _, s := range []string{"C%(123)CC%(123)", "[C@TH2H](F)(Cl)Br", "[Fe@OH12](C)(C)(C)(C)(C)C", "c1ccc2c(c1)ccc1ccccc12", "C12C3C4C1C5C2C3C45"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		m, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T is not a *ParseError", s, err)
			}
			if pe.Pos < 0 || pe.Pos > len(s) {
				t.Fatalf("Parse(%q): offset %d outside the input", s, pe.Pos)
			}
			if pe.Msg == "" || pe.Kind == nil {
				t.Fatalf("Parse(%q): error without message or category", s)
			}
			return
		}
		checkMol(t, s, m)
	})
}

func seedFile(f *testing.F, path string, lines func(string) []string) {
	file, err := os.Open(path)
	if err != nil {
		f.Logf("no seeds from %s: %v", path, err)
		return
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		for _, s := range lines(sc.Text()) {
			f.Add(s)
		}
	}
}

// checkMol verifies a parsed molecule's internal consistency.
func checkMol(t *testing.T, s string, m *Mol) {
	t.Helper()
	if len(m.Atoms) == 0 {
		t.Fatalf("Parse(%q): molecule without atoms", s)
	}
	deg := make([]int, len(m.Atoms))
	for i, b := range m.Bonds {
		if b.Begin < 0 || int(b.Begin) >= len(m.Atoms) || b.End < 0 || int(b.End) >= len(m.Atoms) || b.Begin == b.End {
			t.Fatalf("Parse(%q): bond %d joins %d and %d", s, i, b.Begin, b.End)
		}
		if b.Kekule < BondSingle || b.Kekule > BondQuadruple {
			t.Fatalf("Parse(%q): bond %d has Kekulé order %d", s, i, b.Kekule)
		}
		deg[b.Begin]++
		deg[b.End]++
	}
	for i := range m.Atoms {
		if m.Degree(i) != deg[i] {
			t.Fatalf("Parse(%q): atom %d degree %d, bonds say %d", s, i, m.Degree(i), deg[i])
		}
		for _, nb := range m.Neighbors(i) {
			if m.Bonds[nb.Bond].Other(i) != int(nb.Atom) {
				t.Fatalf("Parse(%q): atom %d neighbour %d does not match bond %d", s, i, nb.Atom, nb.Bond)
			}
		}
		if m.Atoms[i].Aromatic && !m.AtomInRing(i) {
			t.Fatalf("Parse(%q): aromatic atom %d outside rings", s, i)
		}
	}
	for k, r := range m.Rings() {
		rb := m.RingBonds()[k]
		if len(r) != len(rb) || len(r) < 3 {
			t.Fatalf("Parse(%q): ring %d has %d atoms and %d bonds", s, k, len(r), len(rb))
		}
		for j, b := range rb {
			x, y := r[j], r[(j+1)%len(r)]
			bd := m.Bonds[b]
			if !(bd.Begin == x && bd.End == y || bd.Begin == y && bd.End == x) {
				t.Fatalf("Parse(%q): ring %d bond %d does not join its atoms", s, k, b)
			}
		}
	}
}
