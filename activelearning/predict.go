package activelearning

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"activelab/auth"
	"activelab/chem"
	"activelab/features"
	"activelab/ident"
	"activelab/ml"
	"activelab/store"
)

// PredictChunk is how many rows Predict featurises and scores at a time:
// its memory is about PredictChunk rows of features, whatever the input.
const PredictChunk = 4096

// PredictInterval is the level of the prediction intervals Predict
// reports for calibrated regression models.
const PredictInterval = ml.DefaultIntervalLevel

// PredictResult is one SMILES as a model version sees it. Err is set (and
// every other field but SMILES and Version zero) when the SMILES does not
// parse: the other rows of the batch go on.
type PredictResult struct {
	SMILES string
	// Prediction is the ensemble mean (classification: probability of
	// class 1); Uncertainty its members' standard deviation.
	Prediction, Uncertainty float64
	// Low and High bound the PredictInterval prediction interval; HasInterval
	// is false (and they are zero) for a classification or uncalibrated model.
	Low, High   float64
	HasInterval bool
	// calibration gives the interval at other levels (IntervalAt).
	calibration *Calibration
	// Probability is the calibrated probability of class 1 of a
	// classification model: Prediction (the members' mean) mapped through
	// the isotonic regression fitted on the training rows' out-of-bag
	// predictions (ml.Ensemble.CalibrateProbability). HasProbability is
	// false (and Probability zero) for regression or an uncalibrated model.
	Probability    float64
	HasProbability bool
	// Probabilities are the calibrated class probabilities (index order,
	// the model's ClassList; ml.MultiPrediction.Proba) of a model of more
	// than two classes, whose Prediction is then the probability of the
	// most probable class; nil otherwise.
	Probabilities []float64
	// classes are the model's classes (nil for regression).
	classes []string
	// ApplicabilityDistance is 1 - Similarity: 0 for a training compound,
	// 1 for a compound sharing no fingerprint bit with any of them.
	ApplicabilityDistance float64
	// NearestID and NearestSMILES are the most similar training compound
	// (its canonical SMILES), Similarity its Tanimoto similarity.
	NearestID     store.ID
	NearestSMILES string
	Similarity    float64
	// Version is the model version that scored the row.
	Version int
	Err     error
}

// Predictor scores SMILES with one model version without storing them.
// It is safe for concurrent use.
type Predictor struct {
	model  *store.MLModel  // the version
	ens    *ml.Ensemble    // regression and two classes
	multi  *ml.MultiClass  // more than two classes
	domain *trainingDomain // the version's, from the service's cache
	st     *store.Store    // to name the nearest training compounds
}

// Model returns the version that scores.
func (p *Predictor) Model() *store.MLModel { return p.model }

// Predictor returns a predictor for a model given by lineage ID or name
// (ref) and version (0: the active version). Any signed-in user may
// predict. An unknown model or version, or one without a trained
// artifact, is an *InputError.
func (s *Service) Predictor(ctx context.Context, actor *store.User, ref string, version int) (*Predictor, error) {
	if err := auth.RequireRole(actor, "predict", store.RoleViewer); err != nil {
		return nil, err
	}
	vs, err := s.lineageByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	var m *store.MLModel
	if version == 0 {
		for _, v := range vs {
			if v.Status == store.ModelActive {
				m = v
			}
		}
		if m == nil {
			return nil, inputErr("model", "model %q has no active version (still training or failed): give a version", ref)
		}
	} else {
		for _, v := range vs {
			if v.Version == version {
				m = v
			}
		}
		if m == nil {
			return nil, inputErr("version", "model %q has no version %d (it has 1..%d)", ref, version, vs[len(vs)-1].Version)
		}
	}
	if len(m.Artifact) == 0 {
		return nil, inputErr("version", "model %q version %d has no trained artifact (status %s)", m.Name, m.Version, m.Status)
	}
	vm, err := s.model(m)
	if err != nil {
		return nil, err
	}
	d, err := s.domain(ctx, vs[0], m)
	if err == nil && len(d.ids) == 0 {
		err = errors.New("the model has no training compounds")
	}
	if err != nil {
		return nil, fmt.Errorf("predict with model %q version %d: %w", m.Name, m.Version, err)
	}
	return &Predictor{model: m, ens: vm.ens, multi: vm.multi, domain: d, st: s.st}, nil
}

