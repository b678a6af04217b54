package chem

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// invalidEntry is one line of smiles-invalid.txt.
type invalidEntry struct {
	smiles, category, reason string
	line                     int
}

// loadInvalid reads ../shared/data/smiles-invalid.txt (91 inputs RDKit
// 2022.09.3 rejects, plus the empty-string policy line), falling back to
// testdata/smiles-invalid.txt. Fields are split on TAB only and not trimmed.
func loadInvalid(t *testing.T) []invalidEntry {
	t.Helper()
	path := filepath.Join(sharedDataDir(), "smiles-invalid.txt")
	if _, err := os.Stat(path); err != nil {
		t.Logf("SHARED DATA ABSENT: %s not found; using testdata/smiles-invalid.txt", path)
		path = filepath.Join("testdata", "smiles-invalid.txt")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("SKIPPING: no invalid-SMILES list: %v", err)
	}
	defer f.Close()
	var out []invalidEntry
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) < 3 {
			t.Fatalf("%s line %d: want SMILES<TAB>category<TAB>reason, got %q", path, n, line)
		}
		out = append(out, invalidEntry{smiles: parts[0], category: parts[1], reason: parts[2], line: n})
	}
	return out
}

// TestParseRejectsInvalid: every entry of the invalid list is rejected with
// a *ParseError whose offset lies inside the input.
func TestParseRejectsInvalid(t *testing.T) {
	entries := loadInvalid(t)
	if len(entries) < 90 {
		t.Fatalf("invalid list has %d entries, want 91", len(entries))
	}
	for _, e := range entries {
		m, err := Parse(e.smiles)
		if err == nil {
			t.Errorf("line %d: Parse(%q) accepted (%d atoms); RDKit rejects it: %s", e.line, e.smiles, m.NumAtoms(), e.reason)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("line %d: Parse(%q) error %T, want *ParseError", e.line, e.smiles, err)
			continue
		}
		if pe.Pos < 0 || pe.Pos > len(e.smiles) {
			t.Errorf("line %d: Parse(%q) offset %d outside the input", e.line, e.smiles, pe.Pos)
		}
		if e.category == "policy" && !errors.Is(err, ErrEmpty) {
			t.Errorf("line %d: Parse(%q) = %v, want ErrEmpty", e.line, e.smiles, err)
		}
	}
	t.Logf("rejected all %d invalid inputs", len(entries))
}

// TestParseErrorCategories checks the category and message of typical errors.
func TestParseErrorCategories(t *testing.T) {
	tests := []struct {
		name, smiles string
		kind         error
		pos          int
		msg          string
	}{
		{"empty", "", ErrEmpty, 0, "empty"},
		{"space", " ", ErrEmpty, 0, "whitespace"},
		{"unclosed ring", "C1CC", ErrRing, 1, "ring bond 1 opened at offset 1 is never closed"},
		{"unclosed %nn", "C%10CC", ErrRing, 1, "ring bond 10 opened at offset 1 is never closed"},
		{"pentavalent C", "CC(C)(C)(C)C", ErrValence, 1, "carbon at offset 1 has valence 5, more than allowed (4)"},
		{"NH4 neutral", "[NH4]", ErrValence, 0, "nitrogen at offset 0 has valence 4, more than allowed (3)"},
		{"kekulize", "c1cccc1", ErrAromaticity, 0, "cannot kekulize"},
		{"aromatic outside ring", "Cc", ErrAromaticity, 1, "carbon at offset 1 is written aromatic but is not in a ring"},
		{"lowercase cl", "cl1ccccc1", ErrElement, 0, "chlorine is written Cl"},
		{"unclosed branch", "C(C", ErrSyntax, 1, "branch '(' at offset 1 is never closed"},
		{"bad element", "[Xx]", ErrElement, 1, "unknown element symbol 'Xx'"},
		{"needs brackets", "Ca", ErrElement, 0, "must be written in brackets"},
		{"TH3", "[C@TH3](F)(Cl)(Br)I", ErrChirality, 2, "@TH3"},
		{"unclosed bracket", "[C", ErrBracket, 0, "never closed"},
		{"self ring", "C11", ErrRing, 2, "closes on the atom that opened it"},
		// RDKit accepts these (the aromatic valence rule counts the o's
		// three bonds as 2) and writes CO1CC1, which it then rejects: an
		// aliphatic O with three bonds. Fuzz-found; see checkKekuleValences.
		{"aromatic o left aliphatic", "C1Co1C", ErrValence, 3, "oxygen at offset 3 is not aromatic in any ring and has valence 3"},
		{"fuzz: o of three rings", "[*]1[*][nH][*]23CC2o13", ErrValence, 19, "has valence 3, more than allowed (2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.smiles)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("Parse(%q) = %v, want %v", tc.smiles, err, tc.kind)
			}
			var pe *ParseError
			errors.As(err, &pe)
			if pe.Pos != tc.pos || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("Parse(%q): offset %d msg %q; want offset %d and %q", tc.smiles, pe.Pos, pe.Msg, tc.pos, tc.msg)
			}
		})
	}
}
