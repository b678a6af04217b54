package chem

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// substructureCase is one query on one molecule; want is RDKit 2022.09.3's
// mol.HasSubstructMatch(Chem.MolFromSmarts(query)) (or MolFromSmiles for
// SMILES queries).
type substructureCase struct {
	name, query, mol string
	want             bool
}

func checkSubstructureCases(t *testing.T, compile func(string) (*Substructure, error), cases []substructureCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := compile(tt.query)
			if err != nil {
				t.Fatalf("compile %q: %v", tt.query, err)
			}
			m, err := Parse(tt.mol)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.mol, err)
			}
			if got := q.Matches(m); got != tt.want {
				t.Errorf("%q in %q: Matches = %v, want %v", tt.query, tt.mol, got, tt.want)
			}
		})
	}
}

func TestParseSubstructureMatches(t *testing.T) {
	t.Parallel()
	checkSubstructureCases(t, ParseSubstructure, []substructureCase{
		// ring closures
		{"ring", "C1CCCCC1", "CC1CCCCC1", true},
		{"ring needs the closure bond", "C1CCCCC1", "CCCCCCC", false},
		{"ring %nn", "C%10CCCCC%10", "C1CCCCC1", true},
		{"ring %(n)", "C%(12345)CCCCC%(12345)", "C1CCCCC1", true},
		{"closure bond at opening", "C=1CCCCC1", "C1=CCCCC1", true},
		{"closure bond at closing", "C1CCCCC=1", "C1=CCCCC1", true},
		{"opening bond wins", "C=1CCCCC-1", "C1=CCCCC1", true},
		{"opening bond wins, no match", "C-1CCCCC=1", "C1=CCCCC1", false},
		{"closure after branch", "C(C)1CC1", "CC1CC1", true},
		{"closure across dot", "C1CC.C1", "CCCC", true},
		{"closure across dot, too few atoms", "C1CC.C1", "C1CC1", false},
		{"ring bonds", "C@1CCC@1", "C1CCC1", true},
		{"any-bond ring on kekule input", "[#6]1~[#6]~[#6]~[#6]~[#6]~[#6]~1", "C1=CC=CC=C1", true},
		// disconnected queries
		{"two rings need 12 atoms", "c1ccccc1.c1ccccc1", "c1ccc2ccccc2c1", false},
		{"two rings in one component", "c1ccccc1.c1ccccc1", "c1ccc(cc1)-c1ccccc1", true},
		{"two rings in two components", "c1ccccc1.c1ccccc1", "c1ccccc1.c1ccccc1", true},
		{"dot needs distinct atoms", "C.C", "C", false},
		{"dot parts may be bonded", "C.C", "CC", true},
		{"salt", "[Na+].[Cl-]", "[Na+].[Cl-]", true},
		{"salt, other anion", "[Na+].[Cl-]", "[Na+].[Br-]", false},
		{"dot inside a branch", "C(C.O)", "CCO", true},
		// what is read and ignored
		{"chirality ignored", "[C@H](N)C(=O)O", "N[C@@H](C)C(=O)O", true},
		{"chirality ignored @@", "[C@@H](N)C(=O)O", "N[C@@H](C)C(=O)O", true},
		{"bond directions ignored", "C/C=C/C", "C/C=C\\C", true},
		// RDKit's lexer
		{"recursive with ring", "[$(C1CC1)]C", "CC1CC1", true},
		{"recursive with ring, no ring", "[$(C1CC1)]C", "CCCC", false},
		{"two-letter element", "[Sc]", "[Sc]", true},
		{"Nh is N and h", "[Nh]", "CN", true},
		{"leading zero ends a number", "[*01]", "[1*]C", false},
		{"d counts isotopic H", "[d2]", "[2H]O[2H]", true},
	})
}

