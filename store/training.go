package store

import (
	"activelab/ident"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/uptrace/bun"
)

// MeasurementQuery selects the measurements of an endpoint for training.
type MeasurementQuery struct {
	// SetID restricts to compounds in this compound set (0 for any).
	SetID ID
	// Origins restricts to these origins (empty for any).
	Origins []Origin
	// LatestPerCompound keeps one measurement per compound, its latest
	// (created_at, then id); otherwise every measurement is returned, so a
	// compound measured twice (an import and a label) appears twice.
	LatestPerCompound bool
}

// MeasurementsByEndpoint returns the endpoint's measurements selected by
// q, by compound ID then measurement ID: what models train on, so censored
// values (a bound, Qualifier.Censored) are left out, also when choosing a
// compound's latest value. db may be a transaction or nil.
func (s *conn) MeasurementsByEndpoint(ctx context.Context, endpoint string, q MeasurementQuery) ([]*Measurement, error) {
	ms := []*Measurement{}
	censored := bun.List(censoredQualifiers)
	sel := s.db.NewSelect().Model(&ms).Where("m.endpoint = ?", endpoint).Where("m.qualifier NOT IN (?)", censored)
	if q.SetID != NilID {
		sel = sel.Where("m.compound_id IN (SELECT compound_id FROM compound_set_members WHERE set_id = ?)", q.SetID)
	}
	if len(q.Origins) > 0 {
		for _, o := range q.Origins {
			if !o.Valid() {
				return nil, enumError("measurement origin", string(o), "import", "label", "manual")
			}
		}
		sel = sel.Where("m.origin IN (?)", bun.List(q.Origins))
		if q.LatestPerCompound {
			sel = sel.Where(`m.id = (SELECT x.id FROM measurements AS x WHERE x.compound_id = m.compound_id
				AND x.endpoint = m.endpoint AND x.origin IN (?) AND x.qualifier NOT IN (?) ORDER BY x.created_at DESC, x.id DESC LIMIT 1)`,
				bun.List(q.Origins), censored)
		}
	} else if q.LatestPerCompound {
		sel = sel.Where(`m.id = (SELECT x.id FROM measurements AS x WHERE x.compound_id = m.compound_id
			AND x.endpoint = m.endpoint AND x.qualifier NOT IN (?) ORDER BY x.created_at DESC, x.id DESC LIMIT 1)`, censored)
	}
	if err := sel.Order("m.compound_id", "m.id").Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("measurements of %s", endpoint))
	}
	return ms, nil
}

// MeasuredCompoundIDs returns, ascending, the compounds with at least one
// measurement of the endpoint (labeled for it). db may be a transaction or nil.
func (s *conn) MeasuredCompoundIDs(ctx context.Context, endpoint string) ([]ID, error) {
	ids := []ID{}
	err := s.db.NewSelect().Model((*Measurement)(nil)).ColumnExpr("DISTINCT m.compound_id").
		Where("m.endpoint = ?", endpoint).OrderExpr("m.compound_id").Scan(ctx, &ids)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("measured compounds of %s", endpoint))
	}
	return ids, nil
}

