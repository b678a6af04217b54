package activelearning

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"activelab/activelearning/selfcheck"
	"activelab/auth"
	"activelab/ident"
	"activelab/jobs"
	"activelab/ml"
	"activelab/ml/sampling"
	"activelab/store"
)

// selParams is the JSON stored in a cycle's params: everything needed to
// reproduce the selection.
type selParams struct {
	Strategy       string     `json:"strategy"` // as asked ("default", ...)
	Spec           string     `json:"spec"`     // resolved sampling spec
	Diversity      float64    `json:"diversity,omitempty"`
	BatchSize      int        `json:"batch_size"`
	Seed           int64      `json:"seed"`
	SetID          store.ID   `json:"set_id,omitempty"`
	CompoundIDs    []store.ID `json:"compound_ids,omitempty"`
	IncludeLabeled bool       `json:"include_labeled,omitempty"`
	IncludeSkipped bool       `json:"include_skipped,omitempty"`
	PoolSize       int        `json:"pool_size"`
	// Shards is how many score_shard jobs a large pool was split into (0:
	// scored whole).
	Shards int `json:"shards,omitempty"`
	// Share is the explore share the adaptive policy chose (Strategy
	// "adaptive"; 1 is a random batch), resolved into Spec.
	Share float64 `json:"share,omitempty"`
}

func (p selParams) input(lineage store.ID) SelectInput {
	return SelectInput{ModelID: lineage, SetID: p.SetID, CompoundIDs: p.CompoundIDs, Strategy: p.Strategy,
		Diversity: p.Diversity, BatchSize: p.BatchSize, Seed: p.Seed, IncludeLabeled: p.IncludeLabeled, IncludeSkipped: p.IncludeSkipped}
}

// selection is a checked SelectInput with the lineage it works on.
type selection struct {
	in       SelectInput
	spec     sampling.Spec
	share    float64 // the adaptive policy's explore share (0: not adaptive)
	versions []*store.MLModel
	version  *store.MLModel // the active version that scores
	root     *store.MLModel
}

func (s *Service) checkSelect(ctx context.Context, actor *store.User, op string, in SelectInput) (*selection, error) {
	if err := auth.RequireRole(actor, op, store.RoleScientist); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Strategy) == "" {
		in.Strategy = selfcheck.Default
	}
	adaptive := selfcheck.IsAdaptive(in.Strategy)
	if adaptive && in.Diversity > 0 {
		return nil, inputErr("diversity", "the %s strategy (adaptive) has a fixed batch mode (%s); for a diversity threshold name a spec, e.g. %q", strings.TrimSpace(in.Strategy), selfcheck.AdaptiveBase, "uncertainty+explore=0.5")
	}
	name := in.Strategy
	if adaptive {
		name = selfcheck.AdaptiveBase // its explore share is chosen below
	}
	spec, err := sampling.ParseSpec(name)
	if err != nil {
		return nil, &InputError{Field: "strategy", Msg: err.Error()}
	}
	if in.BatchSize < 1 || in.BatchSize > s.cfg.MaxBatchSize {
		return nil, inputErr("batchSize", "%d is outside 1..%d", in.BatchSize, s.cfg.MaxBatchSize)
	}
	if in.Diversity < 0 || in.Diversity > 1 {
		return nil, inputErr("diversity", "%g is outside [0, 1]", in.Diversity)
	}
	if in.Diversity > 0 {
		// The threshold is the spec's diversity mode, so the cycle records
		// what ran. It replaces the mix's batch mode or a diversity
		// threshold; another batch mode asked for by name is an error.
		m := spec.BatchMode()
		if m != "" && m != "diverse" && strings.TrimSpace(in.Strategy) != sampling.MixName {
			return nil, inputErr("diversity", "strategy %q already has the %s batch mode; a diversity threshold is another: give one", in.Strategy, m)
		}
		spec = spec.WithDiversity(in.Diversity)
	}
	if in.SetID != store.NilID && len(in.CompoundIDs) > 0 {
		return nil, inputErr("compoundIds", "give a set or a list of compounds, not both")
	}
	if len(in.SMILES) > 0 && (in.SetID != store.NilID || len(in.CompoundIDs) > 0) {
		return nil, inputErr("smiles", "give one pool: a set, a list of compound ids or pasted SMILES")
	}
	vs, err := s.st.ModelVersions(ctx, in.ModelID)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &InputError{Field: "modelId", Msg: err.Error()}
		}
		return nil, err
	}
	sel := &selection{in: in, spec: spec, versions: vs, root: vs[0]}
	for _, v := range vs {
		if v.Status == store.ModelActive {
			sel.version = v
		}
	}
	if sel.version == nil {
		return nil, fmt.Errorf("model %d has no active version yet (still training or failed): %w", in.ModelID, store.ErrConflict)
	}
	if adaptive {
		if sel.share, err = s.AdaptiveShare(ctx, sel.root.ID, in.Seed); err != nil {
			return nil, err
		}
		sel.spec = adaptiveSpec(spec, sel.share)
	}
	task := sel.root.Task
	switch spec.Strategy {
	case sampling.Margin, sampling.Entropy:
		if task != store.TaskClassification {
			return nil, inputErr("strategy", "%s needs a classification model; %q is regression", spec.Strategy, sel.root.Name)
		}
	case sampling.ExpectedImprovement:
		return nil, inputErr("strategy", "ei is not offered for selection (it needs a target); use ucb or greedy")
	}
	if in.SetID != store.NilID {
		if _, err := s.st.CompoundSetByID(ctx, in.SetID); err != nil {
			return nil, &InputError{Field: "setId", Msg: err.Error()}
		}
	}
	if len(in.SMILES) > 0 {
		// Last, so a request refused for another reason imports nothing.
		ids, err := s.PastedPool(ctx, in.SMILES)
		if err != nil {
			return nil, err
		}
		sel.in.CompoundIDs, sel.in.SMILES = ids, nil
	}
	return sel, nil
}