func TestSubstructureFromSMILESMatches(t *testing.T) {
	t.Parallel()
	checkSubstructureCases(t, SubstructureFromSMILES, []substructureCase{
		{"kekule benzene is aromatic", "C1=CC=CC=C1", "Cc1ccccc1", true},
		{"single bond is not aromatic", "CC", "c1ccccc1", false},
		{"aromaticity of an atom is not compared", "C", "c1ccccc1", true},
		{"hydrogens are not compared", "C(=O)[OH]", "CC(=O)OC", true},
		{"lone anion is a radical", "[O-]", "CC(=O)[O-]", false},
		{"lone nitro is a radical", "[N+](=O)[O-]", "C[N+](=O)[O-]", false},
		{"lone cation is a radical", "[N+]", "C[N+](C)(C)C", false},
		{"neutral query matches charged", "N", "C[N+](C)(C)C", true},
		{"ring atom in fused ring", "C1CCCCC1", "C1CCC2CCCCC2C1", true},
		{"fused query in two rings", "C1CCC2CCCCC2C1", "C1CCCCC1CC1CCCCC1", false},
		{"decalin", "C12CCCCC1CCCC2", "C1CCC2CCCCC2C1", true},
		{"isotope required", "[13CH4]", "C", false},
		{"isotope not required", "C", "[13CH4]", true},
		{"dummy matches only dummy", "*", "C", false},
		{"dummy", "*", "C*", true},
		{"labelled dummies differ", "[1*]", "C[2*]", false},
		{"labelled dummy matches plain dummy", "[1*]", "C*", true},
		{"any bond", "C~C", "C=C", true},
		{"dot needs distinct atoms", "C.C", "C", false},
		{"dot parts may be bonded", "C.C", "CC", true},
		{"chirality ignored", "C[C@H](N)O", "C[C@@H](N)O", true},
	})
}

// TestParseSubstructureErrors checks that bad queries give a *ParseError at
// the right offset and in the right category (RDKit 2022.09.3 rejects all
// of these except "[^2]", which it accepts and this package does not
// evaluate).
func TestParseSubstructureErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query string
		pos   int
		kind  error
		msg   string // a fragment of the message
	}{
		{"", 0, ErrEmpty, "empty"},
		{" C", 0, ErrEmpty, "whitespace"},
		{"C1CC", 1, ErrRing, "ring bond 1 opened at offset 1 is never closed"},
		{"CC%10CC", 2, ErrRing, "ring bond 10"},
		{"C11", 2, ErrRing, "closes on the atom"},
		{"C1C1", 3, ErrRing, "duplicates a bond"},
		{"C12CC12", 6, ErrRing, "duplicates a bond"},
		{"C(F1)1", 5, ErrRing, "duplicates a bond"},
		{"C%5", 1, ErrRing, "two digits"},
		{"C%05CC%05", 1, ErrRing, "two digits"},
		{"C%(123456)CC", 1, ErrRing, "5 digits"},
		{"C%()C", 1, ErrRing, "digits"},
		{"C(=1)CC1", 3, ErrRing, "must follow an atom"},
		{"C.1CC1", 2, ErrRing, "must follow an atom"},
		{"(C.C)", 0, ErrSyntax, "component grouping"},
		{"C..C", 2, ErrSyntax, "'.'"},
		{"C.", 1, ErrSyntax, "'.'"},
		{".C", 0, ErrSyntax, "'.'"},
		{"C(.C)", 2, ErrSyntax, "'.'"},
		{"C()C", 2, ErrSyntax, "')'"},
		{"C=(C)", 2, ErrSyntax, "'('"},
		{"C(C", 3, ErrSyntax, "unclosed branch"},
		{"C)C", 1, ErrSyntax, "unmatched ')'"},
		{"-C", 0, ErrSyntax, "bond"},
		{"C=", 1, ErrSyntax, "bond at the end"},
		{"C!C", 2, ErrSyntax, "bond primitive"},
		{"C,C", 1, ErrSyntax, "bond primitive"},
		{"[C", 0, ErrBracket, "never closed"},
		{"C]", 1, ErrSyntax, "unmatched ']'"},
		{"[]", 0, ErrBracket, "empty bracket"},
		{"[#]", 1, ErrBracket, "'#'"},
		{"[C&]", 3, ErrBracket, "missing atom primitive"},
		{"[$()]", 3, ErrEmpty, "no atoms"},
		{"[$(C]", 1, ErrBracket, "never closed"},
		{"[C:1;X]", 4, ErrBracket, "unexpected"},
		{"[C:01]", 2, ErrBracket, "map number"},
		{"[H+;X]", 3, ErrBracket, "hydrogen atom"},
		{"[Q]", 1, ErrElement, "unknown element"},
		{"[cl]", 2, ErrElement, "unknown element"},
		{"CCse", 3, ErrElement, "outside brackets"},
		{"[C@?]", 2, ErrChirality, "@?"},
		{"[C^3]", 2, ErrUnsupported, "hybridization"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			q, err := ParseSubstructure(tt.query)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseSubstructure(%q) = %v, %v; want a *ParseError", tt.query, q, err)
			}
			if pe.Pos != tt.pos || !errors.Is(err, tt.kind) || !strings.Contains(pe.Msg, tt.msg) || pe.Input != tt.query {
				t.Errorf("ParseSubstructure(%q): %v (offset %d, kind %v); want offset %d, kind %v, message with %q",
					tt.query, err, pe.Pos, pe.Kind, tt.pos, tt.kind, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "smarts ") {
				t.Errorf("ParseSubstructure(%q): error %q does not say it is SMARTS", tt.query, err)
			}
		})
	}
}

