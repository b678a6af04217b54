package sampling

import (
	"activelab/ml"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

func indexes(r []Ranked) []int {
	out := make([]int, len(r))
	for i, x := range r {
		out[i] = x.Index
	}
	return out
}

func mustSelect(t *testing.T, cands []Candidate, opt Options) []Ranked {
	t.Helper()
	r, err := Select(cands, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pool is a small classification pool with hand-chosen values.
var pool = []Candidate{
	{Index: 10, Mean: 1.0, Std: 0.1, Prob: 0.9, Distance: 0.2},
	{Index: 11, Mean: 3.0, Std: 0.5, Prob: 0.625, Distance: 0.6},
	{Index: 12, Mean: 2.0, Std: 0.5, Prob: 0.375, Distance: 0.1}, // ties 11 on Std and margin
	{Index: 13, Mean: 0.5, Std: 0.35, Prob: 0.02, Distance: 0.9},
	{Index: 14, Mean: 2.5, Std: 0.0, Prob: 0.7, Distance: 0.4},
}

func TestStrategiesHandComputed(t *testing.T) {
	t.Parallel()
	best := 2.0
	cases := []struct {
		name   string
		opt    Options
		want   []int
		scores []float64 // of the first ranks, hand computed
	}{
		// Std 0.5 (11, 12 tie -> by Index), 0.35, 0.1, 0.
		{"uncertainty", Options{Strategy: Uncertainty, Task: Classification}, []int{11, 12, 13, 10, 14}, []float64{0.5, 0.5, 0.35}},
		// 0.5−|p−0.5|: 11 and 12 both 0.375; 14 0.3; 10 0.1; 13 0.02.
		{"margin", Options{Strategy: Margin, Task: Classification}, []int{11, 12, 14, 10, 13}, []float64{0.375, 0.375, 0.3}},
		{"entropy", Options{Strategy: Entropy, Task: Classification}, []int{11, 12, 14, 10, 13},
			[]float64{-0.625*math.Log(0.625) - 0.375*math.Log(0.375)}},
		{"greedy max", Options{Strategy: Greedy}, []int{11, 14, 12, 10, 13}, []float64{3, 2.5}},
		{"greedy min", Options{Strategy: Greedy, Minimize: true}, []int{13, 10, 12, 14, 11}, []float64{-0.5, -1}},
		// Mean + 1·Std: 3.5, 2.5, 2.5 (12 vs 14: tie -> 12), 1.1, 0.85.
		{"ucb", Options{Strategy: UCB, Kappa: 1}, []int{11, 12, 14, 10, 13}, []float64{3.5, 2.5, 2.5}},
		// EI vs best 2: 11: imp 1, sd .5 -> 1·Φ(2)+.5·φ(2); 14: sd 0 -> 0.5.
		{"ei", Options{Strategy: ExpectedImprovement, Best: &best}, []int{11, 14, 12, 13, 10},
			[]float64{0.5*math.Erfc(-2/math.Sqrt2) + 0.5*math.Exp(-2)/math.Sqrt(2*math.Pi), 0.5}},
		// Hybrid, classification: u = Std/0.5; m = (g−0.02)/0.355; a = (d−0.1)/0.8.
		// 11: .5·1 + .3·1 + .2·(.5/.8) = 0.925; 12: .5 + .3 + 0 = 0.8; 13: .5·.7 + 0 + .2·1 = 0.55;
		// 14: 0 + .3·(.28/.355) + .2·(.3/.8); 10: .5·.2 + .3·(.08/.355) + .2·(.1/.8).
		{"hybrid classification", Options{Strategy: Hybrid, Task: Classification}, []int{11, 12, 13, 14, 10},
			[]float64{0.925, 0.8, 0.55, 0.3*0.28/0.355 + 0.2*0.3/0.8, 0.5*0.2 + 0.3*0.08/0.355 + 0.2*0.1/0.8}},
		// Regression: margin dropped, weights .5/.7 and .2/.7. 11: (.5 + .2·.625)/.7.
		{"hybrid regression", Options{Strategy: Hybrid, Task: Regression}, []int{11, 13, 12, 10, 14},
			[]float64{(0.5 + 0.2*0.625) / 0.7, (0.5*0.7 + 0.2) / 0.7, 0.5 / 0.7}},
		{"hybrid custom weights", Options{Strategy: Hybrid, Task: Classification, Weights: HybridWeights{Applicability: 1}}, []int{13, 11, 14, 10, 12},
			[]float64{1, 0.625}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opt.BatchSize = 5
			got := mustSelect(t, pool, tc.opt)
			if !slices.Equal(indexes(got), tc.want) {
				t.Fatalf("order %v, want %v (%v)", indexes(got), tc.want, got)
			}
			for i, s := range tc.scores {
				if math.Abs(got[i].Score-s) > 1e-12 {
					t.Errorf("score[%d] = %.17g, want %.17g", i, got[i].Score, s)
				}
			}
		})
	}
}

func TestExcludeAndBatch(t *testing.T) {
	t.Parallel()
	got := mustSelect(t, pool, Options{Strategy: Uncertainty, BatchSize: 2, Exclude: map[int]bool{11: true, 99: true}})
	if want := []int{12, 13}; !slices.Equal(indexes(got), want) {
		t.Fatalf("got %v, want %v", indexes(got), want)
	}
	// An excluded candidate may hold junk: it is not validated.
	bad := append(slices.Clone(pool), Candidate{Index: 20, Std: math.NaN()})
	got = mustSelect(t, bad, Options{Strategy: Uncertainty, BatchSize: 10, Exclude: map[int]bool{20: true}})
	if len(got) != 5 {
		t.Fatalf("got %d, want the 5 eligible", len(got))
	}
	s, err := Scores(pool, Options{Strategy: Uncertainty, Exclude: map[int]bool{10: true}})
	if err != nil || !math.IsInf(s[0], -1) || s[1] != 0.5 {
		t.Fatalf("Scores = %v, %v", s, err)
	}
	// Regression candidates may leave Prob unset (NaN): hybrid ignores it.
	reg := slices.Clone(pool)
	for i := range reg {
		reg[i].Prob = math.NaN()
	}
	for _, r := range mustSelect(t, reg, Options{Strategy: Hybrid, BatchSize: 5}) {
		if math.IsNaN(r.Score) {
			t.Fatalf("hybrid regression score NaN: %v", r)
		}
	}
	r, err := Rank(pool, Options{Strategy: Greedy})
	if err != nil || len(r) != len(pool) {
		t.Fatalf("Rank = %v, %v", r, err)
	}
}

func TestRandomDeterministic(t *testing.T) {
	t.Parallel()
	cands := make([]Candidate, 1000)
	for i := range cands {
		cands[i] = Candidate{Index: i}
	}
	a := mustSelect(t, cands, Options{Strategy: Random, Seed: 7, BatchSize: 20})
	b := mustSelect(t, cands, Options{Strategy: Random, Seed: 7, BatchSize: 20})
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different picks")
	}
	// The same seed ranks a compound the same whatever the pool order.
	rev := slices.Clone(cands)
	slices.Reverse(rev)
	if c := mustSelect(t, rev, Options{Strategy: Random, Seed: 7, BatchSize: 20}); !slices.Equal(a, c) {
		t.Fatal("pool order changed random picks")
	}
	if c := mustSelect(t, cands, Options{Strategy: Random, Seed: 8, BatchSize: 20}); slices.Equal(indexes(a), indexes(c)) {
		t.Fatal("different seeds, same picks")
	}
	// Roughly uniform: the mean of 1000 scores is near 0.5.
	s, _ := Scores(cands, Options{Strategy: Random, Seed: 1})
	var m float64
	for _, v := range s {
		if v < 0 || v >= 1 {
			t.Fatalf("score %g outside [0, 1)", v)
		}
		m += v / float64(len(s))
	}
	if math.Abs(m-0.5) > 0.05 {
		t.Fatalf("mean random score %g", m)
	}
}

// TestTopKMatchesSort compares the heap selection with a full sort on
// random pools with many ties.
func TestTopKMatchesSort(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 1 + rng.IntN(300)
		cands := make([]Candidate, n)
		for i := range cands {
			cands[i] = Candidate{Index: rng.IntN(10 * n), Std: float64(rng.IntN(8))}
		}
		// make Index unique
		seen := map[int]bool{}
		for i := range cands {
			for seen[cands[i].Index] {
				cands[i].Index++
			}
			seen[cands[i].Index] = true
		}
		excl := map[int]bool{cands[0].Index: true}
		k := 1 + rng.IntN(n+5)
		got := mustSelect(t, cands, Options{Strategy: Uncertainty, BatchSize: k, Exclude: excl})
		var want []Ranked
		for _, c := range cands {
			if !excl[c.Index] {
				want = append(want, Ranked{Index: c.Index, Score: c.Std})
			}
		}
		sort.Slice(want, func(a, b int) bool {
			if want[a].Score != want[b].Score {
				return want[a].Score > want[b].Score
			}
			return want[a].Index < want[b].Index
		})
		want = want[:min(k, len(want))]
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: n=%d k=%d\n got %v\nwant %v", trial, n, k, got, want)
		}
	}
}

