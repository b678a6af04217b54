package activelearning

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"activelab/auth"
	"activelab/store"
)

// AmendLabelInput corrects a label: the new value, source, confidence and
// notes (empty source, confidence: keep the label's), and why.
type AmendLabelInput struct {
	ItemID store.ID
	Value  float64
	// Class, when not empty, is the new class (see SubmitLabelInput.Class).
	Class string
	// NoValue: neither a value nor a class (see SubmitLabelInput.NoValue).
	NoValue    bool
	Source     store.Source
	Confidence store.Confidence
	Notes      *string // nil: keep the label's notes
	Reason     string
	// Confirm keeps an implausible value (see SubmitLabelInput.Confirm).
	Confirm bool
}

// mayCorrect checks that actor may correct or retract the label of it: its
// labeler within Config.CorrectionWindow of labeling it, or an admin at any
// time. Its callers have checked the role (auth.RequireRole).
func (s *Service) mayCorrect(actor *store.User, it *store.LabelQueueItem) error {
	if actor.Role == store.RoleAdmin {
		return nil
	}
	if it.LabeledBy == nil || *it.LabeledBy != actor.ID {
		return fmt.Errorf("queue item %d was labeled by another user; only they (within %s) or an admin may correct it: %w",
			it.ID, s.cfg.CorrectionWindow, auth.ErrForbidden)
	}
	if it.LabeledAt != nil && s.now().Sub(*it.LabeledAt) > s.cfg.CorrectionWindow {
		return fmt.Errorf("queue item %d was labeled at %s, more than %s ago; ask an admin to correct it: %w",
			it.ID, it.LabeledAt.Format("2006-01-02 15:04 MST"), s.cfg.CorrectionWindow, auth.ErrForbidden)
	}
	return nil
}

// AmendLabel corrects a labeled item's label: the item and the measurement
// it became take the new value (so the next retrain trains on it), and the
// item's label history records the old and new values, who, when and why.
// The value is checked as SubmitLabel checks it. The labeler may amend
// within Config.CorrectionWindow (default 24 h), an admin at any time;
// an item that is not labeled is an ErrConflict. A reason is required.
func (s *Service) AmendLabel(ctx context.Context, actor *store.User, in AmendLabelInput) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "amendLabel", store.RoleScientist); err != nil {
		return nil, err
	}
	if in.NoValue {
		return nil, noValue()
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return nil, inputErr("reason", "a correction needs a reason")
	}
	if err := checkMagnitude("value", in.Value); err != nil {
		return nil, err
	}
	if err := checkLabelEnums(in.Source, in.Confidence); err != nil {
		return nil, err
	}
	var out *store.LabelQueueItem
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		ic, err := s.loadItem(ctx, tx, in.ItemID)
		if err != nil {
			return err
		}
		it := ic.item
		if in.Class != "" {
			if err := labelValue(ic.version, in.Class, &in.Value); err != nil {
				return err
			}
		}
		if it.Status != store.QueueLabeled || it.Label == nil {
			return fmt.Errorf("queue item %d is %s, not labeled: %w", it.ID, it.Status, store.ErrConflict)
		}
		if err := s.mayCorrect(actor, it); err != nil {
			return err
		}
		l := store.ItemLabel{Value: in.Value, Source: in.Source, Confidence: in.Confidence, Notes: it.Notes, By: *it.LabeledBy}
		if l.Source == "" {
			l.Source = *it.LabelSource
		}
		if l.Confidence == "" {
			l.Confidence = *it.LabelConfidence
		}
		if in.Notes != nil {
			l.Notes = *in.Notes
		}
		if l.Implausible, err = s.checkLabelValue(ctx, tx, ic, in.Value, in.Confirm); err != nil {
			return err
		}
		now := s.now()
		if err := tx.AmendItemLabel(ctx, it.ID, it.Version, l, now); err != nil {
			return err
		}
		if err := tx.UpdateItemMeasurement(ctx, it.ID, l); err != nil {
			return err
		}
		if err := tx.AddLabelChange(ctx, &store.LabelChange{QueueItemID: it.ID, Action: store.LabelAmended, Value: &l.Value,
			PreviousValue: it.Label, Source: &l.Source, Confidence: &l.Confidence, Notes: l.Notes, Reason: in.Reason,
			UserID: &actor.ID, CreatedAt: now}); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, evt{Type: EventItemAmended, Model: ic.lineage, Item: it.ID, Cycle: ic.cycleID(), Actor: actor.ID,
			Payload: map[string]any{"value": l.Value, "previous_value": *it.Label, "reason": in.Reason, "compound_id": it.CompoundID}}); err != nil {
			return err
		}
		out, err = tx.QueueItem(ctx, it.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("amend label of item %d: %w", in.ItemID, err)
	}
	return out, nil
}

// RetractLabel takes a label back: its measurement is deleted (no later
// version trains on it), the item is pending again for anyone to label, its
// cycle counts one label fewer, and the history keeps the retracted value,
// who, when and why. Who may retract is as for AmendLabel.
func (s *Service) RetractLabel(ctx context.Context, actor *store.User, itemID store.ID, reason string) (*store.LabelQueueItem, error) {
	if err := auth.RequireRole(actor, "retractLabel", store.RoleScientist); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, inputErr("reason", "a retraction needs a reason")
	}
	var out *store.LabelQueueItem
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		ic, err := s.loadItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		it := ic.item
		if it.Status != store.QueueLabeled || it.Label == nil {
			return fmt.Errorf("queue item %d is %s, not labeled: %w", it.ID, it.Status, store.ErrConflict)
		}
		if err := s.mayCorrect(actor, it); err != nil {
			return err
		}
		now := s.now()
		if err := tx.ReopenItem(ctx, it.ID, it.Version, now); err != nil {
			return err
		}
		if err := tx.DeleteItemMeasurement(ctx, it.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := s.bumpCycles(ctx, tx, map[store.ID][2]int{ic.cycleID(): {-1, 0}}); err != nil {
			return err
		}
		if err := tx.AddLabelChange(ctx, &store.LabelChange{QueueItemID: it.ID, Action: store.LabelRetracted,
			PreviousValue: it.Label, Reason: reason, UserID: &actor.ID, CreatedAt: now}); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, evt{Type: EventItemRetracted, Model: ic.lineage, Item: it.ID, Cycle: ic.cycleID(), Actor: actor.ID,
			Payload: map[string]any{"previous_value": *it.Label, "reason": reason, "compound_id": it.CompoundID}}); err != nil {
			return err
		}
		out, err = tx.QueueItem(ctx, it.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retract label of item %d: %w", itemID, err)
	}
	return out, nil
}

// LabelHistory returns the label histories of queue items, oldest entry
// first, by item id.
func (s *Service) LabelHistory(ctx context.Context, itemIDs []store.ID) (map[store.ID][]*store.LabelChange, error) {
	return s.st.LabelHistory(ctx, itemIDs)
}
