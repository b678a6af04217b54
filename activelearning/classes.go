package activelearning

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/floats"

	"activelab/activelearning/ingest"
	"activelab/ml"
	"activelab/ml/metrics"
	"activelab/ml/sampling"
	"activelab/store"
)

// Classes of a classification model (see doc.go, "Classes"): K >= 2 names
// in index order, stored on every version; a label's measurement value is
// its class index. Two classes train one binary ensemble whose probability
// is p(class 1); more than two train ml.MultiClass (one-vs-rest).

// checkClasses normalises and validates CreateModelInput.Classes for task:
// none for regression; for classification empty means store.BinaryClasses,
// else what ingest.CheckClasses accepts (2 to ml.MaxClasses names, the
// same rules as an import's classes). It returns what to store (nil for the binary
// default, so a binary model looks as it always did).
func checkClasses(task store.Task, classes []string) (store.ClassNames, error) {
	if len(classes) == 0 {
		return nil, nil
	}
	if task != store.TaskClassification {
		return nil, inputErr("classes", "class names are for classification; %q is regression", task)
	}
	names, err := ingest.CheckClasses(classes)
	if err != nil {
		return nil, inputErr("classes", "%s", err.Error())
	}
	out := store.ClassNames(names)
	if len(out) == 2 && out[0] == store.BinaryClasses[0] && out[1] == store.BinaryClasses[1] {
		return nil, nil
	}
	return out, nil
}

// ClassIndex resolves a class label against classes as an import does
// (ingest.ClassIndex: a class name, as it is or ignoring case, or its
// index 0..K−1 written as an integer). The error (an *InputError for
// field) names the valid classes.
func ClassIndex(field string, classes []string, label string) (int, error) {
	if k, ok := ingest.ClassIndex(classes, label); ok {
		return k, nil
	}
	return 0, inputErr(field, "%q is not a class: valid classes are %s (or their index 0 to %d)", strings.TrimSpace(label), classList(classes), len(classes)-1)
}

// checkClassValue checks that v is a class index of classes.
func checkClassValue(field string, classes []string, v float64) error {
	if v >= 0 && v < float64(len(classes)) && v == math.Trunc(v) {
		return nil
	}
	return inputErr(field, "%g is not a class index: valid classes are %s (index 0 to %d)", v, classList(classes), len(classes)-1)
}

// classList is "0 low, 1 medium, 2 high".
func classList(classes []string) string {
	parts := make([]string, len(classes))
	for k, c := range classes {
		parts[k] = fmt.Sprintf("%d %s", k, c)
	}
	return strings.Join(parts, ", ")
}

// multiClass reports whether m has more than two classes.
func multiClass(m *store.MLModel) bool { return len(m.ClassList()) > 2 }

// versionModel is a trained version's model: one ensemble (regression or
// two classes) or, with more than two classes, an ml.MultiClass.
type versionModel struct {
	ens   *ml.Ensemble
	multi *ml.MultiClass
}

// scores is a versionModel's view of some rows. For more than two classes
// probs[i] are the class probabilities, mean[i] the probability of the
// predicted (most probable) class and std[i] the mean over classes of the
// one-vs-rest ensembles' spreads; otherwise probs is nil and mean, std are
// the ensemble's (for two classes mean is p(class 1)).
type scores struct {
	mean, std []float64
	probs     [][]float64
}

func (v versionModel) predict(ctx context.Context, X *ml.Features) (*scores, error) {
	if v.multi == nil {
		p, err := v.ens.Predict(ctx, X)
		if err != nil {
			return nil, err
		}
		return &scores{mean: p.Mean, std: p.Std}, nil
	}
	p, err := v.multi.Predict(ctx, X)
	if err != nil {
		return nil, err
	}
	out := &scores{mean: make([]float64, len(p.Proba)), std: make([]float64, len(p.Proba)), probs: p.Proba}
	for i, row := range p.Proba {
		out.mean[i] = row[floats.MaxIdx(row)]
		var s float64
		for _, sd := range p.Std[i] {
			s += sd
		}
		out.std[i] = s / float64(len(p.Std[i]))
	}
	return out, nil
}

// candidate is row i as ml/sampling sees it.
func (sc *scores) candidate(i, index int, dist float64) sampling.Candidate {
	c := sampling.Candidate{Index: index, Mean: sc.mean[i], Std: sc.std[i], Prob: sc.mean[i], Distance: dist}
	if sc.probs != nil {
		c.Probs = sc.probs[i]
	}
	return c
}

