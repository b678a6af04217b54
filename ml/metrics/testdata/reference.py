# Produces the reference values in ../reference_test.go.
# Run with Debian's Python: /usr/bin/python3 reference.py
# (python3-sklearn 1.2.1, python3-scipy 1.10.1, python3-numpy 1.24.2 on Debian bookworm).
# Never run by the tests; the printed values are committed in the test file.
import numpy as np, scipy, sklearn
from scipy import stats
from sklearn import metrics as M
from sklearn.calibration import calibration_curve

print("// sklearn", sklearn.__version__, "scipy", scipy.__version__, "numpy", np.__version__)
rng = np.random.default_rng(42)
n = 40
y = np.round(rng.normal(-3, 2, n), 2)
pred = np.round(y + rng.normal(0, 0.8, n), 2)
pred[5] = pred[6]  # a tie in the predictions
y[10] = y[11]      # a tie in the targets
w = np.round(rng.uniform(0.1, 2.0, n), 2)
std = np.round(np.abs(rng.normal(0.8, 0.3, n)) + 0.05, 3)
lab = (rng.uniform(size=n) < 0.45).astype(float)
prob = np.round(np.clip(0.3 * lab + rng.uniform(0, 0.7, n), 0, 1), 1)  # rounded: many ties
prob[0], prob[1] = 0.0, 1.0

def arr(name, a):
    print("\t%s = []float64{%s}" % (name, ", ".join(repr(float(v)) for v in a)))
print("var (")
for k, v in [("refY", y), ("refPred", pred), ("refW", w), ("refStd", std), ("refLab", lab), ("refProb", prob)]:
    arr(k, v)
print(")")

def ref(name, call, v):
    print("\t{%q, %r}, // %s" % (name, float(v), call) if False else '\t{"%s", %r}, // %s' % (name, float(v), call))

print("var refValues = []struct{ name string; want float64 }{")
ref("RMSE", "np.sqrt(mean_squared_error(y, pred))", np.sqrt(M.mean_squared_error(y, pred)))
ref("RMSE/w", "np.sqrt(mean_squared_error(y, pred, sample_weight=w))", np.sqrt(M.mean_squared_error(y, pred, sample_weight=w)))
ref("MAE", "mean_absolute_error(y, pred)", M.mean_absolute_error(y, pred))
ref("MAE/w", "mean_absolute_error(y, pred, sample_weight=w)", M.mean_absolute_error(y, pred, sample_weight=w))
ref("R2", "r2_score(y, pred)", M.r2_score(y, pred))
ref("R2/w", "r2_score(y, pred, sample_weight=w)", M.r2_score(y, pred, sample_weight=w))
ref("Pearson", "scipy.stats.pearsonr(y, pred)[0]", stats.pearsonr(y, pred)[0])
ref("Spearman", "scipy.stats.spearmanr(y, pred).correlation", stats.spearmanr(y, pred).correlation)
ref("ROCAUC", "roc_auc_score(lab, prob)", M.roc_auc_score(lab, prob))
ref("ROCAUC/w", "roc_auc_score(lab, prob, sample_weight=w)", M.roc_auc_score(lab, prob, sample_weight=w))
ref("AveragePrecision", "average_precision_score(lab, prob)", M.average_precision_score(lab, prob))
ref("AveragePrecision/w", "average_precision_score(lab, prob, sample_weight=w)", M.average_precision_score(lab, prob, sample_weight=w))
hard = (prob > 0.5).astype(float)
ref("Accuracy", "accuracy_score(lab, prob > 0.5)", M.accuracy_score(lab, hard))
ref("Accuracy/w", "accuracy_score(lab, prob > 0.5, sample_weight=w)", M.accuracy_score(lab, hard, sample_weight=w))
ref("F1", "f1_score(lab, prob > 0.5)", M.f1_score(lab, hard))
ref("F1/w", "f1_score(lab, prob > 0.5, sample_weight=w)", M.f1_score(lab, hard, sample_weight=w))
ref("LogLoss", "log_loss(lab, prob)", M.log_loss(lab, prob))
ref("LogLoss/w", "log_loss(lab, prob, sample_weight=w)", M.log_loss(lab, prob, sample_weight=w))
ref("Brier", "brier_score_loss(lab, prob)", M.brier_score_loss(lab, prob))
ref("Brier/w", "brier_score_loss(lab, prob, sample_weight=w)", M.brier_score_loss(lab, prob, sample_weight=w))
# ECE from sklearn's calibration_curve bins (it drops empty bins; counts recomputed as it does).
def ece(lab, prob, n_bins):
    pt, pp = calibration_curve(lab, prob, n_bins=n_bins, strategy="uniform")
    bins = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(bins[1:-1], prob)
    tot = np.bincount(ids, minlength=len(bins))
    tot = tot[tot != 0]
    return np.sum(np.abs(pt - pp) * tot / len(prob))
ref("ECE10", "sum(|prob_true-prob_pred|*count/N) from calibration_curve(lab, prob, n_bins=10)", ece(lab, prob, 10))
ref("ECE5", "same with n_bins=5", ece(lab, prob, 5))
# Uncertainty quality.
ref("SpearmanErrorStd", "scipy.stats.spearmanr(abs(y-pred), std).correlation", stats.spearmanr(np.abs(y - pred), std).correlation)
ref("GaussianNLL", "-np.mean(scipy.stats.norm.logpdf(y, pred, std))", -np.mean(stats.norm.logpdf(y, pred, std)))
ref("GaussianNLL/w", "-np.average(scipy.stats.norm.logpdf(y, pred, std), weights=w)", -np.average(stats.norm.logpdf(y, pred, std), weights=w))
ref("Coverage", "np.mean(abs(y-pred) <= 1.96*std)", np.mean(np.abs(y - pred) <= 1.96 * std))
ref("Coverage/w", "np.average(abs(y-pred) <= 1.96*std, weights=w)", np.average(np.abs(y - pred) <= 1.96 * std, weights=w))
# Miscalibration area, Uncertainty Toolbox formula (prop_type="interval", num_bins=100) with scipy's norm.ppf;
# the area between the piecewise-linear curves is integrated on a 1e6-point grid (independent of our
# exact crossing formula), so compare to 1e-6.
def misc_area(y, mu, sd, num_bins=100):
    z = (y - mu) / sd
    exp = np.linspace(0, 1, num_bins)
    obs = np.array([np.mean((z >= stats.norm.ppf(0.5 - p / 2)) & (z <= stats.norm.ppf(0.5 + p / 2))) for p in exp])
    grid = np.linspace(0, 1, 1_000_001)
    d = np.interp(grid, exp, obs) - grid
    return np.trapz(np.abs(d), grid)
ref("MiscalibrationArea", "UT interval proportions, num_bins=100, |obs-exp| integrated by np.trapz on 1e6 points", misc_area(y, pred, std))
ref("MiscalibrationArea/over", "same with std/3 (overconfident)", misc_area(y, pred, std / 3))
def ence(y, mu, sd, k):
    order = np.argsort(sd, kind="stable")
    out = []
    for b in np.array_split(order, k):
        rmv = np.sqrt(np.mean(sd[b] ** 2)); rmse = np.sqrt(np.mean((y[b] - mu[b]) ** 2))
        out.append(abs(rmv - rmse) / rmv)
    return np.mean(out)
ref("ENCE10", "Levi et al.: np.array_split(np.argsort(std, kind='stable'), 10), mean |RMV-RMSE|/RMV", ence(y, pred, std, 10))
ref("ENCE7", "same with 7 bins (uneven sizes)", ence(y, pred, std, 7))
print("}")
