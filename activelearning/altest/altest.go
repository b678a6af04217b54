// Package altest holds test fixtures shared by the tests of the service
// (activelearning) and of the API (server): 160 rows of ESOL (Delaney 2004,
// aqueous solubility logS), embedded so that every test reads the same
// data without a path relative to its package.
package altest

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed esol160.csv
var esol160 []byte

// Row is one ESOL compound: SMILES, name and measured logS.
type Row struct {
	SMILES string
	Name   string
	Value  float64
}

// ESOL160 returns the 160 rows in file order (comment lines starting with
// "#" and the header are skipped). It panics if the embedded file is
// malformed, which only an edit of this package can cause.
func ESOL160() []Row {
	var out []Row
	sc := bufio.NewScanner(bytes.NewReader(esol160))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "smiles,") {
			continue
		}
		parts := strings.SplitN(line, ",", 3)
		if len(parts) != 3 {
			panic(fmt.Sprintf("altest: esol160.csv line %q: want smiles,value,name", line))
		}
		v, err := strconv.ParseFloat(parts[1], 64)
		if err != nil {
			panic(fmt.Sprintf("altest: esol160.csv line %q: %v", line, err))
		}
		out = append(out, Row{SMILES: parts[0], Name: parts[2], Value: v})
	}
	return out
}
