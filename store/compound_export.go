package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// ExportCompound is what an export of compounds reads of each: no
// descriptors, fingerprints or features.
type ExportCompound struct {
	ID              ID         `bun:"id"`
	Name            string     `bun:"name"`
	InputSMILES     string     `bun:"input_smiles"`
	CanonicalSMILES string     `bun:"canonical_smiles"`
	Properties      Properties `bun:"properties"`
}

// ExportCompounds returns up to limit compounds that f keeps, by ID, after
// the given ID (0 for the first page; keyset pages, so an export of any
// size holds one page and no long transaction), with their names, SMILES
// and imported properties.
func (s *conn) ExportCompounds(ctx context.Context, f CompoundFilter, afterID ID, limit int) ([]ExportCompound, error) {
	out := []ExportCompound{}
	q := s.db.NewSelect().Model((*Compound)(nil)).Column("id", "name", "input_smiles", "canonical_smiles", "properties").
		Where("? > ?", bun.Ident("id"), afterID).Order("id").Limit(int64(limit))
	if err := s.compoundFilter(q, f).Scan(ctx, &out); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("export compounds of set %d after %d", f.SetID, afterID))
	}
	return out, nil
}
