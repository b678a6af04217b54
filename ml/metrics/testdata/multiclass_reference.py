"""Multi-class reference values without numpy, for multiclass_test.go.

Each function re-does in plain Python what scikit-learn 1.2.1 computes:
  macro_auc: roc_auc_score(y, P, multi_class="ovr", average="macro") =
             mean over classes of the binary AUC of (y == k) vs P[:, k]
             (pair counting, ties one half = roc_auc_score's trapezoids);
  accuracy:  accuracy_score(y, P.argmax(axis=1)) (argmax: first maximum);
  log_loss:  log_loss(y, P): clip to [eps, 1-eps], eps = 2.220446049250313e-16,
             rows renormalised, mean of -ln p[y];
  top_ece:   top-label ECE, 10 equal-width bins of max(P[i]) as
             calibration_curve bins them (searchsorted side="left" on
             k/10 inner edges), sum |acc_b - conf_b| * n_b / N.

Run: python3 ml/metrics/testdata/multiclass_reference.py
"""
from bisect import bisect_left
from math import log

y = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0]
P = [
    [0.7, 0.2, 0.1],
    [0.1, 0.6, 0.3],
    [0.2, 0.2, 0.6],
    [0.3, 0.4, 0.3],
    [0.5, 0.4, 0.1],
    [0.4, 0.3, 0.3],
    [0.9, 0.05, 0.05],
    [0.1, 0.1, 0.8],
    [0.2, 0.5, 0.3],
    [0.3, 0.3, 0.4],
    [0.25, 0.25, 0.5],
    [0.1, 0.3, 0.6],
]


def auc(lab, score):
    pos = [s for s, t in zip(score, lab) if t]
    neg = [s for s, t in zip(score, lab) if not t]
    return sum((a > b) + 0.5 * (a == b) for a in pos for b in neg) / (len(pos) * len(neg))


def argmax(row):
    return max(range(len(row)), key=lambda k: (row[k], -k))


K = len(P[0])
macro_auc = sum(auc([t == k for t in y], [r[k] for r in P]) for k in range(K)) / K
accuracy = sum(argmax(r) == t for r, t in zip(P, y)) / len(y)
eps = 2.220446049250313e-16
clip = lambda p: min(max(p, eps), 1 - eps)
log_loss = sum(-log(clip(r[t]) / sum(clip(p) for p in r)) for r, t in zip(P, y)) / len(y)
inner = [k * 0.1 for k in range(1, 10)]
conf, acc, n = [0.0] * 10, [0.0] * 10, [0] * 10
for r, t in zip(P, y):
    c = max(r)
    b = bisect_left(inner, c)
    conf[b] += c
    acc[b] += argmax(r) == t
    n[b] += 1
top_ece = sum(abs(acc[b] - conf[b]) for b in range(10)) / len(y)
for name in ["macro_auc", "accuracy", "log_loss", "top_ece"]:
    print(name, repr(globals()[name]))