// MeasurementsByCompoundIDs returns each compound's measurements of the
// endpoint (every endpoint when ""), oldest first, in the order of ids
// (for dataloaders: one query for a page). db may be a transaction or nil.
func (s *conn) MeasurementsByCompoundIDs(ctx context.Context, ids []ID, endpoint string) ([][]*Measurement, error) {
	out := make([][]*Measurement, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var ms []*Measurement
	q := s.db.NewSelect().Model(&ms).Where("m.compound_id IN (?)", bun.List(ids)).Order("m.created_at", "m.id")
	if endpoint != "" {
		q = q.Where("m.endpoint = ?", endpoint)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, s.wrapErr(err, "measurements by compound")
	}
	by := make(map[ID][]*Measurement, len(ids))
	for _, m := range ms {
		by[m.CompoundID] = append(by[m.CompoundID], m)
	}
	for i, id := range ids {
		out[i] = by[id]
		if out[i] == nil {
			out[i] = []*Measurement{}
		}
	}
	return out, nil
}

// compoundChunk bounds the IDs of one IN (...) list.
const compoundChunk = 500

// LoadCompounds returns the compounds in the order of ids, reading through
// db (a transaction or nil) in chunks; ErrNotFound names the first unknown ID.
func (s *conn) LoadCompounds(ctx context.Context, ids []ID) ([]*Compound, error) {
	return s.loadCompounds(ctx, ids, nil)
}

// FeatureRow is one compound's stored model inputs as EachFeatureRow reads
// them. The byte slices alias the database driver's buffers: they are valid
// only until the callback returns (copy what must outlive it).
type FeatureRow struct {
	ID                           ID
	InputSMILES, CanonicalSMILES []byte
	Fingerprint                  []byte // nil when not computed
	Features                     []byte // the binary dense vector; nil when not stored
	FeatureSet                   []byte
	Descriptors                  []byte // the descriptors JSON, only when Features is nil
}

// EachFeatureRow reads the model inputs of compounds ids through db (a
// transaction or nil), compoundChunk IDs per query, and calls fn(i, row)
// for every position i of ids (an ID listed twice is passed twice). Rows
// are scanned into reused buffers, not Compound values, so reading a
// million-compound pool allocates no Compound per row. fn must not use the
// store: the open rows hold the connection (SQLite has one). An unknown ID
// is ErrNotFound, naming it; fn's error stops the walk and is returned.
func (s *conn) EachFeatureRow(ctx context.Context, ids []ID, fn func(i int, r *FeatureRow) error) error {
	pos := make([]int, 0, compoundChunk)
	uniq := make([]ID, 0, compoundChunk)
	var r FeatureRow
	for start := 0; start < len(ids); start += compoundChunk {
		pos = pos[:0]
		for i := start; i < min(start+compoundChunk, len(ids)); i++ {
			pos = append(pos, i)
		}
		slices.SortFunc(pos, func(a, b int) int { return ident.Compare(ids[a], ids[b]) })
		uniq = uniq[:0]
		for _, i := range pos {
			if len(uniq) == 0 || uniq[len(uniq)-1] != ids[i] {
				uniq = append(uniq, ids[i])
			}
		}
		rows, err := s.db.NewSelect().Model((*Compound)(nil)).
			Column("id", "input_smiles", "canonical_smiles", "fingerprint", "features", "feature_set").
			ColumnExpr("CASE WHEN c.features IS NULL THEN c.descriptors END AS descriptors").
			Where("c.id IN (?)", bun.List(uniq)).Order("c.id").Rows(ctx)
		if err != nil {
			return s.wrapErr(err, "compound features")
		}
		next := 0      // into pos: rows arrive in ID order, as pos is sorted
		var stop error // fn's error or an unknown ID: returned as is
		err = func() error {
			defer rows.Close()
			var in, canon, fp, feat, fs, desc sql.RawBytes
			for rows.Next() {
				if err := rows.Scan(&r.ID, &in, &canon, &fp, &feat, &fs, &desc); err != nil {
					return err
				}
				r.InputSMILES, r.CanonicalSMILES, r.Fingerprint, r.Features, r.FeatureSet, r.Descriptors = in, canon, fp, feat, fs, desc
				if next < len(pos) && ident.Compare(ids[pos[next]], r.ID) < 0 {
					stop = fmt.Errorf("compound %d: %w", ids[pos[next]], ErrNotFound)
					return nil
				}
				for ; next < len(pos) && ids[pos[next]] == r.ID; next++ {
					if stop = fn(pos[next], &r); stop != nil {
						return nil
					}
				}
			}
			return rows.Err()
		}()
		if err != nil {
			return s.wrapErr(err, "compound features")
		}
		if stop != nil {
			return stop
		}
		if next < len(pos) {
			return fmt.Errorf("compound %d: %w", ids[pos[next]], ErrNotFound)
		}
	}
	return nil
}

// EachFingerprint calls fn with the ID and stored fingerprint bytes of
// every compound that has a fingerprint, by ascending ID, reading through
// db (a transaction or nil) chunk rows per query (below 1: 5000), keyed by
// the last ID seen: the connection is free between chunks, and compounds added
// meanwhile with larger IDs are included. fp aliases the driver's buffer
// and is valid only until fn returns; fn must not use the store (the open
// rows hold the connection). fn's error stops the walk and is returned.
func (s *conn) EachFingerprint(ctx context.Context, chunk int, fn func(id ID, fp []byte) error) error {
	if chunk < 1 {
		chunk = 5000
	}
	after := NilID
	for {
		rows, err := s.db.NewSelect().Model((*Compound)(nil)).Column("id", "fingerprint").
			Where("c.fingerprint IS NOT NULL").Where("c.id > ?", after).Order("c.id").Limit(int64(chunk)).Rows(ctx)
		if err != nil {
			return s.wrapErr(err, "fingerprints")
		}
		n := 0
		var stop error
		err = func() error {
			defer rows.Close()
			var fp sql.RawBytes
			for rows.Next() {
				if err := rows.Scan(&after, &fp); err != nil {
					return err
				}
				n++
				if stop = fn(after, fp); stop != nil {
					return nil
				}
			}
			return rows.Err()
		}()
		switch {
		case err != nil:
			return s.wrapErr(err, fmt.Sprintf("fingerprints after compound %d", after))
		case stop != nil:
			return stop
		case n < chunk:
			return nil
		}
	}
}

func (s *conn) loadCompounds(ctx context.Context, ids []ID, columns func(*bun.SelectQuery) *bun.SelectQuery) ([]*Compound, error) {
	byID := make(map[ID]*Compound, len(ids))
	for i := 0; i < len(ids); i += compoundChunk {
		var cs []*Compound
		part := ids[i:min(i+compoundChunk, len(ids))]
		q := s.db.NewSelect().Model(&cs)
		if columns != nil {
			q = columns(q)
		}
		if err := q.Where("c.id IN (?)", bun.List(part)).Scan(ctx); err != nil {
			return nil, s.wrapErr(err, "compounds by id")
		}
		for _, c := range cs {
			byID[c.ID] = c
		}
	}
	out := make([]*Compound, len(ids))
	for i, id := range ids {
		c, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("compound %d: %w", id, ErrNotFound)
		}
		out[i] = c
	}
	return out, nil
}

