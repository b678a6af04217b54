package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Source says where a measured or labelled value comes from.
type Source string

// The sources of a value.
const (
	SourceExperimental   Source = "experimental"
	SourceLiterature     Source = "literature"
	SourceExpertEstimate Source = "expert_estimate"
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	return s == SourceExperimental || s == SourceLiterature || s == SourceExpertEstimate
}

// Confidence is how sure the labeller is.
type Confidence string

// The confidence levels.
const (
	ConfidenceHigh   Confidence = "high"
	ConfidenceMedium Confidence = "medium"
	ConfidenceLow    Confidence = "low"
)

// Valid reports whether c is a known level.
func (c Confidence) Valid() bool {
	return c == ConfidenceHigh || c == ConfidenceMedium || c == ConfidenceLow
}

// Origin says how a measurement entered the system.
type Origin string

// The origins of a measurement.
const (
	OriginImport Origin = "import" // a dataset import
	OriginLabel  Origin = "label"  // a label submitted from the queue
	OriginManual Origin = "manual" // entered by hand or over the API
)

// Valid reports whether o is a known origin.
func (o Origin) Valid() bool { return o == OriginImport || o == OriginLabel || o == OriginManual }

// Measurement is one value of an endpoint for a compound: the labels that
// train models.
type Measurement struct {
	bun.BaseModel `bun:"table:measurements,alias:m"`

	ID         ID         `bun:"id,pk,autoincrement"`
	CompoundID ID         `bun:"compound_id,notnull"`
	Endpoint   string     `bun:"endpoint,notnull"`
	Value      float64    `bun:"value,notnull"`
	Source     Source     `bun:"source,notnull"`
	Confidence Confidence `bun:"confidence,notnull"`
	// UserID is who entered it (nil for imports).
	UserID *ID    `bun:"user_id"`
	Origin Origin `bun:"origin,notnull"`
	// QueueItemID is the label-queue item it answers (origin label); at most
	// one measurement per item.
	QueueItemID *ID       `bun:"queue_item_id"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
	// Implausible marks a value its labeler confirmed although it was
	// implausible; EndpointRange leaves it out.
	Implausible bool `bun:"implausible,notnull"`
	// Qualifier is QualifierExact for a measured value, a bound for a
	// censored one (Qualifier.Censored), or QualifierApprox.
	Qualifier Qualifier `bun:"qualifier,notnull"`
}

// Qualifier says whether a measurement is an exact value, a bound (a
// censored value: the assay only tells that the true value lies below or
// above it) or an approximation.
type Qualifier string

// The qualifiers of a measurement.
const (
	QualifierExact       Qualifier = ""
	QualifierLess        Qualifier = "<"
	QualifierAtMost      Qualifier = "<="
	QualifierGreater     Qualifier = ">"
	QualifierAtLeast     Qualifier = ">="
	QualifierApproximate Qualifier = "~"
)

// censoredQualifiers are the qualifiers that make a value a bound.
var censoredQualifiers = []Qualifier{QualifierLess, QualifierAtMost, QualifierGreater, QualifierAtLeast}

// Valid reports whether q is a known qualifier.
func (q Qualifier) Valid() bool {
	return q == QualifierExact || q == QualifierApproximate || q.Censored()
}

// Censored reports whether q makes the value a bound (<, <=, >, >=). A
// censored measurement is kept and shown but not trained on
// (MeasurementsByEndpoint) and not part of the endpoint's observed range
// (EndpointRange).
func (q Qualifier) Censored() bool { return slices.Contains(censoredQualifiers, q) }

// CreateMeasurement inserts m and sets its ID. Confidence defaults to high.
// ErrInvalid for an unknown source, confidence or origin, an empty endpoint
// or a non-finite value; ErrNotFound for an unknown compound, user or item;
// ErrConflict for a second measurement of the same queue item. db may be a
// transaction or nil.
func (s *conn) CreateMeasurement(ctx context.Context, m *Measurement) error {
	if m.Confidence == "" {
		m.Confidence = ConfidenceHigh
	}
	switch {
	case m.Endpoint == "":
		return fmt.Errorf("measurement of compound %d: empty endpoint: %w", m.CompoundID, ErrInvalid)
	case math.IsNaN(m.Value) || math.IsInf(m.Value, 0):
		return fmt.Errorf("measurement of compound %d: value %v is not finite: %w", m.CompoundID, m.Value, ErrInvalid)
	case !m.Source.Valid():
		return enumError("measurement source", string(m.Source), "experimental", "literature", "expert_estimate")
	case !m.Confidence.Valid():
		return enumError("measurement confidence", string(m.Confidence), "high", "medium", "low")
	case !m.Origin.Valid():
		return enumError("measurement origin", string(m.Origin), "import", "label", "manual")
	case !m.Qualifier.Valid():
		return enumError("measurement qualifier", string(m.Qualifier), "", "<", "<=", ">", ">=", "~")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now()
	}
	m.CreatedAt = dbTime(m.CreatedAt)
	newID(&m.ID)
	_, err := s.db.NewInsert().Model(m).Returning("id").Exec(ctx)
	return s.wrapErr(err, fmt.Sprintf("create measurement of %s for compound %d", m.Endpoint, m.CompoundID))
}

// MeasurementByID returns the measurement; ErrNotFound when there is none.
func (s *conn) MeasurementByID(ctx context.Context, id ID) (*Measurement, error) {
	m := new(Measurement)
	if err := s.db.NewSelect().Model(m).Where("? = ?", bun.Ident("id"), id).Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("measurement %d", id))
	}
	return m, nil
}

// MeasurementsByCompound returns the compound's measurements of an endpoint
// (every endpoint when endpoint is ""), oldest first.
func (s *conn) MeasurementsByCompound(ctx context.Context, compoundID ID, endpoint string) ([]*Measurement, error) {
	ms := []*Measurement{}
	q := s.db.NewSelect().Model(&ms).Where("? = ?", bun.Ident("compound_id"), compoundID).Order("created_at", "id")
	if endpoint != "" {
		q = q.Where("? = ?", bun.Ident("endpoint"), endpoint)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, s.wrapErr(err, fmt.Sprintf("measurements of compound %d", compoundID))
	}
	return ms, nil
}

// EndpointStats sums up the measurements of one endpoint: what a model can
// be trained on.
type EndpointStats struct {
	// Name is the endpoint.
	Name string `bun:"name"`
	// Compounds counts the compounds with at least one measurement of it.
	Compounds int `bun:"compounds"`
	// Measurements counts its measurements, censored ones included.
	Measurements int `bun:"measurements"`
	// Censored counts those of Measurements that are bounds (<, <=, >,
	// >=: Qualifier.Censored), which are kept and exported but not trained
	// on.
	Censored int `bun:"censored"`
	// Min and Max are the smallest and largest measured values, bounds
	// left out (a bound is not a measured value) and values confirmed
	// although implausible left out (as EndpointRange does: one such value
	// must not stretch the range every labeler sees); the smallest and
	// largest of all values when every measurement is one of those.
	Min float64 `bun:"min"`
	Max float64 `bun:"max"`
	// Binary is true when every value is 0 or 1: a classification endpoint.
	Binary bool `bun:"binary"`
}

// Endpoints returns every endpoint with at least one measurement, by name
// (byte order, the same on both databases), with its counts (censored
// values counted apart) and observed range, in one aggregate query. An
// empty database gives an empty list.
func (s *conn) Endpoints(ctx context.Context) ([]*EndpointStats, error) {
	out := []*EndpointStats{}
	censored := bun.List(censoredQualifiers)
	err := s.db.NewSelect().Model((*Measurement)(nil)).
		ColumnExpr("m.endpoint AS ?", bun.Ident("name")).
		ColumnExpr("COUNT(DISTINCT m.compound_id) AS ?", bun.Ident("compounds")).
		ColumnExpr("COUNT(*) AS ?", bun.Ident("measurements")).
		ColumnExpr("SUM(CASE WHEN m.qualifier IN (?) THEN 1 ELSE 0 END) AS ?", censored, bun.Ident("censored")).
		ColumnExpr("COALESCE(MIN(CASE WHEN m.qualifier IN (?) OR m.implausible THEN NULL ELSE m.value END), MIN(m.value)) AS ?", censored, bun.Ident("min")).
		ColumnExpr("COALESCE(MAX(CASE WHEN m.qualifier IN (?) OR m.implausible THEN NULL ELSE m.value END), MAX(m.value)) AS ?", censored, bun.Ident("max")).
		ColumnExpr("SUM(CASE WHEN m.value IN (0, 1) THEN 0 ELSE 1 END) = 0 AS ?", bun.Ident("binary")).
		GroupExpr("m.endpoint").
		Scan(ctx, &out)
	if err != nil {
		return nil, s.wrapErr(err, "endpoints")
	}
	// Sorted here rather than by ORDER BY: PostgreSQL orders text by the
	// database's collation, SQLite by bytes.
	slices.SortFunc(out, func(a, b *EndpointStats) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// ValueRange is the spread of an endpoint's measured values.
type ValueRange struct {
	Min, Max float64
	// N counts the measurements (0: Min and Max mean nothing).
	N int
}

// Span is Max - Min.
func (r ValueRange) Span() float64 { return r.Max - r.Min }

// EndpointRange returns the smallest and largest value of the endpoint's
// measurements, leaving out values confirmed although implausible (so one
// such value does not widen what counts as plausible) and censored values
// (a bound is not a measured value).
func (s *conn) EndpointRange(ctx context.Context, endpoint string) (ValueRange, error) {
	var r struct {
		Min, Max *float64
		N        int
	}
	err := s.db.NewSelect().Model((*Measurement)(nil)).ColumnExpr("MIN(m.value) AS min, MAX(m.value) AS max, COUNT(*) AS n").
		Where("m.endpoint = ?", endpoint).Where("NOT m.implausible").
		Where("m.qualifier NOT IN (?)", bun.List(censoredQualifiers)).Scan(ctx, &r.Min, &r.Max, &r.N)
	if err != nil {
		return ValueRange{}, s.wrapErr(err, fmt.Sprintf("range of %s", endpoint))
	}
	out := ValueRange{N: r.N}
	if r.Min != nil && r.Max != nil {
		out.Min, out.Max = *r.Min, *r.Max
	}
	return out, nil
}

// HasImportedValue reports whether the compound already has an imported
// measurement of the endpoint with this value and qualifier (so importing
// a file twice adds nothing).
func (s *conn) HasImportedValue(ctx context.Context, compoundID ID, endpoint string, value float64, q Qualifier) (bool, error) {
	ok, err := s.db.NewSelect().Model((*Measurement)(nil)).Where("compound_id = ?", compoundID).
		Where("endpoint = ?", endpoint).Where("origin = ?", OriginImport).Where("value = ?", value).
		Where("qualifier = ?", q).Exists(ctx)
	if err != nil {
		return false, s.wrapErr(err, fmt.Sprintf("imported %s of compound %d", endpoint, compoundID))
	}
	return ok, nil
}
