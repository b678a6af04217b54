package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// ValidationSet is a fixed held-out set of compounds with their values:
// every version of a model lineage is measured on the same one.
type ValidationSet struct {
	bun.BaseModel `bun:"table:validation_sets,alias:vs"`

	ID       ID     `bun:"id,pk,autoincrement"`
	Name     string `bun:"name,notnull"`
	Endpoint string `bun:"endpoint,notnull"`
	// Hash identifies the members and values (computed by the caller).
	Hash      string    `bun:"hash,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// ValidationSetMember is one compound of a validation set with the value
// the model is judged against.
type ValidationSetMember struct {
	bun.BaseModel `bun:"table:validation_set_members,alias:vsm"`

	ValidationSetID ID      `bun:"validation_set_id,pk"`
	CompoundID      ID      `bun:"compound_id,pk"`
	Value           float64 `bun:"value,notnull"`
}

// CreateValidationSet inserts vs and its members in one transaction (or in
// db's) and sets vs.ID. ErrConflict for a taken name or a compound listed
// twice; ErrNotFound for an unknown compound.
func (s *conn) CreateValidationSet(ctx context.Context, vs *ValidationSet, members []ValidationSetMember) error {
	if vs.Name == "" || vs.Endpoint == "" {
		return fmt.Errorf("create validation set: name and endpoint are required: %w", ErrInvalid)
	}
	if vs.CreatedAt.IsZero() {
		vs.CreatedAt = now()
	}
	vs.CreatedAt = dbTime(vs.CreatedAt)
	insert := func(ctx context.Context, tx bun.IDB) error {
		newID(&vs.ID)
		if _, err := tx.NewInsert().Model(vs).Returning("id").Exec(ctx); err != nil {
			return s.wrapErr(err, fmt.Sprintf("create validation set %q", vs.Name))
		}
		if len(members) == 0 {
			return nil
		}
		for i := range members {
			members[i].ValidationSetID = vs.ID
		}
		if _, err := tx.NewInsert().Model(&members).Exec(ctx); err != nil {
			return s.wrapErr(err, fmt.Sprintf("members of validation set %q", vs.Name))
		}
		return nil
	}
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return insert(ctx, tx) })
}

// ValidationSetByID returns the set; ErrNotFound when there is none.
func (s *conn) ValidationSetByID(ctx context.Context, id ID) (*ValidationSet, error) {
	vs := new(ValidationSet)
	if err := s.db.NewSelect().Model(vs).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("validation set %d", id))
	}
	return vs, nil
}
