package simulation

import (
	"strings"
	"testing"
)

// FuzzReadCSV: ReadCSV never panics, and every record it returns has a
// finite value and a line number past the header.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"smiles,value\nCCO,1\n",
		"name,smiles,value\n\"a,b\",CCO,-1.5\n",
		"smiles,value\n\"unterminated,1\n",
		"\ufeffsmiles,value\nC,1e308\nC,1e309\n",
		"value\n1\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		recs, err := ReadCSV(strings.NewReader(in), "smiles", "value")
		if err != nil {
			return
		}
		for _, r := range recs {
			if r.Line < 2 || r.Value != r.Value {
				t.Fatalf("bad record %+v", r)
			}
		}
	})
}