// pool returns the candidate compound IDs, ascending: the set, the list or
// every compound, minus validation compounds, compounds measured for the
// endpoint (unless IncludeLabeled), and compounds already queued for the
// lineage (labeled, pending or in progress: never twice; skipped too,
// unless IncludeSkipped).
func (s *Service) pool(ctx context.Context, sel *selection) ([]store.ID, error) {
	db := s.st
	var ids []store.ID
	switch {
	case len(sel.in.CompoundIDs) > 0:
		ids = slices.Clone(sel.in.CompoundIDs)
		slices.SortFunc(ids, ident.Compare)
		ids = slices.Compact(ids)
		if _, err := s.st.LoadCompounds(ctx, ids); err != nil {
			return nil, &InputError{Field: "compoundIds", Msg: err.Error()}
		}
	case sel.in.SetID != store.NilID:
		var err error
		if ids, err = s.st.CompoundSetMemberIDs(ctx, sel.in.SetID); err != nil {
			return nil, err
		}
	default:
		var err error
		if ids, err = db.AllCompoundIDs(ctx); err != nil {
			return nil, fmt.Errorf("pool: %w", err)
		}
	}
	exclude := map[store.ID]bool{}
	if sel.root.ValidationSetID != nil {
		ms, err := s.st.ValidationMembers(ctx, *sel.root.ValidationSetID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			exclude[m.CompoundID] = true
		}
	}
	if !sel.in.IncludeLabeled {
		measured, err := s.measuredCompoundIDs(ctx, s.st, sel.root.Endpoint)
		if err != nil {
			return nil, err
		}
		for id := range measured {
			exclude[id] = true
		}
	}
	statuses := []store.QueueStatus{store.QueuePending, store.QueueInProgress, store.QueueLabeled}
	if !sel.in.IncludeSkipped {
		statuses = append(statuses, store.QueueSkipped)
	}
	queued, err := db.QueuedCompoundIDs(ctx, store.QueueFilter{ModelIDs: versionIDs(sel.versions), Statuses: statuses})
	if err != nil {
		return nil, fmt.Errorf("queued compounds: %w", err)
	}
	for _, id := range queued {
		exclude[id] = true
	}
	out := ids[:0]
	for _, id := range ids {
		if !exclude[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// domain returns a version's applicability domain (its training
// compounds' features), cached with the version.
func (s *Service) domain(ctx context.Context, root, version *store.MLModel) (*trainingDomain, error) {
	key := keyOf(version.ID, version.Artifact)
	if d := s.cache.domains.get(key); d != nil {
		return d, nil
	}
	d, err := s.domainOf(ctx, s.st, root)
	if err != nil {
		return nil, err
	}
	s.cache.domains.put(key, d)
	return d, nil
}

// domainOf builds the applicability domain of the lineage's training data
// as it is now, reading through q (a retrain reads in its transaction: on
// SQLite that holds the only connection).
func (s *Service) domainOf(ctx context.Context, q store.Querier, root *store.MLModel) (*trainingDomain, error) {
	p, err := parseParams(root)
	if err != nil {
		return nil, err
	}
	_, _, val, err := s.validation(ctx, q, root)
	if err != nil {
		return nil, err
	}
	data, err := s.trainingData(ctx, q, root, p, val)
	if err != nil {
		return nil, err
	}
	X, err := s.featureMatrix(ctx, q, data.ids)
	if err != nil {
		return nil, err
	}
	return &trainingDomain{Domain: ml.NewDomain(X), ids: data.ids}, nil
}

// scored is a version's view of some compounds.
type scored struct {
	X *ml.Features
	*scores
	dist []float64
	// low and high are the PredictInterval intervals (nil: the version
	// has none).
	low, high []float64
	// cal gives the intervals at other levels (nil: none).
	cal *Calibration
}

// intervals returns the version's PredictInterval (90 %) intervals around
// the ensemble's means and spreads, or nil, nil when it has none (a
// classification or uncalibrated ensemble, or too few calibration rows for
// the level).
func intervals(ens *ml.Ensemble, mean, std []float64) (low, high []float64) {
	if _, _, err := ens.Interval(0, 0, PredictInterval); err != nil {
		return nil, nil
	}
	low, high = make([]float64, len(mean)), make([]float64, len(mean))
	for i := range mean {
		low[i], high[i], _ = ens.Interval(mean[i], std[i], PredictInterval)
	}
	return low, high
}

// bound returns the i-th bound as a pointer, nil without intervals.
func bound(bounds []float64, i int) *float64 {
	if bounds == nil {
		return nil
	}
	return &bounds[i]
}

func (s *Service) score(ctx context.Context, root, version *store.MLModel, ids []store.ID) (*scored, error) {
	vm, err := s.model(version)
	if err != nil {
		return nil, err
	}
	X, err := s.featureMatrix(ctx, s.st, ids)
	if err != nil {
		return nil, err
	}
	pred, err := vm.predict(ctx, X)
	if err != nil {
		return nil, fmt.Errorf("score %d compounds: %w", len(ids), err)
	}
	d, err := s.domain(ctx, root, version)
	if err != nil {
		return nil, err
	}
	dist, _, err := d.Distances(ctx, X, 1)
	if err != nil {
		return nil, fmt.Errorf("applicability: %w", err)
	}
	out := &scored{X: X, scores: pred, dist: dist}
	if vm.ens != nil {
		out.low, out.high = intervals(vm.ens, pred.mean, pred.std)
		out.cal = calibrationOf(vm.ens)
	}
	return out, nil
}

// rank scores the pool and returns the batch, best first.
func (s *Service) rank(ctx context.Context, sel *selection, ids []store.ID) ([]Candidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	sc, err := s.score(ctx, sel.root, sel.version, ids)
	if err != nil {
		return nil, err
	}
	cands := make([]sampling.Candidate, len(ids))
	fps := make([][]uint64, len(ids))
	for i := range ids {
		cands[i] = sc.candidate(i, i, sc.dist[i])
		fps[i] = sc.X.BitsRow(i)
	}
	opt := s.options(sel, fps)
	ranked, err := sampling.Select(cands, opt)
	if err != nil {
		return nil, &InputError{Field: "strategy", Msg: err.Error()}
	}
	out := make([]Candidate, len(ranked))
	for r, rk := range ranked {
		i := rk.Index
		out[r] = Candidate{CompoundID: ids[i], Prediction: sc.mean[i], Uncertainty: sc.std[i],
			ApplicabilityDistance: sc.dist[i], Priority: rk.Score, Rank: r + 1, Explore: rk.Explore, Probabilities: sc.probsOf(i), classes: sel.root.ClassList()}
		if sc.low != nil {
			out[r].IntervalLow, out[r].IntervalHigh, out[r].HasInterval = sc.low[i], sc.high[i], true
			out[r].calibration = sc.cal
		}
	}
	return out, nil
}

func (s *Service) options(sel *selection, fps [][]uint64) sampling.Options {
	opt := sampling.Options{Strategy: sel.spec.Strategy, BatchSize: sel.in.BatchSize, Seed: uint64(sel.in.Seed)}
	if sel.root.Task == store.TaskClassification {
		opt.Task = sampling.Classification
	}
	sel.spec.Apply(&opt, fps)
	return opt
}

// PreviewSelection ranks the pool with the lineage's active version and
// returns the batch (prediction, uncertainty, applicability distance,
// priority, rank) without selecting anything. Scientists and admins. A
// pasted pool's unknown compounds are imported (PastedPool) so that they
// can be scored and shown; the selection that follows finds them stored.
func (s *Service) PreviewSelection(ctx context.Context, actor *store.User, in SelectInput) ([]Candidate, error) {
	sel, err := s.checkSelect(ctx, actor, "previewSelection", in)
	if err != nil {
		return nil, err
	}
	ids, err := s.pool(ctx, sel)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	batch, err := s.rank(ctx, sel, ids)
	s.observeSelection(ctx, SelectionPreview, start, err)
	return batch, err
}

// SelectSamples starts a new cycle of the lineage (cycle_number = the
// queue's selection_batch, one more than the lineage's last) recording the
// active version, strategy, parameters and seed, and enqueues the batch. A
// pool up to Config.InlinePoolLimit is scored now and the cycle, its items and
// their events are written in one transaction (status labeling); a larger pool
// is scored by a select_samples job (the cycle starts as selecting).
func (s *Service) SelectSamples(ctx context.Context, actor *store.User, in SelectInput) (*store.ActiveLearningCycle, error) {
	sel, err := s.checkSelect(ctx, actor, "selectSamples", in)
	if err != nil {
		return nil, err
	}
	ids, err := s.pool(ctx, sel)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		field := "modelId"
		if len(in.SMILES) > 0 {
			field = "smiles"
		}
		return nil, inputErr(field, "the pool is empty: every compound is labeled, queued, skipped or held out for validation")
	}
	p := selParams{Strategy: sel.in.Strategy, Spec: sel.spec.String(), Diversity: sel.in.Diversity, BatchSize: sel.in.BatchSize,
		Seed: sel.in.Seed, SetID: sel.in.SetID, CompoundIDs: sel.in.CompoundIDs, IncludeLabeled: sel.in.IncludeLabeled,
		IncludeSkipped: sel.in.IncludeSkipped, PoolSize: len(ids), Share: sel.share}
	raw, _ := json.Marshal(p)
	c := &store.ActiveLearningCycle{ModelID: sel.version.ID, SelectionStrategy: sel.spec.String(), BatchSize: sel.in.BatchSize,
		Params: raw, Seed: sel.in.Seed, StartedAt: s.now(), Version: 1, CreatedBy: ptr(actor.ID)}
	if len(ids) > s.cfg.InlinePoolLimit {
		if s.jobs == nil {
			return nil, errors.New("select samples: no job client (SetJobs)")
		}
		c.Status = store.CycleSelecting
		err = s.st.InTx(ctx, func(tx *store.Tx) error {
			if err := s.createCycle(ctx, tx, sel, c); err != nil {
				return err
			}
			if _, err := s.jobs.EnqueueSelectSamples(ctx, tx, c.ID); err != nil {
				return err
			}
			return s.emit(ctx, tx, evt{Type: EventCycleStarted, Model: sel.root.ID, Cycle: c.ID, Actor: actor.ID,
				Payload: map[string]any{"cycle_number": c.CycleNumber, "status": c.Status}})
		})
		if err != nil {
			return nil, fmt.Errorf("select samples: %w", err)
		}
		return c, nil
	}
	start := time.Now()
	batch, err := s.rank(ctx, sel, ids)
	s.observeSelection(ctx, SelectionInline, start, err)
	if err != nil {
		return nil, err
	}
	c.Status = store.CycleLabeling
	err = s.inTxQueued(ctx, func(tx *store.Tx) error {
		c.ID, c.ItemsSelected = store.NilID, len(batch) // afresh on a retry
		if err := s.createCycle(ctx, tx, sel, c); err != nil {
			return err
		}
		es, err := s.enqueue(ctx, tx, sel, c, batch, actor.ID)
		if err != nil {
			return err
		}
		// Events last: AppendEvent holds the outbox lock until commit.
		started := evt{Type: EventCycleStarted, Model: sel.root.ID, Cycle: c.ID, Actor: actor.ID,
			Payload: map[string]any{"cycle_number": c.CycleNumber, "status": c.Status, "items": c.ItemsSelected}}
		return s.emit(ctx, tx, append([]evt{started}, es...)...)
	})
	if err != nil {
		return nil, fmt.Errorf("select samples: %w", err)
	}
	return c, nil
}

// inTxQueued runs fn, a transaction that enqueues a selection's batch, and
// runs it again (at most three times in all) when a concurrent selection
// queued one of its compounds between fn's check and its insert (the
// database refuses a second open item per compound and lineage): the
// retry reads the queue anew and leaves that compound out.
func (s *Service) inTxQueued(ctx context.Context, fn func(tx *store.Tx) error) error {
	var err error
	for range 3 {
		if err = s.st.InTx(ctx, fn); !errors.Is(err, store.ErrCompoundQueued) {
			return err
		}
	}
	return err
}

func (s *Service) createCycle(ctx context.Context, tx *store.Tx, sel *selection, c *store.ActiveLearningCycle) error {
	n, err := tx.NextCycleNumber(ctx, sel.root.ID)
	if err != nil {
		return err
	}
	c.CycleNumber = n
	return tx.CreateCycle(ctx, c)
}

// enqueue writes the batch's items in tx and returns their item_enqueued
// events, for the caller to append after its last row write. Compounds
// queued for the lineage since the pool was read (a concurrent selection) are
// dropped, so a compound is never open or labeled twice in one lineage; the
// cycle's items_selected is set to what was enqueued.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, sel *selection, c *store.ActiveLearningCycle, batch []Candidate, actor store.ID) ([]evt, error) {
	if len(batch) > 0 {
		ids := make([]store.ID, len(batch))
		for i, b := range batch {
			ids[i] = b.CompoundID
		}
		taken, err := tx.QueuedCompoundIDs(ctx, store.QueueFilter{ModelIDs: versionIDs(sel.versions), CompoundIDs: ids,
			Statuses: []store.QueueStatus{store.QueuePending, store.QueueInProgress, store.QueueLabeled}})
		if err != nil {
			return nil, fmt.Errorf("queued compounds: %w", err)
		}
		if len(taken) > 0 {
			drop := map[store.ID]bool{}
			for _, id := range taken {
				drop[id] = true
			}
			kept := batch[:0:0]
			for _, b := range batch {
				if !drop[b.CompoundID] {
					kept = append(kept, b)
				}
			}
			batch = kept
		}
	}
	if c.ItemsSelected != len(batch) {
		c.ItemsSelected = len(batch)
		if err := tx.SetCycleSelected(ctx, c.ID, len(batch)); err != nil {
			return nil, err
		}
	}
	if len(batch) == 0 {
		return nil, nil
	}
	now := s.now()
	items := make([]*store.LabelQueueItem, len(batch))
	for i, b := range batch {
		low, high := b.interval()
		items[i] = &store.LabelQueueItem{CompoundID: b.CompoundID, ModelID: sel.version.ID,
			Prediction: f64(b.Prediction), Uncertainty: f64(b.Uncertainty), ApplicabilityDistance: f64(b.ApplicabilityDistance),
			SelectionStrategy: c.SelectionStrategy, SelectionBatch: c.CycleNumber, PriorityScore: b.Priority,
			Explore: b.Explore, IntervalLow: low, IntervalHigh: high, ClassProbabilities: b.Probabilities,
			Status: store.QueuePending, CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	if err := tx.CreateQueueItems(ctx, items); err != nil {
		return nil, err
	}
	es := make([]evt, len(items))
	for i, it := range items {
		es[i] = evt{Type: EventItemEnqueued, Model: sel.root.ID, Item: it.ID, Cycle: c.ID, Actor: actor,
			Payload: map[string]any{"compound_id": it.CompoundID, "priority": it.PriorityScore, "rank": i + 1}}
	}
	return es, nil
}

func f64(v float64) *float64 { return &v }

// RunSelection scores a cycle's pool and enqueues its batch
// (jobs.Selector). Idempotent: a cycle no longer "selecting" is left alone.
// A pool over Config.ShardSize compounds is split into score_shard jobs
// (RunShard) instead; when the last shard is stored, RunSelection runs
// again and ranks the union of the shards' best candidates with the full
// strategy (batch modes included). For a strategy without a batch mode
// that is exactly the whole pool's ranking, since every shard keeps at
// least a batch of its best (by default ten batches' worth).
func (s *Service) RunSelection(ctx context.Context, cycleID store.ID) error {
	c, sel, p, err := s.selectionOfCycle(ctx, cycleID)
	if err != nil || c == nil {
		return err
	}
	ids, err := s.pool(ctx, sel)
	if err != nil {
		return err
	}
	switch {
	case p.Shards == 0 && len(ids) > s.cfg.ShardSize:
		return s.startShards(ctx, c, p, ids)
	case p.Shards > 0:
		shards, err := s.st.SelectionShards(ctx, cycleID)
		if err != nil {
			return err
		}
		if len(shards) < p.Shards {
			return nil // the job that stores the last shard runs this again
		}
		inPool := make(map[store.ID]bool, len(ids))
		for _, id := range ids {
			inPool[id] = true
		}
		var union []store.ID
		for _, sh := range shards {
			for _, id := range sh.CompoundIDs {
				if inPool[id] { // queued or labeled meanwhile: out
					union = append(union, id)
				}
			}
		}
		slices.SortFunc(union, ident.Compare)
		ids = slices.Compact(union)
	}
	start := time.Now()
	batch, err := s.rank(ctx, sel, ids)
	s.observeSelection(ctx, SelectionJob, start, err)
	if err != nil {
		return err
	}
	lineage := sel.root.ID
	err = s.inTxQueued(ctx, func(tx *store.Tx) error {
		cur, err := tx.Cycle(ctx, cycleID)
		if err != nil {
			return err
		}
		if cur.Status != store.CycleSelecting {
			return nil
		}
		es, err := s.enqueue(ctx, tx, sel, cur, batch, store.NilID)
		if err != nil {
			return err
		}
		if err := tx.OpenCycleForLabeling(ctx, cycleID, cur.ItemsSelected); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errSelectionCancelled // cancelled since the read: queue nothing
			}
			return err
		}
		if p.Shards > 0 {
			if err := tx.DeleteSelectionShards(ctx, cycleID); err != nil {
				return err
			}
		}
		// Events last: AppendEvent holds the outbox lock until commit.
		return s.emit(ctx, tx, append(es, evt{Type: EventCycleUpdated, Model: lineage, Cycle: cycleID,
			Payload: map[string]any{"status": store.CycleLabeling, "items_selected": cur.ItemsSelected}})...)
	})
	if errors.Is(err, errSelectionCancelled) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("run selection of cycle %d: %w", cycleID, err)
	}
	return nil
}

