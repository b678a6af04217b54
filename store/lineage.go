package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// resolveLineage fills m.LineageID before insert when it can: from the
// parent, or from the name's version 1 for a later version without parent.
// It leaves NilID for a new lineage (CreateMLModel then sets the row's own ID).
func (s *conn) resolveLineage(ctx context.Context, m *MLModel) error {
	if m.LineageID != NilID {
		return nil
	}
	var ids []ID
	switch {
	case m.ParentID != nil:
		err := s.db.NewSelect().Model((*MLModel)(nil)).ColumnExpr("COALESCE(lineage_id, id)").
			Where("? = ?", bun.Ident("id"), *m.ParentID).Scan(ctx, &ids)
		if err != nil {
			return s.wrapErr(err, fmt.Sprintf("lineage of parent %d", *m.ParentID))
		}
		if len(ids) == 0 {
			return fmt.Errorf("parent model %d: %w", *m.ParentID, ErrNotFound)
		}
	case m.Version > 1:
		err := s.db.NewSelect().Model((*MLModel)(nil)).ColumnExpr("COALESCE(lineage_id, id)").
			Where("? = ?", bun.Ident("name"), m.Name).Where("? = 1", bun.Ident("version")).Scan(ctx, &ids)
		if err != nil {
			return s.wrapErr(err, fmt.Sprintf("lineage of model %q", m.Name))
		}
	}
	if len(ids) > 0 {
		m.LineageID = ids[0]
	}
	return nil
}

// ModelVersion returns one model version read through db (a transaction or
// nil); ErrNotFound when there is none.
func (s *conn) ModelVersion(ctx context.Context, id ID) (*MLModel, error) {
	m := new(MLModel)
	if err := s.reads().NewSelect().Model(m).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("model %d", id))
	}
	return m, nil
}

// ModelVersionInfo is ModelVersion without the artifact (Artifact is nil):
// for the reads that need a version's name, task, endpoint or classes and
// not its trained ensemble, which is the bulk of the row (~150 KB).
func (s *conn) ModelVersionInfo(ctx context.Context, id ID) (*MLModel, error) {
	m := new(MLModel)
	if err := s.reads().NewSelect().Model(m).ExcludeColumn("artifact").Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("model %d", id))
	}
	return m, nil
}

// ModelVersions returns every version of the lineage, oldest (version 1)
// first. ErrNotFound when lineageID is not the ID of a version 1 (a lineage
// is named by its root; pass LineageID of any version).
func (s *conn) ModelVersions(ctx context.Context, lineageID ID) ([]*MLModel, error) {
	vs := []*MLModel{}
	err := s.reads().NewSelect().Model(&vs).Where("? = ?", bun.Ident("lineage_id"), lineageID).Order("version").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("versions of model %d", lineageID))
	}
	if len(vs) == 0 || vs[0].ID != lineageID {
		return nil, fmt.Errorf("model %d is not a lineage (the id of a version 1): %w", lineageID, ErrNotFound)
	}
	return vs, nil
}

// ActiveVersionByLineage returns the lineage's active version; ErrNotFound
// when none is active (or there is no such lineage).
func (s *conn) ActiveVersionByLineage(ctx context.Context, lineageID ID) (*MLModel, error) {
	m := new(MLModel)
	err := s.db.NewSelect().Model(m).
		Where("? = ?", bun.Ident("lineage_id"), lineageID).
		Where("? = ?", bun.Ident("status"), ModelActive).
		Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("active version of model %d", lineageID))
	}
	return m, nil
}

// CurrentVersionByLineage returns the lineage's active version, or its
// latest when none is active (training, or every version failed).
// ErrNotFound for an unknown lineage.
func (s *conn) CurrentVersionByLineage(ctx context.Context, lineageID ID) (*MLModel, error) {
	m := new(MLModel)
	err := s.db.NewSelect().Model(m).
		Where("? = ?", bun.Ident("lineage_id"), lineageID).
		OrderExpr("CASE WHEN ? = ? THEN 0 ELSE 1 END", bun.Ident("status"), ModelActive).
		OrderExpr("? DESC", bun.Ident("version")).
		Limit(1).Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("current version of model %d", lineageID))
	}
	return m, nil
}

