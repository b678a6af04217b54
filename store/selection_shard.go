package store

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// SelectionShard is what one shard job of a large selection found: the
// compounds of its slice of the pool that the cycle's strategy ranks best.
type SelectionShard struct {
	bun.BaseModel `bun:"table:selection_shards,alias:ss"`

	CycleID ID  `bun:"cycle_id,pk"`
	Shard   int `bun:"shard,pk"`
	// CompoundIDs are the shard's best candidates, best first.
	CompoundIDs []ID      `bun:"compound_ids,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

// SaveSelectionShard stores a shard's candidates once: a second save of the
// same cycle and shard (a retried job) changes nothing. It returns how many
// shards of the cycle are stored, counted in db after the save with the
// cycle locked, so exactly one job sees the last one stored: call it in a
// transaction.
func (s *conn) SaveSelectionShard(ctx context.Context, sh *SelectionShard) (int, error) {
	if sh.CompoundIDs == nil {
		sh.CompoundIDs = []ID{}
	}
	if sh.CreatedAt.IsZero() {
		sh.CreatedAt = now()
	}
	sh.CreatedAt = dbTime(sh.CreatedAt)
	// Lock the cycle first (PostgreSQL): two last shards saving at once must
	// not each count the other's row as missing, or nobody merges.
	var id ID
	if err := s.be.lockRows(s.db.NewSelect().Model((*ActiveLearningCycle)(nil)).Column("id").
		Where("? = ?", bun.Ident("id"), sh.CycleID)).Scan(ctx, &id); err != nil {
		return 0, s.wrapErr(err, fmt.Sprintf("cycle %d", sh.CycleID))
	}
	if _, err := s.db.NewInsert().Model(sh).On("CONFLICT (cycle_id, shard) DO NOTHING").Exec(ctx); err != nil {
		return 0, s.wrapErr(err, fmt.Sprintf("save shard %d of cycle %d", sh.Shard, sh.CycleID))
	}
	n, err := s.db.NewSelect().Model((*SelectionShard)(nil)).Where("cycle_id = ?", sh.CycleID).Count(ctx)
	if err != nil {
		return 0, s.wrapErr(err, fmt.Sprintf("count shards of cycle %d", sh.CycleID))
	}
	return int(n), nil
}

// SelectionShards returns the cycle's stored shards by shard number.
func (s *conn) SelectionShards(ctx context.Context, cycleID ID) ([]*SelectionShard, error) {
	out := []*SelectionShard{}
	if err := s.db.NewSelect().Model(&out).Where("cycle_id = ?", cycleID).Order("shard").Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("shards of cycle %d", cycleID))
	}
	return out, nil
}

// DeleteSelectionShards removes the cycle's shards (once merged).
func (s *conn) DeleteSelectionShards(ctx context.Context, cycleID ID) error {
	_, err := s.db.NewDelete().Model((*SelectionShard)(nil)).Where("cycle_id = ?", cycleID).Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("delete shards of cycle %d", cycleID))
}
