package activelearning

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"activelab/auth"
	"activelab/ident"
	"activelab/store"
)

// itemContext is what a queue change needs to know about its item.
type itemContext struct {
	item    *store.LabelQueueItem
	version *store.MLModel // without its artifact (ModelVersionInfo)
	lineage store.ID
	cycle   *store.ActiveLearningCycle // nil when the batch has no cycle
}

func (s *Service) loadItem(ctx context.Context, tx store.Querier, id store.ID) (*itemContext, error) {
	it, err := tx.QueueItem(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := tx.ModelVersionInfo(ctx, it.ModelID)
	if err != nil {
		return nil, err
	}
	lid, err := lineageOf(v)
	if err != nil {
		return nil, err
	}
	c, err := tx.CycleByNumber(ctx, lid, it.SelectionBatch)
	if errors.Is(err, store.ErrNotFound) {
		c, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &itemContext{item: it, version: v, lineage: lid, cycle: c}, nil
}

func (ic *itemContext) cycleID() store.ID {
	if ic.cycle == nil {
		return store.NilID
	}
	return ic.cycle.ID
}

// heldByOther reports whether someone other than user holds the item: an
// unexpired in-progress claim, or a pending item assigned to someone else.
func heldByOther(it *store.LabelQueueItem, user store.ID, now time.Time) bool {
	if it.AssignedTo == nil || *it.AssignedTo == user {
		return false
	}
	switch it.Status {
	case store.QueueInProgress:
		return it.LeaseExpiresAt != nil && it.LeaseExpiresAt.After(now)
	case store.QueuePending:
		return true
	}
	return false
}

// ClaimNextItem atomically hands actor (scientist or admin) the
// highest-priority item of the lineage that nobody holds: a pending item
// unassigned or assigned to actor, or an in-progress item whose lease has
// expired (a reclaim); ties go to the lower ID. Concurrent claimers never get
// the same item (store.ClaimNextItem: FOR UPDATE SKIP LOCKED on PostgreSQL,
// SQLite's single writer). The item becomes in_progress, assigned to actor, with a
// lease of Config.LeaseDuration. Returns nil, nil when there is nothing to
// claim.
func (s *Service) ClaimNextItem(ctx context.Context, actor *store.User, modelID store.ID) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "claimNextItem", store.RoleScientist); err != nil {
		return nil, err
	}
	ids, err := s.lineageVersionIDs(ctx, modelID)
	if err != nil {
		return nil, err
	}
	var got *store.LabelQueueItem
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		lease := now.Add(s.cfg.LeaseDuration)
		claim, err := tx.ClaimNextItem(ctx, ids, actor.ID, now, lease)
		if err != nil || claim == nil {
			return err
		}
		ic, err := s.loadItem(ctx, tx, claim.Item.ID)
		if err != nil {
			return err
		}
		var lapsed *store.ID
		if claim.Reclaimed() {
			lapsed = claim.PrevAssignedTo
		}
		if err := s.emit(ctx, tx, claimEvents(ic, actor, lease, lapsed)...); err != nil {
			return err
		}
		got = ic.item
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim next item of model %d: %w", modelID, err)
	}
	return got, nil
}

// claimEvents are the events of actor claiming ic's item until lease: an
// item_released for the previous holder whose lease lapsed (lapsed, when
// not nil), then item_claimed.
func claimEvents(ic *itemContext, actor *store.User, lease time.Time, lapsed *store.ID) []evt {
	var es []evt
	if lapsed != nil {
		es = append(es, evt{Type: EventItemReleased, Model: ic.lineage, Item: ic.item.ID, Cycle: ic.cycleID(),
			Payload: map[string]any{"reason": "lease expired", "user_id": *lapsed}})
	}
	return append(es, evt{Type: EventItemClaimed, Model: ic.lineage, Item: ic.item.ID, Cycle: ic.cycleID(), Actor: actor.ID,
		Payload: map[string]any{"lease_expires_at": lease}})
}

