package simulation

import (
	"fmt"
	"os"
	"path/filepath"
)

// File names written by WriteFiles.
const (
	CurvesCSV   = "curves.csv"
	SummaryJSON = "summary.json"
	CurvesPNG   = "curves.png"
)

// WriteFiles writes curves.csv, diagnostics.csv, summary.json and curves.png into dir
// (created if needed). rows is the number of featurised rows, for the
// summary.
func WriteFiles(dir string, res *Result, rows int, title string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, fn func(f *os.File) error) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
		return f.Close()
	}
	if err := write(CurvesCSV, func(f *os.File) error { return res.WriteCSV(f) }); err != nil {
		return err
	}
	if err := write(DiagnosticsCSV, func(f *os.File) error { return res.WriteDiagnosticsCSV(f) }); err != nil {
		return err
	}
	if err := write(SummaryJSON, func(f *os.File) error { return res.Summarize(rows).WriteJSON(f) }); err != nil {
		return err
	}
	if err := res.Plot(filepath.Join(dir, CurvesPNG), title); err != nil {
		return fmt.Errorf("write %s: %w", CurvesPNG, err)
	}
	return nil
}
