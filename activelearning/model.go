package activelearning

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"gonum.org/v1/gonum/floats"

	"activelab/auth"
	"activelab/chem"
	"activelab/features"
	"activelab/ident"
	"activelab/ml"
	"activelab/store"
)

// Label confidence as a sample weight when training: a high-confidence
// value counts fully, medium 0.7, low 0.4 (each row's bootstrap count is
// multiplied by it; see ml.TrainEnsemble).
var confidenceWeight = map[store.Confidence]float64{
	store.ConfidenceHigh:   1.0,
	store.ConfidenceMedium: 0.7,
	store.ConfidenceLow:    0.4,
}

// Learner names of CreateModelInput.Learner.
const (
	// LearnerForestLinear mixes half random-forest trees and half linear
	// models (ridge for regression, logistic regression for
	// classification), each on its own bootstrap resample; the default.
	LearnerForestLinear = "forest+linear"
	// LearnerForest is a bootstrap ensemble of random-forest trees.
	LearnerForest = "forest"
	// LearnerRidge is a bootstrap ensemble of ridge regressions.
	LearnerRidge = "ridge"
	// LearnerLogistic is a bootstrap ensemble of L2-penalised logistic
	// regressions.
	LearnerLogistic = "logistic"
	// DefaultLearner is the learner of a model created without one: on
	// ESOL and BBBP the mix predicts better than either kind alone with
	// the same labels (docs/simulation).
	DefaultLearner = LearnerForestLinear
)

// Ensemble size limits of CreateModel.
const (
	DefaultMembers = 32
	MaxMembers     = 256
)

// modelParams is the JSON stored in ml_models.params: everything needed
// to retrain the lineage the same way.
type modelParams struct {
	Members     int            `json:"members"`
	Learner     string         `json:"learner"`
	Params      map[string]any `json:"params,omitempty"`
	SourceSetID store.ID       `json:"source_set_id,omitempty"`
	// TrainingSetID is the compound set holding the original training
	// compounds (fixed at creation).
	TrainingSetID store.ID    `json:"training_set_id"`
	Split         splitParams `json:"split"`
	// GainCheck makes every retrain measure what each group of the
	// cycle's labels was worth (gaincheck.go).
	GainCheck bool `json:"gain_check,omitempty"`
}

type splitParams struct {
	Kind     string  `json:"kind"`
	Fraction float64 `json:"fraction"`
	Seed     int64   `json:"seed"`
}

func parseParams(m *store.MLModel) (modelParams, error) {
	var p modelParams
	if err := json.Unmarshal(m.Params, &p); err != nil {
		return p, fmt.Errorf("model %d params: %w", m.ID, err)
	}
	return p, nil
}

func (p modelParams) ensembleConfig(task store.Task, seed int64) ml.EnsembleConfig {
	cfg := ml.EnsembleConfig{Members: p.Members, Seed: uint64(seed), FeatureSet: features.Set}
	if task == store.TaskClassification {
		cfg.Task = ml.Classification
	}
	switch p.Learner {
	case LearnerRidge, LearnerLogistic:
		cfg.Learner = ml.Linear
	case LearnerForestLinear:
		cfg.Learner = ml.ForestLinear
	default:
		cfg.Learner = ml.Forest
	}
	if v, ok := p.Params["l2"].(float64); ok {
		cfg.L2 = v
	}
	if v, ok := p.Params["max_depth"].(float64); ok {
		cfg.Tree.MaxDepth = int(v)
	}
	if v, ok := p.Params["min_samples_leaf"].(float64); ok {
		cfg.Tree.MinSamplesLeaf = int(v)
	}
	return cfg
}