func fp(bitsOn ...int) []uint64 {
	v := make([]uint64, 2)
	for _, b := range bitsOn {
		v[b/64] |= 1 << (b % 64)
	}
	return v
}

func TestTanimoto(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a, b []uint64
		want float64
	}{
		{fp(1, 2, 3), fp(1, 2, 3), 1},
		{fp(1, 2, 3), fp(2, 3, 4), 2.0 / 4},
		{fp(1, 70), fp(70, 100), 1.0 / 3},
		{fp(), fp(), 1}, // two empty fingerprints are identical (ml.Tanimoto)
		{fp(5), fp(6), 0},
	}
	for _, c := range cases {
		if got := ml.Tanimoto(c.a, c.b); got != c.want {
			t.Errorf("ml.Tanimoto(%v, %v) = %g, want %g", c.a, c.b, got, c.want)
		}
	}
}

func TestDiversity(t *testing.T) {
	t.Parallel()
	// Five candidates by decreasing Std; 0, 1, 2 are near-identical analogs.
	cands := []Candidate{{Index: 0, Std: 5}, {Index: 1, Std: 4}, {Index: 2, Std: 3}, {Index: 3, Std: 2}, {Index: 4, Std: 1}}
	fps := [][]uint64{fp(1, 2, 3, 4), fp(1, 2, 3, 4, 5), fp(1, 2, 3, 4), fp(10, 11), fp(10, 11, 12, 13)}
	opt := Options{Strategy: Uncertainty, BatchSize: 3, Diversity: &Diversity{Fingerprints: fps}}
	// 1 is 4/5 = 0.8 similar to 0, 2 identical: both skipped; 4 is 2/4 = 0.5 similar to 3: kept.
	if got := indexes(mustSelect(t, cands, opt)); !slices.Equal(got, []int{0, 3, 4}) {
		t.Fatalf("diverse batch %v, want [0 3 4]", got)
	}
	// A looser threshold keeps 1 (0.8 <= 0.85).
	opt.Diversity.Threshold = 0.85
	if got := indexes(mustSelect(t, cands, opt)); !slices.Equal(got, []int{0, 1, 3}) {
		t.Fatalf("threshold 0.85: %v, want [0 1 3]", got)
	}
	// Batch larger than the diverse set: topped up with the best skipped.
	opt.Diversity.Threshold = 0.4
	opt.BatchSize = 4
	if got := indexes(mustSelect(t, cands, opt)); !slices.Equal(got, []int{0, 3, 1, 2}) {
		t.Fatalf("top-up: %v, want [0 3 1 2]", got)
	}
	// Diversity honours exclusions, and works with Random (any strategy).
	opt = Options{Strategy: Random, BatchSize: 2, Exclude: map[int]bool{0: true}, Diversity: &Diversity{Fingerprints: fps}}
	got := indexes(mustSelect(t, cands, opt))
	if slices.Contains(got, 0) || len(got) != 2 {
		t.Fatalf("random diverse %v", got)
	}
}

