package activelearning

import (
	"testing"

	"activelab/store"
)

// TestPlausibilityRule checks the documented rule case by case.
func TestPlausibilityRule(t *testing.T) {
	logS := store.ValueRange{Min: -11.6, Max: 1.6, N: 1000} // span 13.2: plausible range [-24.8, 14.8]
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name      string
		v         float64
		r         store.ValueRange
		pred, std *float64
		want      bool // implausible
	}{
		{"far outside both", 1e5, logS, f(-3), f(0.5), true},
		{"outside the range, near an extreme prediction", 16, logS, f(15), f(0.5), false},
		{"within the range, far from the prediction", 3.5, logS, f(-3.5), f(0.3), false},
		{"just beyond the range by its span, far from the prediction", 14.9, logS, f(-3), f(0.5), true},
		{"outside the range, no prediction", 20, logS, nil, nil, true},
		{"inside the range, no prediction", 10, logS, nil, nil, false},
		{"no range, far from the prediction", 50, store.ValueRange{}, f(1), f(2), true},
		{"no range, near the prediction", 5, store.ValueRange{}, f(1), f(2), false},
		{"a single value is no range", 1e5, store.ValueRange{Min: 1, Max: 1, N: 1}, nil, nil, false},
		{"no range, a tiny sigma", 1.5, store.ValueRange{}, f(1), f(0.01), true},
	} {
		err := plausibility(tc.v, tc.r, tc.pred, tc.std, 4)
		if got := err != nil; got != tc.want {
			t.Errorf("%s: plausibility(%g) = %v, want implausible %v", tc.name, tc.v, err, tc.want)
		}
	}
}
