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
	// Total is how many compounds the filter keeps, on every page; -1
	// unless asked for (counting scans every matching compound).
	Total int
}

// Compounds lists the compounds f keeps (store.CompoundFilter: a search
// over names and SMILES, a compound set) by ID, first at a time after
// afterID (0 for the first page), and counts them all when withTotal. A
// missing set is store.ErrNotFound.
func (s *Service) Compounds(ctx context.Context, f store.CompoundFilter, afterID int64, first int, withTotal bool) (*CompoundPage, error) {
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
	page := &CompoundPage{Items: cs, Total: -1}
	if withTotal {
		if page.Total, err = s.st.CountCompounds(ctx, f); err != nil {
			return nil, fmt.Errorf("compounds: %w", err)
		}
	}
	if len(cs) > first {
		page.Items, page.HasNext = cs[:first], true
	}
	return page, nil
}