// Clustered batches: three groups of analogs (identical fingerprints) with
// the highest scores; plain uncertainty takes its batch from the best
// group, the cluster mode one compound from each group, each group's best.
func TestCluster(t *testing.T) {
	t.Parallel()
	var cands []Candidate
	var fps [][]uint64
	groups := [][]int{{1, 2, 3}, {20, 21, 22}, {40, 41, 42}}
	for g, bits := range groups {
		for j := range 4 {
			cands = append(cands, Candidate{Index: len(cands), Std: float64(30 - 10*g - j)})
			fps = append(fps, fp(bits...))
		}
	}
	for j := range 3 { // stragglers with low scores
		cands = append(cands, Candidate{Index: len(cands), Std: 0.1 * float64(j)})
		fps = append(fps, fp(60+j, 61+j))
	}
	if plain := indexes(mustSelect(t, cands, Options{Strategy: Uncertainty, BatchSize: 3})); !slices.Equal(plain, []int{0, 1, 2}) {
		t.Fatalf("plain uncertainty %v, want the first group's [0 1 2]", plain)
	}
	opt := Options{Strategy: Uncertainty, BatchSize: 3, Seed: 9, Cluster: &Cluster{Fingerprints: fps, Beta: 4}}
	got := indexes(mustSelect(t, cands, opt))
	if !slices.Equal(got, []int{0, 4, 8}) {
		t.Fatalf("clustered batch %v, want the best of each group [0 4 8]", got)
	}
	// Deterministic, honours exclusions, and the batch is ranked by score.
	if again := indexes(mustSelect(t, cands, opt)); !slices.Equal(again, got) {
		t.Fatalf("second run %v", again)
	}
	opt.Exclude = map[int]bool{0: true, 4: true}
	if got := indexes(mustSelect(t, cands, opt)); !slices.Equal(got, []int{1, 5, 8}) {
		t.Fatalf("with 0 and 4 excluded: %v, want [1 5 8]", got)
	}
	// The medoids come back best first.
	opt.Exclude = map[int]bool{0: true}
	if got := indexes(mustSelect(t, cands, opt)); !slices.Equal(got, []int{1, 4, 8}) {
		t.Fatalf("with 0 excluded: %v, want [1 4 8]", got)
	}
	// Fewer candidates than beta·k: the batch is simply the best.
	small := Options{Strategy: Uncertainty, BatchSize: 3, Cluster: &Cluster{Fingerprints: fps[:3], Beta: 10}}
	if got := indexes(mustSelect(t, cands[:3], small)); !slices.Equal(got, []int{0, 1, 2}) {
		t.Fatalf("small pool %v", got)
	}
	// Errors: both batch modes, a bad beta, missing fingerprints.
	for _, bad := range []Options{
		{Strategy: Uncertainty, BatchSize: 3, Cluster: &Cluster{Fingerprints: fps}, Diversity: &Diversity{Fingerprints: fps}},
		{Strategy: Uncertainty, BatchSize: 3, Cluster: &Cluster{Fingerprints: fps, Beta: 0.5}},
		{Strategy: Uncertainty, BatchSize: 3, Cluster: &Cluster{Fingerprints: fps[:2]}},
	} {
		if _, err := Select(cands, bad); !errors.Is(err, ErrOption) {
			t.Errorf("options %+v: %v, want ErrOption", bad.Cluster, err)
		}
	}
}

