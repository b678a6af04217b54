package ml

import (
	"errors"
	"fmt"
)

// ConfigError reports an invalid EnsembleConfig field.
type ConfigError struct {
	Field  string // the offending field, e.g. "Members" or "Tree.MaxBins"
	Reason string
}

// Error describes the field and the problem.
func (e *ConfigError) Error() string { return fmt.Sprintf("ml: config %s: %s", e.Field, e.Reason) }

// InputError reports invalid training or prediction data: what is wrong and
// where (Row is -1 when the problem is not tied to one row).
type InputError struct {
	What   string // "y", "w", "X", "dense" ...
	Row    int
	Reason string
}

// Error describes what is wrong and where.
func (e *InputError) Error() string {
	if e.Row < 0 {
		return fmt.Sprintf("ml: input %s: %s", e.What, e.Reason)
	}
	return fmt.Sprintf("ml: input %s row %d: %s", e.What, e.Row, e.Reason)
}

// ErrNonFinite: a trained model holds NaN or ±Inf (a coefficient, a leaf
// value, a descriptor scale or a calibration score). TrainEnsemble never
// returns such a model and MarshalBinary never writes one; both return a
// *NonFiniteError wrapping ErrNonFinite instead.
var ErrNonFinite = errors.New("model holds a non-finite number")

// NonFiniteError says where a model holds a non-finite number: Part names
// the structure ("tree node", "linear coefficient", "descriptor mean",
// "descriptor scale", "conformal score", "calibration map"), Member the
// ensemble member (-1 when the structure is shared) and Index the position
// within it.
type NonFiniteError struct {
	Part   string
	Member int
	Index  int
	Value  float64
}

// Error describes the part, member and index and the offending value.
func (e *NonFiniteError) Error() string {
	if e.Member < 0 {
		return fmt.Sprintf("ml: %v: %s %d is %v", ErrNonFinite, e.Part, e.Index, e.Value)
	}
	return fmt.Sprintf("ml: %v: member %d %s %d is %v", ErrNonFinite, e.Member, e.Part, e.Index, e.Value)
}

// Unwrap returns ErrNonFinite.
func (e *NonFiniteError) Unwrap() error { return ErrNonFinite }

// Sentinel errors of model decoding; a decoding error wraps one of them in a
// *FormatError, so test with errors.Is.
var (
	// ErrBadMagic: the data does not start with the model magic bytes.
	ErrBadMagic = errors.New("not an activelab model (bad magic)")
	// ErrUnsupportedVersion: the artifact was written by a newer format version.
	ErrUnsupportedVersion = errors.New("unsupported model format version")
	// ErrChecksum: the CRC-32C of the artifact does not match its content.
	ErrChecksum = errors.New("model checksum mismatch")
	// ErrTruncated: the artifact ends before its declared content.
	ErrTruncated = errors.New("model artifact truncated")
	// ErrCorrupt: the content is structurally invalid (checksum matched but
	// a count, index or value is out of range).
	ErrCorrupt = errors.New("model artifact corrupt")
)

// FormatError is returned by UnmarshalBinary and ReadFrom; Err is one of the
// sentinel errors above and Offset the byte offset where decoding stopped.
type FormatError struct {
	Offset int
	Err    error
	Detail string
}

// Error describes the failure and its byte offset.
func (e *FormatError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("ml: decode model at byte %d: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("ml: decode model at byte %d: %v: %s", e.Offset, e.Err, e.Detail)
}

// Unwrap returns the sentinel error (ErrChecksum, ErrTruncated, ...).
func (e *FormatError) Unwrap() error { return e.Err }
