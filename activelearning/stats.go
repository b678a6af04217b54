package activelearning

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"activelab/chem"
	"activelab/features"
	"activelab/ml"
	"activelab/store"
)

// cursor is LabelQueue's keyset position: the last item's sort key.
type cursor struct {
	Order     QueueOrder `json:"o"`
	Priority  float64    `json:"p,omitempty"`
	LabeledAt *time.Time `json:"l,omitempty"`
	ID        store.ID   `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string, order QueueOrder) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Order != order {
		return c, inputErr("after", "not a cursor of this query (%s order)", order)
	}
	return c, nil
}

// LabelQueue pages through the queue with keyset cursors: a cursor names
// the last item's sort key, so pages stay stable while items are added,
// labeled or re-scored. PRIORITY_DESC (default) sorts by priority then ID;
// CREATED_AT_ASC/DESC by ID, which increases with creation time;
// LABELED_AT_DESC most recently labeled first (never-labeled items last). first
// defaults to 20 and is capped at Config.QueuePageMax. ModelID is a lineage
// (every version's items). The page's Total (a COUNT over every matching
// item) is computed only withTotal; its compounds come with it (one query).
func (s *Service) LabelQueue(ctx context.Context, f QueueFilter, order QueueOrder, first int, after string, withTotal bool) (*QueuePage, error) {
	if order == "" {
		order = OrderPriorityDesc
	}
	if _, ok := storeOrder[order]; !ok {
		return nil, inputErr("orderBy", "%q is not PRIORITY_DESC, CREATED_AT_ASC, CREATED_AT_DESC or LABELED_AT_DESC", order)
	}
	if first < 0 {
		return nil, inputErr("first", "%d is negative", first)
	}
	if first == 0 {
		first = min(20, s.cfg.QueuePageMax)
	}
	first = min(first, s.cfg.QueuePageMax)
	for _, st := range f.Status {
		if !st.Valid() {
			return nil, inputErr("status", "%q is not a queue status", st)
		}
	}
	sf := store.QueueFilter{Statuses: f.Status, Archived: f.Archived}
	if f.ModelID != store.NilID {
		// By the items' own lineage_id: one query for the page. Only an
		// empty page needs to know whether the lineage exists.
		sf.LineageID = &f.ModelID
	}
	if f.AssignedTo != store.NilID {
		sf.AssignedTo = &f.AssignedTo
	}
	var from *store.QueueCursor
	if after != "" {
		c, err := decodeCursor(after, order)
		if err != nil {
			return nil, err
		}
		from = &store.QueueCursor{Priority: c.Priority, LabeledAt: c.LabeledAt, ID: c.ID}
	}
	sp, compounds, err := s.st.ListQueueWithCompounds(ctx, sf, storeOrder[order], from, first)
	if err != nil {
		return nil, fmt.Errorf("label queue: %w", err)
	}
	if len(sp.Items) == 0 && sf.LineageID != nil {
		// An item names its lineage, so a page with items proves it
		// exists; an empty one may be of an id that is no lineage.
		if _, err := s.lineageVersionIDs(ctx, f.ModelID); err != nil {
			return nil, err
		}
	}
	page := &QueuePage{Items: sp.Items, HasNext: sp.HasNext, Total: -1, Compounds: compounds}
	page.Cursors = make([]string, len(page.Items))
	for i, it := range page.Items {
		page.Cursors[i] = encodeCursor(cursor{Order: order, Priority: it.PriorityScore, LabeledAt: it.LabeledAt, ID: it.ID})
	}
	if n := len(page.Cursors); n > 0 {
		page.EndCursor = page.Cursors[n-1]
	}
	if withTotal {
		if page.Total, err = s.st.CountQueue(ctx, sf); err != nil {
			return nil, fmt.Errorf("label queue count: %w", err)
		}
	}
	return page, nil
}

// storeOrder maps the API's queue orders to the store's.
var storeOrder = map[QueueOrder]store.QueueOrder{
	OrderPriorityDesc:  store.QueueByPriority,
	OrderCreatedAtAsc:  store.QueueByCreatedAsc,
	OrderCreatedAtDesc: store.QueueByCreatedDesc,
	OrderLabeledAtDesc: store.QueueByLabeledDesc,
}

// Cycles returns a lineage's cycles by number.
func (s *Service) Cycles(ctx context.Context, lineageID store.ID) ([]*store.ActiveLearningCycle, error) {
	if _, err := s.lineageVersionIDs(ctx, lineageID); err != nil { // not the versions' artifacts
		return nil, err
	}
	return s.st.CyclesByLineage(ctx, lineageID)
}

// Cycle returns one cycle.
func (s *Service) Cycle(ctx context.Context, id store.ID) (*store.ActiveLearningCycle, error) {
	return s.st.Cycle(ctx, id)
}

// Stats summarises a lineage: its number of cycles; the learning curve (a
// first point for version 1, then one per complete cycle, in the order
// their versions were trained: the labels that cycle's version trained on,
// MLModel.TrainedLabels, and the validation metrics after its retrain,
// whether the version was activated or kept as a candidate); item counts
// by status; and per labeler, items labeled and skipped.
func (s *Service) Stats(ctx context.Context, lineageID store.ID) (*Stats, error) {
	vs, err := s.st.ModelVersions(ctx, lineageID)
	if err != nil {
		return nil, err
	}
	cycles, err := s.Cycles(ctx, lineageID)
	if err != nil {
		return nil, err
	}
	st := &Stats{Cycles: len(cycles), Counts: map[store.QueueStatus]int{}}
	for _, q := range []store.QueueStatus{store.QueuePending, store.QueueInProgress, store.QueueLabeled, store.QueueSkipped} {
		st.Counts[q] = 0
	}
	if m := map[string]float64{}; len(vs[0].Metrics) > 0 && json.Unmarshal(vs[0].Metrics, &m) == nil {
		st.LearningCurve = append(st.LearningCurve, CurvePoint{Cycle: 0, Version: vs[0].Version, Labels: vs[0].TrainedLabels, Metrics: m})
	}
	byID := make(map[store.ID]*store.MLModel, len(vs))
	for _, v := range vs {
		byID[v.ID] = v
	}
	var trained []CurvePoint
	for _, c := range cycles {
		if c.Status != store.CycleComplete || c.TrainedVersionID == nil || byID[*c.TrainedVersionID] == nil {
			continue
		}
		v := byID[*c.TrainedVersionID]
		m := map[string]float64{}
		_ = json.Unmarshal(c.MetricsAfter, &m)
		trained = append(trained, CurvePoint{Cycle: c.CycleNumber, Version: v.Version, Labels: v.TrainedLabels, Metrics: m})
	}
	slices.SortFunc(trained, func(a, b CurvePoint) int { return a.Version - b.Version })
	st.LearningCurve = append(st.LearningCurve, trained...)
	ids := versionIDs(vs)
	counts, err := s.st.CountQueueByStatus(ctx, store.QueueFilter{ModelIDs: ids})
	if err != nil {
		return nil, fmt.Errorf("stats of model %d: %w", lineageID, err)
	}
	for q, n := range counts {
		st.Counts[q] = n
	}
	per, err := s.st.LabelsPerLabeler(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("stats of model %d: %w", lineageID, err)
	}
	for _, l := range per {
		st.Labelers = append(st.Labelers, LabelerStats{UserID: l.UserID, Labeled: l.Labeled, Skipped: l.Skipped})
	}
	return st, nil
}

// SimilarCompounds returns up to first (default 10, at most 100) other
// compounds by descending Tanimoto similarity of their stored Morgan
// fingerprints (ties by ID). Compounds without a fingerprint are left out.
func (s *Service) SimilarCompounds(ctx context.Context, compoundID store.ID, first int) ([]SimilarCompound, error) {
	if first <= 0 {
		first = 10
	}
	first = min(first, 100)
	q, err := s.st.CompoundByID(ctx, compoundID)
	if err != nil {
		return nil, err
	}
	qw, _, err := compoundFeatures(q)
	if err != nil {
		return nil, err
	}
	// The best first hits so far, best first (ties by ascending ID, the
	// order rows arrive in): a row enters only when it beats the last.
	type hit struct {
		id  store.ID
		sim float64
	}
	hits := make([]hit, 0, first+1)
	words := make([]uint64, len(qw))
	err = s.st.EachFingerprint(ctx, 0, func(id store.ID, fp []byte) error {
		if id == compoundID {
			return nil
		}
		if n, err := chem.DecodeBitVecWords(fp, words); err != nil || n != features.FingerprintBits {
			return nil // another fingerprint length: not comparable
		}
		sim := ml.Tanimoto(qw, words)
		if len(hits) == first && sim <= hits[first-1].sim {
			return nil
		}
		i, _ := slices.BinarySearchFunc(hits, sim, func(h hit, sim float64) int {
			if h.sim >= sim {
				return -1
			}
			return 1
		})
		hits = slices.Insert(hits, i, hit{id, sim})[:min(len(hits)+1, first)]
		return nil
	})
	if err != nil {
		return nil, err
	}
	ids := make([]store.ID, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	cs, err := s.st.LoadCompounds(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]SimilarCompound, len(hits))
	for i, h := range hits {
		out[i] = SimilarCompound{Compound: cs[i], Similarity: h.sim}
	}
	return out, nil
}