func TestSubstructureFromSMILESErrors(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "c1cccc1", "C1CC", "C(C)(C)(C)(C)C", "[Xx]"} {
		_, err := SubstructureFromSMILES(s)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("SubstructureFromSMILES(%q) = %v, want a *ParseError", s, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "smiles ") {
			t.Errorf("SubstructureFromSMILES(%q): error %q", s, err)
		}
	}
}

// TestParseSubstructureAccepts lists what RDKit 2022.09.3's MolFromSmarts
// accepts and ParseSubstructure must too.
func TestParseSubstructureAccepts(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"C%(0)CC%(0)", "C%(010)CC%(10)", "C1.C1", "C(C)=1CC1", "C0CC0",
		"[C@@H]", "[C@TH3]", "[C@OH]", "[@C]", "[C@@@]", "[C@,N]",
		"[H]", "[2H]", "[H+]", "[H--]", "[2H-2]", "[H:1]", "[2H:1]", "[H2+;X]", "[HH]",
		"[13]", "[C13]", "[0*]", "[--2]", "[+-]", "[C+++]", "[*:1]", "[C:0]",
		"[Xx]", "[Rh]", "[rh]", "[Db]", "[Cn]", "[Nh1]", "[si]", "[as]", "[te]",
		"C$C", "C!~C", "C-;=C", "C=@C", "[#200]", "[R10]",
		"CC O", "CC\tanything", "[$(C.C)]", "[$([$(CC)]C)]",
	} {
		if _, err := ParseSubstructure(s); err != nil {
			t.Errorf("ParseSubstructure(%q): %v", s, err)
		}
	}
}

// TestSubstructurePlan checks the search order of every golden SMARTS
// query: each atom's parent and ring-closure partners come before it, no
// bond is lost, and matching in that order gives what matching in written
// order gives.
func TestSubstructurePlan(t *testing.T) {
	t.Parallel()
	g := loadSubstructureGolden(t)
	var mols []*Mol
	for _, s := range g.mols[:100] {
		m, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		mols = append(mols, m)
	}
	var qg qGraph
	for _, gq := range g.queries {
		if gq.kind != "smarts" {
			continue
		}
		written, err := parseSMARTS(gq.src)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseSubstructure(gq.src)
		if err != nil {
			t.Fatal(err)
		}
		if err := checkPlan(q.pat); err != nil {
			t.Errorf("%q: %v", gq.src, err)
		}
		if a, b := written.numBonds(), q.pat.numBonds(); a != b {
			t.Errorf("%q: %d bonds written, %d planned", gq.src, a, b)
		}
		for i, m := range mols {
			qg.build(m, false)
			if want, got := qg.matchAnywhere(written), q.Matches(m); got != want {
				t.Errorf("%q on %q: planned %v, written order %v", gq.src, g.mols[i], got, want)
			}
		}
	}
}

// checkPlan verifies the invariants extend relies on.
func checkPlan(p *smartsPattern) error {
	n := len(p.atoms)
	if len(p.parent) != n || len(p.bonds) != n || len(p.degree) != n || p.closures != nil && len(p.closures) != n {
		return fmt.Errorf("inconsistent lengths")
	}
	deg := make([]int, n)
	for k := range n {
		if j := p.parent[k]; j >= k || j < -1 || (j < 0) != (p.bonds[k] == nil) {
			return fmt.Errorf("atom %d: parent %d", k, j)
		} else if j >= 0 {
			deg[j]++
			deg[k]++
		}
		if p.closures != nil {
			for _, c := range p.closures[k] {
				if c.to < 0 || c.to >= k || c.bond == nil {
					return fmt.Errorf("atom %d: closure to %d", k, c.to)
				}
				deg[c.to]++
				deg[k]++
			}
		}
	}
	for k := range n {
		if deg[k] != p.degree[k] {
			return fmt.Errorf("atom %d: degree %d, counted %d", k, p.degree[k], deg[k])
		}
	}
	return nil
}

