package chem

import (
	"fmt"
	"testing"
)

// Reference values: RDKit 2022.09 behaviour (Chem.MolFromSmiles, then
// GetNumAtoms, GetNumBonds, AddHs hydrogen count, CalcNumRings, aromatic
// atom count, GetFormalCharge) as its rules give them, worked out by hand;
// the README of ../shared/data lists the inputs RDKit accepts.
func TestParseCounts(t *testing.T) {
	tests := []struct {
		name, smiles                  string
		atoms, bonds, hs, rings, arom int
		charge                        int
	}{
		{"ethanol", "CCO", 3, 2, 6, 0, 0, 0},
		{"name after space", "CCO ethanol", 3, 2, 6, 0, 0, 0},
		{"benzene aromatic", "c1ccccc1", 6, 6, 6, 1, 6, 0},
		{"benzene kekule", "C1=CC=CC=C1", 6, 6, 6, 1, 6, 0},
		{"naphthalene", "c1ccc2ccccc2c1", 10, 11, 8, 2, 10, 0},
		{"pyrrole", "c1cc[nH]c1", 5, 5, 5, 1, 5, 0},
		{"pyridine", "n1ccccc1", 6, 6, 5, 1, 6, 0},
		{"2-pyridone", "O=c1cccc[nH]1", 7, 7, 5, 1, 6, 0},
		{"furan", "o1cccc1", 5, 5, 4, 1, 5, 0},
		{"thiophene", "s1cccc1", 5, 5, 4, 1, 5, 0},
		{"cyclobutadiene kekulizes, not aromatic", "c1ccc1", 4, 4, 4, 1, 0, 0},
		{"nitro pentavalent", "CN(=O)=O", 4, 3, 3, 0, 0, 0},
		{"nitro charged", "C[N+](=O)[O-]", 4, 3, 3, 0, 0, 0},
		{"pyridine N-oxide", "[O-][n+]1ccccc1", 7, 7, 5, 1, 6, 0},
		{"ammonium", "[NH4+]", 1, 0, 4, 0, 0, 1},
		{"lone proton stays an atom", "[H+]", 1, 0, 1, 0, 0, 1},
		{"salt with proton", "[Cl-].CN.[H+]", 4, 1, 6, 0, 0, 0},
		{"explicit H folded", "[H]C([H])([H])[H]", 1, 0, 4, 0, 0, 0},
		{"deuterium stays", "[2H]C", 2, 1, 4, 0, 0, 0},
		{"conflicting ring bond orders: first wins", "C=1CC#1", 3, 3, 4, 1, 0, 0},
		// '~' and ':' between aliphatic atoms: accepted as RDKit accepts them;
		// the H counts are this package's documented choice ('~' adds no
		// valence, ':' counts 1.5), not checked against RDKit.
		{"any bond", "C~C", 2, 1, 8, 0, 0, 0},
		{"aromatic bond between aliphatic atoms", "C:C", 2, 1, 4, 0, 0, 0},
		{"wildcard", "*", 1, 0, 0, 0, 0, 0},
		{"charged wildcard", "[*+]", 1, 0, 0, 0, 0, 1},
		{"N+5", "[N+5]", 1, 0, 0, 0, 0, 5},
		{"He+20", "[He+20]", 1, 0, 0, 0, 0, 20},
		{"percent ring", "C%10CCCCC%10", 6, 6, 12, 1, 0, 0},
		{"reused ring number", "C1CC1C1CC1", 6, 7, 10, 2, 0, 0},
		{"ring bond symbol at close", "C1CCCCC=1", 6, 6, 10, 1, 0, 0},
		{"charge ++", "[Ca++]", 1, 0, 0, 0, 0, 2},
		{"charge +2", "[Ca+2]", 1, 0, 0, 0, 0, 2},
		{"atom class", "[CH3:7]C", 2, 1, 6, 0, 0, 0},
		{"TH1 chirality", "F[C@TH1H](Cl)Br", 4, 3, 1, 0, 0, 0},
		{"selenophene", "[se]1cccc1", 5, 5, 4, 1, 5, 0},
		{"adamantane symmetrized SSSR", "C1C2CC3CC1CC(C2)C3", 10, 12, 16, 4, 0, 0},
		{"cubane symmetrized SSSR", "C12C3C4C1C5C2C3C45", 8, 12, 8, 6, 0, 0},
		{"azide cleanup", "CN=N#N", 4, 3, 3, 0, 0, 0},
		{"tropylium", "[cH+]1cccccc1", 7, 7, 7, 1, 7, 1},
		{"cyclopentadienyl anion", "[cH-]1cccc1", 5, 5, 5, 1, 5, -1},
		{"indolizine bridging n", "c1ccn2cccc2c1", 9, 10, 7, 2, 9, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(tc.smiles)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.smiles, err)
			}
			c := countsOf(m)
			if c.numAtoms != tc.atoms || c.numBonds != tc.bonds || c.totalH != tc.hs || c.rings != tc.rings || c.aromAtoms != tc.arom || c.charge != tc.charge {
				t.Errorf("Parse(%q): atoms %d bonds %d H %d rings %d aromatic %d charge %d; want %d %d %d %d %d %d",
					tc.smiles, c.numAtoms, c.numBonds, c.totalH, c.rings, c.aromAtoms, c.charge,
					tc.atoms, tc.bonds, tc.hs, tc.rings, tc.arom, tc.charge)
			}
		})
	}
}