// lineageByRef finds a lineage's versions (oldest first) by lineage ID or
// model name.
func (s *Service) lineageByRef(ctx context.Context, ref string) ([]*store.MLModel, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, inputErr("model", "name the model (its id or name)")
	}
	if id, err := ident.Parse(ref); err == nil {
		vs, err := s.st.ModelVersions(ctx, id)
		if err == nil && len(vs) > 0 {
			return vs, nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	ms, err := s.st.ModelsLatestPerLineage(ctx)
	if err != nil {
		return nil, err
	}
	var lineage store.ID
	for _, m := range ms {
		if m.Name == ref {
			if lineage != store.NilID {
				return nil, inputErr("model", "several models are named %q: give its id", ref)
			}
			lineage = m.LineageID
		}
	}
	if lineage == store.NilID {
		return nil, inputErr("model", "no model has id or name %q", ref)
	}
	return s.st.ModelVersions(ctx, lineage)
}

// Predict scores a batch of SMILES (any number; memory grows with it, so
// stream large inputs through Service.Predict). Result i is smiles[i]; a
// SMILES that does not parse gets its Err and the rest go on. The error
// is for the batch as a whole (a cancelled context).
func (p *Predictor) Predict(ctx context.Context, smiles []string) ([]PredictResult, error) {
	out := make([]PredictResult, len(smiles))
	for from := 0; from < len(smiles); from += PredictChunk {
		to := min(len(smiles), from+PredictChunk)
		if err := p.predictChunk(ctx, smiles[from:to], out[from:to]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// predictChunk fills out[i] for smiles[i]: featurised in parallel, then
// scored and placed in the domain by ml (parallel too).
func (p *Predictor) predictChunk(ctx context.Context, smiles []string, out []PredictResult) error {
	n := len(smiles)
	nDense := len(features.DenseNames)
	X := ml.NewFeatures(features.FingerprintBits, nDense, n)
	X.Grow(n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				out[i] = PredictResult{SMILES: smiles[i], Version: p.model.Version}
				v, err := featurise(smiles[i])
				if err != nil {
					out[i].Err = err
					continue
				}
				X.SetRow(i, v.Fingerprint.Words(), v.Dense)
			}
		})
	}
	wg.Wait()
	good := make([]int, 0, n)
	for i := range out {
		if out[i].Err == nil {
			good = append(good, i)
		}
	}
	if len(good) == 0 {
		return ctx.Err()
	}
	if len(good) < n {
		X = X.Subset(good)
	}
	var pred *ml.Prediction
	var err error
	var probs [][]float64
	if p.multi != nil {
		sc, err := versionModel{multi: p.multi}.predict(ctx, X)
		if err != nil {
			return fmt.Errorf("predict %d rows: %w", len(good), err)
		}
		pred, probs = &ml.Prediction{Mean: sc.mean, Std: sc.std}, sc.probs
	}
	// No intervals from a version without calibration, nor from one with
	// too few calibration rows for PredictInterval (as selections do).
	var cal *Calibration
	interval := false
	if p.ens != nil {
		cal = calibrationOf(p.ens)
		_, _, calErr := p.ens.Interval(0, 0, PredictInterval)
		interval = cal != nil && calErr == nil
	}
	switch {
	case p.multi != nil:
	case interval:
		pred, err = p.ens.PredictInterval(ctx, X, PredictInterval)
	default:
		pred, err = p.ens.Predict(ctx, X)
	}
	if err != nil {
		return fmt.Errorf("predict %d rows: %w", len(good), err)
	}
	rows, sims, err := p.domain.Nearest(ctx, X)
	if err != nil {
		return fmt.Errorf("applicability of %d rows: %w", len(good), err)
	}
	nearest := make([]store.ID, len(rows))
	for k, r := range rows {
		nearest[k] = p.domain.ids[r]
	}
	names, err := p.st.CompoundsByIDs(ctx, nearest) // only the chunk's nearest, not the whole training set
	if err != nil {
		return fmt.Errorf("nearest training compounds: %w", err)
	}
	calibrated := p.ens != nil && p.ens.Task() == ml.Classification && p.ens.Calibrated()
	for k, i := range good {
		r := &out[i]
		r.Prediction, r.Uncertainty = pred.Mean[k], pred.Std[k]
		r.classes = p.model.ClassList()
		if probs != nil {
			r.Probabilities = probs[k]
		}
		if calibrated {
			// Clamped: a mean of probabilities may round just past [0, 1].
			r.Probability, _ = p.ens.CalibrateProbability(min(max(pred.Mean[k], 0), 1))
			r.HasProbability = true
		}
		if interval {
			r.Low, r.High, r.HasInterval = pred.Low[k], pred.High[k], true
			r.calibration = cal
		}
		r.Similarity, r.ApplicabilityDistance = sims[k], 1-sims[k]
		r.NearestID = nearest[k]
		if c := names[k]; c != nil {
			r.NearestSMILES = c.CanonicalSMILES
		}
	}
	return nil
}

// featurise parses and featurises one SMILES as NewCompound does, without
// the canonical form and encodings a stored row needs.
func featurise(smiles string) (features.Vector, error) {
	smiles = strings.TrimSpace(smiles)
	if smiles == "" {
		return features.Vector{}, errors.New("empty SMILES")
	}
	m, err := chem.Parse(smiles)
	if err != nil {
		return features.Vector{}, err
	}
	return features.Of(smiles, m), nil
}

// Predict streams rows through a model version (see Predictor): next
// returns the SMILES of the following row or io.EOF at the end; emit gets
// every row's result, in input order, PredictChunk rows at a time, so
// memory stays constant whatever the input. A row that does not parse is
// emitted with its Err; an error from next (other than io.EOF) or emit
// stops the stream. The result passed to emit is reused after emit
// returns (copy what must outlive the call). It returns the number of
// rows emitted.
func (s *Service) Predict(ctx context.Context, actor *store.User, ref string, version int,
	next func() (string, error), emit func(*PredictResult) error) (int, error) {
	p, err := s.Predictor(ctx, actor, ref, version)
	if err != nil {
		return 0, err
	}
	return p.Stream(ctx, next, emit)
}

// Stream is Service.Predict with a predictor already made.
func (p *Predictor) Stream(ctx context.Context, next func() (string, error), emit func(*PredictResult) error) (int, error) {
	batch := make([]string, 0, PredictChunk)
	out := make([]PredictResult, PredictChunk)
	total := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res := out[:len(batch)]
		if err := p.predictChunk(ctx, batch, res); err != nil {
			return err
		}
		for i := range res {
			if err := emit(&res[i]); err != nil {
				return err
			}
			total++
		}
		batch = batch[:0]
		return nil
	}
	for {
		smi, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return total, err
		}
		batch = append(batch, smi)
		if len(batch) == PredictChunk {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	if err := flush(); err != nil {
		return total, err
	}
	return total, nil
}

// MaxPredictList is how many SMILES PredictList scores in one call (the
// GraphQL predict query's limit); larger lists go through Predict (POST
// /predict, activelab predict).
const MaxPredictList = 1000

// PredictList scores a short list of SMILES (at most MaxPredictList) with
// a lineage's version (0: the active one); see Predictor.
func (s *Service) PredictList(ctx context.Context, actor *store.User, lineageID store.ID, version int, smiles []string) ([]PredictResult, error) {
	if err := auth.RequireRole(actor, "predict", store.RoleViewer); err != nil {
		return nil, err
	}
	if len(smiles) > MaxPredictList {
		return nil, inputErr("smiles", "%d SMILES, at most %d in one call: upload a file to POST /predict", len(smiles), MaxPredictList)
	}
	if version < 0 {
		return nil, inputErr("version", "%d is not a version number", version)
	}
	p, err := s.Predictor(ctx, actor, lineageID.String(), version)
	if err != nil {
		return nil, err
	}
	return p.Predict(ctx, smiles)
}