// probsOf returns row i's stored class probabilities (nil without).
func (sc *scores) probsOf(i int) store.ClassProbabilities {
	if sc.probs == nil {
		return nil
	}
	return sc.probs[i]
}

// artifact encodes the model.
func (v versionModel) artifact() ([]byte, error) {
	if v.multi != nil {
		return v.multi.MarshalBinary()
	}
	return v.ens.MarshalBinary()
}

// model decodes a version's artifact (cached): an ensemble, or for more
// than two classes a MultiClass.
func (s *Service) model(m *store.MLModel) (versionModel, error) {
	if !multiClass(m) {
		ens, err := s.ensemble(m)
		return versionModel{ens: ens}, err
	}
	mc, err := decodeCached(&s.cache.multis, m, func(mc *ml.MultiClass) string { return mc.Model(0).FeatureSet() })
	return versionModel{multi: mc}, err
}

// trainModel fits a lineage's model: TrainMultiClass for more than two
// classes (y holds class indexes), else TrainEnsemble.
func trainModel(ctx context.Context, root *store.MLModel, X *ml.Features, data labeled, cfg ml.EnsembleConfig) (versionModel, error) {
	if !multiClass(root) {
		ens, err := ml.TrainEnsemble(ctx, X, data.y, data.w, cfg)
		return versionModel{ens: ens}, err
	}
	y := make([]int, len(data.y))
	for i, v := range data.y {
		y[i] = int(v)
	}
	mc, err := ml.TrainMultiClass(ctx, X, y, root.ClassList(), data.w, cfg)
	return versionModel{multi: mc}, err
}

// multiMetricsOf is metricsOf for more than two classes:
// metrics.MultiClassSummary (auc = macro one-vs-rest ROC-AUC, accuracy,
// log_loss, ece = top-label ECE; roc_auc repeats auc, as for two
// classes), leaving out undefined ones.
func multiMetricsOf(y []float64, probs [][]float64) map[string]float64 {
	yi := make([]int, len(y))
	for i, v := range y {
		yi[i] = int(v)
	}
	out, err := metrics.MultiClassSummary(yi, probs, nil)
	if err != nil || out == nil {
		out = map[string]float64{}
	}
	if auc, ok := out[metrics.NameAUC]; ok {
		out["roc_auc"] = auc // the binary summary's name too: learning curves read it
	}
	return out
}

// labelValue resolves a label for version m: class, when not empty, is a
// class name or index and sets *value to its index; a classification
// value must be a class index. Errors are *InputError naming the classes.
func labelValue(m *store.MLModel, class string, value *float64) error {
	classes := m.ClassList()
	switch {
	case class != "" && classes == nil:
		return inputErr("class", "model %q is regression: give a value, not a class", m.Name)
	case class != "":
		k, err := ClassIndex("class", classes, class)
		if err != nil {
			return err
		}
		*value = float64(k)
		return nil
	case classes != nil:
		return checkClassValue("value", classes, *value)
	}
	return nil
}

// ClassProbability is one class of a classification model with the
// probability a model version gives it.
type ClassProbability struct {
	Class       string
	Index       int
	Probability float64
}

// classProbabilities are the probabilities of classes given a prediction
// (two classes: p(class 1), so class 0 has 1 − p) or the per-class
// probabilities probs (more than two); nil for regression or without a
// prediction.
func classProbabilities(classes []string, prediction *float64, probs []float64) []*ClassProbability {
	switch {
	case len(classes) > 2 && len(probs) == len(classes):
	case len(classes) == 2 && prediction != nil:
		p := min(max(*prediction, 0), 1)
		probs = []float64{1 - p, p}
	default:
		return nil
	}
	out := make([]*ClassProbability, len(classes))
	for k, c := range classes {
		out[k] = &ClassProbability{Class: c, Index: k, Probability: probs[k]}
	}
	return out
}

// predictedClass is the most probable class (the first on a tie: p = 0.5
// of two classes is class 0), nil without probabilities.
func predictedClass(ps []*ClassProbability) *string {
	if len(ps) == 0 {
		return nil
	}
	probs := make([]float64, len(ps))
	for k, p := range ps {
		probs[k] = p.Probability
	}
	return &ps[floats.MaxIdx(probs)].Class // the first of equal maxima
}