// TestParseNitroCleanup: N(=O)=O becomes [N+](=O)[O-] as RDKit's cleanUp does.
func TestParseNitroCleanup(t *testing.T) {
	m, err := Parse("O=N(=O)c1ccccc1")
	if err != nil {
		t.Fatal(err)
	}
	var pos, neg, double int
	for i := range m.Atoms {
		switch m.Atoms[i].Charge {
		case 1:
			pos++
		case -1:
			neg++
		}
	}
	for i := range m.Bonds {
		if m.Bonds[i].Order == BondDouble {
			double++
		}
	}
	if pos != 1 || neg != 1 || double != 1 {
		t.Errorf("nitro: %d N+, %d O-, %d double bonds; want 1, 1, 1", pos, neg, double)
	}
}

// TestParseNeighborOrder: Neighbors follows OpenSMILES order (preceding
// atom, ring closures, branches, next atom), and chirality is relative to
// [H, neighbours...].
func TestParseNeighborOrder(t *testing.T) {
	m, err := Parse("N[C@@H]1CC(O)CC1")
	if err != nil {
		t.Fatal(err)
	}
	var got []int32
	for _, nb := range m.Neighbors(1) {
		got = append(got, nb.Atom)
	}
	want := []int32{0, 6, 2} // N, ring closure partner, next C
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("neighbours of atom 1 = %v, want %v", got, want)
	}
	// written order N, H, C6, C2 with @@; H first: H, N, C6, C2 is one swap: @
	if m.Atoms[1].Chiral != ChiralCCW {
		t.Errorf("chirality = %v, want ChiralCCW after moving H first", m.Atoms[1].Chiral)
	}
	// [H] atom folded into a chiral centre keeps the same geometry as [C@@H]
	a, _ := Parse("N[C@@]([H])(C)O")
	b, _ := Parse("N[C@@H](C)O")
	if a.Atoms[1].Chiral != b.Atoms[1].Chiral || a.Atoms[1].TotalH() != 1 {
		t.Errorf("folded H: chirality %v H %d, want %v and 1", a.Atoms[1].Chiral, a.Atoms[1].TotalH(), b.Atoms[1].Chiral)
	}
}

// TestParseBondDirections: '/' and '\' are kept from Begin to End, also on
// ring closures written at the closing atom.
func TestParseBondDirections(t *testing.T) {
	m, err := Parse(`F/C=C/F`)
	if err != nil {
		t.Fatal(err)
	}
	if m.Bonds[0].Dir != DirUp || m.Bonds[2].Dir != DirUp {
		t.Errorf("dirs = %v %v, want up up", m.Bonds[0].Dir, m.Bonds[2].Dir)
	}
}