// TestDiversityLargePool needs more than one growth of the ranked prefix:
// the 40 best candidates are identical analogs.
func TestDiversityLargePool(t *testing.T) {
	t.Parallel()
	n := 200
	cands := make([]Candidate, n)
	fps := make([][]uint64, n)
	for i := range cands {
		cands[i] = Candidate{Index: i, Std: float64(n - i)}
		if i < 40 {
			fps[i] = fp(1, 2, 3)
		} else {
			fps[i] = fp(i%128, (i+1)%128, (i+2)%128) // neighbours share 2 of 4 bits: 0.5
		}
	}
	got := indexes(mustSelect(t, cands, Options{Strategy: Uncertainty, BatchSize: 5, Diversity: &Diversity{Fingerprints: fps}}))
	if want := []int{0, 40, 41, 42, 43}; !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		cands []Candidate
		opt   Options
		want  error
	}{
		{"unknown", pool, Options{Strategy: "bogus", BatchSize: 1}, ErrUnknownStrategy},
		{"batch zero", pool, Options{Strategy: Uncertainty}, ErrBatchSize},
		{"batch negative", pool, Options{Strategy: Uncertainty, BatchSize: -3}, ErrBatchSize},
		{"margin regression", pool, Options{Strategy: Margin, BatchSize: 1}, ErrTask},
		{"entropy regression", pool, Options{Strategy: Entropy, BatchSize: 1}, ErrTask},
		{"nan std", []Candidate{{Std: math.NaN()}}, Options{Strategy: Uncertainty, BatchSize: 1}, ErrCandidate},
		{"negative std", []Candidate{{Std: -1}}, Options{Strategy: UCB, BatchSize: 1}, ErrCandidate},
		{"prob range", []Candidate{{Prob: 1.5}}, Options{Strategy: Margin, Task: Classification, BatchSize: 1}, ErrCandidate},
		{"distance range", []Candidate{{Distance: 2}}, Options{Strategy: Hybrid, BatchSize: 1}, ErrCandidate},
		{"inf mean", []Candidate{{Mean: math.Inf(1)}}, Options{Strategy: Greedy, BatchSize: 1}, ErrCandidate},
		{"ei no best", pool, Options{Strategy: ExpectedImprovement, BatchSize: 1}, ErrOption},
		{"kappa", pool, Options{Strategy: UCB, Kappa: -1, BatchSize: 1}, ErrOption},
		{"weights", pool, Options{Strategy: Hybrid, Weights: HybridWeights{Uncertainty: -1}, BatchSize: 1}, ErrOption},
		{"weights regression margin only", pool, Options{Strategy: Hybrid, Weights: HybridWeights{Margin: 1}, BatchSize: 1}, ErrOption},
		{"fingerprints", pool, Options{Strategy: Uncertainty, BatchSize: 1, Diversity: &Diversity{}}, ErrOption},
		{"threshold", pool, Options{Strategy: Uncertainty, BatchSize: 1, Diversity: &Diversity{Fingerprints: make([][]uint64, 5), Threshold: 2}}, ErrOption},
		{"task", pool, Options{Strategy: Uncertainty, Task: 7, BatchSize: 1}, ErrOption},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Select(tc.cands, tc.opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	_, err := Select(pool, Options{Strategy: "bogus", BatchSize: 1})
	var ue *UnknownStrategyError
	if !errors.As(err, &ue) || !slices.Equal(ue.Valid, Names) || ue.Name != "bogus" {
		t.Fatalf("unknown strategy error %#v", err)
	}
	var ce *CandidateError
	_, err = Select([]Candidate{{Index: 1}, {Index: 42, Std: math.NaN()}}, Options{Strategy: Uncertainty, BatchSize: 1})
	if !errors.As(err, &ce) || ce.Position != 1 || ce.Index != 42 || ce.Field != "Std" {
		t.Fatalf("candidate error %#v", err)
	}
}

func TestParseSpec(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want Spec
	}{
		{"uncertainty", Spec{Strategy: Uncertainty}},
		{"hybrid+diverse", Spec{Strategy: Hybrid, Diverse: true}},
		{"random+diverse=0.5", Spec{Strategy: Random, Diverse: true, Threshold: 0.5}},
		{"uncertainty+explore=0.5", Spec{Strategy: Uncertainty, Explore: 0.5}},
		{"uncertainty+diverse=0.6+explore=0.2", Spec{Strategy: Uncertainty, Diverse: true, Threshold: 0.6, Explore: 0.2}},
		{"uncertainty+cluster", Spec{Strategy: Uncertainty, Cluster: true}},
		{"hybrid+cluster=5+explore=0.5", Spec{Strategy: Hybrid, Cluster: true, Beta: 5, Explore: 0.5}},
		{"uncertainty+softrank", Spec{Strategy: Uncertainty, Softrank: true}},
		{"margin+softrank=2+explore=0.2", Spec{Strategy: Margin, Softrank: true, Power: 2, Explore: 0.2}},
	}
	for _, c := range cases {
		got, err := ParseSpec(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseSpec(%q) = %+v, %v", c.in, got, err)
		}
		if got.String() != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
	d, err := ParseSpec("mix")
	if want := (Spec{Strategy: Uncertainty, Cluster: true, Beta: 20, Explore: 0.5}); err != nil || d != want {
		t.Errorf("mix = %+v, %v, want %+v", d, err, want)
	}
	for _, bad := range []string{"", "nope", "default", "uncertainty+clusters", "uncertainty+cluster=0.5", "uncertainty+cluster=x",
		"uncertainty+diverse+cluster", "uncertainty+cluster+diverse", "hybrid+diverse=0", "hybrid+diverse=x", "hybrid+diverse=1.5",
		"uncertainty+explore", "uncertainty+explore=1", "uncertainty+explore=0", "uncertainty+explore=0.5+diverse",
		"uncertainty+diverse+diverse", "uncertainty+", "uncertainty+softrank=0", "uncertainty+softrank=-1", "uncertainty+softrank=x",
		"uncertainty+softrank=1000", "uncertainty+softrank+cluster", "uncertainty+diverse+softrank"} {
		if _, err := ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
	if _, err := ParseSpec("nope"); !errors.Is(err, ErrUnknownStrategy) {
		t.Errorf("unknown name: %v", err)
	}
}

// TestSpecWithDiversity: the diversity threshold replaces whatever batch
// mode a spec had and keeps its strategy and exploration.
func TestSpecWithDiversity(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"uncertainty":                         "uncertainty+diverse=0.4",
		"uncertainty+diverse=0.8+explore=0.2": "uncertainty+diverse=0.4+explore=0.2",
		"hybrid+cluster=20+explore=0.5":       "hybrid+diverse=0.4+explore=0.5",
		"margin+softrank=2":                   "margin+diverse=0.4",
	} {
		sp, err := ParseSpec(in)
		if err != nil {
			t.Fatal(err)
		}
		got := sp.WithDiversity(0.4)
		if got.String() != want || got.BatchMode() != "diverse" {
			t.Errorf("%s with diversity 0.4 = %s (mode %q), want %s", in, got, got.BatchMode(), want)
		}
	}
	for in, want := range map[string]string{"random": "", "ucb+cluster": "cluster", "entropy+softrank+explore=0.1": "softrank", "greedy+diverse": "diverse"} {
		if sp, _ := ParseSpec(in); sp.BatchMode() != want {
			t.Errorf("%s: batch mode %q, want %q", in, sp.BatchMode(), want)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"uncertainty", "hybrid+diverse=0.7", "default", "+", "a+diverse=", "ei+diverse=1e-300"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s)
		if err != nil {
			return
		}
		back, err := ParseSpec(sp.String())
		if err != nil || back != sp {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, sp, sp.String(), back, err)
		}
	})
}