// TestSubstructureConcurrent runs one query on many molecules from several
// goroutines (run with -race).
func TestSubstructureConcurrent(t *testing.T) {
	t.Parallel()
	q, err := ParseSubstructure("[$(C=O)]N.c1ccccc1")
	if err != nil {
		t.Fatal(err)
	}
	var mols []*Mol
	for _, s := range []string{"CC(=O)Nc1ccccc1", "CCN", "c1ccccc1C(=O)N", "CC(=O)NC"} {
		m, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		mols = append(mols, m)
	}
	want := []bool{true, false, true, false}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				for i, m := range mols {
					if got := q.Matches(m); got != want[i] {
						t.Errorf("molecule %d: %v, want %v", i, got, want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestSubstructureString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"c1ccccc1", "C(=O)N"} {
		q, err := ParseSubstructure(s)
		if err != nil {
			t.Fatal(err)
		}
		if q.String() != s {
			t.Errorf("String() = %q, want %q", q.String(), s)
		}
		q, err = SubstructureFromSMILES(s)
		if err != nil {
			t.Fatal(err)
		}
		if q.String() != s {
			t.Errorf("String() = %q, want %q", q.String(), s)
		}
	}
}

// TestSubstructureLargeQuery exercises a query larger than the search's
// stack buffer, and the limit of 1000 query atoms.
func TestSubstructureLargeQuery(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("C", 40)
	q, err := ParseSubstructure(long)
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[int]bool{39: false, 40: true, 45: true} {
		m, err := Parse(strings.Repeat("C", n))
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Matches(m); got != want {
			t.Errorf("C40 in C%d: %v, want %v", n, got, want)
		}
	}
	for _, compile := range []func(string) (*Substructure, error){ParseSubstructure, SubstructureFromSMILES} {
		_, err := compile(strings.Repeat("C", 1001))
		var pe *ParseError
		if !errors.As(err, &pe) || !errors.Is(err, ErrUnsupported) || pe.Pos != 1000 {
			t.Errorf("1001 atoms: %v, want ErrUnsupported at offset 1000", err)
		}
		if _, err := compile(strings.Repeat("C", 1000)); err != nil {
			t.Errorf("1000 atoms: %v", err)
		}
	}
	q, err = SubstructureFromSMILES("C1CCCCCCCCCCCCCCCCCCC1")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := Parse("C1CCCCCCCCCCCCCCCCCCC1C")
	if !q.Matches(m) {
		t.Errorf("20-ring not found in itself")
	}
}

// TestSubstructureManyParts checks that many interchangeable parts are
// answered at once: without the assignment check the search would try
// every arrangement of 21 parts over 20 atoms.
func TestSubstructureManyParts(t *testing.T) {
	t.Parallel()
	m, err := Parse(strings.Repeat("C", 20) + "(O)O")
	if err != nil {
		t.Fatal(err)
	}
	for parts, want := range map[int]bool{20: true, 21: false} {
		q, err := ParseSubstructure(strings.Repeat("[C,N].", parts-1) + "[C,N]")
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Matches(m); got != want {
			t.Errorf("%d parts: %v, want %v", parts, got, want)
		}
	}
}

// TestParseSubstructureNesting checks the bound on nested recursive
// patterns, which keeps parsing linear.
func TestParseSubstructureNesting(t *testing.T) {
	t.Parallel()
	nest := func(d int) string { return strings.Repeat("[$(", d) + "C" + strings.Repeat(")]", d) }
	if _, err := ParseSubstructure(nest(64)); err != nil {
		t.Errorf("64 levels: %v", err)
	}
	_, err := ParseSubstructure(nest(65))
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrUnsupported) || pe.Pos != 64*3+1 {
		t.Errorf("65 levels: %v, want ErrUnsupported at offset %d", err, 64*3+1)
	}
}
