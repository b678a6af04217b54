package chem

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// goldenRecord is one line of ../shared/data/chem-golden.jsonl: RDKit
// 2022.09.3 answers for one ESOL/BBBP SMILES (see that folder's README for
// the RDKit call behind each field).
type goldenRecord struct {
	Smiles                  string         `json:"smiles"`
	Canonical               string         `json:"canonical"`
	Sources                 []string       `json:"sources"`
	NumAtoms                int            `json:"num_atoms"`
	NumBonds                int            `json:"num_bonds"`
	HeavyAtoms              int            `json:"heavy_atoms"`
	TotalHs                 int            `json:"total_hs"`
	Formula                 string         `json:"formula"`
	MolWt                   float64        `json:"mol_wt"`
	ExactMass               float64        `json:"exact_mass"`
	FormalCharge            int            `json:"formal_charge"`
	RingCount               int            `json:"ring_count"`
	AromaticRings           int            `json:"aromatic_rings"`
	AromaticAtoms           int            `json:"aromatic_atoms"`
	HBD                     int            `json:"hbd"`
	HBA                     int            `json:"hba"`
	NHOHCount               int            `json:"nhoh_count"`
	NOCount                 int            `json:"no_count"`
	TPSA                    float64        `json:"tpsa"`
	RotatableBonds          int            `json:"rotatable_bonds"`
	RotatableBondsNonStrict int            `json:"rotatable_bonds_nonstrict"`
	FractionCSP3            float64        `json:"fraction_csp3"`
	CrippenLogP             float64        `json:"crippen_logp"`
	CrippenMR               float64        `json:"crippen_mr"`
	Morgan2Bits             []int          `json:"morgan2_2048"`
	Morgan2Counts           map[string]int `json:"morgan2_counts"`
	Morgan2FoldedCounts     map[string]int `json:"morgan2_2048_counts"`
	Randomized              []string       `json:"randomized"`
	RandomizedRoundtripOK   []bool         `json:"randomized_roundtrip_ok"`
	Kekule                  string         `json:"kekule"`
	KekuleRoundtripOK       bool           `json:"kekule_roundtrip_ok"`
}

var goldenWarning sync.Once

// goldenSet is what loadGolden returns: the records and where they came from.
type goldenSet struct {
	Records []goldenRecord
	Path    string
	Full    bool // the whole shared file (3120 records), not the testdata subset
}

// sharedDataDir is ../shared/data relative to the repository root.
func sharedDataDir() string {
	_, file, _, _ := runtime.Caller(0)
	repoRoot := filepath.Dir(filepath.Dir(file))
	return filepath.Join(repoRoot, "..", "shared", "data")
}

// loadGolden reads ../shared/data/chem-golden.jsonl (all 3120 records).
// When that file is absent it says so loudly and falls back to
// testdata/golden-subset.jsonl (150 diverse records copied from it); if
// neither exists the test is skipped.
func loadGolden(t testing.TB) goldenSet {
	t.Helper()
	full := filepath.Join(sharedDataDir(), "chem-golden.jsonl")
	if _, err := os.Stat(full); err == nil {
		return goldenSet{Records: readGolden(t, full), Path: full, Full: true}
	}
	msg := fmt.Sprintf("GOLDEN DATA ABSENT: %s not found; testing against testdata/golden-subset.jsonl only", full)
	t.Log(msg)
	goldenWarning.Do(func() { fmt.Fprintln(os.Stderr, "chem: "+msg) })
	sub := filepath.Join("testdata", "golden-subset.jsonl")
	if _, err := os.Stat(sub); err != nil {
		t.Skipf("SKIPPING: neither %s nor %s exists", full, sub)
	}
	return goldenSet{Records: readGolden(t, sub), Path: sub}
}

func readGolden(t testing.TB, path string) []goldenRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open golden file: %v", err)
	}
	defer f.Close()
	var out []goldenRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r goldenRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s line %d: %v", path, line, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}
