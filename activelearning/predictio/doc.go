// Package predictio reads the files batch prediction scores and writes
// them back with the predictions: CSV (comma, semicolon or tab separated,
// every column kept), SDF (every molblock and data item kept) and SMILES
// files (.smi: a SMILES and an optional name per line), optionally
// gzip-compressed; out as CSV, SDF or JSON lines.
//
// It keeps every record, including those whose structure does not parse,
// so a scored file has as many rows as its input, in the same order: the
// import readers of package ingest skip bad records and drop the molblock,
// which batch prediction must not.
package predictio
