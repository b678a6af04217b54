package selfcheck

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestPolicyUpdateHandComputed: one batch with hardness 2 (ln-ratio SE
// sqrt(0.125)) played with share 0.25 and margin 1.25 earns
// 0.75·(ln 2 − ln 1.25) = 0.352502722 with variance 0.75²·0.125 =
// 0.0703125; from the prior N(0, 0.25) the posterior is
// mean (0.352502722/0.0703125)/(4 + 1/0.0703125) = 0.275124076,
// variance 1/(4 + 1/0.0703125) = 0.054878049.
func TestPolicyUpdateHandComputed(t *testing.T) {
	t.Parallel()
	p, err := NewPolicy(nil, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Diagnose(handBatch())
	if err != nil {
		t.Fatal(err)
	}
	r, v, ok := p.Reward(0.25, d)
	if !ok || math.Abs(r-0.35250272193430165) > 1e-12 || math.Abs(v-0.0703125) > 1e-12 {
		t.Fatalf("Reward = %g, %g, %v", r, v, ok)
	}
	if !p.Observe(0.25, d) {
		t.Fatal("Observe(0.25) did not update")
	}
	a := p.Arms[0]
	if math.Abs(a.Mean-0.27512407565604036) > 1e-12 || math.Abs(a.Var-0.054878048780487805) > 1e-12 || a.Observed != 1 {
		t.Errorf("arm 0.25 = %+v", a)
	}
	for _, arm := range p.Arms[1:3] {
		if arm.Mean != 0 || arm.Var != PriorSD*PriorSD {
			t.Errorf("arm %g moved: %+v", arm.Share, arm)
		}
	}
	// no evidence: a random batch, an unknown arm, a batch too small
	if p.Observe(1, d) || p.Observe(0.3, d) {
		t.Error("Observe updated on a random batch or an unknown arm")
	}
	small, _ := Diagnose(Input{Task: Regression, Picks: handBatch().Picks[:4]})
	if p.Observe(0.5, small) {
		t.Error("Observe updated without a measurable hardness")
	}
}

func TestNewPolicyRejects(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		shares []float64
		margin float64
	}{{[]float64{}, 0}, {[]float64{0, 0.5}, 0}, {[]float64{0.5, 0.5}, 0}, {[]float64{1.5}, 0}, {nil, 0.9}, {nil, math.NaN()}} {
		if _, err := NewPolicy(tt.shares, tt.margin, 0); !errors.Is(err, ErrInput) {
			t.Errorf("NewPolicy(%v, %g) err = %v, want ErrInput", tt.shares, tt.margin, err)
		}
	}
}

// TestPolicyDeterministicAndSerializable: the same seed gives the same
// choices, and a policy saved to JSON mid-way and restored continues
// exactly as the original.
func TestPolicyDeterministicAndSerializable(t *testing.T) {
	t.Parallel()
	run := func(p *Policy, w *world, cycles int) []float64 {
		var out []float64
		for range cycles {
			s := p.Choose()
			out = append(out, s)
			p.Observe(s, w.batch(t, s))
		}
		return out
	}
	a, _ := NewPolicy(nil, 0, 42)
	b, _ := NewPolicy(nil, 0, 42)
	wa, wb := newWorld(1.6, 7), newWorld(1.6, 7)
	first := run(a, wa, 10)
	if got := run(b, wb, 10); !reflect.DeepEqual(first, got) {
		t.Fatalf("same seed, different choices: %v vs %v", first, got)
	}
	js, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var c Policy
	if err := json.Unmarshal(js, &c); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*a, c) {
		t.Fatalf("JSON round trip changed the state:\n%+v\n%+v", *a, c)
	}
	wc := *wa
	wc.rng = rand.New(rand.NewPCG(99, 1))
	wa.rng = rand.New(rand.NewPCG(99, 1))
	if x, y := run(a, wa, 10), run(&c, &wc, 10); !reflect.DeepEqual(x, y) {
		t.Errorf("restored policy diverged: %v vs %v", x, y)
	}
}

// world draws batches of 24 labels whose exploit picks' absolute errors
// are hardness times as large as the random picks' (|N(0, 1)|).
type world struct {
	hardness float64
	rng      *rand.Rand
}

func newWorld(hardness float64, seed uint64) *world {
	return &world{hardness: hardness, rng: rand.New(rand.NewPCG(seed, 3))}
}

func (w *world) batch(t *testing.T, share float64) Diagnostics {
	t.Helper()
	const n = 24
	nExplore := int(math.Round(share * n))
	in := Input{Task: Regression}
	for i := range n {
		e := math.Abs(w.rng.NormFloat64())
		explore := i < nExplore
		if !explore {
			e *= w.hardness
		}
		in.Picks = append(in.Picks, Pick{Label: e, Std: w.rng.Float64(), Explore: explore})
	}
	d, err := Diagnose(in)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// meanLateShare runs 20 policies (seeds 0-19) for 30 cycles in a world and
// returns the mean explore share they chose in cycles 16-30.
func meanLateShare(t *testing.T, hardness float64) float64 {
	var sum float64
	var n int
	for seed := range uint64(20) {
		p, err := NewPolicy(nil, 0, seed)
		if err != nil {
			t.Fatal(err)
		}
		w := newWorld(hardness, 1000+seed)
		for c := range 30 {
			s := p.Choose()
			if c >= 15 {
				sum += s
				n++
			}
			p.Observe(s, w.batch(t, s))
		}
	}
	return sum / float64(n)
}

// TestPolicyUninformativeConvergesToRandom: when the model's uncertainty
// says nothing about its errors (exploit picks as hard as random ones),
// the late batches are mostly random; the first choices (prior only)
// average about (0.25+0.5+0.75+1)/4 = 0.63 or less.
func TestPolicyUninformativeConvergesToRandom(t *testing.T) {
	t.Parallel()
	s := meanLateShare(t, 1.0)
	t.Logf("mean late explore share %.3f", s)
	if s < 0.8 { // 0.866 with these seeds
		t.Errorf("uninformative uncertainty: mean late explore share %.3f, want >= 0.8 (random-like)", s)
	}
}

// TestPolicyInformativeKeepsExploiting: when exploit picks are twice as
// hard as random ones, the policy keeps most of each batch for them.
func TestPolicyInformativeKeepsExploiting(t *testing.T) {
	t.Parallel()
	s := meanLateShare(t, 2.0)
	t.Logf("mean late explore share %.3f", s)
	if s > 0.4 { // 0.315 with these seeds
		t.Errorf("informative uncertainty: mean late explore share %.3f, want <= 0.4 (mostly 0.25)", s)
	}
}

// TestPolicyFirstChoiceSpreads: before any evidence the draws come from
// the prior, so every arm gets played across seeds (no arm is hard-wired).
func TestPolicyFirstChoiceSpreads(t *testing.T) {
	t.Parallel()
	count := map[float64]int{}
	for seed := range uint64(200) {
		p, _ := NewPolicy(nil, 0, seed)
		count[p.Choose()]++
	}
	for _, s := range DefaultShares {
		if count[s] == 0 {
			t.Errorf("share %g never chosen first in 200 seeds: %v", s, count)
		}
	}
}
