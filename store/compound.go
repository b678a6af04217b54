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

	ID ID `bun:"id,pk,autoincrement"`
	// InputSMILES is the SMILES as first imported or entered.
	InputSMILES string `bun:"input_smiles,notnull"`
	// CanonicalSMILES is chem's canonical form; unique across compounds.
	CanonicalSMILES string `bun:"canonical_smiles,notnull"`
	Name            string `bun:"name,notnull"`
	// Descriptors is a JSON object of computed descriptors (nil when not computed).
	Descriptors json.RawMessage `bun:"descriptors,nullzero"`
	// Fingerprint is the cached fingerprint's bytes (nil when not computed).
	Fingerprint []byte `bun:"fingerprint,nullzero"`
	// Features is the model's dense feature vector, float32 little-endian
	// (nil when not computed; the same values as in Descriptors, stored
	// apart so that scoring reads no JSON).
	Features []byte `bun:"features,nullzero"`
	// FeatureSet names the layout of Features and Fingerprint ("" when not
	// computed).
	FeatureSet string    `bun:"feature_set,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	// Properties are the columns or data items the compound was imported
	// with, in file order (empty when none).
	Properties Properties `bun:"properties,notnull"`
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
func (s *conn) CreateCompound(ctx context.Context, c *Compound) error {
	if err := c.prepare(); err != nil {
		return err
	}
	newID(&c.ID)
	_, err := s.db.NewInsert().Model(c).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create compound %q", c.CanonicalSMILES))
}

// EnsureCompound inserts c unless a compound with its canonical SMILES
// exists; either way c.ID is set to the stored compound's ID, and created
// says whether this call inserted it. (INSERT ... ON CONFLICT DO NOTHING:
// safe against concurrent importers on both databases.)
func (s *conn) EnsureCompound(ctx context.Context, c *Compound) (created bool, err error) {
	if err := c.prepare(); err != nil {
		return false, err
	}
	idb := s.db
	var ids []ID
	newID(&c.ID)
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
func (s *conn) CompoundByID(ctx context.Context, id ID) (*Compound, error) {
	c := new(Compound)
	if err := s.db.NewSelect().Model(c).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound %d", id))
	}
	return c, nil
}

// CompoundBySMILES returns the compound with this canonical SMILES;
// ErrNotFound when there is none.
func (s *conn) CompoundBySMILES(ctx context.Context, canonical string) (*Compound, error) {
	c := new(Compound)
	if err := s.db.NewSelect().Model(c).Where("? = ?", bun.Ident("canonical_smiles"), canonical).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound %q", canonical))
	}
	return c, nil
}

// CompoundsByIDs returns the compounds in the order of ids (for
// dataloaders); an unknown ID gives a nil entry.
func (s *conn) CompoundsByIDs(ctx context.Context, ids []ID) ([]*Compound, error) {
	return s.compoundsByIDs(ctx, ids, "compounds by id")
}

// CompoundSummariesByIDs is CompoundsByIDs without the computed columns:
// Descriptors, Fingerprint and Features are nil (CompoundDescriptors reads
// the first). It is what a page of queue items shows of its compounds,
// without the kilobytes of vectors and JSON each compound stores.
func (s *conn) CompoundSummariesByIDs(ctx context.Context, ids []ID) ([]*Compound, error) {
	return s.compoundsByIDs(ctx, ids, "compound summaries by id", "descriptors", "fingerprint", "features")
}

// compoundsByIDs reads the compounds of ids in their order (nil for an
// unknown id), leaving out the columns exclude names.
func (s *conn) compoundsByIDs(ctx context.Context, ids []ID, what string, exclude ...string) ([]*Compound, error) {
	out := make([]*Compound, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var cs []*Compound
	q := s.reads().NewSelect().Model(&cs)
	if len(exclude) > 0 {
		q = q.ExcludeColumn(exclude...)
	}
	if err := q.Where("? IN (?)", bun.Ident("id"), bun.List(ids)).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, what)
	}
	byID := make(map[ID]*Compound, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// CompoundDescriptors returns the computed descriptors (a JSON object) of
// the compounds with ids, by id; a compound without descriptors, or an
// unknown id, has no entry.
func (s *conn) CompoundDescriptors(ctx context.Context, ids []ID) (map[ID]json.RawMessage, error) {
	out := make(map[ID]json.RawMessage, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID          ID              `bun:"id"`
		Descriptors json.RawMessage `bun:"descriptors"`
	}
	err := s.reads().NewSelect().Model((*Compound)(nil)).Column("id", "descriptors").
		Where("? IN (?)", bun.Ident("id"), bun.List(ids)).Where("descriptors IS NOT NULL").Scan(ctx, &rows)
	if err != nil {
		return nil, s.wrapErr(err, "compound descriptors")
	}
	for _, r := range rows {
		out[r.ID] = r.Descriptors
	}
	return out, nil
}

// CompoundFilter selects compounds for SearchCompounds and CountCompounds.
type CompoundFilter struct {
	// Search keeps compounds whose name contains it (ignoring case) or whose
	// canonical SMILES contains it (case matters: c is aromatic, C is not);
	// "" keeps every compound. Wildcards (% and _) are literal.
	Search string
	// SetID keeps members of that compound set; 0 keeps every compound.
	SetID ID
}

// compoundFilter applies f to a select on compounds.
func (s *conn) compoundFilter(q *bun.SelectQuery, f CompoundFilter) *bun.SelectQuery {
	if f.SetID != NilID {
		q = q.Where("? IN (?)", bun.Ident("id"), s.db.NewSelect().Model((*CompoundSetMember)(nil)).
			Column("compound_id").Where("? = ?", bun.Ident("set_id"), f.SetID))
	}
	if f.Search != "" {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			q = s.be.containsFold(q, "name", f.Search)
			return s.be.contains(q, "canonical_smiles", f.Search, true)
		})
	}
	return q
}

// SearchCompounds returns up to limit compounds that f keeps, by ID, after
// the given ID (0 for the first page).
func (s *conn) SearchCompounds(ctx context.Context, f CompoundFilter, afterID ID, limit int) ([]*Compound, error) {
	cs := []*Compound{}
	q := s.db.NewSelect().Model(&cs).Where("? > ?", bun.Ident("id"), afterID).Order("id").Limit(int64(limit))
	if err := s.compoundFilter(q, f).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("search compounds %q in set %d", f.Search, f.SetID))
	}
	return cs, nil
}

// CompoundSMILES is a compound's ID and canonical SMILES: what a
// structure search reads of each compound.
type CompoundSMILES struct {
	ID              ID     `bun:"id"`
	CanonicalSMILES string `bun:"canonical_smiles"`
}

// SearchCompoundSMILES is SearchCompounds reading only IDs and canonical
// SMILES (no descriptors, fingerprints or features), for scans that parse
// every compound.
func (s *conn) SearchCompoundSMILES(ctx context.Context, f CompoundFilter, afterID ID, limit int) ([]CompoundSMILES, error) {
	out := []CompoundSMILES{}
	q := s.db.NewSelect().Model((*Compound)(nil)).Column("id", "canonical_smiles").
		Where("? > ?", bun.Ident("id"), afterID).Order("id").Limit(int64(limit))
	if err := s.compoundFilter(q, f).Scan(ctx, &out); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("search compound SMILES %q in set %d", f.Search, f.SetID))
	}
	return out, nil
}

// CountCompounds returns how many compounds f keeps.
func (s *conn) CountCompounds(ctx context.Context, f CompoundFilter) (int, error) {
	n, err := s.compoundFilter(s.db.NewSelect().Model((*Compound)(nil)), f).Count(ctx)
	if err != nil {
		return 0, s.wrapErr(err, fmt.Sprintf("count compounds %q in set %d", f.Search, f.SetID))
	}
	return int(n), nil
}

// AllCompoundIDs returns every compound's ID, ascending.
func (s *conn) AllCompoundIDs(ctx context.Context) ([]ID, error) {
	ids := []ID{}
	if err := s.db.NewSelect().Model((*Compound)(nil)).Column("id").Order("id").Scan(ctx, &ids); err != nil {
		return nil, s.wrapErr(err, "compound ids")
	}
	return ids, nil
}
