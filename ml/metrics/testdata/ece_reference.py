"""ECE reference without numpy: scikit-learn 1.2's calibration_curve
(strategy="uniform") re-done in plain Python, for metrics_test.go's
TestECEBinning and TestClassificationSummary.

calibration_curve(y, p, n_bins) in scikit-learn 1.2.1 does:
    bins = np.linspace(0.0, 1.0, n_bins + 1)          # k * (1/n_bins), last = 1.0
    binids = np.searchsorted(bins[1:-1], y_prob)     # side="left": #inner edges < p
    bin_sums = np.bincount(binids, weights=y_prob); bin_true = ...(weights=y_true)
    bin_total = np.bincount(binids); nonzero = bin_total != 0
    prob_true = bin_true[nonzero] / bin_total[nonzero]
    prob_pred = bin_sums[nonzero] / bin_total[nonzero]
and ECE = sum(|prob_true - prob_pred| * bin_total[nonzero]) / N.

Run: python3 ml/metrics/testdata/ece_reference.py
"""
from bisect import bisect_left


def linspace(n):
    step = 1.0 / n                          # numpy: delta / div
    edges = [k * step for k in range(n + 1)]
    edges[-1] = 1.0                         # numpy sets the endpoint exactly
    return edges


def calibration_curve(y, p, n_bins):
    inner = linspace(n_bins)[1:-1]
    sums, true, total = [0.0] * n_bins, [0.0] * n_bins, [0] * n_bins
    for yi, pi in zip(y, p):
        b = bisect_left(inner, pi)          # np.searchsorted(side="left")
        sums[b] += pi
        true[b] += yi
        total[b] += 1
    nz = [b for b in range(n_bins) if total[b]]
    return [true[b] / total[b] for b in nz], [sums[b] / total[b] for b in nz], [total[b] for b in nz]


def ece(y, p, n_bins=10):
    pt, pp, cnt = calibration_curve(y, p, n_bins)
    return sum(abs(a - b) * c for a, b, c in zip(pt, pp, cnt)) / len(y)


cases = {
    # Probabilities on inner edges (0.1, 0.3), at 0 and 1.
    "edges": ([1, 0, 0, 1, 1, 1, 0, 1], [0.05, 0.1, 0.25, 0.3, 0.7, 1.0, 1.0, 0.95]),
    # A small overconfident classifier.
    "overconfident": ([1, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0],
                      [0.98, 0.91, 0.88, 0.77, 0.62, 0.55, 0.45, 0.33, 0.21, 0.12, 0.07, 0.01]),
}
for name, (y, p) in cases.items():
    print(name, repr(ece(y, p)), calibration_curve(y, p, 10))


def auc(y, p):
    """ROC-AUC by pair counting (ties count one half), = roc_auc_score."""
    pos = [s for s, t in zip(p, y) if t == 1]
    neg = [s for s, t in zip(p, y) if t == 0]
    wins = sum((a > b) + 0.5 * (a == b) for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


for name, (y, p) in cases.items():
    print(name, "auc", repr(auc(y, p)))
