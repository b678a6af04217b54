package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// BinaryClasses are the classes of a classification model created without
// names: label 0 and label 1.
var BinaryClasses = []string{"0", "1"}

// ClassNames are a classification model's class names in index order,
// stored as a JSON array (NULL when empty). A classification label's
// measurement value is its class index, 0 to K−1.
type ClassNames []string

// Value implements driver.Valuer: a JSON array, or NULL when empty.
func (c ClassNames) Value() (driver.Value, error) {
	if len(c) == 0 {
		return nil, nil
	}
	b, err := json.Marshal([]string(c))
	return string(b), err
}

// Scan implements sql.Scanner for a JSON array (or NULL).
func (c *ClassNames) Scan(src any) error {
	var v []string
	if err := scanJSON(src, &v); err != nil {
		return fmt.Errorf("class names: %w", err)
	}
	*c = v
	return nil
}

// ClassProbabilities are per-class probabilities in class index order,
// stored as a JSON array (NULL when empty).
type ClassProbabilities []float64

// Value implements driver.Valuer: a JSON array, or NULL when empty.
func (p ClassProbabilities) Value() (driver.Value, error) {
	if len(p) == 0 {
		return nil, nil
	}
	b, err := json.Marshal([]float64(p))
	return string(b), err
}

// Scan implements sql.Scanner for a JSON array (or NULL).
func (p *ClassProbabilities) Scan(src any) error {
	var v []float64
	if err := scanJSON(src, &v); err != nil {
		return fmt.Errorf("class probabilities: %w", err)
	}
	*p = v
	return nil
}

func scanJSON(src, dst any) error {
	switch s := src.(type) {
	case nil:
		return nil
	case string:
		return json.Unmarshal([]byte(s), dst)
	case []byte:
		return json.Unmarshal(s, dst)
	default:
		return fmt.Errorf("cannot scan %T", src)
	}
}

// ClassList returns the model's classes: Classes, or BinaryClasses for a
// classification model stored without names; nil for regression.
func (m *MLModel) ClassList() []string {
	switch {
	case m.Task != TaskClassification:
		return nil
	case len(m.Classes) == 0:
		return BinaryClasses
	default:
		return m.Classes
	}
}