// RenewLease extends actor's claim on an in-progress item by
// Config.LeaseDuration from now; ErrConflict when actor does not hold it.
func (s *Service) RenewLease(ctx context.Context, actor *store.User, itemID store.ID) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "renewLease", store.RoleScientist); err != nil {
		return nil, err
	}
	var out *store.LabelQueueItem
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		it, err := tx.QueueItem(ctx, itemID)
		if err != nil {
			return err
		}
		if it.Status != store.QueueInProgress || it.AssignedTo == nil || *it.AssignedTo != actor.ID {
			return fmt.Errorf("queue item %d is %s and not held by user %d: %w", itemID, it.Status, actor.ID, store.ErrConflict)
		}
		now := s.now()
		if err := tx.RenewItemLease(ctx, it.ID, it.Version, now.Add(s.cfg.LeaseDuration), now); err != nil {
			return err
		}
		out, err = tx.QueueItem(ctx, itemID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("renew lease: %w", err)
	}
	return out, nil
}

// SubmitLabel records actor's label for an item and, in the same
// transaction, a measurement (origin label) that trains later versions, the
// cycle's labeled count and an item_labeled event.
//
// The value must be finite and within ±MaxLabelMagnitude, and for a
// classification model a class: in.Class (a class name or index) or
// in.Value, a class index (0 or 1 for a binary model); anything else is an
// *InputError naming the valid classes. A regression value that is implausible for the
// endpoint and the item's prediction (see plausibility) is refused with an
// *ImplausibleError unless in.Confirm, which stores it flagged (the
// measurement then stays out of the endpoint's observed range). Source
// defaults to experimental and Confidence to high. Submitting the same
// label again (same user, value, source, confidence) returns the item and
// changes nothing; any other submission to a labeled item, a skipped item or
// an item someone else holds is an ErrConflict.
func (s *Service) SubmitLabel(ctx context.Context, actor *store.User, in SubmitLabelInput) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "submitLabel", store.RoleScientist); err != nil {
		return nil, err
	}
	if in.NoValue {
		return nil, noValue()
	}
	if err := checkMagnitude("value", in.Value); err != nil {
		return nil, err
	}
	if in.Source == "" {
		in.Source = store.SourceExperimental
	}
	if in.Confidence == "" {
		in.Confidence = store.ConfidenceHigh
	}
	if err := checkLabelEnums(in.Source, in.Confidence); err != nil {
		return nil, err
	}
	var out *store.LabelQueueItem
	stored := ""           // the model's name once this call stored the label
	var held time.Duration // how long the labeler held the item (0: they did not)
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		stored, held = "", 0
		ic, err := s.loadItem(ctx, tx, in.ItemID)
		if err != nil {
			return err
		}
		it := ic.item
		// Before the status checks: a bad value is an input error whatever the item.
		if err := labelValue(ic.version, in.Class, &in.Value); err != nil {
			return err
		}
		now := s.now()
		switch {
		case it.Status == store.QueueLabeled:
			if sameLabel(it, actor, in) {
				out = it
				return nil // the same submission again
			}
			return fmt.Errorf("queue item %d is already labeled (%g): %w", it.ID, deref(it.Label), store.ErrConflict)
		case it.Status == store.QueueSkipped:
			return fmt.Errorf("queue item %d was skipped: %w", it.ID, store.ErrConflict)
		case heldByOther(it, actor.ID, now):
			return fmt.Errorf("queue item %d is held by user %d: %w", it.ID, *it.AssignedTo, store.ErrConflict)
		}
		if it.AssignedTo != nil && *it.AssignedTo == actor.ID && it.AssignedAt != nil {
			held = max(now.Sub(*it.AssignedAt), time.Nanosecond)
		}
		implausible, err := s.checkLabelValue(ctx, tx, ic, in.Value, in.Confirm)
		if err != nil {
			return err
		}
		if err := tx.LabelItem(ctx, it.ID, it.Version, store.ItemLabel{Value: in.Value, Source: in.Source,
			Confidence: in.Confidence, Notes: in.Notes, By: actor.ID, Implausible: implausible}, now); err != nil {
			return err
		}
		m := &store.Measurement{CompoundID: it.CompoundID, Endpoint: ic.version.Endpoint, Value: in.Value, Source: in.Source,
			Confidence: in.Confidence, UserID: &actor.ID, Origin: store.OriginLabel, QueueItemID: &it.ID, CreatedAt: now,
			Implausible: implausible}
		if err := tx.CreateMeasurement(ctx, m); err != nil {
			return err
		}
		if err := tx.AddLabelChange(ctx, &store.LabelChange{QueueItemID: it.ID, Action: store.LabelLabeled, Value: &in.Value,
			Source: &in.Source, Confidence: &in.Confidence, Notes: in.Notes, UserID: &actor.ID, CreatedAt: now}); err != nil {
			return err
		}
		if err := s.bumpCycles(ctx, tx, map[store.ID][2]int{ic.cycleID(): {1, 0}}); err != nil {
			return err
		}
		// The event goes last: AppendEvent takes the outbox lock (see emit).
		if err := s.emit(ctx, tx, evt{Type: EventItemLabeled, Model: ic.lineage, Item: it.ID, Cycle: ic.cycleID(), Actor: actor.ID,
			Payload: map[string]any{"value": in.Value, "source": in.Source, "confidence": in.Confidence, "compound_id": it.CompoundID}}); err != nil {
			return err
		}
		out, err = tx.QueueItem(ctx, it.ID)
		stored = ic.version.Name
		return err
	})
	if err == nil && stored != "" && s.obs != nil {
		s.obs.LabelSubmitted(stored, in.Source)
		if held > 0 {
			s.obs.LabelLatency(stored, held)
		}
	}
	if errors.Is(err, store.ErrConflict) {
		// Two identical submissions at once: the loser's write found the
		// row changed. When the winner stored this very label, the call
		// succeeded, as it is idempotent.
		if it, rerr := s.st.QueueItem(ctx, in.ItemID); rerr == nil && it.Status == store.QueueLabeled && sameLabel(it, actor, in) {
			return it, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("submit label for item %d: %w", in.ItemID, err)
	}
	return out, nil
}

