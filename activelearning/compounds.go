package activelearning

import (
	"context"
	"fmt"

	"activelab/store"
)

// CompoundPage is one page of a compound listing, by ID.
type CompoundPage struct {
	Items   []*store.Compound
	HasNext bool
	Total   int // compounds the filter keeps, on every page
}

// Compounds lists the compounds f keeps (store.CompoundFilter: a search
// over names and SMILES, a compound set) by ID, first at a time after
// afterID (0 for the first page). A missing set is store.ErrNotFound.
func (s *Service) Compounds(ctx context.Context, f store.CompoundFilter, afterID int64, first int) (*CompoundPage, error) {
	if first < 0 {
		return nil, inputErr("first", "%d is negative", first)
	}
	if f.SetID != 0 {
		if _, err := s.st.CompoundSetByID(ctx, f.SetID); err != nil {
			return nil, err
		}
	}
	cs, err := s.st.SearchCompounds(ctx, f, afterID, first+1)
	if err != nil {
		return nil, err
	}
	total, err := s.st.CountCompounds(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("compounds: %w", err)
	}
	page := &CompoundPage{Items: cs, Total: total}
	if len(cs) > first {
		page.Items, page.HasNext = cs[:first], true
	}
	return page, nil
}
