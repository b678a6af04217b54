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
// # Output
//
// curves.csv (one row per strategy, seed and cycle), summary.json (per
// strategy: final metric, area under the learning curve as the mean metric
// over cycles, labels needed to reach random's final metric) and curves.png
// (mean ± sd per strategy), all deterministic for a given configuration.
package simulation