// CreateModel creates version 1 of a model lineage (admin only): it checks
// the input, fixes the validation split (random or Bemis–Murcko scaffold)
// among the compounds measured for the endpoint (optionally only those in
// TrainingSetID), stores it as a validation set with its hash, records the
// remaining compounds as the lineage's training set, and enqueues
// train_model, all in one transaction. The returned version has status
// training; its ID is the lineage's ID.
func (s *Service) CreateModel(ctx context.Context, actor *store.User, in CreateModelInput) (*store.MLModel, error) {
	if err := auth.RequireRole(actor, "createModel", store.RoleAdmin); err != nil {
		return nil, err
	}
	p, err := s.checkModelInput(&in)
	if err != nil {
		return nil, err
	}
	if err := checkTolerance(in.PromotionTolerance); err != nil {
		return nil, err
	}
	classes, err := checkClasses(in.Task, in.Classes)
	if err != nil {
		return nil, err
	}
	if s.jobs == nil {
		return nil, errors.New("create model: no job client (SetJobs)")
	}
	if _, err := s.st.ActiveMLModel(ctx, in.Name); err == nil {
		return nil, fmt.Errorf("model %q exists: %w", in.Name, store.ErrConflict)
	}
	if in.TrainingSetID != store.NilID {
		if _, err := s.st.CompoundSetByID(ctx, in.TrainingSetID); err != nil {
			return nil, &InputError{Field: "trainingSetId", Msg: err.Error()}
		}
	}
	ms, err := s.st.MeasurementsByEndpoint(ctx, in.Endpoint, store.MeasurementQuery{SetID: in.TrainingSetID})
	if err != nil {
		return nil, err
	}
	m := &store.MLModel{Name: in.Name, Endpoint: in.Endpoint, Task: in.Task, Version: 1, Status: store.ModelTraining,
		Seed: in.Seed, CreatedAt: s.now(), PromotionTolerance: in.PromotionTolerance, Classes: classes}
	if in.Task == store.TaskClassification {
		for _, ms := range ms {
			if err := checkClassValue("classes", m.ClassList(), ms.Value); err == nil {
				continue
			}
			if classes == nil {
				return nil, inputErr("task", "classification needs values 0 or 1, or class names (classes); %q has %g", in.Endpoint, ms.Value)
			}
			return nil, inputErr("classes", "%q has the value %g, not a class index of %s: import the endpoint's labels by class name (import classes)", in.Endpoint, ms.Value, classList(m.ClassList()))
		}
	}
	data := aggregate(ms, in.Task, len(m.ClassList()))
	if len(data.ids) < 10 {
		return nil, inputErr("endpoint", "%d compounds measured for %q; a model needs at least 10", len(data.ids), in.Endpoint)
	}
	valIdx, err := s.split(ctx, data.ids, p.Split)
	if err != nil {
		return nil, err
	}
	isVal := make(map[int]bool, len(valIdx))
	members := make([]store.ValidationSetMember, 0, len(valIdx))
	for _, i := range valIdx {
		isVal[i] = true
		members = append(members, store.ValidationSetMember{CompoundID: data.ids[i], Value: data.y[i]})
	}
	var trainIDs []store.ID
	for i, id := range data.ids {
		if !isVal[i] {
			trainIDs = append(trainIDs, id)
		}
	}
	if len(trainIDs) < 5 || len(members) < 2 {
		return nil, inputErr("split.fraction", "split leaves %d training and %d validation compounds (need 5 and 2)", len(trainIDs), len(members))
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		vs := &store.ValidationSet{Name: "model " + in.Name + " validation", Endpoint: in.Endpoint,
			Hash: validationHash(members), CreatedAt: s.now()}
		if err := tx.CreateValidationSet(ctx, vs, members); err != nil {
			return err
		}
		ts := &store.CompoundSet{Name: "model " + in.Name + " training", Kind: store.SetDataset,
			Description: fmt.Sprintf("original training set of model %q (%s)", in.Name, in.Endpoint), CreatedBy: ptr(actor.ID), CreatedAt: s.now()}
		if err := tx.CreateCompoundSet(ctx, ts); err != nil {
			return err
		}
		if err := tx.AddCompoundSetMembers(ctx, ts.ID, trainIDs); err != nil {
			return err
		}
		p.TrainingSetID = ts.ID
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		m.Params, m.ValidationSetID, m.ValidationHash, m.TrainingSize = raw, &vs.ID, vs.Hash, len(trainIDs)
		if err := tx.CreateMLModel(ctx, m); err != nil {
			return err
		}
		_, err = s.jobs.EnqueueTrainModel(ctx, tx, m.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create model %q: %w", in.Name, err)
	}
	return m, nil
}

func (s *Service) checkModelInput(in *CreateModelInput) (modelParams, error) {
	in.Name, in.Endpoint = strings.TrimSpace(in.Name), strings.TrimSpace(in.Endpoint)
	var p modelParams
	switch {
	case in.Name == "":
		return p, inputErr("name", "must not be empty")
	case in.Endpoint == "":
		return p, inputErr("endpoint", "must not be empty")
	case !in.Task.Valid():
		return p, inputErr("task", "%q is not regression or classification", in.Task)
	}
	if in.Members == 0 {
		in.Members = DefaultMembers
	}
	if in.Members < 2 || in.Members > MaxMembers {
		return p, inputErr("members", "%d is outside 2..%d", in.Members, MaxMembers)
	}
	if in.Learner == "" {
		in.Learner = DefaultLearner
	}
	switch in.Learner {
	case LearnerForest, LearnerForestLinear:
	case LearnerRidge:
		if in.Task != store.TaskRegression {
			return p, inputErr("learner", "ridge is for regression; use logistic for classification")
		}
	case LearnerLogistic:
		if in.Task != store.TaskClassification {
			return p, inputErr("learner", "logistic is for classification; use ridge for regression")
		}
	default:
		return p, inputErr("learner", "%q is not forest+linear, forest, ridge or logistic", in.Learner)
	}
	for k, v := range in.Params {
		f, ok := v.(float64)
		if !ok {
			if i, isInt := v.(int); isInt {
				f, ok = float64(i), true
				in.Params[k] = f
			}
		}
		switch k {
		case "l2", "max_depth", "min_samples_leaf":
			if !ok || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
				return p, inputErr("params."+k, "must be a finite number >= 0")
			}
		default:
			return p, inputErr("params."+k, "unknown learner setting (known: l2, max_depth, min_samples_leaf)")
		}
	}
	sp := in.Split
	if sp.Kind == "" {
		sp.Kind = "random"
	}
	if sp.Kind != "random" && sp.Kind != "scaffold" {
		return p, inputErr("split.kind", "%q is not random or scaffold", sp.Kind)
	}
	if sp.Fraction == 0 {
		sp.Fraction = 0.2
	}
	if !(sp.Fraction > 0 && sp.Fraction <= 0.5) {
		return p, inputErr("split.fraction", "%g is outside (0, 0.5]", sp.Fraction)
	}
	in.Split = sp
	if in.Seed == 0 {
		in.Seed = sp.Seed
	}
	return modelParams{Members: in.Members, Learner: in.Learner, Params: in.Params, SourceSetID: in.TrainingSetID,
		Split: splitParams{Kind: sp.Kind, Fraction: sp.Fraction, Seed: sp.Seed}, GainCheck: in.GainCheck}, nil
}