// sameLabel reports whether labeled item it holds actor's label in (value,
// source and confidence): submitting it again changes nothing.
func sameLabel(it *store.LabelQueueItem, actor *store.User, in SubmitLabelInput) bool {
	return it.Label != nil && *it.Label == in.Value && it.LabeledBy != nil && *it.LabeledBy == actor.ID &&
		it.LabelSource != nil && *it.LabelSource == in.Source && it.LabelConfidence != nil && *it.LabelConfidence == in.Confidence
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// bumpCycles adds labeled and skipped counts (by cycle ID; 0 = no cycle) to
// the cycles in ascending ID order, so that concurrent transactions lock
// cycle rows in one order.
func (s *Service) bumpCycles(ctx context.Context, tx store.Querier, counts map[store.ID][2]int) error {
	ids := make([]store.ID, 0, len(counts))
	for id := range counts {
		if id != store.NilID {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, ident.Compare)
	for _, id := range ids {
		if err := tx.BumpCycleCounts(ctx, id, counts[id][0], counts[id][1]); err != nil {
			return err
		}
	}
	return nil
}

// lockOrder returns ids sorted and without duplicates: multi-item
// transactions write item rows in ascending ID order, so two of them never
// wait on each other's rows in a cycle.
func lockOrder(ids []store.ID) []store.ID {
	out := slices.Clone(ids)
	slices.SortFunc(out, ident.Compare)
	return slices.Compact(out)
}

// SkipItem skips an item with a reason (required). Skipping a skipped item
// again returns it unchanged; a labeled item or one someone else holds is an
// ErrConflict.
func (s *Service) SkipItem(ctx context.Context, actor *store.User, itemID store.ID, reason string) (*store.LabelQueueItem, error) {
	out, err := s.skipItems(ctx, actor, "skipItem", []store.ID{itemID}, reason)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// SkipItems skips several items, all or none (one transaction).
func (s *Service) SkipItems(ctx context.Context, actor *store.User, itemIDs []store.ID, reason string) ([]*store.LabelQueueItem, error) {
	return s.skipItems(ctx, actor, "skipItems", itemIDs, reason)
}

// skipItems is SkipItems for operation op (SkipItem or SkipItems).
func (s *Service) skipItems(ctx context.Context, actor *store.User, op string, itemIDs []store.ID, reason string) ([]*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, op, store.RoleScientist); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, inputErr("reason", "a skip needs a reason")
	}
	if len(itemIDs) == 0 || len(itemIDs) > s.cfg.MaxBatchSize {
		return nil, inputErr("itemIds", "give 1..%d items", s.cfg.MaxBatchSize)
	}
	out := make([]*store.LabelQueueItem, 0, len(itemIDs))
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		// Row writes first (items in ID order, then cycles); events last,
		// because AppendEvent holds the outbox lock until commit.
		done := map[store.ID]*store.LabelQueueItem{}
		counts := map[store.ID][2]int{}
		var es []evt
		for _, id := range lockOrder(itemIDs) {
			ic, err := s.loadItem(ctx, tx, id)
			if err != nil {
				return err
			}
			it := ic.item
			switch {
			case it.Status == store.QueueSkipped:
				done[id] = it
				continue
			case it.Status == store.QueueLabeled:
				return fmt.Errorf("queue item %d is labeled: %w", id, store.ErrConflict)
			case heldByOther(it, actor.ID, s.now()) && actor.Role != store.RoleAdmin:
				return fmt.Errorf("queue item %d is held by user %d: %w", id, *it.AssignedTo, store.ErrConflict)
			}
			if err := tx.SkipQueueItem(ctx, it.ID, it.Version, actor.ID, reason, s.now()); err != nil {
				return err
			}
			c := counts[ic.cycleID()]
			counts[ic.cycleID()] = [2]int{c[0], c[1] + 1}
			es = append(es, evt{Type: EventItemSkipped, Model: ic.lineage, Item: id, Cycle: ic.cycleID(), Actor: actor.ID,
				Payload: map[string]any{"reason": reason}})
			if done[id], err = tx.QueueItem(ctx, id); err != nil {
				return err
			}
		}
		if err := s.bumpCycles(ctx, tx, counts); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, es...); err != nil {
			return err
		}
		for _, id := range itemIDs {
			out = append(out, done[id])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("skip items: %w", err)
	}
	return out, nil
}

