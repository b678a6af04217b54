// Package ingest reads compound files for import: CSV with a SMILES column
// and SD files of V2000 molfiles. It yields validated rows (a SMILES that
// chem parses, an optional name, an optional finite value) and reports each
// bad record as a RowError (row, column, reason; for an invalid SMILES
// chem's message and byte offset) without stopping. It uses only the
// standard library and chem; storing the rows is activelearning's job.
//
// # CSV
//
// RFC 4180 with a header row (encoding/csv): quoted fields with commas,
// quotes and line breaks; CRLF or LF; a UTF-8 byte-order mark is skipped.
// The SMILES column is found by name, case-insensitively (default
// "smiles"); when it is missing, the error lists the header. The name
// column defaults to "name", else "id", when present. Values are read only
// from the column Options.ValueColumn names; an empty cell is "no value",
// anything else must be a finite number (NaN and ±Inf are rejected). Rows are
// numbered from 1 after the header, so row 1 is the file's second line (when
// no field spans lines).
//
// # SDF
//
// Records are separated by "$$$$" lines. Each V2000 molfile is turned into a
// SMILES string (MolfileSMILES), parsed by chem and returned as its
// canonical SMILES. Data items ("> <logS>" followed by value lines up to a
// blank line) provide the name (Options.NameColumn; default the molfile's
// title line) and the value (Options.ValueColumn; a record without that
// item has no value). Rows hold chem's canonical SMILES. Supported: every element,
// D and T, bond types 1-4 (4 = aromatic), charges from the atom block and
// from "M  CHG" (which replaces the atom block's), "M  ISO", "M  RAD", the
// atom block's mass difference and valence fields. Hydrogen counts follow
// RDKit's MolFromMolBlock (implicit hydrogens to the smallest allowed
// valence the charge leaves). Limits: V3000 is rejected; query atoms and
// query bonds are rejected; stereochemistry (wedges, parities, 3D
// coordinates) is ignored, so stereoisomers import as one compound; Sgroups,
// atom lists and aliases are ignored. An offset in an SDF RowError points into
// the SMILES written from the molfile, which the reason quotes.
//
// # Use
//
//	r, err := ingest.Open(f, ingest.FormatCSV, ingest.Options{ValueColumn: "value"})
//	if err != nil { ... } // unreadable header, no SMILES column
//	rows, bad, err := ingest.ReadAll(r)
//
// or call r.Next() in a loop to stream a large file: it returns a Row, a
// *RowError (a bad record; go on), io.EOF, or a final I/O error.
package ingest