// EachCompound calls fn with the compounds of set setID (every compound when
// 0), by ID, chunk at a time (a chunk below 1 means 1000), reading the next
// chunk only after fn returns: memory stays bounded by one chunk however
// large the pool. Compounds without a fingerprint are included (check
// Fingerprint). fn's error stops the walk and is returned. Each chunk is
// its own query on db (a transaction or nil), keyed by the last ID seen, so
// compounds added meanwhile with larger IDs are included.
func (s *conn) EachCompound(ctx context.Context, setID ID, chunk int, fn func([]*Compound) error) error {
	if chunk < 1 {
		chunk = 1000
	}
	after := NilID
	for {
		cs := []*Compound{}
		q := s.db.NewSelect().Model(&cs).Where("c.id > ?", after).Order("c.id").Limit(int64(chunk))
		if setID != NilID {
			q = q.Where("c.id IN (SELECT compound_id FROM compound_set_members WHERE set_id = ?)", setID)
		}
		if err := q.Scan(ctx); err != nil {
			return s.wrapErr(err, fmt.Sprintf("compounds of set %d after %d", setID, after))
		}
		if len(cs) == 0 {
			return nil
		}
		if err := fn(cs); err != nil {
			return err
		}
		if len(cs) < chunk {
			return nil
		}
		after = cs[len(cs)-1].ID
	}
}

// ValidationMembers returns a validation set's members by compound ID,
// reading through db (a transaction or nil).
func (s *conn) ValidationMembers(ctx context.Context, id ID) ([]ValidationSetMember, error) {
	ms := []ValidationSetMember{}
	err := s.db.NewSelect().Model(&ms).Where("validation_set_id = ?", id).Order("compound_id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("validation set %d", id))
	}
	return ms, nil
}
