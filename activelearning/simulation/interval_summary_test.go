package simulation

import (
	"encoding/json"
	"math"
	"testing"
)

func TestConstantWidth(t *testing.T) {
	y := []float64{1, 2, 3, 4}
	mu := []float64{1.5, 1, 3, 7} // |errors| 0.5, 1, 0, 3
	for k, want := range map[int]float64{0: 0, 1: 0, 2: 1, 3: 2, 4: 6, 9: 6} {
		if got := constantWidth(y, mu, k); got != want {
			t.Errorf("k=%d: width %v, want %v", k, got, want)
		}
	}
}

// TestIntervalSummary: seed means per cycle, the band counted from the
// fourth cycle, narrower cycles, and undefined values written as null.
func TestIntervalSummary(t *testing.T) {
	pt := func(cov, w, cw float64) Point {
		return Point{Extra: []float64{0, 0, 0, 0, 0, cov, w, cw}}
	}
	nan := math.NaN()
	c := [][]Point{
		{pt(nan, nan, nan), pt(0.80, 2, 1.5), pt(0.85, 2, 2), pt(0.89, 1.8, 2), pt(0.95, 1.7, 2)},
		{pt(nan, nan, nan), pt(0.84, 2, 1.5), pt(0.87, 2, 2), pt(0.91, 1.8, 2), pt(0.93, 2.2, 2)},
	}
	is := intervalSummary(c, 0)
	if is == nil {
		t.Fatal("no summary")
	}
	near := func(a Number, b float64) bool { return math.Abs(float64(a)-b) < 1e-12 }
	if !math.IsNaN(float64(is.Coverage[0])) || !near(is.Coverage[1], 0.82) || !near(is.Coverage[3], 0.90) || !near(is.Coverage[4], 0.94) {
		t.Errorf("coverage %v", is.Coverage)
	}
	// Checked: cycles 3 (0.90, in band, 1.8 < 2) and 4 (0.94, out, 1.95 < 2).
	if is.Level != 0.9 || is.CyclesChecked != 2 || is.CyclesInBand != 1 || is.CyclesNarrower != 2 ||
		!near(is.CoverageMin, 0.90) || !near(is.CoverageMax, 0.94) {
		t.Errorf("summary %+v", is)
	}
	b, err := json.Marshal(is)
	if err != nil {
		t.Fatal(err)
	}
	var back IntervalSummary
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(back.Coverage[0])) || !near(back.Coverage[3], 0.90) {
		t.Errorf("round trip %s -> %+v", b, back)
	}
	// Classification points have no interval metrics.
	if got := intervalSummary([][]Point{{{Extra: []float64{0, 0, 0}}}}, 0.9); got != nil {
		t.Errorf("classification: %+v", got)
	}
}