// split returns the indexes (into ids) of the validation compounds.
// Random: a seeded shuffle, the first round(fraction·n). Scaffold: compounds
// grouped by Bemis–Murcko scaffold (chem.MurckoScaffoldSMILES; acyclic
// compounds each form their own group), groups in a seeded random order
// added whole to the validation set until it holds fraction·n compounds, so
// no scaffold is on both sides.
func (s *Service) split(ctx context.Context, ids []store.ID, sp splitParams) ([]int, error) {
	n := len(ids)
	want := int(math.Round(sp.Fraction * float64(n)))
	rng := rand.New(rand.NewPCG(uint64(sp.Seed), 0x5eed5917))
	if sp.Kind == "random" {
		perm := rng.Perm(n)
		out := perm[:want]
		sort.Ints(out)
		return out, nil
	}
	cs, err := s.st.LoadCompounds(ctx, ids)
	if err != nil {
		return nil, err
	}
	groups := map[string][]int{}
	var keys []string
	for i, c := range cs {
		key := "#" + c.CanonicalSMILES
		if m, err := chem.Parse(c.CanonicalSMILES); err == nil {
			if sc := chem.MurckoScaffoldSMILES(m); sc != "" {
				key = sc
			}
		}
		if _, ok := groups[key]; !ok {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], i)
	}
	sort.Strings(keys)
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	var out []int
	for _, k := range keys {
		if len(out) >= want {
			break
		}
		g := groups[k]
		if len(out)+len(g) > want && len(out) > 0 && len(g) > want/2 {
			continue // a big scaffold would overshoot: keep it for training
		}
		out = append(out, g...)
	}
	sort.Ints(out)
	return out, nil
}