// errSelectionCancelled rolls back a selection's transaction when its
// cycle was cancelled (JobCancelled) between the job's read and its write.
var errSelectionCancelled = errors.New("the selection was cancelled")

// selectionOfCycle rebuilds a selecting cycle's selection from its params;
// a nil cycle (and no error) when the cycle is no longer selecting.
func (s *Service) selectionOfCycle(ctx context.Context, cycleID store.ID) (*store.ActiveLearningCycle, *selection, selParams, error) {
	var p selParams
	c, err := s.st.Cycle(ctx, cycleID)
	if err != nil {
		return nil, nil, p, err
	}
	if c.Status != store.CycleSelecting {
		return nil, nil, p, nil
	}
	if err := json.Unmarshal(c.Params, &p); err != nil {
		return nil, nil, p, fmt.Errorf("cycle %d params: %w", cycleID, err)
	}
	lineage, err := versionLineage(ctx, s.st, c.ModelID)
	if err != nil {
		return nil, nil, p, err
	}
	vs, err := s.st.ModelVersions(ctx, lineage)
	if err != nil {
		return nil, nil, p, err
	}
	i := slices.IndexFunc(vs, func(v *store.MLModel) bool { return v.ID == c.ModelID })
	if i < 0 {
		return nil, nil, p, fmt.Errorf("cycle %d: version %s is not in lineage %s: %w", cycleID, c.ModelID, lineage, store.ErrNotFound)
	}
	spec, err := sampling.ParseSpec(p.Spec)
	if err != nil {
		return nil, nil, p, err
	}
	return c, &selection{in: p.input(lineage), spec: spec, versions: vs, version: vs[i], root: vs[0]}, p, nil
}

