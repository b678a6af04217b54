package store

import (
	"database/sql"
	"fmt"
)

// expectOne translates the result of an UPDATE or DELETE that must touch
// exactly one row: zero rows is ErrNotFound.
func (s *conn) expectOne(res sql.Result, err error, what string) error {
	if err != nil {
		return s.wrapErr(err, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}
