package activelearning

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"activelab/chem"
	"activelab/ident"
	"activelab/store"
)

// DefaultMaxPastedPool is how many lines a pasted pool may have
// (SelectInput.SMILES) unless Config.MaxPastedPool says otherwise: as many
// as an import runs inline (Config.InlineImportLimit's default), far more
// than a list pasted into a form, and turned into compounds inside one
// request (BenchmarkPastedPool: about 1 s of CPU for 5,000 lines, half of
// it parsing and featurizing, half storing).
const DefaultMaxPastedPool = 5000

// maxReportedLines caps the bad lines a PastedPoolError lists (its count
// says how many there were).
const maxReportedLines = 100

// PoolLineError is one bad line of a pasted pool.
type PoolLineError struct {
	// Line is 1-based: the entry's position in SelectInput.SMILES.
	Line int `json:"line"`
	// Reason is chem's message (or "empty SMILES").
	Reason string `json:"reason"`
	// Offset is the 0-based character offset of the problem in the line's
	// SMILES, when chem knows it (else 0).
	Offset int `json:"offset"`
}

// PastedPoolError reports the lines of a pasted pool that are not valid
// SMILES; nothing was imported or selected. The GraphQL error presenter
// maps it to BAD_USER_INPUT with extensions.field "smiles",
// extensions.lines (the first 100 bad lines: line, reason, offset) and
// extensions.badLines (how many there were).
type PastedPoolError struct {
	Lines []PoolLineError
	// Bad is how many lines were bad (Lines may list fewer).
	Bad int
}

func (e *PastedPoolError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "smiles: %d %s not valid SMILES: ", e.Bad, plural(e.Bad, "line is", "lines are"))
	for i, l := range e.Lines {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", e.Bad-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "line %d: %s", l.Line, l.Reason)
	}
	return b.String()
}

// ErrorCode returns BAD_USER_INPUT, the GraphQL error code.
func (e *PastedPoolError) ErrorCode() string { return "BAD_USER_INPUT" }

// InputField names the bad argument (extensions.field): "smiles".
func (e *PastedPoolError) InputField() string { return "smiles" }

// ErrorExtensions returns the bad lines and their count (extensions.lines,
// extensions.badLines).
func (e *PastedPoolError) ErrorExtensions() map[string]any {
	lines := make([]map[string]any, len(e.Lines))
	for i, l := range e.Lines {
		lines[i] = map[string]any{"line": l.Line, "reason": l.Reason, "offset": l.Offset}
	}
	return map[string]any{"lines": lines, "badLines": e.Bad}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pastedLine is one good line of a pasted pool, parsed.
type pastedLine struct {
	line int
	c    *store.Compound
}

// parsePasted checks a pasted pool: at most Config.MaxPastedPool lines,
// each blank or a SMILES that chem parses, optionally followed by
// whitespace and a name. It returns the good lines (with their compounds
// canonicalized and featurized, not yet stored), or a *PastedPoolError
// listing every bad line, or an *InputError for a list over the cap or
// without a single SMILES.
func (s *Service) parsePasted(lines []string) ([]pastedLine, error) {
	if len(lines) > s.cfg.MaxPastedPool {
		return nil, inputErr("smiles", "%d lines is more than a pasted pool may have (%d); import them as a compound set instead", len(lines), s.cfg.MaxPastedPool)
	}
	var good []pastedLine
	bad := &PastedPoolError{}
	for i, raw := range lines {
		smi, name := strings.TrimSpace(raw), ""
		if j := strings.IndexFunc(smi, unicode.IsSpace); j >= 0 { // "SMILES name", as in a .smi file
			smi, name = smi[:j], smi[j+1:]
		}
		if smi == "" {
			continue
		}
		c, err := NewCompound(smi)
		if err != nil {
			bad.Bad++
			if len(bad.Lines) < maxReportedLines {
				le := PoolLineError{Line: i + 1, Reason: err.Error()}
				var pe *chem.ParseError
				if errors.As(err, &pe) {
					le.Reason, le.Offset = pe.Msg, pe.Pos
				}
				bad.Lines = append(bad.Lines, le)
			}
			continue
		}
		c.Name = strings.TrimSpace(name)
		good = append(good, pastedLine{line: i + 1, c: c})
	}
	if bad.Bad > 0 {
		return nil, bad
	}
	if len(good) == 0 {
		return nil, inputErr("smiles", "the pasted pool has no SMILES (every line is blank)")
	}
	return good, nil
}

// PastedPool turns a pasted pool into compound IDs (ascending, each once):
// every line is checked first (parsePasted: nothing is written when one is
// bad), then compounds not yet known by their canonical SMILES are
// imported, with the line's name when it has one (a known compound keeps
// its name). The selection then works on those IDs like on compoundIds, and
// a cycle records them in its params, so a job that scores a large pool
// later sees the same pool.
func (s *Service) PastedPool(ctx context.Context, lines []string) ([]store.ID, error) {
	good, err := s.parsePasted(lines)
	if err != nil {
		return nil, err
	}
	ids := make([]store.ID, 0, len(good))
	for from := 0; from < len(good); from += s.cfg.ImportChunk {
		part := good[from:min(from+s.cfg.ImportChunk, len(good))]
		var chunk []store.ID
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			chunk = chunk[:0]
			for _, g := range part {
				c := *g.c // a retried transaction starts from the parsed compound
				c.CreatedAt = s.now()
				if _, err := tx.EnsureCompound(ctx, &c); err != nil {
					return fmt.Errorf("line %d: %w", g.line, err)
				}
				chunk = append(chunk, c.ID)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("pasted pool: %w", err)
		}
		ids = append(ids, chunk...)
	}
	slices.SortFunc(ids, ident.Compare)
	return slices.Compact(ids), nil
}
