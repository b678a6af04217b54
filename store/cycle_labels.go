package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/uptrace/bun"
)

// CycleLabels is one cycle's labeled queue items with what is needed to
// read them: the cycle's lineage, its number (the items' selection batch)
// and the lineage's task.
type CycleLabels struct {
	CycleID   ID
	LineageID ID
	Number    int
	Task      Task
	// Items are the cycle's labeled items (archived or not), by id.
	Items []*LabelQueueItem
	// LabelGain is the cycle's gain check (ActiveLearningCycle.LabelGain).
	LabelGain json.RawMessage
}

// LabeledItemsOfCycles returns, for each of cycleIDs that exists, the
// labeled items of its batch: the items of the cycle's lineage whose
// selection_batch is its cycle number, whichever version of the lineage
// they are on now (a retrain moves pending items to the new version).
// Unknown ids are left out of the map. Two queries, whatever the number of
// cycles.
func (s *conn) LabeledItemsOfCycles(ctx context.Context, cycleIDs []ID) (map[ID]*CycleLabels, error) {
	out := map[ID]*CycleLabels{}
	if len(cycleIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID          ID              `bun:"id"`
		CycleNumber int             `bun:"cycle_number"`
		LineageID   ID              `bun:"lineage_id"`
		Task        Task            `bun:"task"`
		LabelGain   json.RawMessage `bun:"label_gain"`
	}
	err := s.db.NewSelect().TableExpr("active_learning_cycles AS alc").
		Join("JOIN ml_models AS m ON m.id = alc.model_id").
		ColumnExpr("alc.id, alc.cycle_number, m.lineage_id, m.task, alc.label_gain").
		Where("alc.id IN (?)", bun.List(cycleIDs)).Scan(ctx, &rows)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("lineages of %d cycles", len(cycleIDs)))
	}
	if len(rows) == 0 {
		return out, nil
	}
	type batch struct {
		lineage ID
		number  int
	}
	byBatch := make(map[batch]*CycleLabels, len(rows))
	for _, r := range rows {
		cl := &CycleLabels{CycleID: r.ID, LineageID: r.LineageID, Number: r.CycleNumber, Task: r.Task, Items: []*LabelQueueItem{}, LabelGain: r.LabelGain}
		out[r.ID] = cl
		byBatch[batch{r.LineageID, r.CycleNumber}] = cl
	}
	items := []*LabelQueueItem{}
	err = s.db.NewSelect().Model(&items).Where("lq.status = ?", QueueLabeled).
		WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			for _, r := range rows {
				q = q.WhereOr("(lq.lineage_id = ? AND lq.selection_batch = ?)", r.LineageID, r.CycleNumber)
			}
			return q
		}).Order("lq.id").Scan(ctx)
	if err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("labeled items of %d cycles", len(rows)))
	}
	for _, it := range items {
		if cl := byBatch[batch{it.LineageID, it.SelectionBatch}]; cl != nil {
			cl.Items = append(cl.Items, it)
		}
	}
	return out, nil
}