// validationHash is the SHA-256 of the members' "compound_id:value" lines in
// compound order: equal hashes mean the same held-out compounds and values.
func validationHash(ms []store.ValidationSetMember) string {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b store.ValidationSetMember) int { return ident.Compare(a.CompoundID, b.CompoundID) })
	h := sha256.New()
	for _, m := range ms {
		fmt.Fprintf(h, "%d:%s\n", m.CompoundID, json.Number(fmt.Sprint(m.Value)))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// labeled is training data: per compound one value and one weight.
type labeled struct {
	ids  []store.ID
	y, w []float64
	// labels is how many of the rows (compounds) carry a label (a
	// measurement of origin label).
	labels int
}

// without returns the rows whose compound is not in leaveOut, without a
// label count (the gain check's models are not stored).
func (l labeled) without(leaveOut map[store.ID]bool) labeled {
	var out labeled
	for i, id := range l.ids {
		if leaveOut[id] {
			continue
		}
		out.ids = append(out.ids, id)
		out.y = append(out.y, l.y[i])
		if l.w != nil {
			out.w = append(out.w, l.w[i])
		}
	}
	return out
}

// aggregate merges measurements per compound: the confidence-weighted mean
// of its values (for two classes rounded to 0 or 1) with the largest of
// their weights; with k > 2 classes the class of the largest total
// confidence (the lowest index on a tie). Compounds come out in ascending
// ID order.
func aggregate(ms []*store.Measurement, task store.Task, k int) labeled {
	type acc struct {
		sum, wsum, wmax float64
		votes           []float64
	}
	by := map[store.ID]*acc{}
	for _, m := range ms {
		w := confidenceWeight[m.Confidence]
		if w == 0 {
			w = 1
		}
		a := by[m.CompoundID]
		if a == nil {
			a = &acc{}
			by[m.CompoundID] = a
		}
		a.sum += w * m.Value
		a.wsum += w
		if k > 2 {
			if a.votes == nil {
				a.votes = make([]float64, k)
			}
			if c := int(m.Value); c >= 0 && c < k {
				a.votes[c] += w
			}
		}
		a.wmax = max(a.wmax, w)
	}
	var out labeled
	for id := range by {
		out.ids = append(out.ids, id)
	}
	slices.SortFunc(out.ids, ident.Compare)
	for _, id := range out.ids {
		a := by[id]
		v := a.sum / a.wsum
		switch {
		case task == store.TaskClassification && k > 2:
			v = float64(floats.MaxIdx(a.votes))
		case task == store.TaskClassification:
			v = math.Round(v)
		}
		out.y = append(out.y, v)
		out.w = append(out.w, a.wmax)
	}
	return out
}

// trainingData is a lineage's training set now: the measurements of its
// original training compounds plus every label of the endpoint (origin
// label), never a validation compound.
func (s *Service) trainingData(ctx context.Context, q store.Querier, root *store.MLModel, p modelParams, val map[store.ID]bool) (labeled, error) {
	all, err := q.MeasurementsByEndpoint(ctx, root.Endpoint, store.MeasurementQuery{})
	if err != nil {
		return labeled{}, err
	}
	members, err := q.CompoundSetMemberIDs(ctx, p.TrainingSetID)
	if err != nil {
		return labeled{}, err
	}
	inSet := make(map[store.ID]bool, len(members))
	for _, id := range members {
		inSet[id] = true
	}
	var keep []*store.Measurement
	for _, m := range all {
		if val[m.CompoundID] {
			continue
		}
		if inSet[m.CompoundID] || m.Origin == store.OriginLabel {
			keep = append(keep, m)
		}
	}
	out := aggregate(keep, root.Task, len(root.ClassList()))
	withLabel := map[store.ID]bool{}
	for _, m := range keep {
		if m.Origin == store.OriginLabel {
			withLabel[m.CompoundID] = true
		}
	}
	out.labels = len(withLabel)
	return out, nil
}

// validation returns the lineage's validation compounds and values.
func (s *Service) validation(ctx context.Context, q store.Querier, m *store.MLModel) ([]store.ID, []float64, map[store.ID]bool, error) {
	if m.ValidationSetID == nil {
		return nil, nil, nil, fmt.Errorf("model %d has no validation set", m.ID)
	}
	ms, err := q.ValidationMembers(ctx, *m.ValidationSetID)
	if err != nil {
		return nil, nil, nil, err
	}
	if h := validationHash(ms); h != m.ValidationHash {
		return nil, nil, nil, fmt.Errorf("model %d: validation set %d changed (hash %s, recorded %s)", m.ID, *m.ValidationSetID, h, m.ValidationHash)
	}
	ids := make([]store.ID, len(ms))
	y := make([]float64, len(ms))
	set := make(map[store.ID]bool, len(ms))
	for i, v := range ms {
		ids[i], y[i], set[v.CompoundID] = v.CompoundID, v.Value, true
	}
	return ids, y, set, nil
}

// trained is a freshly trained ensemble with its validation metrics.
type trained struct {
	model    versionModel
	artifact []byte
	metrics  map[string]float64
	size     int
	// labels is how many training rows carry a label (MLModel.TrainedLabels).
	labels int
	// ids are the training compounds (the retrain archives the labeled
	// items among them).
	ids []store.ID
}

// train fits an ensemble for a lineage on its current training data and
// measures it on the validation set.
func (s *Service) train(ctx context.Context, root *store.MLModel, seed int64, progress func(string, float64, string)) (*trained, error) {
	return s.trainWithout(ctx, root, seed, nil, progress)
}

// trainWithout is train with the compounds of leaveOut left out of the
// training data (the gain check's one-group models).
func (s *Service) trainWithout(ctx context.Context, root *store.MLModel, seed int64, leaveOut map[store.ID]bool,
	progress func(string, float64, string)) (*trained, error) {
	p, err := parseParams(root)
	if err != nil {
		return nil, err
	}
	valIDs, valY, valSet, err := s.validation(ctx, s.st, root)
	if err != nil {
		return nil, err
	}
	data, err := s.trainingData(ctx, s.st, root, p, valSet)
	if err != nil {
		return nil, err
	}
	if len(leaveOut) > 0 {
		data = data.without(leaveOut)
	}
	progress("featurize", 0.1, fmt.Sprintf("%d training compounds", len(data.ids)))
	X, err := s.featureMatrix(ctx, s.st, data.ids)
	if err != nil {
		return nil, err
	}
	progress("train", 0.2, fmt.Sprintf("training %d members on %d compounds", p.Members, len(data.ids)))
	vm, err := trainModel(ctx, root, X, data, p.ensembleConfig(root.Task, seed))
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	progress("evaluate", 0.8, fmt.Sprintf("validating on %d compounds", len(valIDs)))
	metrics, err := s.evaluate(ctx, vm, valIDs, valY, root.Task)
	if err != nil {
		return nil, err
	}
	art, err := vm.artifact()
	if err != nil {
		return nil, fmt.Errorf("serialize model: %w", err)
	}
	return &trained{model: vm, artifact: art, metrics: metrics, size: len(data.ids), labels: data.labels, ids: data.ids}, nil
}

// evaluate returns the ensemble's metrics on the validation compounds.
// Regression: rmse, mae, r2, spearman, coverage95 (of mean ± 1.96 std);
// classification: roc_auc, accuracy, f1, log_loss, brier; more than two
// classes: multiMetricsOf. A metric that is undefined on the set (e.g. ROC
// AUC with one class) is left out.
func (s *Service) evaluate(ctx context.Context, vm versionModel, ids []store.ID, y []float64, task store.Task) (map[string]float64, error) {
	X, err := s.featureMatrix(ctx, s.st, ids)
	if err != nil {
		return nil, err
	}
	if vm.multi != nil {
		sc, err := vm.predict(ctx, X)
		if err != nil {
			return nil, fmt.Errorf("predict validation set: %w", err)
		}
		return multiMetricsOf(y, sc.probs), nil
	}
	ens := vm.ens
	var pred *ml.Prediction
	if task == store.TaskRegression && ens.Calibrated() {
		pred, err = ens.PredictInterval(ctx, X, 0.90)
	} else {
		pred, err = ens.Predict(ctx, X)
	}
	if err != nil {
		return nil, fmt.Errorf("predict validation set: %w", err)
	}
	return metricsOf(task, y, pred), nil
}

func (s *Service) cacheEnsemble(id store.ID, t *trained) {
	switch {
	case id == store.NilID || t == nil:
	case t.model.multi != nil:
		s.cache.multis.put(keyOf(id, t.artifact), t.model.multi)
	default:
		s.cache.ensembles.put(keyOf(id, t.artifact), t.model.ens)
	}
}

// ensemble decodes a version's artifact. A version trained on another
// feature layout than this build's is a *FeatureSetError.
func (s *Service) ensemble(m *store.MLModel) (*ml.Ensemble, error) {
	return decodeCached(&s.cache.ensembles, m, (*ml.Ensemble).FeatureSet)
}

// decodeCached returns version m's decoded artifact from vm, decoding and
// caching it on a miss; featureSet names the feature layout it was
// trained on ("" for one from before layouts were recorded), which must
// be this build's.
func decodeCached[T any, PT interface {
	*T
	UnmarshalBinary([]byte) error
}](vm *versionMap[PT], m *store.MLModel, featureSet func(PT) string) (PT, error) {
	key := keyOf(m.ID, m.Artifact)
	if v := vm.get(key); v != nil {
		return v, nil
	}
	if len(m.Artifact) == 0 {
		return nil, fmt.Errorf("model %q version %d has no trained artifact (status %s)", m.Name, m.Version, m.Status)
	}
	v := PT(new(T))
	if err := v.UnmarshalBinary(m.Artifact); err != nil {
		return nil, fmt.Errorf("model %d artifact: %w", m.ID, err)
	}
	if fs := featureSet(v); fs != "" && fs != features.Set {
		return nil, &FeatureSetError{Model: m.Name, Version: m.Version, Trained: fs, Current: features.Set}
	}
	vm.put(key, v)
	return v, nil
}

// TrainModel trains a version created by CreateModel (jobs.Trainer). It is
// idempotent: a version that is no longer "training" is left alone, so a
// retried job does nothing twice. On success the version gets its artifact,
// metrics and training size and becomes the lineage's active version (one
// transaction, with model_trained and model_activated events). A training
// error that retrying cannot fix marks the version failed with its error;
// a cancelled context changes nothing (the job is retried).
func (s *Service) TrainModel(ctx context.Context, modelID store.ID, progress func(stage string, fraction float64, msg string)) error {
	if progress == nil {
		progress = func(string, float64, string) {}
	}
	m, err := s.st.ModelVersion(ctx, modelID)
	if err != nil {
		return err
	}
	if m.Status != store.ModelTraining {
		return nil
	}
	root := m
	if m.Version != 1 {
		lid, err := lineageOf(m)
		if err != nil {
			return err
		}
		if root, err = s.st.ModelVersion(ctx, lid); err != nil {
			return err
		}
	}
	start := time.Now()
	t, err := s.train(ctx, root, m.Seed+int64(m.Version)-1, progress)
	s.observeTraining(ctx, TrainingInitial, start, err)
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return s.failModel(ctx, m, err)
	}
	raw, _ := json.Marshal(t.metrics)
	lineage := root.ID
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.ModelVersion(ctx, modelID)
		if err != nil {
			return err
		}
		if cur.Status != store.ModelTraining {
			return nil // done by an earlier attempt
		}
		cur.Artifact, cur.Metrics, cur.TrainingSize, cur.TrainedLabels, cur.Error = t.artifact, raw, t.size, t.labels, ""
		if err := tx.UpdateMLModel(ctx, cur); err != nil {
			return err
		}
		if _, err := tx.ActivateVersion(ctx, modelID, s.now()); err != nil {
			return err
		}
		return s.emit(ctx, tx,
			evt{Type: EventModelTrained, Model: lineage, Payload: map[string]any{"version_id": modelID, "version": cur.Version, "metrics": t.metrics, "training_size": t.size}},
			evt{Type: EventModelActivated, Model: lineage, Payload: map[string]any{"version_id": modelID, "version": cur.Version}})
	})
	if err != nil {
		return fmt.Errorf("train model %d: %w", modelID, err)
	}
	s.cacheEnsemble(modelID, t)
	progress("done", 1, "model active")
	return nil
}

func (s *Service) failModel(ctx context.Context, m *store.MLModel, cause error) error {
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		return tx.FailTraining(ctx, m.ID, cause.Error())
	})
	if err != nil {
		return fmt.Errorf("mark model %d failed (%v): %w", m.ID, cause, err)
	}
	return nil
}

// Models returns, per lineage, its active version (or the latest when none is
// active), by lineage ID.
func (s *Service) Models(ctx context.Context) ([]*store.MLModel, error) {
	return s.st.ModelsLatestPerLineage(ctx)
}

// Model returns a lineage's active version (or latest when none is active).
func (s *Service) Model(ctx context.Context, lineageID store.ID) (*store.MLModel, error) {
	vs, err := s.st.ModelVersions(ctx, lineageID)
	if err != nil {
		return nil, err
	}
	return activeOrLatest(vs), nil
}

// ModelVersions returns every version of a lineage, oldest first.
func (s *Service) ModelVersions(ctx context.Context, lineageID store.ID) ([]*store.MLModel, error) {
	return s.st.ModelVersions(ctx, lineageID)
}
