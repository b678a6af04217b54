package altest

import "testing"

func TestESOL160(t *testing.T) {
	rows := ESOL160()
	if len(rows) != 160 {
		t.Fatalf("%d rows, want 160", len(rows))
	}
	seen := map[string]bool{}
	for i, r := range rows {
		if r.SMILES == "" || r.Name == "" || r.Value < -12 || r.Value > 2.5 {
			t.Errorf("row %d: %+v", i, r)
		}
		seen[r.SMILES] = true
	}
	if len(seen) < 155 {
		t.Errorf("only %d distinct SMILES", len(seen))
	}
}
