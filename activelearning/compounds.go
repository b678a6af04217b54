package activelearning

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"activelab/chem"
	"activelab/ident"
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

// CompoundQuery is what SearchCompounds looks for: the store's filter (name
// or SMILES text, a set) and, optionally, a substructure every compound
// must contain.
type CompoundQuery struct {
	Filter store.CompoundFilter
	// Substructure is a fragment written as SMILES (a molecule drawn as a
	// query, RDKit's MolFromSmiles semantics) or, with SMARTS, as a SMARTS
	// pattern; "" = no substructure condition.
	Substructure string
	SMARTS       bool
}

// MaxSubstructureLength bounds a substructure query (a drawn fragment is
// far shorter; the bound keeps the matcher's work per compound small).
const MaxSubstructureLength = 500

// substructureChunk is how many compounds a substructure search reads and
// matches at a time.
const substructureChunk = 2000

// SearchCompounds lists the compounds q keeps (its store.CompoundFilter: a
// search over names and SMILES, a compound set; and optionally a
// substructure) by ID, first at a time after afterID (0 for the first
// page), and counts them all when withTotal. A missing set is
// store.ErrNotFound. A substructure search reads the filter's compounds in
// ID order, chunk by chunk, parses each stored canonical SMILES and keeps
// those that contain the query, until the page is full: its cost grows
// with the compounds scanned (about 70k a second), and withTotal scans them
// all. A query that does not parse is an InputError on "substructure" with
// chem's message and offset.
func (s *Service) SearchCompounds(ctx context.Context, q CompoundQuery, afterID store.ID, first int, withTotal bool) (*CompoundPage, error) {
	if first < 0 {
		return nil, inputErr("first", "%d is negative", first)
	}
	f := q.Filter
	if f.SetID != store.NilID {
		if _, err := s.st.CompoundSetByID(ctx, f.SetID); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(q.Substructure) != "" {
		return s.substructurePage(ctx, q, afterID, first, withTotal)
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

// compileSubstructure compiles a query, its errors as InputErrors.
func compileSubstructure(q CompoundQuery) (*chem.Substructure, error) {
	src := strings.TrimSpace(q.Substructure)
	if len(src) > MaxSubstructureLength {
		return nil, inputErr("substructure", "%d characters; a query has at most %d", len(src), MaxSubstructureLength)
	}
	if i := strings.IndexByte(src, '.'); i >= 0 {
		// Disconnected parts that each match but cannot all fit together
		// can cost time exponential in their number: one fragment per search.
		return nil, &InputError{Field: "substructure", Msg: fmt.Sprintf("'.' at offset %d: search one connected fragment at a time", i), Offset: i}
	}
	var sub *chem.Substructure
	var err error
	if q.SMARTS {
		sub, err = chem.ParseSubstructure(src)
	} else {
		sub, err = chem.SubstructureFromSMILES(src)
	}
	if err != nil {
		ie := &InputError{Field: "substructure", Msg: err.Error()}
		var pe *chem.ParseError
		if errors.As(err, &pe) {
			ie.Msg, ie.Offset = pe.Msg+" (at offset "+strconv.Itoa(pe.Pos)+")", pe.Pos
		}
		return nil, ie
	}
	return sub, nil
}

func (s *Service) substructurePage(ctx context.Context, q CompoundQuery, afterID store.ID, first int, withTotal bool) (*CompoundPage, error) {
	sub, err := compileSubstructure(q)
	if err != nil {
		return nil, err
	}
	var ids []store.ID
	hasNext := false
	total := 0
	cursor := afterID
	if withTotal {
		cursor = store.NilID // the total counts every match, before the page too
	}
scan:
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cs, err := s.st.SearchCompoundSMILES(ctx, q.Filter, cursor, substructureChunk)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			m, err := chem.Parse(c.CanonicalSMILES)
			if err != nil || !sub.Matches(m) {
				continue // a stored SMILES always parses; a row that does not cannot match
			}
			total++
			switch {
			case ident.Compare(c.ID, afterID) <= 0:
			case len(ids) < first:
				ids = append(ids, c.ID)
			default:
				hasNext = true
				if !withTotal {
					break scan
				}
			}
		}
		if len(cs) < substructureChunk {
			break
		}
		cursor = cs[len(cs)-1].ID
	}
	items, err := s.st.CompoundsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	page := &CompoundPage{Items: items, HasNext: hasNext, Total: -1}
	if withTotal {
		page.Total = total
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
func (s *Service) CompoundSet(ctx context.Context, id store.ID) (*store.CompoundSetWithSize, error) {
	return s.st.CompoundSetWithSizeByID(ctx, id)
}
