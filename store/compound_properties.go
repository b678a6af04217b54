package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
)

// Property is one named value a compound was imported with: a CSV or XLSX
// column, or an SDF data item.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Properties are a compound's imported properties in file order, stored as
// a JSON array of {"name", "value"} objects (never null: none is "[]").
type Properties []Property

// Value writes the properties as a JSON array.
func (p Properties) Value() (driver.Value, error) {
	if p == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Property(p))
	if err != nil {
		return nil, fmt.Errorf("compound properties: %w", err)
	}
	return string(b), nil
}

// Scan reads the JSON array written by Value.
func (p *Properties) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*p = Properties{}
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("compound properties: cannot scan %T", src)
	}
	out := Properties{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("compound properties: %w", err)
	}
	*p = out
	return nil
}

// Merge returns p with each of add set: a property of the same name
// (case-insensitively) takes the new value in place, others are appended in
// order. It reports whether anything changed, so merging the same
// properties twice changes nothing.
func (p Properties) Merge(add []Property) (Properties, bool) {
	out := append(Properties{}, p...)
	changed := false
	for _, a := range add {
		i := out.index(a.Name)
		switch {
		case i < 0:
			out = append(out, a)
			changed = true
		case out[i].Value != a.Value:
			out[i].Value = a.Value
			changed = true
		}
	}
	return out, changed
}

// Get returns the value of the property named name (case-insensitively)
// and whether there is one.
func (p Properties) Get(name string) (string, bool) {
	if i := p.index(name); i >= 0 {
		return p[i].Value, true
	}
	return "", false
}

func (p Properties) index(name string) int {
	for i, q := range p {
		if strings.EqualFold(q.Name, name) {
			return i
		}
	}
	return -1
}

// SetCompoundProperties replaces the compound's properties; ErrNotFound
// for an unknown compound.
func (s *conn) SetCompoundProperties(ctx context.Context, id ID, props Properties) error {
	res, err := s.db.NewUpdate().Model((*Compound)(nil)).Set("properties = ?", props).
		Where("? = ?", bun.Ident("id"), id).Exec(ctx)
	if err != nil {
		return s.wrapErr(err, fmt.Sprintf("properties of compound %d", id))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("compound %d: %w", id, ErrNotFound)
	}
	return nil
}
