"""Reference RMSEs for TestForestMatchesScikitLearnOnESOL (ml/dataset_test.go).

Run with Debian's python3-sklearn (scikit-learn 1.2.1, numpy 1.24.2):
    /usr/bin/python3 ml/testdata/sklearn_esol_reference.py
Split (language-neutral, mirrored in Go): validation = rows with i % 5 == 0;
training = the 420 other rows with the smallest (i * 2654435761) mod 2**32.
"""
import csv, gzip, os
import numpy as np
from sklearn.ensemble import RandomForestRegressor

here = os.path.dirname(os.path.abspath(__file__))
with gzip.open(os.path.join(here, "esol_features.csv.gz"), "rt") as f:
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
    rmses = []
    for seed in range(5):
        m = RandomForestRegressor(n_estimators=32, max_features="sqrt", random_state=seed, n_jobs=2)
        m.fit(X[train], y[train])
        rmses.append(np.sqrt(np.mean((m.predict(X[val]) - y[val]) ** 2)))
    print(f"{name}: mean RMSE over seeds 0-4 = {np.mean(rmses):.4f} ({', '.join(f'{r:.4f}' for r in rmses)})")
