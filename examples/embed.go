// Package examples holds the example data shipped in the binary: ESOL, which
// seeds the demo database (see activelearning/demo), and the notebook
// example next to it (notebook.py).
package examples

import _ "embed"

// ESOL is esol.csv: 1128 molecules with measured aqueous solubility
// (columns smiles,value,name; value is logS in log10(mol/L)). See README.md
// for its source and citation.
//
//go:embed esol.csv
var ESOL []byte