func TestExplore(t *testing.T) {
	t.Parallel()
	cands := make([]Candidate, 50)
	for i := range cands {
		cands[i] = Candidate{Index: i, Std: float64(50 - i)}
	}
	opt := Options{Strategy: Uncertainty, BatchSize: 6, Explore: 0.5, Seed: 3, Exclude: map[int]bool{1: true}}
	got := mustSelect(t, cands, opt)
	ids := indexes(got)
	// Three by uncertainty (0, 2, 3; 1 is excluded), then three seeded random picks among the rest.
	if !slices.Equal(ids[:3], []int{0, 2, 3}) || len(ids) != 6 {
		t.Fatalf("got %v", ids)
	}
	seen := map[int]bool{}
	for _, id := range ids {
		if seen[id] || id == 1 {
			t.Fatalf("duplicate or excluded pick in %v", ids)
		}
		seen[id] = true
	}
	for i, r := range got {
		if r.Explore != (i >= 3) {
			t.Errorf("pick %d (%v): Explore = %v, want only the last three marked", i, r, r.Explore)
		}
	}
	for _, r := range got[3:] {
		if r.Score != uniform(3, r.Index) {
			t.Fatalf("exploration pick %v does not carry its random score", r)
		}
	}
	if again := mustSelect(t, cands, opt); !slices.Equal(got, again) {
		t.Fatal("explore is not deterministic")
	}
	// A batch of one rounds the exploration share: 0.4 of 1 is 0 random picks.
	opt.BatchSize, opt.Explore = 1, 0.4
	if ids := indexes(mustSelect(t, cands, opt)); !slices.Equal(ids, []int{0}) {
		t.Fatalf("got %v", ids)
	}
	for _, bad := range []float64{-0.1, 1, math.NaN()} {
		opt.Explore = bad
		if _, err := Select(cands, opt); !errors.Is(err, ErrOption) {
			t.Errorf("explore %g: %v", bad, err)
		}
	}
}

