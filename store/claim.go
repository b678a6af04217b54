package store

import (
	"activelab/ident"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// Claim is the result of ClaimNextItem: the item as it is now (in
// progress, assigned to the claimer, with a new lease and version) and
// who held it before, so the caller can report a reclaimed lease.
type Claim struct {
	Item *LabelQueueItem
	// PrevStatus is pending, or in_progress when an expired lease was reclaimed.
	PrevStatus QueueStatus
	// PrevAssignedTo is the previous assignee (nil when unassigned).
	PrevAssignedTo *ID
}

// Reclaimed reports whether the claim took over someone's expired lease.
func (c *Claim) Reclaimed() bool { return c.PrevStatus == QueueInProgress }

// claimArgs are ClaimNextItem's arguments, for the backends.
type claimArgs struct {
	modelIDs        []ID
	userID          ID
	now, leaseUntil time.Time
	where           where // the pass being run (passes)
}

// claimRow is a claimed row plus the columns it had before.
type claimRow struct {
	LabelQueueItem `bun:",extend"`

	PrevStatus     QueueStatus `bun:"prev_status"`
	PrevAssignedTo *ID         `bun:"prev_assigned_to"`
}

// The WHERE clauses of claimable items. Order: priority_score DESC, id ASC
// (the tie-break).
const (
	// assignedToUser: the pending items assigned to the user, which
	// ClaimNextItem hands out before any other.
	assignedToUser = `model_id IN (?) AND status = 'pending' AND assigned_to = ?`
	// pendingFree: pending and unassigned or assigned to the user.
	pendingFree = `model_id IN (?) AND status = 'pending' AND (assigned_to IS NULL OR assigned_to = ?)`
	// leaseExpired: in progress with a lease that has expired by now.
	leaseExpired = `model_id IN (?) AND status = 'in_progress' AND lease_expires_at < ?`
)

// clause is a WHERE clause and its arguments.
type clause struct {
	sql  string
	args []any
}

// where is a pass's WHERE clause: an item is claimable when one of the
// alternatives holds. Each alternative is a walk of one index in the
// queue's order ((model_id, status, priority_score DESC, id)), so a
// backend that cannot walk an OR in order (SQLite sorts its union) picks
// the best item of each and takes the first of those.
type where struct{ alts []clause }

// or is the alternatives as one clause.
func (w where) or() clause {
	var c clause
	for i, a := range w.alts {
		if i > 0 {
			c.sql += " OR "
		}
		c.sql += "(" + a.sql + ")"
		c.args = append(c.args, a.args...)
	}
	return c
}

// passes are the two passes of a claim: the user's own pending items,
// then everything claimable (which includes them).
func (c claimArgs) passes() []where {
	ids := bun.List(c.modelIDs)
	return []where{
		{[]clause{{assignedToUser, []any{ids, c.userID}}}},
		{[]clause{{pendingFree, []any{ids, c.userID}}, {leaseExpired, []any{ids, c.now}}}},
	}
}

// ClaimNextItem atomically gives userID the next claimable item of the
// model versions modelIDs (all versions of a lineage, say). Pending items
// assigned to userID come first (by priority_score desc, then id); then,
// by priority_score desc and id, an unassigned pending item or an
// in-progress item whose lease expired before now. A pending item assigned
// to someone else is never handed out. The item becomes
// in_progress, assigned to userID at now, with lease_expires_at = leaseUntil
// and its version increased. It returns nil, nil when nothing is claimable.
//
// Concurrent claimers never get the same item. On PostgreSQL one statement
// (WITH next AS (SELECT ... FOR UPDATE SKIP LOCKED) UPDATE ... RETURNING)
// both picks and claims, skipping rows another claimer holds. On SQLite the
// pick and the UPDATE ... RETURNING run in one write transaction (db's, or
// one of its own), and SQLite has one writer. db may be a transaction or nil.
func (s *conn) ClaimNextItem(ctx context.Context, modelIDs []ID, userID ID, now, leaseUntil time.Time) (*Claim, error) {
	if len(modelIDs) == 0 {
		return nil, nil
	}
	if !leaseUntil.After(now) {
		return nil, fmt.Errorf("claim for user %d: lease until %s is not after %s: %w", userID, leaseUntil, now, ErrInvalid)
	}
	c := claimArgs{modelIDs: modelIDs, userID: userID, now: dbTime(now), leaseUntil: dbTime(leaseUntil)}
	var rows []claimRow
	for _, w := range c.passes() {
		var err error
		c.where = w
		rows, err = s.be.claimNext(ctx, s.db, c)
		if err != nil {
			return nil, s.wrapErr(err, fmt.Sprintf("claim next item for user %d", userID))
		}
		if len(rows) > 0 {
			break
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0]
	return &Claim{Item: &r.LabelQueueItem, PrevStatus: r.PrevStatus, PrevAssignedTo: r.PrevAssignedTo}, nil
}

func (postgresBackend) claimNext(ctx context.Context, db bun.IDB, c claimArgs) ([]claimRow, error) {
	w := c.where.or()
	rows := []claimRow{}
	err := db.NewRaw(`WITH next AS (
	SELECT id, status, assigned_to FROM label_queue
	WHERE `+w.sql+`
	ORDER BY priority_score DESC, id ASC
	LIMIT 1
	FOR UPDATE SKIP LOCKED
)
UPDATE label_queue AS lq
SET status = 'in_progress', assigned_to = ?, assigned_at = ?, lease_expires_at = ?, version = lq.version + 1, updated_at = ?
FROM next WHERE lq.id = next.id
RETURNING lq.*, next.status AS prev_status, next.assigned_to AS prev_assigned_to`,
		append(slices.Clone(w.args), c.userID, c.now, c.leaseUntil, c.now)...).Scan(ctx, &rows)
	return rows, err
}

// pick is a candidate of one of a pass's alternatives on SQLite.
type pick struct {
	ID             ID          `bun:"id"`
	Priority       float64     `bun:"priority_score"`
	PrevStatus     QueueStatus `bun:"prev_status"`
	PrevAssignedTo *ID         `bun:"prev_assigned_to"`
}

// before reports whether p comes before q in the claim order.
func (p pick) before(q pick) bool {
	return p.Priority > q.Priority || (p.Priority == q.Priority && ident.Compare(p.ID, q.ID) < 0)
}

func (sqliteBackend) claimNext(ctx context.Context, db bun.IDB, c claimArgs) ([]claimRow, error) {
	var rows []claimRow
	claim := func(ctx context.Context, tx bun.IDB) error {
		var best *pick
		for _, a := range c.where.alts {
			var prev []pick
			err := tx.NewRaw(`SELECT id, priority_score, status AS prev_status, assigned_to AS prev_assigned_to FROM label_queue
	WHERE `+a.sql+`
	ORDER BY priority_score DESC, id ASC
	LIMIT 1`, a.args...).Scan(ctx, &prev)
			if err != nil {
				return err
			}
			if len(prev) > 0 && (best == nil || prev[0].before(*best)) {
				best = &prev[0]
			}
		}
		if best == nil {
			return nil
		}
		rows = []claimRow{}
		if err := tx.NewRaw(`UPDATE label_queue
SET status = 'in_progress', assigned_to = ?, assigned_at = ?, lease_expires_at = ?, version = version + 1, updated_at = ?
WHERE id = ?
RETURNING *`, c.userID, c.now, c.leaseUntil, c.now, best.ID).Scan(ctx, &rows); err != nil {
			return err
		}
		for i := range rows {
			rows[i].PrevStatus, rows[i].PrevAssignedTo = best.PrevStatus, best.PrevAssignedTo
		}
		return nil
	}
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return claim(ctx, tx) })
	return rows, err
}
