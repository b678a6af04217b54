# Reference learning curves: RDKit Morgan bits + scikit-learn RandomForest (32 trees),
# the baseline of issue 4, on the SAME validation rows as `activelab simulate
# --validation 0.2 --split-seed 0` (written by simulation.Split into
# *-validation-rows.txt: 0-based indices among the rows RDKit parses, in file order).
# Protocol as the simulator's: initial 5% of the pool per seed, batch 25, 15 cycles,
# seeds 0-4; strategies random and uncertainty (std over trees). The random draws are
# numpy's, not the simulator's PCG, so initial sets differ; compare seed means.
#
# Run with Debian's Python (python3-rdkit 2022.09, python3-sklearn 1.2):
#   /usr/bin/python3 reference_rf.py esol ../../../../shared/data/esol.csv > esol-sklearn-rf.csv
#   /usr/bin/python3 reference_rf.py bbbp ../../../../shared/data/bbbp.csv > bbbp-sklearn-rf.csv
import csv, sys
import numpy as np
from rdkit import Chem, RDLogger
from rdkit.Chem import AllChem
from sklearn.ensemble import RandomForestRegressor, RandomForestClassifier
from sklearn.metrics import mean_squared_error, mean_absolute_error, r2_score, roc_auc_score, average_precision_score, accuracy_score, log_loss
from scipy.stats import spearmanr

RDLogger.DisableLog("rdApp.*")
name, path = sys.argv[1], sys.argv[2]
clf = name == "bbbp"
X, y = [], []
for row in csv.DictReader(open(path)):
    m = Chem.MolFromSmiles(row["smiles"])
    if m is None:
        continue
    fp = AllChem.GetMorganFingerprintAsBitVect(m, 2, nBits=2048)
    a = np.zeros(2048, dtype=np.uint8)
    a[list(fp.GetOnBits())] = 1
    X.append(a)
    y.append(float(row["value"]))
X, y = np.array(X), np.array(y)
val = np.array([int(l) for l in open(f"{name}-validation-rows.txt")])
pool = np.setdiff1d(np.arange(len(y)), val)
n_init = int(round(0.05 * len(pool)))

def fit(rows, seed):
    M = RandomForestClassifier if clf else RandomForestRegressor
    return M(n_estimators=32, n_jobs=2, random_state=seed).fit(X[rows], y[rows])

def predict(model, rows):
    if clf:
        per = np.array([t.predict_proba(X[rows])[:, list(t.classes_).index(1.0)] if 1.0 in t.classes_ else np.zeros(len(rows)) for t in model.estimators_])
    else:
        per = np.array([t.predict(X[rows]) for t in model.estimators_])
    return per.mean(0), per.std(0)

def metrics(mu):
    yv = y[val]
    if clf:
        return [roc_auc_score(yv, mu), average_precision_score(yv, mu), accuracy_score(yv, mu > 0.5), log_loss(yv, mu)]
    return [np.sqrt(mean_squared_error(yv, mu)), mean_absolute_error(yv, mu), r2_score(yv, mu), spearmanr(yv, mu).correlation]

w = csv.writer(sys.stdout)
w.writerow(["strategy", "seed", "cycle", "labels"] + (["roc_auc", "pr_auc", "accuracy", "log_loss"] if clf else ["rmse", "mae", "r2", "spearman"]))
for strategy in ["sklearn-rf-random", "sklearn-rf-uncertainty"]:
    for seed in range(5):
        rng = np.random.default_rng(seed)
        labeled = list(rng.choice(pool, n_init, replace=False))
        for cycle in range(16):
            model = fit(labeled, seed * 1000 + cycle)
            mu, _ = predict(model, val)
            w.writerow([strategy, seed, cycle, len(labeled)] + ["%.6f" % v for v in metrics(mu)])
            if cycle == 15:
                break
            unl = np.setdiff1d(pool, labeled)
            if strategy.endswith("random"):
                pick = rng.choice(unl, 25, replace=False)
            else:
                _, sd = predict(model, unl)
                pick = unl[np.lexsort((unl, -sd))[:25]]
            labeled += list(pick)
