// Package sampling chooses which unlabeled compounds to label next. It works
// on model outputs only (Candidate: index, mean, std, probability,
// applicability distance) and uses only the standard library.
//
// # Strategies
//
// Every strategy gives each candidate a priority score, higher meaning more
// informative (or more promising); equal scores rank by ascending Index, so
// a selection is deterministic.
//
//   - uncertainty: Std (rank by −std).
//   - margin: 0.5 − |p − 0.5| (smallest margin first); classification only.
//   - entropy: −p ln p − (1−p) ln(1−p), p clipped to [1e-10, 1−1e-10];
//     classification only.
//   - multi-class: a candidate with Probs (K class probabilities) scores
//     margin (1 − (p1 − p2))/2 from its two most probable classes and
//     entropy −Σ p ln p over the K classes (EntropyK, MarginK); with K = 2
//     both equal the binary scores.
//   - random: a uniform number from (Seed, Index) by splitmix64, so it does
//     not depend on the pool's order or size.
//   - hybrid: w_u·u + w_m·m + w_a·a over the weights' sum, each component
//     min-max scaled over the non-excluded pool (a constant component is 0);
//     default weights 0.5/0.3/0.2. For regression the margin is undefined:
//     its weight is dropped and the others renormalised.
//   - greedy: Mean (−Mean with Minimize); ucb: ±Mean + κ·Std (κ default 2);
//     ei: expected improvement over Best, imp·Φ(imp/σ) + σ·φ(imp/σ) with
//     imp = ±(Mean − Best) − ξ: for finding the best compounds rather than
//     the most uncertain.
//
// # Batches
//
// Select returns the top BatchSize in O(n log k) with a bounded heap
// (benchmark: BenchmarkSelect, top 100 of 1M). Options.Diversity adds the
// diversity-aware mode to any strategy: greedy by score, skipping a
// candidate whose Tanimoto similarity to one already picked exceeds the
// threshold (default 0.7), topping up with the best skipped ones if the
// pool runs out. Options.Cluster picks the medoids of the best candidates'
// clusters; Options.Softrank draws the batch with probability falling with
// the rank (one of the three). Options.Explore fills a fraction of the batch with seeded
// random picks among the candidates the strategy left (an ε-greedy batch).
// Exclude removes labeled, validation or queued compounds.
//
// # Specs
//
// A Spec ("hybrid", "uncertainty+diverse", "ucb+diverse=0.6+explore=0.2")
// names a strategy with its batch modes; Mix
// ("uncertainty+cluster=20+explore=0.5", the product's default until the
// adaptive strategy of activelearning/selfcheck replaced it) is
// ParseSpec("mix").
package sampling
