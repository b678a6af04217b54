package metrics

import (
	"errors"
	"fmt"
)

// Sentinel kinds of invalid input. Every error returned by this package is
// an *InputError whose Kind is one of these, so callers test with
// errors.Is(err, metrics.ErrEmpty) and so on.
var (
	// ErrEmpty: no observations.
	ErrEmpty = errors.New("empty input")
	// ErrLength: two inputs that must be parallel have different lengths.
	ErrLength = errors.New("length mismatch")
	// ErrNaN: an input holds NaN or ±Inf.
	ErrNaN = errors.New("not a finite number")
	// ErrLabel: a binary label is neither 0 nor 1.
	ErrLabel = errors.New("label is not 0 or 1")
	// ErrProbability: a probability lies outside [0, 1].
	ErrProbability = errors.New("probability outside [0, 1]")
	// ErrWeight: a sample weight is negative, or all weights are zero.
	ErrWeight = errors.New("invalid sample weight")
	// ErrStd: a standard deviation is negative, or zero where a metric divides by it.
	ErrStd = errors.New("invalid standard deviation")
	// ErrSingleClass: a ranking metric needs both classes among the labels.
	ErrSingleClass = errors.New("only one class present")
	// ErrUndefined: the metric is undefined for this input (for example the
	// correlation of a constant vector).
	ErrUndefined = errors.New("metric undefined for this input")
	// ErrParam: a parameter (number of bins, z) is out of range.
	ErrParam = errors.New("invalid parameter")
)

// InputError says which metric rejected which input, and where.
type InputError struct {
	Metric string // e.g. "RMSE"
	Arg    string // the offending argument, e.g. "yPred"; empty when not about one argument
	Index  int    // position of the offending value, or -1
	Kind   error  // one of the Err* sentinels
	Detail string // optional extra context
}

// Error implements error.
func (e *InputError) Error() string {
	s := "metrics: " + e.Metric + ": " + e.Kind.Error()
	if e.Arg != "" {
		s += " in " + e.Arg
	}
	if e.Index >= 0 {
		s += fmt.Sprintf(" at index %d", e.Index)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns the sentinel kind.
func (e *InputError) Unwrap() error { return e.Kind }

func inputErr(metric, arg string, index int, kind error, detail string) error {
	return &InputError{Metric: metric, Arg: arg, Index: index, Kind: kind, Detail: detail}
}
