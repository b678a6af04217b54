package sampling

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrBatchSize: the batch size is zero or negative.
	ErrBatchSize = errors.New("batch size must be positive")
	// ErrCandidate: a candidate field the strategy needs is NaN, infinite or
	// out of range (see *CandidateError).
	ErrCandidate = errors.New("invalid candidate")
	// ErrTask: the strategy is not defined for the task (margin and
	// entropy need class probabilities).
	ErrTask = errors.New("strategy not defined for this task")
	// ErrOption: an option is out of range (weights, kappa, threshold,
	// fingerprints, missing best value for expected improvement).
	ErrOption = errors.New("invalid option")
	// ErrUnknownStrategy: see *UnknownStrategyError.
	ErrUnknownStrategy = errors.New("unknown strategy")
)

// UnknownStrategyError reports a strategy name that is not one of Names.
type UnknownStrategyError struct {
	Name  string
	Valid []string
}

// Error implements error.
func (e *UnknownStrategyError) Error() string {
	return fmt.Sprintf("sampling: unknown strategy %q (valid: %s)", e.Name, strings.Join(e.Valid, ", "))
}

// Unwrap lets errors.Is match ErrUnknownStrategy.
func (e *UnknownStrategyError) Unwrap() error { return ErrUnknownStrategy }

// CandidateError says which candidate (its position in the slice and its
// Index) has which bad field.
type CandidateError struct {
	Position int     // position in the candidate slice
	Index    int     // the candidate's Index
	Field    string  // "Std", "Prob", "Probs", "Mean" or "Distance"
	Value    float64 // the offending value
	Reason   string  // e.g. "must be in [0, 1]"
}

// Error implements error.
func (e *CandidateError) Error() string {
	return fmt.Sprintf("sampling: candidate %d (index %d): %s = %g: %s", e.Position, e.Index, e.Field, e.Value, e.Reason)
}

// Unwrap lets errors.Is match ErrCandidate.
func (e *CandidateError) Unwrap() error { return ErrCandidate }

func optionErr(format string, args ...any) error {
	return fmt.Errorf("sampling: %w: "+format, append([]any{ErrOption}, args...)...)
}
