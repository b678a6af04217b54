// Package ingest reads compound files for import: CSV (comma, semicolon or
// tab separated) and Excel .xlsx sheets with a SMILES column, and SD files of
// V2000 or V3000 molfiles; any of them may be gzip-compressed. It yields
// validated rows (a SMILES that chem parses, an optional name, the values
// asked for, every column or data item as read) and reports each bad
// record as a RowError (row, column, reason; for an invalid SMILES chem's
// message and byte offset) without stopping. It uses only the standard
// library, chem and excelize; storing the rows is activelearning's job.
//
// # Values, endpoints and qualifiers
//
// Options.ValueColumn reads one value into Row.Value; Options.Endpoints
// (ParseEndpoints reads "logS=LOGS_COL,pIC50=PIC50") reads one value per
// endpoint into Row.Values, in the mapping's order, leaving out empty
// cells. A value is a finite number ("NaN" and "±Inf" are rejected); with
// Options.DecimalComma "1,5" is 1.5; with Options.Qualified a leading
// qualifier ("<", "<=", ">", ">=", "≤", "≥", "~", spaces allowed after it)
// gives a Measurement with that Qualifier, where <, <=, > and >= are bounds
// (censored values, Qualifier.Censored) and ~ an approximate value. Without
// Qualified a qualified value rejects its row with a reason that says so,
// so a bound is never read as an exact value by a caller that cannot store
// the qualifier. A bad value in any requested column rejects the record.
//
// A requested column that the file does not have is a *ColumnError: from
// Open for CSV and XLSX (the header is read there), and for SDF from the
// last Next call instead of io.EOF when no record had the data item (a data
// item only some records have is fine: the others have no value).
//
// # CSV
//
// RFC 4180 with a header row (encoding/csv): quoted fields with separators,
// quotes and line breaks; CRLF or LF; a UTF-8 byte-order mark is skipped.
// The separator is Options.Separator or is found in the header line (up to
// its first line break outside double quotes) by SniffSeparator: of ',',
// ';' and tab, the one that occurs most often outside quotes; a tie goes to
// the comma, then the semicolon; a header without any is one column,
// comma-separated. The SMILES column is found by name, case-insensitively
// (default "smiles"); the name column defaults to "name", else "id", when
// present. Rows are numbered from 1 after the header, so row 1 is the file's
// second line (when no field spans lines). Every column is kept in
// Row.Fields (header name, trimmed cell), so identifiers round-trip.
//
// # XLSX
//
// The first sheet, or Options.Sheet (a missing sheet is a *SheetError), read
// with excelize. The first non-empty row is the header; columns are found as
// for CSV. Cells are read as stored, not as displayed (a number shown as
// "25%" reads 0.25; a date is its serial number). Rows are numbered from the
// header (row 1 is the sheet row after it); empty rows are skipped.
//
// # SDF
//
// Records are separated by "$$$$" lines. Each molfile is turned into a
// SMILES string (MolfileSMILES), parsed by chem and returned as its
// canonical SMILES. Every data item ("> <logS>" followed by value lines up
// to a blank line) is kept in Row.Fields; they also provide the name
// (Options.NameColumn; default the molfile's title line) and the values.
// Supported in V2000: every element, D and T, bond types 1-4 (4 =
// aromatic), charges from the atom block and from "M  CHG" (which replaces
// the atom block's), "M  ISO", "M  RAD", the atom block's mass difference
// and valence fields. V3000: the CTAB block's atoms with CHG, MASS, RAD and
// VAL, bonds of types 1-4, any atom numbering, continued ("-") lines; other
// blocks (SGROUP, COLLECTION, ...) are skipped. Hydrogen counts follow
// RDKit's MolFromMolBlock (implicit hydrogens to the smallest allowed
// valence the charge leaves). Limits: query atoms (A, Q, L, R#, *, V3000
// atom lists) and query bonds are rejected, as is a second V3000 CTAB.
// Stereochemistry: a V2000 molfile without coordinates (all atoms at the
// origin, as chem.MolBlock and so this project's SDF exports write them)
// keeps its tetrahedral centres from the atom parities, as Open Babel
// reads such files (RDKit keeps them only as the atom property
// molParity); otherwise stereochemistry (wedges, 2D and 3D geometry, V3000
// CFG, double-bond geometry) is ignored, so those stereoisomers import as
// one compound. Sgroups, atom lists and aliases are ignored. An offset in an SDF RowError points into the SMILES written from
// the molfile, which the reason quotes.
//
// # Compression
//
// Open decompresses gzip input, recognised by its magic bytes (1f 8b)
// whatever the file is called; FormatFromPath looks through a final ".gz".
//
// # Use
//
//	eps, err := ingest.ParseEndpoints("logS=LOGS_COL,pIC50=PIC50")
//	r, err := ingest.Open(f, ingest.FormatSDF, ingest.Options{Endpoints: eps, Qualified: true})
//	if err != nil { ... } // unreadable header, no SMILES column, *ColumnError
//	rows, bad, err := ingest.ReadAll(r) // err: an I/O error or, for SDF, a *ColumnError
//
// or call r.Next() in a loop to stream a large file: it returns a Row, a
// *RowError (a bad record; go on), io.EOF, or a final error.
package ingest
