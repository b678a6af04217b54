package selfcheck

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

func near(t *testing.T, name string, got *float64, want, tol float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %g", name, want)
		return
	}
	if math.Abs(*got-want) > tol {
		t.Errorf("%s = %.9g, want %.9g (±%g)", name, *got, want, tol)
	}
}

// handBatch: 3 exploit picks with errors 2, 1, 3 (mean 2, sample var 1)
// and 4 explore picks with errors 1, 1, 0.5, 1.5 (mean 1, var 1/6); every
// mean is 0, so a label is its signed error; intervals [-1.2, 1.2] cover
// the 4 labels -1, 1, -1, 0.5.
func handBatch() Input {
	labels := []float64{2, -1, 3, 1, -1, 0.5, -1.5}
	stds := []float64{0.4, 0.2, 0.6, 0.3, 0.1, 0.05, 0.5}
	in := Input{Task: Regression, Level: 0.9}
	for i, y := range labels {
		in.Picks = append(in.Picks, Pick{Label: y, Std: stds[i], Low: -1.2, High: 1.2, HasInterval: true, Explore: i >= 3})
	}
	return in
}

// TestDiagnoseHandComputed checks every number against hand computation:
// hardness 2/1; ln-ratio SE sqrt(1/(3·2²) + (1/6)/(4·1²)) = sqrt(0.125);
// Spearman of the errors' average ranks [6,3,7,3,3,1,5] and the spreads'
// ranks [5,3,7,4,2,1,6] = 25/sqrt(26·28) = 0.926561646 (scipy 1.10
// spearmanr agrees); coverage 4/7; gains (1.00−0.94)/3 and (1.00−0.98)/4.
func TestDiagnoseHandComputed(t *testing.T) {
	t.Parallel()
	in := handBatch()
	in.Gain = &Gain{Before: 1.0, WithExploit: 0.94, WithExplore: 0.98, Metric: "RMSE"}
	d, err := Diagnose(in)
	if err != nil {
		t.Fatal(err)
	}
	if d.Exploit != 3 || d.Explore != 4 || d.RhoN != 7 || d.CoverageN != 7 {
		t.Errorf("counts exploit %d explore %d rho %d coverage %d, want 3 4 7 7", d.Exploit, d.Explore, d.RhoN, d.CoverageN)
	}
	near(t, "ExploitError", d.ExploitError, 2, 1e-12)
	near(t, "ExploreError", d.ExploreError, 1, 1e-12)
	near(t, "Hardness", d.Hardness, 2, 1e-12)
	near(t, "HardnessLogSE", d.HardnessLogSE, math.Sqrt(0.125), 1e-12)
	near(t, "Rho", d.Rho, 0.9265616458263765, 1e-12)
	near(t, "Coverage", d.Coverage, 4.0/7, 1e-12)
	near(t, "GainPerExploitLabel", d.GainPerExploitLabel, 0.02, 1e-12)
	near(t, "GainPerExploreLabel", d.GainPerExploreLabel, 0.005, 1e-12)
	near(t, "GainRatio", d.GainRatio, 4, 1e-9)
	want := "uncertainty picks were 2.0x harder than random picks (mean |error| 2 vs 1, 3 labels vs 4 labels); " +
		"the model's uncertainty ranks errors strongly: rho 0.93 over 7 labels; " +
		"90% intervals covered 4 of 7 new labels (57%); " +
		"per label, uncertainty picks improved RMSE by 0.02 and random picks by 0.005"
	if d.Sentence != want {
		t.Errorf("sentence\n got %q\nwant %q", d.Sentence, want)
	}
	// JSON: numbers, never NaN (encoding/json refuses NaN).
	if _, err := json.Marshal(d); err != nil {
		t.Errorf("marshal: %v", err)
	}
}

// TestDiagnoseClassification: errors |label − p|; exploit 0.8, 0.6, 0.5
// (mean 0.6333), explore 0.1, 0.1, 0.3 (mean 0.1667): 3.8x harder.
// ROC-AUC gains: higher is better.
func TestDiagnoseClassification(t *testing.T) {
	t.Parallel()
	in := Input{Task: Classification, Picks: []Pick{
		{Label: 1, Mean: 0.2, Std: 0.3}, {Label: 0, Mean: 0.6, Std: 0.25}, {Label: 1, Mean: 0.5, Std: 0.35},
		{Label: 1, Mean: 0.9, Std: 0.05, Explore: true}, {Label: 0, Mean: 0.1, Std: 0.1, Explore: true}, {Label: 1, Mean: 0.7, Std: 0.2, Explore: true},
	}, Gain: &Gain{Before: 0.80, WithExploit: 0.83, WithExplore: 0.80, HigherIsBetter: true}}
	d, err := Diagnose(in)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "Hardness", d.Hardness, (1.9/3)/(0.5/3), 1e-12)
	near(t, "GainPerExploitLabel", d.GainPerExploitLabel, 0.01, 1e-12)
	near(t, "GainPerExploreLabel", d.GainPerExploreLabel, 0, 1e-12)
	if d.GainRatio != nil {
		t.Errorf("GainRatio = %g, want nil: random picks gained nothing", *d.GainRatio)
	}
	if !strings.HasPrefix(d.Sentence, "uncertainty picks were 3.8x harder than random picks") {
		t.Errorf("sentence %q", d.Sentence)
	}
	if d.Coverage != nil || strings.Contains(d.Sentence, "intervals") {
		t.Errorf("no intervals given, yet coverage %v in %q", d.Coverage, d.Sentence)
	}
	if !strings.Contains(d.Sentence, "the validation metric by 0.01") {
		t.Errorf("unnamed metric not worded: %q", d.Sentence)
	}
}

