// Package simulation replays active learning on a data set whose labels are
// all known, to choose a sampling strategy: the `activelab simulate`
// command.
//
// # Protocol
//
// Every row is featurised (chem.Parse, largest fragment; Morgan bits
// radius 2, 2048 bits; 34 dense features from DenseFeatures: the 17 chem
// descriptors, ratios of them and counts of charged atoms, aliphatic
// amines, acid groups and heteroatoms, see DenseFeatureNames); rows that do
// not parse are skipped. A validation set (fraction Validation of the rows) is drawn once
// with SplitSeed and never labeled. For each seed s in 0..Seeds-1 an
// initial labeled set (fraction Initial of the remaining pool) is drawn
// with s; the same set starts every strategy. Each cycle trains a bootstrap
// ensemble on the labeled rows (ensemble seed from s and the cycle, the
// same for every strategy), scores it on the validation set, then scores
// the unlabeled pool (mean, std, probability, applicability distance
// 1 − max Tanimoto to the labeled set), selects Batch rows with the
// strategy and reveals their labels. Cycle 0 is the initial model.
//
// With Split SplitScaffold (`--split scaffold`) whole Bemis–Murcko
// scaffolds are held out instead (ScaffoldSplit): the validation set and
// a Novel fraction of the pool are chemotypes no initial set contains.
//
// # More than two classes
//
// With Config.Classes naming more than two classes (`--classes`), values
// are class indexes (BinValues bins a numeric column: `--bins -4,-2`),
// every model is an ml.MultiClass (one-vs-rest ensembles), candidates
// carry the K probabilities (margin and entropy read them; uncertainty
// ranks by the mean of the classes' spreads), the self-check judges a pick
// by 1 − p(labeled class), and the metrics are MultiClassMetricNames
// (macro one-vs-rest ROC-AUC first).
//
// # Self-check, adaptive share and goal-directed figures
//
// Every batch is checked against its revealed labels with
// selfcheck.Diagnose, as the product does with a scientist's labels: the
// model's errors on the strategy's picks against its random (explore)
// picks, Spearman(|error|, std), coverage of the 90 % conformal intervals,
// and with Ablation the validation gain per label of each group. The
// strategy Adaptive plays a selfcheck.Policy: AdaptiveBase with the
// explore share the policy chooses per cycle, rewarded by those
// diagnostics. For regression, each cycle also records the fraction of
// the pool's top TopFraction rows (highest values) labeled so far, the
// goal-directed view of greedy / UCB / EI.
//
// # Output
//
// curves.csv (one row per strategy, seed and cycle), diagnostics.csv (the
// same rows: top 5 % found, explore share, diagnostics and sentence of the
// batch each model picked), summary.json (per strategy: final metric, area
// under the learning curve as the mean metric over cycles, labels needed
// to reach random's final metric, the paired comparison with random, the
// top-5 % curve and the averaged diagnostics) and curves.png (mean ± sd
// per strategy), all deterministic for a given configuration.
package simulation
