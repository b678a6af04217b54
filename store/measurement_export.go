package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ExportRow is one measurement as exported: the compound it measures and
// who entered it.
type ExportRow struct {
	MeasurementID   ID         `bun:"measurement_id"`
	CompoundID      ID         `bun:"compound_id"`
	Name            string     `bun:"name"`
	InputSMILES     string     `bun:"input_smiles"`
	CanonicalSMILES string     `bun:"canonical_smiles"`
	Endpoint        string     `bun:"endpoint"`
	Value           float64    `bun:"value"`
	Source          Source     `bun:"source"`
	Confidence      Confidence `bun:"confidence"`
	Origin          Origin     `bun:"origin"`
	// UserEmail is who entered it: the labeler, or the user who ran the
	// import ("" when unknown).
	UserEmail string    `bun:"user_email"`
	CreatedAt time.Time `bun:"created_at"`
	// Qualifier is the measurement's qualifier ("" exact; a bound for a
	// censored value), which an export should write beside Value.
	Qualifier Qualifier `bun:"qualifier"`
}

// HasMeasurements reports whether the endpoint has at least one
// measurement (an index lookup, not a scan).
func (s *conn) HasMeasurements(ctx context.Context, endpoint string) (bool, error) {
	ok, err := s.db.NewSelect().Model((*Measurement)(nil)).Where("m.endpoint = ?", endpoint).Limit(1).Exists(ctx)
	if err != nil {
		return false, s.wrapErr(err, fmt.Sprintf("measurements of %s", endpoint))
	}
	return ok, nil
}

// EachExportRow streams the measurements of an endpoint with their
// compounds, by measurement ID, reading chunk rows at a time (keyset
// pages, so a large export holds one chunk in memory and no long
// transaction). setID != NilID keeps compounds of that set. fn's error stops
// the walk and is returned.
func (s *conn) EachExportRow(ctx context.Context, endpoint string, setID ID, chunk int, fn func(*ExportRow) error) error {
	if chunk < 1 {
		chunk = 1000
	}
	after := NilID
	for {
		rows := []*ExportRow{}
		q := s.db.NewSelect().TableExpr("? AS m", bun.Ident("measurements")).
			ColumnExpr("m.id AS measurement_id, m.compound_id, c.name, c.input_smiles, c.canonical_smiles").
			ColumnExpr("m.endpoint, m.value, m.source, m.confidence, m.origin, m.created_at, m.qualifier").
			ColumnExpr("COALESCE(u.email, '') AS user_email").
			Join("JOIN ? AS c ON c.id = m.compound_id", bun.Ident("compounds")).
			Join("LEFT JOIN ? AS u ON u.id = m.user_id", bun.Ident("users")).
			Where("m.endpoint = ?", endpoint).Where("m.id > ?", after).
			OrderExpr("m.id").Limit(int64(chunk))
		if setID != NilID {
			q = q.Where("m.compound_id IN (SELECT compound_id FROM compound_set_members WHERE set_id = ?)", setID)
		}
		if err := q.Scan(ctx, &rows); err != nil {
			return s.wrapErr(err, fmt.Sprintf("export %s after measurement %d", endpoint, after))
		}
		for _, r := range rows {
			r.CreatedAt = dbTime(r.CreatedAt)
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < chunk {
			return nil
		}
		after = rows[len(rows)-1].MeasurementID
	}
}
