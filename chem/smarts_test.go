package chem

import (
	"errors"
	"testing"
)

func TestParseSMARTSShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		atoms  int
		parent []int
	}{
		{"[CH4]", 1, []int{-1}},
		{"[c](:a)(:a):a", 4, []int{-1, 0, 0, 0}},
		{"[O]=C(C)([A;!#1])", 4, []int{-1, 0, 1, 1}},
		{"[#1]OC=[#6,#7,O,S]", 4, []int{-1, 0, 1, 2}},
		{"C(F)(F)F", 4, []int{-1, 0, 0, 0}},
		{hbaSMARTS, 1, []int{-1}},
		{rotatableSMARTS, 2, []int{-1, 0}},
	}
	for _, tt := range tests {
		p, err := parseSMARTS(tt.src)
		if err != nil {
			t.Errorf("parseSMARTS(%q): %v", tt.src, err)
			continue
		}
		if len(p.atoms) != tt.atoms {
			t.Errorf("parseSMARTS(%q): %d atoms, want %d", tt.src, len(p.atoms), tt.atoms)
			continue
		}
		for i, want := range tt.parent {
			if p.parent[i] != want {
				t.Errorf("parseSMARTS(%q): parent[%d] = %d, want %d", tt.src, i, p.parent[i], want)
			}
		}
	}
}

func TestParsesmartsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src string
		pos int
	}{
		{"", 0},
		{"[C", 0},
		{"C(", 2},
		{"C)", 1},
		{"C1CC", 1},
		{"-C", 0},
		{"C-", 1},
		{"[#]", 1},
		{"[Q]", 1},
		{"[$(C]", 1},
		{"C..C", 2},
		{"[C&]", 3},
	}
	for _, tt := range tests {
		_, err := parseSMARTS(tt.src)
		var se *ParseError
		if !errors.As(err, &se) {
			t.Errorf("parseSMARTS(%q) = %v, want a *ParseError", tt.src, err)
			continue
		}
		if se.Pos != tt.pos {
			t.Errorf("parseSMARTS(%q): error at %d (%v), want %d", tt.src, se.Pos, err, tt.pos)
		}
	}
}

// TestCrippenTable checks the parsed RDKit parameter table: 110 types in
// RDKit 2022.09, first C1 [CH4] 0.1441/2.503, last Me2 with no MR.
func TestCrippenTable(t *testing.T) {
	t.Parallel()
	if len(crippenTypes) != 110 {
		t.Fatalf("%d Crippen types, want 110", len(crippenTypes))
	}
	first, last := crippenTypes[0], crippenTypes[len(crippenTypes)-1]
	if first.label != "C1" || first.logP != 0.1441 || first.mr != 2.503 {
		t.Errorf("first type %+v", first)
	}
	if last.label != "Me2" || last.logP != -0.0025 || last.mr != 0 {
		t.Errorf("last type %+v", last)
	}
}

func FuzzParseSMARTS(f *testing.F) {
	for _, s := range []string{hbdSMARTS, hbaSMARTS, rotatableSMARTS, "[c](:a)(:a)=[C,N,O]", "[$(*=O)]", "C(", "[#", "[+++]", "[$("} {
		f.Add(s)
	}
	for _, ct := range crippenTypes[:20] {
		f.Add(ct.pattern.src)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseSMARTS(s)
		if err != nil {
			var se *ParseError
			if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("parseSMARTS(%q): bad error %v", s, err)
			}
			return
		}
		if len(p.atoms) == 0 || len(p.parent) != len(p.atoms) || len(p.bonds) != len(p.atoms) {
			t.Fatalf("parseSMARTS(%q): inconsistent pattern", s)
		}
	})
}
