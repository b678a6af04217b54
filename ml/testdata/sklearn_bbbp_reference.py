"""Reference ROC-AUCs for TestForestMatchesScikitLearnOnBBBP (ml/dataset_test.go).

Run with Debian's python3-sklearn (scikit-learn 1.2.1, numpy 1.24.2):
    /usr/bin/python3 ml/testdata/sklearn_bbbp_reference.py
Split as for ESOL: validation = rows with i % 5 == 0; training = the 420
other rows with the smallest (i * 2654435761) mod 2**32.
"""
import csv, gzip, os
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score

here = os.path.dirname(os.path.abspath(__file__))
with gzip.open(os.path.join(here, "bbbp_features.csv.gz"), "rt") as f:
    rows = list(csv.reader(f))[1:]
y = np.array([float(r[0]) for r in rows])
desc = np.array([[float(v) for v in r[1:-1]] for r in rows])
bits = np.zeros((len(rows), 2048))
for i, r in enumerate(rows):
    for b in r[-1].split():
        bits[i, int(b)] = 1
val = [i for i in range(len(rows)) if i % 5 == 0]
pool = [i for i in range(len(rows)) if i % 5 != 0]
train = sorted(pool, key=lambda i: (i * 2654435761) % 2**32)[:420]
for name, X in (("bits", bits), ("bits+descriptors", np.hstack([bits, desc]))):
    aucs = []
    for seed in range(5):
        m = RandomForestClassifier(n_estimators=32, max_features="sqrt", random_state=seed, n_jobs=2)
        m.fit(X[train], y[train])
        aucs.append(roc_auc_score(y[val], m.predict_proba(X[val])[:, 1]))
    print(f"{name}: mean ROC-AUC over seeds 0-4 = {np.mean(aucs):.4f} ({', '.join(f'{a:.4f}' for a in aucs)})")