// startShards splits a large pool (ascending IDs) into contiguous slices of
// at most Config.ShardSize compounds and enqueues a score_shard job for
// each, recording their number in the cycle's params, in one transaction.
func (s *Service) startShards(ctx context.Context, c *store.ActiveLearningCycle, p selParams, ids []store.ID) error {
	n := (len(ids) + s.cfg.ShardSize - 1) / s.cfg.ShardSize
	p.Shards = n
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Cycle(ctx, c.ID)
		if err != nil {
			return err
		}
		if cur.Status != store.CycleSelecting || !bytes.Equal(cur.Params, c.Params) {
			return nil // done or sharded meanwhile
		}
		if err := tx.SetCycleParams(ctx, c.ID, raw); err != nil {
			return err
		}
		for k := range n {
			lo, hi := k*len(ids)/n, (k+1)*len(ids)/n
			if _, err := s.jobs.EnqueueScoreShard(ctx, tx, jobs.ScoreShardArgs{CycleID: c.ID, Shard: k, Shards: n,
				FirstID: ids[lo], LastID: ids[hi-1]}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("shard the pool of cycle %d: %w", c.ID, err)
	}
	return nil
}

// shardCandidates is how many candidates a shard keeps for the merge:
// Config.ShardKeep, by default ten batches' worth, at least 1000.
func (s *Service) shardCandidates(batch int) int {
	if s.cfg.ShardKeep > 0 {
		return s.cfg.ShardKeep
	}
	return max(10*batch, 1000)
}

// RunShard scores one slice of a large selection's pool (jobs.Selector):
// the pool's compounds with IDs in [FirstID, LastID], ranked by the
// cycle's strategy, of which it stores the best shardCandidates. The job
// that stores the cycle's last shard enqueues the merge (select_samples).
// Idempotent: a stored shard is not stored again, and a cycle no longer
// selecting is left alone.
func (s *Service) RunShard(ctx context.Context, a jobs.ScoreShardArgs) error {
	c, sel, _, err := s.selectionOfCycle(ctx, a.CycleID)
	if err != nil || c == nil {
		return err
	}
	pool, err := s.pool(ctx, sel)
	if err != nil {
		return err
	}
	lo, _ := slices.BinarySearchFunc(pool, a.FirstID, ident.Compare)
	hi, found := slices.BinarySearchFunc(pool, a.LastID, ident.Compare)
	if found {
		hi++
	}
	ids := pool[lo:hi]
	part := *sel
	part.in.BatchSize = min(s.shardCandidates(sel.in.BatchSize), len(ids))
	best := []store.ID{}
	if len(ids) > 0 {
		start := time.Now()
		ranked, err := s.rank(ctx, &part, ids)
		s.observeSelection(ctx, SelectionShard, start, err)
		if err != nil {
			return err
		}
		for _, r := range ranked {
			best = append(best, r.CompoundID)
		}
	}
	err = s.st.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.SaveSelectionShard(ctx, &store.SelectionShard{CycleID: a.CycleID, Shard: a.Shard, CompoundIDs: best})
		if err != nil {
			return err
		}
		if n == a.Shards {
			_, err = s.jobs.EnqueueSelectSamples(ctx, tx, a.CycleID)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("shard %d of cycle %d: %w", a.Shard, a.CycleID, err)
	}
	return nil
}