// AssignItems assigns pending items to a user, all or none. Scientists may
// assign only to themselves; assigning to someone else needs admin
// (auth.ErrForbidden). Labeled or skipped items, and items someone else holds
// under a live lease, are an ErrConflict. An assigned item stays pending
// (only its assignee can claim or label it).
func (s *Service) AssignItems(ctx context.Context, actor *store.User, itemIDs []store.ID, userID store.ID) ([]*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "assignItems", store.RoleScientist); err != nil {
		return nil, err
	}
	if userID != actor.ID {
		if err := auth.RequireRole(actor, "assignItems to another user", store.RoleAdmin); err != nil {
			return nil, err
		}
	}
	if len(itemIDs) == 0 || len(itemIDs) > s.cfg.MaxBatchSize {
		return nil, inputErr("itemIds", "give 1..%d items", s.cfg.MaxBatchSize)
	}
	u, err := s.st.UserByID(ctx, userID)
	if err != nil {
		return nil, &InputError{Field: "userId", Msg: err.Error()}
	}
	if !auth.AtLeast(u.Role, store.RoleScientist) {
		return nil, inputErr("userId", "user %d is a %s and cannot label", userID, u.Role)
	}
	out := make([]*store.LabelQueueItem, 0, len(itemIDs))
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		now := s.now()
		// Row writes first (items in ID order); events last, because
		// AppendEvent holds the outbox lock until commit.
		done := map[store.ID]*store.LabelQueueItem{}
		var es []evt
		for _, id := range lockOrder(itemIDs) {
			ic, err := s.loadItem(ctx, tx, id)
			if err != nil {
				return err
			}
			it := ic.item
			switch {
			case it.Status == store.QueueLabeled || it.Status == store.QueueSkipped:
				return fmt.Errorf("queue item %d is %s: %w", id, it.Status, store.ErrConflict)
			case it.Status == store.QueueInProgress && heldByOther(it, userID, now):
				return fmt.Errorf("queue item %d is held by user %d: %w", id, *it.AssignedTo, store.ErrConflict)
			}
			if err := tx.AssignQueueItem(ctx, it.ID, it.Version, userID, now); err != nil {
				return err
			}
			es = append(es, evt{Type: EventItemAssigned, Model: ic.lineage, Item: id, Cycle: ic.cycleID(), Actor: actor.ID,
				Payload: map[string]any{"user_id": userID}})
			if done[id], err = tx.QueueItem(ctx, id); err != nil {
				return err
			}
		}
		if err := s.emit(ctx, tx, es...); err != nil {
			return err
		}
		for _, id := range itemIDs {
			out = append(out, done[id])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("assign items: %w", err)
	}
	return out, nil
}