// TestExploreMarks checks which picks Select marks as random (the control
// group of activelearning/selfcheck): the explore share's, every pick of
// the random strategy without a batch mode, none of the other strategies'
// even with a batch mode, and, when the pool is smaller than the batch, exactly the random
// picks that were made (not the last share of the batch by position).
func TestExploreMarks(t *testing.T) {
	t.Parallel()
	pool := func(n int) []Candidate {
		cands := make([]Candidate, n)
		for i := range cands {
			cands[i] = Candidate{Index: i, Std: float64(n - i)}
		}
		return cands
	}
	marks := func(rs []Ranked) (exploit, explore []int) {
		for _, r := range rs {
			if r.Explore {
				explore = append(explore, r.Index)
			} else {
				exploit = append(exploit, r.Index)
			}
		}
		return exploit, explore
	}
	fps := make([][]uint64, 40)
	for i := range fps {
		fps[i] = []uint64{1 << (i % 64)}
	}
	for _, tc := range []struct {
		name                string
		n                   int
		opt                 Options
		exploit, explore    int
		exploitIsTopByScore bool
	}{
		{"uncertainty, no explore", 40, Options{Strategy: Uncertainty, BatchSize: 10}, 10, 0, true},
		{"uncertainty, explore 0.5", 40, Options{Strategy: Uncertainty, BatchSize: 10, Explore: 0.5}, 5, 5, true},
		{"random strategy", 40, Options{Strategy: Random, BatchSize: 10}, 0, 10, false},
		{"random strategy with explore", 40, Options{Strategy: Random, BatchSize: 10, Explore: 0.3}, 0, 10, false},
		// Diversity filters a random ranking: not a uniform sample, so
		// only its explore share is marked.
		{"random strategy with diversity", 40, Options{Strategy: Random, BatchSize: 10, Explore: 0.3,
			Diversity: &Diversity{Fingerprints: fps, Threshold: 0.7}}, 7, 3, false},
		{"cluster with explore 0.5", 40, Options{Strategy: Uncertainty, BatchSize: 10, Explore: 0.5,
			Cluster: &Cluster{Fingerprints: fps, Beta: 2}}, 5, 5, false},
		// 4 candidates for a batch of 10 with 5 random picks: the 4 go to
		// the uncertainty half and no random pick is left.
		{"pool smaller than the batch", 4, Options{Strategy: Uncertainty, BatchSize: 10, Explore: 0.5}, 4, 0, true},
		{"pool a little larger than the exploit half", 7, Options{Strategy: Uncertainty, BatchSize: 10, Explore: 0.5}, 5, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Select(pool(tc.n), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			exploit, explore := marks(got)
			if len(exploit) != tc.exploit || len(explore) != tc.explore {
				t.Fatalf("exploit %v, explore %v; want %d and %d", exploit, explore, tc.exploit, tc.explore)
			}
			if tc.exploitIsTopByScore {
				for i, idx := range exploit {
					if idx != i {
						t.Errorf("exploit picks %v are not the most uncertain", exploit)
						break
					}
				}
			}
		})
	}
}

