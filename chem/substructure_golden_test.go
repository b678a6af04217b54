package chem

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

// substructureGolden is testdata/substructure-golden.tsv: molecules, queries
// with the molecules RDKit 2022.09.3 finds them in, and queries RDKit
// rejects (written by testdata/gen_substructure.py).
type substructureGolden struct {
	mols    []string
	queries []goldenQuery
	rejects []goldenQuery
}

type goldenQuery struct {
	kind, src string // kind "smarts" or "smiles"
	match     []bool // per molecule
}

func loadSubstructureGolden(t testing.TB) substructureGolden {
	t.Helper()
	f, err := os.Open("testdata/substructure-golden.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g substructureGolden
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Split(text, "\t")
		switch {
		case fields[0] == "mol" && len(fields) == 2:
			g.mols = append(g.mols, fields[1])
		case fields[0] == "query" && len(fields) == 4:
			bits := fields[3]
			if len(bits) != (len(g.mols)+3)/4 {
				t.Fatalf("line %d: %d hex digits for %d molecules", line, len(bits), len(g.mols))
			}
			q := goldenQuery{kind: fields[1], src: fields[2], match: make([]bool, len(g.mols))}
			for i := range g.mols {
				d := strings.IndexByte("0123456789abcdef", bits[i/4])
				if d < 0 {
					t.Fatalf("line %d: bad hex digit %q", line, bits[i/4])
				}
				q.match[i] = d&(8>>(i%4)) != 0
			}
			g.queries = append(g.queries, q)
		case fields[0] == "reject" && len(fields) == 3:
			g.rejects = append(g.rejects, goldenQuery{kind: fields[1], src: fields[2]})
		default:
			t.Fatalf("line %d: cannot read %q", line, text)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return g
}

func compileGolden(q goldenQuery) (*Substructure, error) {
	if q.kind == "smiles" {
		return SubstructureFromSMILES(q.src)
	}
	return ParseSubstructure(q.src)
}

// TestSubstructureGolden checks every (query, molecule) pair of the golden
// file against RDKit 2022.09.3's HasSubstructMatch: exact agreement, no
// tolerance.
func TestSubstructureGolden(t *testing.T) {
	t.Parallel()
	g := loadSubstructureGolden(t)
	mols := make([]*Mol, len(g.mols))
	for i, s := range g.mols {
		m, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v (RDKit parses it)", s, err)
		}
		mols[i] = m
	}
	pairs, differ := 0, 0
	for _, q := range g.queries {
		sub, err := compileGolden(q)
		if err != nil {
			t.Errorf("%s query %q: %v (RDKit accepts it)", q.kind, q.src, err)
			continue
		}
		shown := 0
		for i, m := range mols {
			pairs++
			if got := sub.Matches(m); got != q.match[i] {
				differ++
				if shown < 3 {
					t.Errorf("%s query %q on %q: Matches = %v, RDKit %v", q.kind, q.src, g.mols[i], got, q.match[i])
				}
				shown++
			}
		}
	}
	for _, q := range g.rejects {
		_, err := compileGolden(q)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s query %q: error %v, want a *ParseError (RDKit rejects it)", q.kind, q.src, err)
			continue
		}
		if pe.Pos < 0 || pe.Pos > len(q.src) {
			t.Errorf("%s query %q: error offset %d outside the query", q.kind, q.src, pe.Pos)
		}
	}
	t.Logf("%d queries x %d molecules = %d pairs, %d differ from RDKit; %d rejected queries",
		len(g.queries), len(mols), pairs, differ, len(g.rejects))
	if len(g.queries) < 60 || len(mols) < 500 {
		t.Errorf("golden file too small: %d queries, %d molecules", len(g.queries), len(mols))
	}
}