// PendingItems returns the items assigned to userID that are pending or in
// progress, highest priority first, at most limit (default and cap
// Config.QueuePageMax).
func (s *Service) PendingItems(ctx context.Context, userID store.ID, limit int) ([]*store.LabelQueueItem, error) {
	if limit <= 0 || limit > s.cfg.QueuePageMax {
		limit = s.cfg.QueuePageMax
	}
	page, err := s.st.ListQueue(ctx, store.QueueFilter{AssignedTo: &userID,
		Statuses: []store.QueueStatus{store.QueuePending, store.QueueInProgress}}, store.QueueByPriority, nil, limit)
	if err != nil {
		return nil, fmt.Errorf("pending items of user %d: %w", userID, err)
	}
	return page.Items, nil
}

// QueueItem returns one item.
func (s *Service) QueueItem(ctx context.Context, id store.ID) (*store.LabelQueueItem, error) {
	return s.st.QueueItem(ctx, id)
}

// ClaimItem hands actor one particular item (a row opened from the queue
// table): a pending item unassigned or assigned to actor, an in-progress
// item actor holds (its lease is renewed) or whose lease has expired. An
// item someone else holds is an ErrConflict naming the holder; a labeled or
// skipped item too.
func (s *Service) ClaimItem(ctx context.Context, actor *store.User, itemID store.ID) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "claimItem", store.RoleScientist); err != nil {
		return nil, err
	}
	var out *store.LabelQueueItem
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		ic, err := s.loadItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		it := ic.item
		now := s.now()
		switch {
		case it.Status == store.QueueLabeled || it.Status == store.QueueSkipped:
			return fmt.Errorf("queue item %d is %s: %w", it.ID, it.Status, store.ErrConflict)
		case heldByOther(it, actor.ID, now):
			return fmt.Errorf("queue item %d is held by user %d: %w", it.ID, *it.AssignedTo, store.ErrConflict)
		}
		lease := now.Add(s.cfg.LeaseDuration)
		if err := tx.ClaimItem(ctx, it.ID, it.Version, actor.ID, now, lease); err != nil {
			return err
		}
		var lapsed *store.ID
		if it.Status == store.QueueInProgress && it.AssignedTo != nil && *it.AssignedTo != actor.ID {
			lapsed = it.AssignedTo
		}
		if err := s.emit(ctx, tx, claimEvents(ic, actor, lease, lapsed)...); err != nil {
			return err
		}
		out, err = tx.QueueItem(ctx, it.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("claim item %d: %w", itemID, err)
	}
	return out, nil
}

// ReleaseItem hands an item actor holds back to the queue unlabeled
// (pending, unassigned): the labeling workspace's Next. Admins may release
// anyone's item; an item actor does not hold is an ErrConflict.
func (s *Service) ReleaseItem(ctx context.Context, actor *store.User, itemID store.ID) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "releaseItem", store.RoleScientist); err != nil {
		return nil, err
	}
	var out *store.LabelQueueItem
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		ic, err := s.loadItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		it := ic.item
		if it.Status != store.QueueInProgress || it.AssignedTo == nil || (*it.AssignedTo != actor.ID && actor.Role != store.RoleAdmin) {
			return fmt.Errorf("queue item %d is %s and not held by user %d: %w", it.ID, it.Status, actor.ID, store.ErrConflict)
		}
		if err := tx.ReleaseItem(ctx, it.ID, it.Version, s.now()); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, evt{Type: EventItemReleased, Model: ic.lineage, Item: it.ID, Cycle: ic.cycleID(), Actor: actor.ID,
			Payload: map[string]any{"reason": "released", "user_id": *it.AssignedTo}}); err != nil {
			return err
		}
		out, err = tx.QueueItem(ctx, it.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("release item %d: %w", itemID, err)
	}
	return out, nil
}
