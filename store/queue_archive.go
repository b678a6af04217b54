package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// archiveChunk bounds the ids of one archiving statement (SQLite and
// PostgreSQL both limit a statement's parameters).
const archiveChunk = 1000

// UnarchivedLabeledItems returns the labeled items of the model versions
// that are not archived and were labeled at or before upTo, by id: the
// items whose labels a retrain that read its training data at upTo may
// have trained on.
func (s *conn) UnarchivedLabeledItems(ctx context.Context, modelIDs []ID, upTo time.Time) ([]*LabelQueueItem, error) {
	items := []*LabelQueueItem{}
	if len(modelIDs) == 0 {
		return items, nil
	}
	err := s.db.NewSelect().Model(&items).Where("lq.model_id IN (?)", bun.List(modelIDs)).
		Where("lq.status = ?", QueueLabeled).Where("lq.archived_at IS NULL").
		Where("lq.labeled_at <= ?", dbTime(upTo)).Order("lq.id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("unarchived labeled items of models %v", modelIDs))
	}
	return items, nil
}

// MarkTrainedItems records that version versionID trained on the labels of
// the items: it becomes their ArchivedVersionID, and with active (the
// version is active) they are archived at at. Items that are no longer
// labeled, or already archived, are left alone; each changed item's
// version increases. It returns how many items changed.
func (s *conn) MarkTrainedItems(ctx context.Context, itemIDs []ID, versionID ID, active bool, at time.Time) (int, error) {
	at = dbTime(at)
	n := 0
	for from := 0; from < len(itemIDs); from += archiveChunk {
		part := itemIDs[from:min(from+archiveChunk, len(itemIDs))]
		q := s.db.NewUpdate().Model((*LabelQueueItem)(nil)).Set("archived_version_id = ?", versionID).
			Set("version = version + 1").Set("updated_at = ?", at)
		if active {
			q = q.Set("archived_at = ?", at)
		}
		res, err := q.Where("id IN (?)", bun.List(part)).Where("status = ?", QueueLabeled).
			Where("archived_at IS NULL").Exec(ctx)
		if err != nil {
			return n, s.wrapErr(err, fmt.Sprintf("mark items trained by version %d", versionID))
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// ArchiveItemsTrainedBy archives, at at, the labeled items that version
// versionID trained on (MarkTrainedItems) and that are not archived yet:
// call it when that version becomes active (promoted or rolled back to).
// It returns how many items it archived.
func (s *conn) ArchiveItemsTrainedBy(ctx context.Context, versionID ID, at time.Time) (int, error) {
	at = dbTime(at)
	res, err := s.db.NewUpdate().Model((*LabelQueueItem)(nil)).Set("archived_at = ?", at).
		Set("version = version + 1").Set("updated_at = ?", at).
		Where("archived_version_id = ?", versionID).Where("status = ?", QueueLabeled).
		Where("archived_at IS NULL").Exec(ctx)
	if err != nil {
		return 0, s.wrapErr(err, fmt.Sprintf("archive items trained by version %d", versionID))
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
