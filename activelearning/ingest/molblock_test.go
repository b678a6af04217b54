package ingest

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"activelab/chem"
)

// flat removes a SMILES' stereo marks: chem.MolBlock writes no
// coordinates, so no stereochemistry, and MolfileSMILES reads none.
var flat = strings.NewReplacer("@", "", "/", "", `\`, "")

// molblockInputs are SMILES whose hydrogens, charges, isotopes or
// radicals a molfile must carry in its valence field or property lines,
// then the repository's RDKit reference sets (chem/testdata: 150 golden
// and 895 NCI molecules).
func molblockInputs(t *testing.T) []string {
	t.Helper()
	in := []string{
		"c1cc[nH]c1", "[nH]1cnc2ccccc12", "[NH4+]", "[Na+].[Cl-]", "C[N+](C)(C)C", "[O-][N+](=O)c1ccccc1",
		"[CH2]", "[CH3]", "C[CH2]", "[2H]C([2H])([2H])O", "[13CH4]", "[H][H]", "[H+]", "[OH-]", "[Fe+3]",
		"O=S(=O)(O)O", "CP(=O)(O)O", "C[S+](C)C", "[B-](F)(F)(F)F", "[C-]#[O+]", "OB(O)O", "[Si](C)(C)(C)C",
		"c1ccc2c(c1)[se]cc2", "C1=CC=CC=C1", "O=C1C=CC(=O)C=C1", "[Cu]", "Cl[Pt](Cl)([NH3])[NH3]",
		"C[C@H](N)C(=O)O", "F/C=C/F", "N#N", "[N-]=[N+]=[N-]", "C1CC1[Mg]Br",
		"C[SH3]", "[PH5]", "F[IH2]", "O[ClH2]", "[SH2]", "CC(C)(C)[SiH3]",
	}
	for _, p := range []string{"golden-subset.jsonl", "canon-nci.jsonl"} {
		f, err := os.Open(filepath.Join("..", "..", "chem", "testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r struct{ Smiles string }
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			in = append(in, r.Smiles)
		}
		f.Close()
	}
	return in
}

// TestMolBlockRoundTrip: every molecule chem.MolBlock writes reads back
// through MolfileSMILES (RDKit's MolFromMolBlock rules) into the molecule
// it came from, stereo aside: the same canonical SMILES as the flat input.
func TestMolBlockRoundTrip(t *testing.T) {
	t.Parallel()
	n := 0
	for _, smi := range molblockInputs(t) {
		m, err := chem.Parse(smi)
		if err != nil {
			continue // the reference sets hold a few inputs chem rejects, as RDKit does
		}
		fm, err := chem.Parse(flat.Replace(smi))
		if err != nil {
			t.Fatalf("%s without stereo does not parse: %v", smi, err)
		}
		want := chem.CanonicalSMILES(fm)
		block, err := chem.MolBlock(m, "t")
		if err != nil {
			t.Errorf("%s: %v", smi, err)
			continue
		}
		lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
		got, err := MolfileSMILES(lines)
		if err != nil {
			t.Errorf("%s: our block does not read: %v\n%s", smi, err, block)
			continue
		}
		gm, err := chem.Parse(got)
		if err != nil {
			t.Errorf("%s: read back as %q, which does not parse: %v\n%s", smi, got, err, block)
			continue
		}
		if c := chem.CanonicalSMILES(gm); c != want {
			t.Errorf("%s: read back as %s, want %s\n%s", smi, c, want, block)
		}
		n++
	}
	if n < 1000 {
		t.Fatalf("only %d molecules written; the reference sets have over 1000", n)
	}
}

// TestMolBlockRDKit: RDKit 2022.09 (Debian's python3-rdkit) reads every
// block chem.MolBlock writes, without a warning-level sanitization
// failure, into the molecule RDKit reads from the flat SMILES (compared
// by RDKit's own canonical SMILES). Skipped, saying so, where
// /usr/bin/python3 has no RDKit.
func TestMolBlockRDKit(t *testing.T) {
	t.Parallel()
	if err := exec.Command("/usr/bin/python3", "-c", "import rdkit").Run(); err != nil {
		t.Skip("SKIPPED: /usr/bin/python3 has no RDKit (apt-get install python3-rdkit); the molblocks are not checked against RDKit")
	}
	type rec struct {
		SMILES string `json:"smiles"`
		Block  string `json:"block"`
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	n := 0
	for _, smi := range molblockInputs(t) {
		m, err := chem.Parse(smi)
		if err != nil {
			continue
		}
		block, err := chem.MolBlock(m, smi)
		if err != nil {
			t.Fatalf("%s: %v", smi, err)
		}
		enc.Encode(rec{flat.Replace(smi), block})
		n++
	}
	const script = `
import json, sys
from rdkit import Chem, RDLogger
RDLogger.DisableLog('rdApp.*')
bad = 0
for line in sys.stdin:
    r = json.loads(line)
    ref = Chem.MolFromSmiles(r["smiles"])
    if ref is None:
        continue
    got = Chem.MolFromMolBlock(r["block"])
    want = Chem.MolToSmiles(ref)
    have = Chem.MolToSmiles(got) if got is not None else None
    if have != want:
        bad += 1
        print("%s: RDKit reads our block as %s, the SMILES as %s" % (r["smiles"], have, want))
print("checked")
`
	cmd := exec.Command("/usr/bin/python3", "-c", script)
	cmd.Stdin = strings.NewReader(buf.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[len(lines)-1] != "checked" {
		t.Fatalf("the RDKit script did not finish:\n%s", out)
	}
	for _, l := range lines[:len(lines)-1] {
		t.Error(l)
	}
	t.Logf("%d molblocks read by RDKit", n)
}
