package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// SetKind says what a compound set is for.
type SetKind string

// The kinds of compound set.
const (
	SetPool    SetKind = "pool"    // candidates to select from
	SetDataset SetKind = "dataset" // an imported dataset
	SetList    SetKind = "list"    // a hand-made list
)

// Valid reports whether k is a known kind.
func (k SetKind) Valid() bool { return k == SetPool || k == SetDataset || k == SetList }

// CompoundSet is a named group of compounds: a pool, a dataset or a list.
type CompoundSet struct {
	bun.BaseModel `bun:"table:compound_sets,alias:cs"`

	ID          ID        `bun:"id,pk,autoincrement"`
	Name        string    `bun:"name,notnull"`
	Kind        SetKind   `bun:"kind,notnull"`
	Description string    `bun:"description,notnull"`
	CreatedBy   *ID       `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

// CompoundSetMember puts a compound in a set.
type CompoundSetMember struct {
	bun.BaseModel `bun:"table:compound_set_members,alias:csm"`

	SetID      ID        `bun:"set_id,pk"`
	CompoundID ID        `bun:"compound_id,pk"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
}

// CreateCompoundSet inserts cs and sets its ID; ErrConflict for a taken
// name, ErrInvalid for an unknown kind. db may be a transaction or nil.
func (s *conn) CreateCompoundSet(ctx context.Context, cs *CompoundSet) error {
	if cs.Kind == "" {
		cs.Kind = SetPool
	}
	if !cs.Kind.Valid() {
		return enumError("compound set kind", string(cs.Kind), "pool", "dataset", "list")
	}
	if cs.CreatedAt.IsZero() {
		cs.CreatedAt = now()
	}
	cs.CreatedAt = dbTime(cs.CreatedAt)
	newID(&cs.ID)
	_, err := s.db.NewInsert().Model(cs).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create compound set %q", cs.Name))
}

// CompoundSetByID returns the set; ErrNotFound when there is none.
func (s *conn) CompoundSetByID(ctx context.Context, id ID) (*CompoundSet, error) {
	cs := new(CompoundSet)
	if err := s.db.NewSelect().Model(cs).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound set %d", id))
	}
	return cs, nil
}

// CompoundSetByName returns the set; ErrNotFound when there is none.
func (s *conn) CompoundSetByName(ctx context.Context, name string) (*CompoundSet, error) {
	cs := new(CompoundSet)
	if err := s.db.NewSelect().Model(cs).Where("? = ?", bun.Ident("name"), name).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound set %q", name))
	}
	return cs, nil
}

// AddCompoundSetMembers adds compounds to a set; compounds already in it
// are skipped (an upsert). ErrNotFound when the set or a compound does not
// exist. db may be a transaction or nil.
func (s *conn) AddCompoundSetMembers(ctx context.Context, setID ID, compoundIDs []ID) error {
	if len(compoundIDs) == 0 {
		return nil
	}
	at := now()
	members := make([]CompoundSetMember, len(compoundIDs))
	for i, id := range compoundIDs {
		members[i] = CompoundSetMember{SetID: setID, CompoundID: id, CreatedAt: at}
	}
	_, err := s.db.NewInsert().Model(&members).On("CONFLICT (set_id, compound_id) DO NOTHING").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("add %d compounds to set %d", len(compoundIDs), setID))
}

// CompoundSetMemberIDs returns the IDs of the set's compounds, ascending. db may be
// a transaction or nil.
func (s *conn) CompoundSetMemberIDs(ctx context.Context, setID ID) ([]ID, error) {
	ids := []ID{}
	err := s.db.NewSelect().Model((*CompoundSetMember)(nil)).Column("compound_id").
		Where("? = ?", bun.Ident("set_id"), setID).Order("compound_id").Scan(ctx, &ids)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("members of compound set %d", setID))
	}
	return ids, nil
}

// CompoundSetWithSize is a compound set with how many compounds it holds,
// counted by the query that read it.
type CompoundSetWithSize struct {
	CompoundSet `bun:",extend"`

	// Size is the number of members.
	Size int `bun:"size,scanonly"`
}

// withSize extends a select of compound sets (alias cs) with their sizes:
// one LEFT JOIN and GROUP BY, so a set without members has size 0.
func withSize(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("cs.*").
		ColumnExpr("COUNT(csm.compound_id) AS ?", bun.Ident("size")).
		Join("LEFT JOIN ? AS csm ON csm.set_id = cs.id", bun.Ident("compound_set_members")).
		GroupExpr("cs.id")
}

// CompoundSetsWithSize returns every compound set with its size, newest
// first (created_at, then id), in one query.
func (s *conn) CompoundSetsWithSize(ctx context.Context) ([]*CompoundSetWithSize, error) {
	sets := []*CompoundSetWithSize{}
	err := withSize(s.db.NewSelect().Model(&sets)).OrderExpr("cs.created_at DESC, cs.id DESC").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, "compound sets")
	}
	return sets, nil
}

// CompoundSetWithSizeByID returns the set with its size, in one query;
// ErrNotFound when there is none.
func (s *conn) CompoundSetWithSizeByID(ctx context.Context, id ID) (*CompoundSetWithSize, error) {
	cs := new(CompoundSetWithSize)
	if err := withSize(s.db.NewSelect().Model(cs)).Where("cs.id = ?", id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("compound set %d", id))
	}
	return cs, nil
}
