package activelearning

import (
	"context"
	"errors"
	"fmt"

	"activelab/jobs"
	"activelab/store"
)

// JobCancelled settles what a job an admin cancelled was doing
// (jobs.Canceller), so that nothing waits for a job that will not finish:
// a retrain's cycle fails with reason (so the model can be retrained), a
// first training's version fails, and a selection's cycle (select_samples,
// or any one of its score_shard jobs) is cancelled with reason, its shards
// deleted, so it no longer shows as the lineage's open cycle; it queued
// nothing, and the lineage may start another selection at once. A cycle or
// version that has moved on (a selection that queued its batch first, a
// retrain that finished) is left alone, as are imports.
func (s *Service) JobCancelled(ctx context.Context, args any, reason string) error {
	cause := errors.New(reason)
	switch a := args.(type) {
	case jobs.SelectSamplesArgs:
		return s.cancelSelection(ctx, a.CycleID, reason)
	case jobs.ScoreShardArgs:
		return s.cancelSelection(ctx, a.CycleID, reason)
	case jobs.RetrainModelArgs:
		c, err := s.st.Cycle(ctx, a.CycleID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cancelled retrain: %w", err)
		}
		lineage, err := versionLineage(ctx, s.st, c.ModelID)
		if err != nil {
			return fmt.Errorf("cancelled retrain: %w", err)
		}
		return s.failCycle(ctx, c.ID, lineage, cause)
	case jobs.TrainModelArgs:
		m, err := s.st.ModelVersion(ctx, a.ModelID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cancelled training: %w", err)
		}
		return s.failModel(ctx, m, cause)
	}
	return nil
}

// cancelSelection ends a selecting cycle as cancelled with reason, in one
// transaction with its cycle_updated event; a cycle no longer selecting,
// or gone, is left alone. A selection job still running finds the cycle
// cancelled when it would queue its batch, and rolls back (RunSelection).
func (s *Service) cancelSelection(ctx context.Context, cycleID store.ID, reason string) error {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Cycle(ctx, cycleID)
		if err != nil {
			return err
		}
		lineage, err := versionLineage(ctx, tx, c.ModelID)
		if err != nil {
			return err
		}
		ok, err := tx.CancelSelectingCycle(ctx, cycleID, reason, s.now())
		if err != nil || !ok {
			return err
		}
		return s.emit(ctx, tx, evt{Type: EventCycleUpdated, Model: lineage, Cycle: cycleID,
			Payload: map[string]any{"status": store.CycleCancelled, "error": reason}})
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cancelled selection of cycle %d: %w", cycleID, err)
	}
	return nil
}