// TestSoftrank checks the draw against its distribution: with batch size 1
// rank r is picked with probability r^−β / Σ r^−β, and with batch size 2
// (without replacement) the best is in the batch with probability
// p1 + Σ_{j>1} p_j·p1/(1 − p_j); 20000 seeds, each frequency within 5
// standard errors.
func TestSoftrank(t *testing.T) {
	t.Parallel()
	const n, seeds = 8, 20000
	cands := make([]Candidate, n)
	for i := range cands {
		// pool order differs from rank order; rank r+1 is Index 100+r
		cands[i] = Candidate{Index: 100 + (i*3)%n, Std: float64(n - (i*3)%n)}
	}
	for _, power := range []float64{1, 2} {
		p := make([]float64, n)
		sum := 0.0
		for r := range p {
			p[r] = math.Pow(float64(r+1), -power)
			sum += p[r]
		}
		for r := range p {
			p[r] /= sum
		}
		first := make([]float64, n)
		bestInPair := 0.0
		for seed := range uint64(seeds) {
			one := mustSelect(t, cands, Options{Strategy: Uncertainty, BatchSize: 1, Seed: seed, Softrank: &Softrank{Power: power}})
			first[one[0].Index-100]++
			two := indexes(mustSelect(t, cands, Options{Strategy: Uncertainty, BatchSize: 2, Seed: seed, Softrank: &Softrank{Power: power}}))
			if two[0] == two[1] {
				t.Fatalf("seed %d: %v picked twice", seed, two)
			}
			if slices.Contains(two, 100) {
				bestInPair++
			}
		}
		check := func(what string, got, want float64) {
			t.Helper()
			se := math.Sqrt(want * (1 - want) / seeds)
			if math.Abs(got/seeds-want) > 5*se {
				t.Errorf("power %g: %s frequency %.4f, want %.4f ± %.4f", power, what, got/seeds, want, 5*se)
			}
		}
		for r := range p {
			check(fmt.Sprintf("rank %d alone", r+1), first[r], p[r])
		}
		want := p[0]
		for j := 1; j < n; j++ {
			want += p[j] * p[0] / (1 - p[j])
		}
		check("best in a pair", bestInPair, want)
	}

	// Deterministic per seed, honours exclusions, carries the strategy's
	// score; a steep exponent is the plain top-k; a pool no larger than the
	// batch is returned whole, ranked.
	opt := Options{Strategy: Uncertainty, BatchSize: 3, Seed: 4, Softrank: &Softrank{}, Exclude: map[int]bool{100: true}}
	got := mustSelect(t, cands, opt)
	if again := mustSelect(t, cands, opt); !slices.Equal(got, again) {
		t.Fatalf("not deterministic: %v then %v", got, again)
	}
	for _, r := range got {
		if r.Index == 100 || r.Score != float64(n-(r.Index-100)) {
			t.Fatalf("pick %+v: excluded or without its uncertainty score", r)
		}
	}
	opt.Softrank.Power = 100
	if ids := indexes(mustSelect(t, cands, opt)); !slices.Equal(ids, []int{101, 102, 103}) {
		t.Fatalf("power 100: %v, want the top three [101 102 103]", ids)
	}
	opt.BatchSize = n
	if ids := indexes(mustSelect(t, cands, opt)); !slices.Equal(ids, []int{101, 102, 103, 104, 105, 106, 107}) {
		t.Fatalf("whole pool: %v", ids)
	}
	for _, bad := range []Options{
		{Strategy: Uncertainty, BatchSize: 3, Softrank: &Softrank{Power: -1}},
		{Strategy: Uncertainty, BatchSize: 3, Softrank: &Softrank{Power: math.Inf(1)}},
		{Strategy: Uncertainty, BatchSize: 3, Softrank: &Softrank{Power: math.NaN()}},
		{Strategy: Uncertainty, BatchSize: 3, Softrank: &Softrank{}, Cluster: &Cluster{}},
		{Strategy: Uncertainty, BatchSize: 3, Softrank: &Softrank{}, Diversity: &Diversity{}},
	} {
		if _, err := Select(cands, bad); !errors.Is(err, ErrOption) {
			t.Errorf("softrank %+v: %v, want ErrOption", bad.Softrank, err)
		}
	}
}