// TestDiagnoseDegenerate: small and degenerate batches give no number and
// say why, never NaN.
func TestDiagnoseDegenerate(t *testing.T) {
	t.Parallel()
	mk := func(n, explore int, err, std func(i int) float64) Input {
		in := Input{Task: Regression}
		for i := range n {
			in.Picks = append(in.Picks, Pick{Label: err(i), Std: std(i), Explore: i < explore})
		}
		return in
	}
	id := func(i int) float64 { return float64(i + 1) }
	one := func(int) float64 { return 1 }
	zero := func(int) float64 { return 0 }
	tests := []struct {
		name     string
		in       Input
		hardness bool
		rho      bool
		want     []string
	}{
		{"empty", Input{Task: Regression}, false, false, []string{"no labels in this batch yet"}},
		{"random batch", mk(25, 25, id, id), false, true, []string{"too few picks to compare uncertainty with random picks (0 uncertainty, 25 random; need 3 of each)", "rho 1.00 over 25 labels"}},
		{"two random picks", mk(12, 2, id, id), false, true, []string{"(10 uncertainty, 2 random; need 3 of each)"}},
		{"four labels", mk(4, 2, id, id), false, false, []string{"too few labels to rank errors by uncertainty (4; need 5)"}},
		{"constant spread", mk(8, 4, id, one), true, false, []string{"the uncertainty cannot rank errors here (constant spread or error)"}},
		{"exact random picks", func() Input {
			in := mk(8, 4, id, id)
			for i := range 4 {
				in.Picks[i].Label = 0
			}
			return in
		}(), false, true, []string{"the model predicted every random pick exactly"}},
		{"all exact", mk(8, 4, zero, id), false, false, []string{"the model predicted every random pick exactly", "cannot rank errors"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Diagnose(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if (d.Hardness != nil) != tt.hardness || (d.Rho != nil) != tt.rho {
				t.Errorf("hardness %v rho %v, want set %v %v", d.Hardness, d.Rho, tt.hardness, tt.rho)
			}
			for _, w := range tt.want {
				if !strings.Contains(d.Sentence, w) {
					t.Errorf("sentence %q lacks %q", d.Sentence, w)
				}
			}
			if strings.Contains(d.Sentence, "NaN") || strings.Contains(d.Sentence, "Inf") {
				t.Errorf("sentence %q", d.Sentence)
			}
			if _, err := json.Marshal(d); err != nil {
				t.Errorf("marshal: %v", err)
			}
		})
	}
}

func TestDiagnoseWording(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		rho  float64
		want string
	}{{-0.3, "ranks errors backwards"}, {0.05, "does not rank errors"}, {0.21, "ranks errors weakly"}, {0.4, "ranks errors moderately"}, {0.7, "ranks errors strongly"}} {
		if got := RhoStrength(tt.rho); got != tt.want {
			t.Errorf("RhoStrength(%g) = %q, want %q", tt.rho, got, tt.want)
		}
	}
	// easier and level batches
	for _, tt := range []struct {
		scale float64
		want  string
	}{{0.5, "uncertainty picks were easier than (0.5x) random picks"}, {1.02, "uncertainty picks were as hard as (1.0x) random picks"}} {
		in := handBatch()
		for i := range in.Picks {
			if !in.Picks[i].Explore {
				in.Picks[i].Label *= tt.scale / 2 // exploit mean error 2 -> scale
			}
		}
		d, err := Diagnose(in)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(d.Sentence, tt.want) {
			t.Errorf("scale %g: sentence %q, want prefix %q", tt.scale, d.Sentence, tt.want)
		}
	}
	// an interval bound counts as covered
	in := handBatch()
	for i := range in.Picks {
		in.Picks[i].Low, in.Picks[i].High = -1, 2
	}
	d, _ := Diagnose(in) // 2 and -1 sit on the bounds and count; 3 and -1.5 are out
	near(t, "Coverage with bounds", d.Coverage, 5.0/7, 1e-12)
}

func TestDiagnoseRejectsBadInput(t *testing.T) {
	t.Parallel()
	ok := func() Input { return handBatch() }
	tests := []struct {
		name  string
		edit  func(*Input)
		pick  int
		field string
	}{
		{"NaN label", func(in *Input) { in.Picks[2].Label = math.NaN() }, 2, "label"},
		{"Inf mean", func(in *Input) { in.Picks[0].Mean = math.Inf(1) }, 0, "mean"},
		{"negative std", func(in *Input) { in.Picks[4].Std = -0.1 }, 4, "std"},
		{"inverted interval", func(in *Input) { in.Picks[1].Low = 3 }, 1, "interval"},
		{"no level", func(in *Input) { in.Level = 0 }, -1, "level"},
		{"level 90", func(in *Input) { in.Level = 90 }, -1, "level"},
		{"class label", func(in *Input) { in.Task = Classification; in.Picks[0].Label = 2 }, 0, "label"},
		{"probability", func(in *Input) {
			in.Task = Classification
			for i := range in.Picks {
				in.Picks[i].Label = 1
			}
			in.Picks[3].Mean = 1.5
		}, 3, "mean"},
		{"task", func(in *Input) { in.Task = 7 }, -1, "task"},
		{"gain NaN", func(in *Input) { in.Gain = &Gain{Before: math.NaN()} }, -1, "gain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok()
			tt.edit(&in)
			_, err := Diagnose(in)
			var ie *InputError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInput) {
				t.Fatalf("err = %v, want *InputError wrapping ErrInput", err)
			}
			if ie.Pick != tt.pick || ie.Field != tt.field {
				t.Errorf("error names pick %d field %q, want %d %q (%v)", ie.Pick, ie.Field, tt.pick, tt.field, err)
			}
		})
	}
}
