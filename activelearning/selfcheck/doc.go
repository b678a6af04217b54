// Package selfcheck lets active learning check itself from the
// scientist's own labels, and adapt the batch composition to what it finds.
//
// It is pure: no database, no GraphQL, no I/O. The service (or the
// simulator) gives it one cycle's batch as it was selected (each pick's
// prediction, spread and interval at selection time, and whether it was
// one of the random "explore" picks) together with the labels that came
// back, and gets Diagnostics and a plain sentence.
//
// # Diagnostics (Diagnose)
//
// The explore picks of a batch are a random sample of the pool, so they
// are the control group for the strategy's own picks ("exploit" picks:
// uncertainty, clustered uncertainty, ...). From the labels:
//
//   - Hardness: the mean absolute error of the model on exploit picks
//     divided by the mean absolute error on explore picks (for
//     classification the error is |label − p(class 1)|). A ratio of 1.8
//     means the strategy found compounds the model got 1.8 times more
//     wrong than random ones. Needs MinGroup picks in each group.
//   - Spearman(|error|, std) over every labeled pick of the batch: does
//     the model's spread rank its errors? Needs MinRho picks and a
//     non-constant spread and error.
//   - Coverage: the fraction of labels inside the prediction interval
//     given at selection (for example 90 %), when intervals were given.
//     Needs MinCoverage picks.
//   - Gain per label (optional, when the caller measured it): the
//     validation metric of a model retrained with only the exploit picks
//     and of one retrained with only the explore picks, each change
//     divided by its number of labels. That costs two extra trainings, so
//     it is "where measurable"; the simulator does it with --ablation.
//
// Too few picks give no number and a sentence that says so; nothing is
// NaN (optional numbers are nil pointers, so they encode as JSON null).
//
// # Adaptive explore share (Policy)
//
// Policy is a Thompson-sampling bandit over a small set of batch
// compositions, the share of a batch picked at random (DefaultShares:
// 0.25, 0.5, 0.75, 1.0; a share of 1 is a purely random batch). Each arm
// s has a Gaussian posterior of its reward
//
//	r(s) = (1 − s) · (ln hardness − ln Margin)
//
// observed after every batch played with s whose hardness is measurable.
// The reward is the log of how much harder than random the exploit picks
// were, beyond a margin (DefaultMargin 1.25: harder picks are not always
// more useful, since the spread is also largest on odd molecules that
// teach the model little, so exploitation has to show a clear advantage),
// scaled by the share of the batch that exploitation decides. A random
// batch (s = 1) earns 0 by definition, exactly: it is the control. The
// observation noise is the delta-method variance of the log ratio (floored
// at MinNoiseSD²), the prior is N(0, PriorSD²). Each cycle Choose draws a
// reward from every arm's posterior and plays the best draw.
//
// So when the model's uncertainty is uninformative (exploit picks no
// harder than random), every exploit arm's posterior settles below 0 and
// the policy converges to random batches; when it is informative the arm
// with the least exploring (0.25) wins and keeps winning. Draws come from
// a PCG generator keyed by (Seed, Step), so a policy restored from its
// JSON makes the same choices as one that never left memory.
package selfcheck
