package chem

import (
	"errors"
	"testing"
)

// fuzzSubstructureMols are the molecules every fuzzed query is run on:
// rings, fused rings, charges, isotopes, a dummy, a radical, hydrogen atoms.
var fuzzSubstructureMols = []string{
	"CC(=O)Nc1ccc(O)cc1",
	"C[N+](C)(C)CC(=O)[O-].[Na+]",
	"c1ccc2c(c1)[nH]c1ccccc12",
	"C1CC2CCC1C2",
	"[2H]C([2H])([2H])[13CH2]S(=O)(=O)N",
	"*c1ccncc1",
	"C[CH2]",
	"[H+].[Cl-]",
}

// FuzzParseSubstructure checks that compiling any string as SMARTS and as
// SMILES never panics, that failures are *ParseError with an offset inside
// the input, and that a query that compiles runs on a few molecules, with
// the planned search order agreeing with the written one.
func FuzzParseSubstructure(f *testing.F) {
	g := loadSubstructureGolden(f)
	for _, q := range g.queries {
		f.Add(q.src)
	}
	for _, q := range g.rejects {
		f.Add(q.src)
	}
	for _, s := range []string{"C%(99999)CC%(99999)", "[$([$(C1CC1)]=O)]", "C1.C1", "[H+:1]", "[C@TH1]", "c1cc[se]c1", "[^2]"} {
		f.Add(s)
	}
	var mols []*Mol
	for _, s := range fuzzSubstructureMols {
		m, err := Parse(s)
		if err != nil {
			f.Fatal(err)
		}
		mols = append(mols, m)
	}
	var qg qGraph
	f.Fuzz(func(t *testing.T, s string) {
		for _, compile := range []func(string) (*Substructure, error){ParseSubstructure, SubstructureFromSMILES} {
			q, err := compile(s)
			if err != nil {
				var pe *ParseError
				if q != nil || !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(s) || pe.Input != s {
					t.Fatalf("compile(%q) = %v, %v: want nil and a *ParseError inside the input", s, q, err)
				}
				continue
			}
			if err := checkPlan(q.pat); err != nil {
				t.Fatalf("compile(%q): plan: %v", s, err)
			}
			for _, m := range mols {
				q.Matches(m)
			}
		}
		written, err := parseSMARTS(s)
		if err != nil || len(written.atoms) > 12 {
			return
		}
		q, err := ParseSubstructure(s)
		if err != nil {
			t.Fatalf("parseSMARTS(%q) accepts, ParseSubstructure: %v", s, err)
		}
		for i, m := range mols {
			qg.build(m, false)
			if want, got := qg.matchAnywhere(written), q.Matches(m); got != want {
				t.Fatalf("%q on %q: planned %v, written order %v", s, fuzzSubstructureMols[i], got, want)
			}
		}
	})
}