// ItemProbabilities are a queue item's class probabilities as version (the
// version that scored it) gives them; nil for regression or an item
// without a prediction.
func ItemProbabilities(version *store.MLModel, it *store.LabelQueueItem) []*ClassProbability {
	return classProbabilities(version.ClassList(), it.Prediction, it.ClassProbabilities)
}

// ItemPredictedClass is the most probable class of a queue item (see
// ItemProbabilities); nil for regression or without a prediction.
func ItemPredictedClass(version *store.MLModel, it *store.LabelQueueItem) *string {
	return predictedClass(ItemProbabilities(version, it))
}

// ItemLabelClass is the class name of a queue item's label; nil for
// regression, an item without a label, or a value that is no class index.
func ItemLabelClass(version *store.MLModel, it *store.LabelQueueItem) *string {
	classes := version.ClassList()
	if it.Label == nil || checkClassValue("label", classes, *it.Label) != nil {
		return nil
	}
	return &classes[int(*it.Label)]
}

// ClassProbabilities are the candidate's class probabilities (see
// ItemProbabilities); nil for regression.
func (c *Candidate) ClassProbabilities() []*ClassProbability {
	return classProbabilities(c.classes, &c.Prediction, c.Probabilities)
}

// PredictedClass is the candidate's most probable class; nil for
// regression.
func (c *Candidate) PredictedClass() *string { return predictedClass(c.ClassProbabilities()) }

// ClassProbabilities are the row's class probabilities (see
// ItemProbabilities); nil for regression or a row that did not parse.
func (r *PredictResult) ClassProbabilities() []*ClassProbability {
	if r.Err != nil {
		return nil
	}
	return classProbabilities(r.classes, &r.Prediction, r.Probabilities)
}

// PredictedClass is the row's most probable class; nil for regression or
// a row that did not parse.
func (r *PredictResult) PredictedClass() *string { return predictedClass(r.ClassProbabilities()) }

// LabelValue splits a label given as a number (value) or a class (class)
// for SubmitLabelInput and AmendLabelInput: the value (0 when nil), the
// class ("" when nil or blank), and whether neither was given (NoValue).
func LabelValue(value *float64, class *string) (v float64, c string, none bool) {
	if class != nil && strings.TrimSpace(*class) != "" {
		c = *class
	}
	if value != nil {
		v = *value
	}
	return v, c, value == nil && c == ""
}

// noValue is the error of a label with neither value nor class.
func noValue() error {
	return inputErr("value", "give a value (or, for classification, a class)")
}

// ClassColumn is the name of the predicted class's column (CSV) or data
// item (SDF) in exports and batch predictions of a model of more than two
// classes; MeasurementClassColumn names the class of a pool export's
// latest measurement.
const (
	ClassColumn            = "class"
	MeasurementClassColumn = "measurement_class"
)

// ClassColumns names the per-class probability columns of exports and
// batch predictions for a model of more than two classes (nil for two
// classes or regression, whose outputs keep their one prediction and
// probability columns): "p_" then the class name with every byte other
// than an ASCII letter, digit or '_' replaced by '_' (low, medium, high
// give p_low, p_medium, p_high; "> 10 uM" gives p___10_uM), safe as a CSV
// header, a pandas column and an SDF data item name. Two classes that
// would share a name get their index appended ("a b" and "a-b": p_a_b and
// p_a_b_1).
func ClassColumns(classes []string) []string {
	if len(classes) <= 2 {
		return nil
	}
	out := make([]string, len(classes))
	taken := map[string]bool{}
	for k, c := range classes {
		b := []byte("p_" + c)
		for i := 2; i < len(b); i++ {
			if ch := b[i]; !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_') {
				b[i] = '_'
			}
		}
		name := string(b)
		for taken[name] {
			name += "_" + strconv.Itoa(k)
		}
		taken[name] = true
		out[k] = name
	}
	return out
}

// ClassOf returns the name of the most probable class of probs (the first
// of equal maxima), "" when probs does not match classes.
func ClassOf(classes []string, probs []float64) string {
	if len(probs) == 0 || len(probs) != len(classes) {
		return ""
	}
	return classes[floats.MaxIdx(probs)]
}

// MeasurementClass is the class name of a classification value (a class
// index of classes), "" when v is none.
func MeasurementClass(classes []string, v float64) string {
	if checkClassValue("value", classes, v) != nil {
		return ""
	}
	return classes[int(v)]
}
