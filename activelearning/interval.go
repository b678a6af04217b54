package activelearning

import (
	"context"
	"errors"
	"fmt"
	"math"

	"activelab/ml"
	"activelab/store"
)

// Calibration is a model version's conformal calibration: the sorted,
// spread-normalised out-of-bag scores its artifact keeps (see
// ml.Ensemble.Interval), from which it gives the prediction interval at
// any level in (0, 1) around one of the version's predictions. A nil
// *Calibration is a version without intervals (classification, or an
// artifact written before intervals existed); its Interval says so.
// It is safe for concurrent use.
type Calibration struct {
	ens *ml.Ensemble
}

// calibrationOf returns ens's calibration, nil when it gives no intervals.
func calibrationOf(ens *ml.Ensemble) *Calibration {
	if ens == nil || ens.Task() != ml.Regression || !ens.Calibrated() {
		return nil
	}
	return &Calibration{ens: ens}
}

// CheckLevel returns an *InputError (field "level") unless level, an
// interval's coverage, is in the open interval (0, 1).
func CheckLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return inputErr("level", "%v is not a coverage in (0, 1), e.g. 0.9 for a 90 %% interval", level)
	}
	return nil
}

// Interval is a prediction interval: the true value lies in [Low, High]
// with probability Level (split conformal; see Calibration).
type Interval struct {
	Low, High, Level float64
}

// Interval returns the level interval around a prediction (mean) and its
// ensemble spread (std) as stored on a queue item or returned by Predict,
// or nil (and no error) when c is nil: the version has no intervals.
// Errors are *InputError with field "level": a level outside (0, 1)
// (checked first, so also for a version without intervals), or one too
// close to 1 for the version's calibration (a level needs at least
// level/(1-level) calibration rows: 9 for 0.9, 99 for 0.99).
func (c *Calibration) Interval(mean, std, level float64) (*Interval, error) {
	if err := CheckLevel(level); err != nil {
		return nil, err
	}
	if c == nil {
		return nil, nil
	}
	low, high, err := c.ens.Interval(mean, std, level)
	var ie *ml.InputError
	if errors.As(err, &ie) {
		return nil, &InputError{Field: "level", Msg: ie.Reason}
	}
	if err != nil {
		return nil, err
	}
	return &Interval{Low: low, High: high, Level: level}, nil
}

// Calibrations returns the calibrations of model versions by version id
// (the GraphQL queue items' interval(level) loads them in one batch). A
// version without intervals (classification, no artifact, an artifact
// from before intervals) maps to nil; an unknown id is an error wrapping
// store.ErrNotFound. Decoded ensembles come from the service's cache.
func (s *Service) Calibrations(ctx context.Context, ids []store.ID) (map[store.ID]*Calibration, error) {
	out := make(map[store.ID]*Calibration, len(ids))
	for _, id := range ids {
		m, err := s.st.ModelVersion(ctx, id)
		if err != nil {
			return nil, err
		}
		if m.Task != store.TaskRegression || len(m.Artifact) == 0 {
			out[id] = nil
			continue
		}
		ens, err := s.ensemble(m)
		if err != nil {
			return nil, fmt.Errorf("calibration of model version %d: %w", id, err)
		}
		out[id] = calibrationOf(ens)
	}
	return out, nil
}

// QueueItemInterval returns a queue item's interval at level: the stored
// one (computed when the item was scored) at PredictInterval, else the
// one its version's calibration gives around the stored prediction and
// spread; load returns that calibration and is called only then. Nil
// when the item has no stored interval (classification, an uncalibrated
// version). Errors as Calibration.Interval's, and load's.
func QueueItemInterval(it *store.LabelQueueItem, level float64, load func() (*Calibration, error)) (*Interval, error) {
	has := it.IntervalLow != nil && it.IntervalHigh != nil && it.Prediction != nil && it.Uncertainty != nil
	var mean, std, low, high float64
	if has {
		mean, std, low, high = *it.Prediction, *it.Uncertainty, *it.IntervalLow, *it.IntervalHigh
	}
	return intervalAt(level, has, mean, std, low, high, load)
}

// IntervalAt returns the candidate's interval at level (see
// Calibration.Interval); nil when its version has none.
func (c *Candidate) IntervalAt(level float64) (*Interval, error) {
	return intervalAt(level, c.HasInterval, c.Prediction, c.Uncertainty, c.IntervalLow, c.IntervalHigh,
		func() (*Calibration, error) { return c.calibration, nil })
}

// IntervalAt returns the row's interval at level (see
// Calibration.Interval); nil when the row did not parse or the version
// has no intervals.
func (r *PredictResult) IntervalAt(level float64) (*Interval, error) {
	return intervalAt(level, r.Err == nil && r.HasInterval, r.Prediction, r.Uncertainty, r.Low, r.High,
		func() (*Calibration, error) { return r.calibration, nil })
}

// intervalAt is the interval at level of a prediction (mean, std) whose
// PredictInterval bounds low and high were stored when it was scored
// (has: it has an interval at all): those bounds at PredictInterval, else
// the interval cal's calibration gives (cal is called only then). The
// level is checked first, whether or not there is an interval.
func intervalAt(level float64, has bool, mean, std, low, high float64, cal func() (*Calibration, error)) (*Interval, error) {
	if err := CheckLevel(level); err != nil {
		return nil, err
	}
	if !has {
		return nil, nil
	}
	if sameLevel(level) {
		return &Interval{Low: low, High: high, Level: PredictInterval}, nil
	}
	c, err := cal()
	if err != nil {
		return nil, err
	}
	return c.Interval(mean, std, level)
}

// sameLevel reports whether level is PredictInterval, the level of the
// intervals stored on queue items and computed for candidates and
// predictions.
func sameLevel(level float64) bool {
	return math.Abs(level-PredictInterval) < 1e-12
}