// CurrentVersions returns, for each lineage of ids, its active version or,
// when none is active, its latest (as CurrentVersionByLineage), by lineage
// ID; an unknown lineage is absent from the map. One query for any number
// of lineages (the GraphQL loader of Model.currentVersion); the versions
// come without their artifacts (Artifact is nil).
func (s *conn) CurrentVersions(ctx context.Context, lineageIDs []ID) (map[ID]*MLModel, error) {
	out := make(map[ID]*MLModel, len(lineageIDs))
	if len(lineageIDs) == 0 {
		return out, nil
	}
	ms := []*MLModel{}
	err := s.reads().NewSelect().Model(&ms).ExcludeColumn("artifact").Where("mm.lineage_id IN (?)", bun.List(lineageIDs)).
		Where(`mm.id = (SELECT x.id FROM ml_models AS x WHERE x.lineage_id = mm.lineage_id
			ORDER BY CASE WHEN x.status = ? THEN 0 ELSE 1 END, x.version DESC LIMIT 1)`, ModelActive).
		Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, "current versions")
	}
	for _, m := range ms {
		out[m.LineageID] = m
	}
	return out, nil
}

// ModelsLatestPerLineage returns one row per lineage, its active version or,
// when none is active, its latest, ordered by lineage ID (creation order).
// Rows come without their artifacts (Artifact is nil: ModelVersion reads
// one), which a list of models never shows.
func (s *conn) ModelsLatestPerLineage(ctx context.Context) ([]*MLModel, error) {
	ms := []*MLModel{}
	err := s.reads().NewSelect().Model(&ms).ExcludeColumn("artifact").
		Where(`mm.id = (SELECT x.id FROM ml_models AS x WHERE x.lineage_id = mm.lineage_id
			ORDER BY CASE WHEN x.status = ? THEN 0 ELSE 1 END, x.version DESC LIMIT 1)`, ModelActive).
		Order("lineage_id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, "models per lineage")
	}
	return ms, nil
}

// LineageVersionIDs returns the IDs of every version of the lineage, oldest
// first (empty for an unknown lineage): the model_id values that queue
// items and cycles of the lineage carry.
func (s *conn) LineageVersionIDs(ctx context.Context, lineageID ID) ([]ID, error) {
	ids := []ID{}
	err := s.reads().NewSelect().Model((*MLModel)(nil)).Column("id").
		Where("? = ?", bun.Ident("lineage_id"), lineageID).Order("version").Scan(ctx, &ids)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("versions of model %d", lineageID))
	}
	return ids, nil
}

// UpdateMLModel writes a version's outcome columns: status, artifact,
// metrics, training_size, error and activated_at (the others are fixed at
// creation). ErrConflict when m becomes active while another version of its
// name is active (use ActivateVersion); ErrNotFound for an unknown id. db
// may be a transaction or nil.
func (s *conn) UpdateMLModel(ctx context.Context, m *MLModel) error {
	if !m.Status.Valid() {
		return enumError("model status", string(m.Status), "training", "active", "superseded", "failed", "candidate")
	}
	m.ActivatedAt = dbTimePtr(m.ActivatedAt)
	res, err := s.db.NewUpdate().Model(m).
		Column("status", "artifact", "metrics", "training_size", "trained_labels", "error", "activated_at").
		Where("id = ?", m.ID).Exec(ctx)
	return s.expectOne(res, err, fmt.Sprintf("update model %d", m.ID))
}

// ActivateVersion makes version id the active one of its lineage at at:
// the lineage's currently active version (if another) becomes superseded
// first, in db, so the one-active-version rule holds at every statement.
// It returns the version that was superseded (NilID when none). ErrNotFound for
// an unknown id. Call it in the transaction that stores the new version.
func (s *conn) ActivateVersion(ctx context.Context, id ID, at time.Time) (superseded ID, err error) {
	d := s.db
	m, err := s.ModelVersion(ctx, id)
	if err != nil {
		return NilID, err
	}
	var olds []ID
	if err := d.NewSelect().Model((*MLModel)(nil)).Column("id").Where("name = ?", m.Name).
		Where("status = ?", ModelActive).Where("id <> ?", id).Scan(ctx, &olds); err != nil {
		return NilID, s.wrapErr(err, fmt.Sprintf("active version of model %d", m.LineageID))
	}
	for _, old := range olds {
		res, err := d.NewUpdate().Model((*MLModel)(nil)).Set("status = ?", ModelSuperseded).Where("id = ?", old).Exec(ctx)
		if err := s.expectOne(res, err, fmt.Sprintf("supersede model %d", old)); err != nil {
			return NilID, err
		}
		superseded = old
	}
	res, err := d.NewUpdate().Model((*MLModel)(nil)).Set("status = ?", ModelActive).Set("activated_at = ?", dbTime(at)).
		Where("id = ?", id).Exec(ctx)
	if err := s.expectOne(res, err, fmt.Sprintf("activate model %d", id)); err != nil {
		return NilID, err
	}
	return superseded, nil
}
