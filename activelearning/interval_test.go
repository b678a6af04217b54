package activelearning_test

import (
	"errors"
	"math"
	"testing"

	"activelab/activelearning"
	"activelab/store"
)

// TestQueueItemInterval: a queue item answers its stored 90 % interval at
// 0.9 without loading its version's calibration, nil without a stored
// interval, and a level outside (0, 1) is an *InputError on field
// "level" whatever the item; other levels come from the calibration
// (here nil: a version without intervals answers nil).
func TestQueueItemInterval(t *testing.T) {
	t.Parallel()
	f := func(v float64) *float64 { return &v }
	stored := &store.LabelQueueItem{Prediction: f(-2), Uncertainty: f(0.5), IntervalLow: f(-3.1), IntervalHigh: f(-0.9)}
	bare := &store.LabelQueueItem{Prediction: f(0.7), Uncertainty: f(0.1)} // a classifier's item
	loads := 0
	load := func() (*activelearning.Calibration, error) { loads++; return nil, nil }

	iv, err := activelearning.QueueItemInterval(stored, 0.9, load)
	if err != nil || iv == nil || *iv != (activelearning.Interval{Low: -3.1, High: -0.9, Level: 0.9}) || loads != 0 {
		t.Errorf("stored at 0.9: %+v, %v, %d loads", iv, err, loads)
	}
	if iv, err := activelearning.QueueItemInterval(bare, 0.5, load); iv != nil || err != nil || loads != 0 {
		t.Errorf("no stored interval: %+v, %v, %d loads", iv, err, loads)
	}
	if iv, err := activelearning.QueueItemInterval(stored, 0.5, load); iv != nil || err != nil || loads != 1 {
		t.Errorf("0.5 from a nil calibration: %+v, %v, %d loads", iv, err, loads)
	}
	broken := errors.New("no artifact")
	if _, err := activelearning.QueueItemInterval(stored, 0.5, func() (*activelearning.Calibration, error) { return nil, broken }); !errors.Is(err, broken) {
		t.Errorf("load error: %v", err)
	}
	for _, level := range []float64{0, 1, -0.5, 1.5, math.NaN(), math.Inf(1)} {
		for _, it := range []*store.LabelQueueItem{stored, bare} {
			_, err := activelearning.QueueItemInterval(it, level, load)
			var ie *activelearning.InputError
			if !errors.As(err, &ie) || ie.Field != "level" {
				t.Errorf("level %v: %v", level, err)
			}
		}
	}
	var none *activelearning.Calibration
	if iv, err := none.Interval(1, 1, 0.9); iv != nil || err != nil {
		t.Errorf("nil calibration: %+v, %v", iv, err)
	}
}
