package activelearning

import (
	"database/sql"
	"errors"
	"fmt"

	"activelab/store"
)

// InputError is a bad argument to a service call: Field names it (a GraphQL
// input field such as "batchSize" or "value"), Msg says what is wrong, and
// Row/Offset locate it in imported data when they are not zero (1-based row,
// 0-based character offset in a SMILES). The GraphQL error presenter maps it to
// BAD_USER_INPUT.
type InputError struct {
	Field  string
	Msg    string
	Row    int
	Offset int
}

func (e *InputError) Error() string {
	switch {
	case e.Row > 0 && e.Field != "":
		return fmt.Sprintf("row %d, %s: %s", e.Row, e.Field, e.Msg)
	case e.Field != "":
		return fmt.Sprintf("%s: %s", e.Field, e.Msg)
	default:
		return e.Msg
	}
}

// ErrorCode returns BAD_USER_INPUT, the GraphQL error code.
func (e *InputError) ErrorCode() string { return "BAD_USER_INPUT" }

// InputField names the bad argument (extensions.field).
func (e *InputError) InputField() string { return e.Field }

func inputErr(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// notFound turns sql.ErrNoRows into a wrapped store.ErrNotFound.
func notFound(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// FeatureSetError is returned when a model version was trained on another
// feature layout than this build computes (features.Set): its
// columns would be misread, so it must be retrained before it predicts.
// The GraphQL error presenter maps it to CONFLICT.
type FeatureSetError struct {
	Model   string
	Version int
	Trained string // the version's feature set
	Current string // this build's
}

func (e *FeatureSetError) Error() string {
	return fmt.Sprintf("model %q version %d was trained on features %q, this build computes %q: retrain it (or create a new model) before it predicts",
		e.Model, e.Version, e.Trained, e.Current)
}

// ErrorCode returns CONFLICT, the GraphQL error code.
func (e *FeatureSetError) ErrorCode() string { return "CONFLICT" }
