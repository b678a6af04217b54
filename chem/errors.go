package chem

import (
	"errors"
	"strconv"
)

// Categories of parse errors. A *ParseError wraps exactly one of them, so
// callers can sort failures with errors.Is(err, chem.ErrValence).
var (
	// ErrEmpty: the SMILES is empty or starts with whitespace.
	ErrEmpty = errors.New("empty SMILES")
	// ErrSyntax: misplaced or illegal characters, branches, bonds or dots.
	ErrSyntax = errors.New("SMILES syntax error")
	// ErrBracket: a malformed bracket atom such as "[C" or "[C+-]".
	ErrBracket = errors.New("malformed bracket atom")
	// ErrElement: an unknown element symbol, or one that needs brackets.
	ErrElement = errors.New("unknown element")
	// ErrRing: a ring-closure digit that is never closed, closes on its own
	// atom, or duplicates a bond.
	ErrRing = errors.New("ring closure error")
	// ErrValence: an atom has more bonds than any valence it allows.
	ErrValence = errors.New("valence error")
	// ErrAromaticity: aromatic atoms outside rings, or an aromatic system
	// that cannot be kekulized.
	ErrAromaticity = errors.New("aromaticity error")
	// ErrChirality: an unknown chirality class such as @TH3.
	ErrChirality = errors.New("chirality error")
	// ErrUnsupported: a SMARTS feature RDKit has but this package does not
	// evaluate, such as hybridization (^2).
	ErrUnsupported = errors.New("unsupported SMARTS feature")
)

// ParseError reports why a SMILES string or a SMARTS query was rejected:
// Pos is the byte offset in Input of the offending character or atom, Msg
// a sentence a chemist can act on ("ring bond 1 opened at offset 3 is
// never closed"). It unwraps to one of the Err* categories.
type ParseError struct {
	Input string
	Pos   int
	Msg   string
	Kind  error // one of the Err* categories

	smarts bool // Input is a SMARTS query (for Error's wording)
}

// Error returns the message and the input, the input shortened to 80
// bytes: `smiles "C1CC": ring bond 1 ...` (or `smarts "..."` for a query).
func (e *ParseError) Error() string {
	in := e.Input
	if len(in) > 80 {
		in = in[:77] + "..."
	}
	lang := "smiles "
	if e.smarts {
		lang = "smarts "
	}
	return lang + strconv.Quote(in) + ": " + e.Msg
}

// Unwrap returns the error's category.
func (e *ParseError) Unwrap() error { return e.Kind }

func newError(kind error, input string, pos int, msg string) *ParseError {
	return &ParseError{Input: input, Pos: pos, Msg: msg, Kind: kind}
}

// at formats " at offset N".
func at(pos int) string { return " at offset " + strconv.Itoa(pos) }