// TestMolValences: RDKit's explicit/total valence and total degree after
// sanitization.
func TestMolValences(t *testing.T) {
	tests := []struct {
		smiles           string
		atom             int
		ev, tv, totalDeg int
	}{
		{"c1cc[nH]c1", 3, 3, 3, 3},     // pyrrole N
		{"c1ccsc1", 3, 2, 2, 2},        // thiophene S
		{"c1ccc2ccccc2c1", 3, 4, 4, 3}, // fused carbon
		{"C[N+](=O)[O-]", 1, 4, 4, 3},  // nitro N
		{"CS(=O)(=O)C", 1, 6, 6, 4},    // sulfone S
		{"[NH4+]", 0, 4, 4, 4},         // ammonium
		{"CCO", 2, 1, 2, 2},            // hydroxyl O
	}
	for _, tc := range tests {
		m, err := Parse(tc.smiles)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.smiles, err)
		}
		if ev, tv, td := m.ExplicitValence(tc.atom), m.TotalValence(tc.atom), m.TotalDegree(tc.atom); ev != tc.ev || tv != tc.tv || td != tc.totalDeg {
			t.Errorf("%s atom %d: explicit %d total %d degree %d; want %d %d %d", tc.smiles, tc.atom, ev, tv, td, tc.ev, tc.tv, tc.totalDeg)
		}
	}
}

// TestParseConcurrent: Parse is safe to call from many goroutines (its
// scratch buffers are pooled per call); run with -race.
func TestParseConcurrent(t *testing.T) {
	inputs := []string{"c1ccc2ccccc2c1", "CC(=O)Oc1ccccc1C(=O)O", "C1CC", "C12C3C4C1C5C2C3C45", "[Cl-].C[NH3+]", "c1cccc1"}
	want := make([]string, len(inputs))
	for i, s := range inputs {
		want[i] = summary(Parse(s))
	}
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- true }()
			for rep := 0; rep < 50; rep++ {
				for i, s := range inputs {
					if got := summary(Parse(s)); got != want[i] {
						t.Errorf("Parse(%q) = %s concurrently, %s alone", s, got, want[i])
						return
					}
				}
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
}

func summary(m *Mol, err error) string {
	if err != nil {
		return err.Error()
	}
	c := countsOf(m)
	return fmt.Sprintf("%+v", c)
}

// TestParseRadicals: unpaired electrons of bracket atoms, RDKit's
// assignRadicals rules.
func TestParseRadicals(t *testing.T) {
	tests := []struct {
		smiles string
		atom   int
		want   uint8
	}{
		{"[CH3]", 0, 1},
		{"[O]", 0, 2},
		{"C[O]", 1, 1},
		{"[N]=O", 0, 1},
		{"C[S](=O)(=O)C", 1, 0}, // hypervalent, no radical
		{"[CH2]", 0, 2},
		{"[Na+]", 0, 0},
		{"[Cl-]", 0, 0},
		{"[Cu]", 0, 1}, // no valence rules: odd electron count
		{"[Fe]", 0, 0},
	}
	for _, tc := range tests {
		m, err := Parse(tc.smiles)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.smiles, err)
		}
		if got := m.Atoms[tc.atom].Radicals; got != tc.want {
			t.Errorf("%s atom %d: %d radicals, want %d", tc.smiles, tc.atom, got, tc.want)
		}
	}
}

// TestParseCleanUpPhosphorusHalogen: RDKit's cleanUp also charge-separates
// C=P(=O) and perhalates.
func TestParseCleanUpPhosphorusHalogen(t *testing.T) {
	for _, tc := range []struct {
		smiles     string
		atom       int
		wantCharge int8
	}{
		{"CC=P(=O)C", 2, 1},
		{"C=P(=O)C", 1, 0}, // =C of degree 1: RDKit leaves it
		{"OCl(=O)(=O)=O", 1, 3},
		{"OCl(=O)=O", 1, 2},
		{"OP(=O)(O)O", 1, 0}, // phosphoric acid stays as written
	} {
		m, err := Parse(tc.smiles)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.smiles, err)
		}
		if got := m.Atoms[tc.atom].Charge; got != tc.wantCharge {
			t.Errorf("%s atom %d charge %d, want %d", tc.smiles, tc.atom, got, tc.wantCharge)
		}
	}
}
