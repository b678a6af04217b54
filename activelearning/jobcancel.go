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
// first training's version fails. A cycle or version no longer training
// is left alone, as are selections and imports (args of other kinds).
func (s *Service) JobCancelled(ctx context.Context, args any, reason string) error {
	cause := errors.New(reason)
	switch a := args.(type) {
	case jobs.RetrainModelArgs:
		c, err := s.st.Cycle(ctx, a.CycleID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cancelled retrain: %w", err)
		}
		v, err := s.st.ModelVersion(ctx, c.ModelID)
		if err != nil {
			return fmt.Errorf("cancelled retrain: %w", err)
		}
		lineage, err := lineageOf(v)
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
