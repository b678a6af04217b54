package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Compound is a molecule, unique by its canonical SMILES.
type Compound struct {
	bun.BaseModel `bun:"table:compounds,alias:c"`

	ID int64 `bun:"id,pk,autoincrement"`
	// InputSMILES is the SMILES as first imported or entered.
	InputSMILES string `bun:"input_smiles,notnull"`
	// CanonicalSMILES is chem's canonical form; unique across compounds.
	CanonicalSMILES string `bun:"canonical_smiles,notnull"`
	Name            string `bun:"name,notnull"`
	// Descriptors is a JSON object of computed descriptors (nil when not computed).
	Descriptors json.RawMessage `bun:"descriptors,nullzero"`
	// Fingerprint is the cached fingerprint's bytes (nil when not computed).
	Fingerprint []byte    `bun:"fingerprint,nullzero"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

func (c *Compound) prepare() error {
	if strings.TrimSpace(c.CanonicalSMILES) == "" {
		return fmt.Errorf("compound %q: empty canonical SMILES: %w", c.InputSMILES, ErrInvalid)
	}
	if c.InputSMILES == "" {
		c.InputSMILES = c.CanonicalSMILES
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now()
	}
	c.CreatedAt = dbTime(c.CreatedAt)
	return nil
}

// CreateCompound inserts c and sets its ID; ErrConflict when a compound
// with the same canonical SMILES exists. db may be a transaction or nil.
func (s *Store) CreateCompound(ctx context.Context, db bun.IDB, c *Compound) error {
	if err := c.prepare(); err != nil {
		return err
	}
	_, err := s.idb(db).NewInsert().Model(c).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create compound %q", c.CanonicalSMILES))
}

// EnsureCompound inserts c unless a compound with its canonical SMILES
// exists; either way c.ID is set to the stored compound's ID, and created
// says whether this call inserted it. (INSERT ... ON CONFLICT DO NOTHING:
// safe against concurrent importers on both databases.)
func (s *Store) EnsureCompound(ctx context.Context, db bun.IDB, c *Compound) (created bool, err error) {
	if err := c.prepare(); err != nil {
		return false, err
	}
	idb := s.idb(db)
	var ids []int64
	err = idb.NewInsert().Model(c).
		On("CONFLICT (canonical_smiles) DO NOTHING").
		Returning("id").
		Scan(ctx, &ids)
	if err != nil {
		return false, s.wrapErr(err, fmt.Sprintf("ensure compound %q", c.CanonicalSMILES))
	}
	if len(ids) == 1 {
		c.ID = ids[0]
		return true, nil
	}
	existing := new(Compound)
	if err := idb.NewSelect().Model(existing).Where("? = ?", bun.Ident("canonical_smiles"), c.CanonicalSMILES).Scan(ctx); err != nil {
		return false, s.wrapErr(err, fmt.Sprintf("compound %q", c.CanonicalSMILES))
	}
	*c = *existing
	return false, nil
}

// CompoundByID returns the compound; ErrNotFound when there is none.
func (s *Store) CompoundByID(ctx context.Context, id int64) (*Compound, error) {
	c := new(Compound)
	if err := s.db.NewSelect().Model(c).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound %d", id))
	}
	return c, nil
}

// CompoundBySMILES returns the compound with this canonical SMILES;
// ErrNotFound when there is none.
func (s *Store) CompoundBySMILES(ctx context.Context, canonical string) (*Compound, error) {
	c := new(Compound)
	if err := s.db.NewSelect().Model(c).Where("? = ?", bun.Ident("canonical_smiles"), canonical).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound %q", canonical))
	}
	return c, nil
}

// CompoundsByIDs returns the compounds in the order of ids (for
// dataloaders); an unknown ID gives a nil entry.
func (s *Store) CompoundsByIDs(ctx context.Context, ids []int64) ([]*Compound, error) {
	out := make([]*Compound, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var cs []*Compound
	if err := s.db.NewSelect().Model(&cs).Where("? IN (?)", bun.Ident("id"), bun.List(ids)).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "compounds by id")
	}
	byID := make(map[int64]*Compound, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// SearchCompounds returns up to limit compounds whose name contains search
// (ignoring case) or whose canonical SMILES contains it, by ID, after the
// given ID (0 for the first page).
func (s *Store) SearchCompounds(ctx context.Context, search string, afterID int64, limit int) ([]*Compound, error) {
	cs := []*Compound{}
	q := s.db.NewSelect().Model(&cs).Where("? > ?", bun.Ident("id"), afterID).Order("id").Limit(int64(limit))
	if search != "" {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = s.be.containsFold(q, "name", search)
			return s.be.contains(q, "canonical_smiles", search, true)
		})
	}
	if err := q.Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("search compounds %q", search))
	}
	return cs, nil
}
