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

// Endpoints returns every endpoint with measurements, by name, with its
// counts, range and whether it is binary: what a model can be trained on.
func (s *Service) Endpoints(ctx context.Context) ([]*store.EndpointStats, error) {
	return s.st.Endpoints(ctx)
}

// CompoundSets returns every compound set with its size, newest first.
func (s *Service) CompoundSets(ctx context.Context) ([]*store.CompoundSetWithSize, error) {
	return s.st.CompoundSetsWithSize(ctx)
}

// CompoundSet returns a compound set with its size; store.ErrNotFound when
// there is none.
func (s *Service) CompoundSet(ctx context.Context, id int64) (*store.CompoundSetWithSize, error) {
	return s.st.CompoundSetWithSizeByID(ctx, id)
}
