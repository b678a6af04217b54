package metrics

import (
	"fmt"
	"math"
)

// checker accumulates validation for one metric call.
type checker struct {
	metric string
	n      int
}

func newChecker(metric string, first []float64, firstName string) (*checker, error) {
	if len(first) == 0 {
		return nil, inputErr(metric, firstName, -1, ErrEmpty, "")
	}
	c := &checker{metric: metric, n: len(first)}
	return c, c.finite(first, firstName)
}

// same checks that x is as long as the first input and finite.
func (c *checker) same(x []float64, name string) error {
	if len(x) != c.n {
		return inputErr(c.metric, name, -1, ErrLength, fmt.Sprintf("%d values, want %d", len(x), c.n))
	}
	return c.finite(x, name)
}

func (c *checker) finite(x []float64, name string) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return inputErr(c.metric, name, i, ErrNaN, "")
		}
	}
	return nil
}

// labels checks binary 0/1 labels.
func (c *checker) labels(y []float64, name string) error {
	if err := c.same(y, name); err != nil {
		return err
	}
	for i, v := range y {
		if v != 0 && v != 1 {
			return inputErr(c.metric, name, i, ErrLabel, fmt.Sprintf("got %g", v))
		}
	}
	return nil
}

// probs checks probabilities in [0, 1].
func (c *checker) probs(p []float64, name string) error {
	if err := c.same(p, name); err != nil {
		return err
	}
	for i, v := range p {
		if v < 0 || v > 1 {
			return inputErr(c.metric, name, i, ErrProbability, fmt.Sprintf("got %g", v))
		}
	}
	return nil
}

// stds checks standard deviations: >= 0, or > 0 when positive is set.
func (c *checker) stds(s []float64, name string, positive bool) error {
	if err := c.same(s, name); err != nil {
		return err
	}
	for i, v := range s {
		if v < 0 || (positive && v == 0) {
			return inputErr(c.metric, name, i, ErrStd, fmt.Sprintf("got %g", v))
		}
	}
	return nil
}

// weights checks optional sample weights and returns them, or nil for
// uniform weights. Weights must be finite, non-negative, with a positive sum.
func (c *checker) weights(w []float64) ([]float64, error) {
	if w == nil {
		return nil, nil
	}
	if err := c.same(w, "weights"); err != nil {
		return nil, err
	}
	sum := 0.0
	for i, v := range w {
		if v < 0 {
			return nil, inputErr(c.metric, "weights", i, ErrWeight, fmt.Sprintf("negative weight %g", v))
		}
		sum += v
	}
	if sum <= 0 {
		return nil, inputErr(c.metric, "weights", -1, ErrWeight, "weights sum to zero")
	}
	return w, nil
}

// wt returns the weight of observation i (1 when w is nil).
func wt(w []float64, i int) float64 {
	if w == nil {
		return 1
	}
	return w[i]
}
