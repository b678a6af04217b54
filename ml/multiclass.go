package ml

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// MaxClasses bounds the number of classes of a MultiClass model.
const MaxClasses = 64

// MultiClass predicts one of K named classes: one binary bootstrap
// ensemble per class (class k against the rest), whose probabilities are
// normalised to sum to one. It is immutable and safe for concurrent use.
type MultiClass struct {
	classes []string
	models  []*Ensemble // models[k]: probability of class k against the rest
	cal     multiCalibration
}

// TrainMultiClass trains a one-vs-rest ensemble per class on the rows of X
// with class indexes y (y[i] in [0, len(classes))), sample weights w (may be
// nil) and the binary ensembles' settings cfg (its Task is ignored: every
// model is a Classification ensemble). Class k's ensemble is trained with
// seed cfg.Seed + k, so the model depends on cfg.Seed and the data only.
// classes are the K >= 2 distinct, non-empty class names (printable ASCII,
// at most 255 bytes), in the order y indexes them. Errors: *InputError for
// a bad label or weight, *ConfigError for bad classes or settings.
func TrainMultiClass(ctx context.Context, X *Features, y []int, classes []string, w []float64, cfg EnsembleConfig) (*MultiClass, error) {
	if err := checkClasses(classes); err != nil {
		return nil, err
	}
	if X != nil && len(y) != X.rows {
		return nil, &InputError{What: "y", Row: -1, Reason: fmt.Sprintf("%d labels for %d rows", len(y), X.rows)}
	}
	for i, c := range y {
		if c < 0 || c >= len(classes) {
			return nil, &InputError{What: "y", Row: i, Reason: fmt.Sprintf("class %d of %d", c, len(classes))}
		}
	}
	cfg.Task = Classification
	m := &MultiClass{classes: slices.Clone(classes), models: make([]*Ensemble, len(classes))}
	yk := make([]float64, len(y))
	seed := cfg.Seed
	for k := range classes {
		for i, c := range y {
			yk[i] = 0
			if c == k {
				yk[i] = 1
			}
		}
		cfg.Seed = seed + uint64(k)
		e, err := TrainEnsemble(ctx, X, yk, w, cfg)
		if err != nil {
			return nil, fmt.Errorf("ml: train class %q: %w", classes[k], err)
		}
		m.models[k] = e
	}
	if err := m.calibrate(ctx, X, y, w); err != nil {
		return nil, fmt.Errorf("ml: train multi-class model: %w", err)
	}
	return m, nil
}

// checkClasses validates class names.
func checkClasses(classes []string) error {
	if len(classes) < 2 || len(classes) > MaxClasses {
		return &ConfigError{Field: "classes", Reason: fmt.Sprintf("%d classes, want 2 to %d", len(classes), MaxClasses)}
	}
	seen := map[string]bool{}
	for _, c := range classes {
		if c == "" || len(c) > maxFeatureSet {
			return &ConfigError{Field: "classes", Reason: fmt.Sprintf("class name %.20q: 1 to %d bytes", c, maxFeatureSet)}
		}
		for _, r := range []byte(c) {
			if r < 0x20 || r > 0x7e {
				return &ConfigError{Field: "classes", Reason: fmt.Sprintf("class name %q: byte %#x is not printable ASCII", c, r)}
			}
		}
		if seen[c] {
			return &ConfigError{Field: "classes", Reason: fmt.Sprintf("class %q twice", c)}
		}
		seen[c] = true
	}
	return nil
}

// Classes returns the class names, in index order.
func (m *MultiClass) Classes() []string { return slices.Clone(m.classes) }

// Model returns class k's one-vs-rest ensemble (for its out-of-bag
// predictions, calibration or artifact). Panics if k is out of range.
func (m *MultiClass) Model(k int) *Ensemble { return m.models[k] }

// MultiPrediction holds a MultiClass model's output for a set of rows.
type MultiPrediction struct {
	// Proba[i][k] is row i's probability of class k: Raw mapped through
	// the model's calibration (see Calibrated), or Raw itself for a model
	// without one. Each row sums to one.
	Proba [][]float64
	// Raw[i][k] are the one-vs-rest ensembles' mean probabilities divided
	// by their sum (1/K each when every one is 0), before calibration.
	Raw [][]float64
	// Std[i][k] is the spread of class k's ensemble members on row i,
	// before normalisation.
	Std [][]float64
}

// Predict returns the class probabilities of every row of X.
func (m *MultiClass) Predict(ctx context.Context, X *Features) (*MultiPrediction, error) {
	K := len(m.classes)
	preds := make([]*Prediction, K)
	for k, e := range m.models {
		p, err := e.Predict(ctx, X)
		if err != nil {
			return nil, err
		}
		preds[k] = p
	}
	n := X.rows
	out := &MultiPrediction{Proba: make([][]float64, n), Raw: make([][]float64, n), Std: make([][]float64, n)}
	flatR, flatS := make([]float64, n*K), make([]float64, n*K)
	flatP := flatR
	if m.Calibrated() {
		flatP = make([]float64, n*K)
	}
	for i := 0; i < n; i++ {
		raw, sd := flatR[i*K:(i+1)*K:(i+1)*K], flatS[i*K:(i+1)*K:(i+1)*K]
		for k, p := range preds {
			raw[k], sd[k] = p.Mean[i], p.Std[i]
		}
		normalise(raw)
		row := flatP[i*K : (i+1)*K : (i+1)*K]
		if m.Calibrated() {
			m.cal.apply(raw, row)
		}
		out.Proba[i], out.Raw[i], out.Std[i] = row, raw, sd
	}
	return out, nil
}

// Calibrated reports whether the model holds a calibration of its class
// probabilities (see multiCalibration): models trained by this version
// do unless no training row was out of bag for every class's ensemble;
// models decoded from multi-class format version 1 do not (their Proba
// is Raw).
func (m *MultiClass) Calibrated() bool { return m.cal.rows > 0 }

// Calibration returns the calibration's scale a and class biases b
// (q_k ∝ exp(a ln max(p_k, 1e-4) + b_k)) and the number of out-of-bag
// rows it was fitted on; rows is 0 (and a, b zero) for an uncalibrated
// model.
func (m *MultiClass) Calibration() (a float64, b []float64, rows int) {
	if !m.Calibrated() {
		return 0, nil, 0
	}
	return m.cal.a, slices.Clone(m.cal.b), m.cal.rows
}

// Multi-class artifact layout (little-endian):
//
//	magic    8 bytes "ALMULTCL"
//	version  uint16 (1)
//	classes  uint8 K, then K × (uint8 length, name bytes)
//	models   K × (uint64 length, an Ensemble artifact of that length)
//	cal      (version 2) uint8 kind: 0 none; 1 scaling: uint64 rows,
//	         float64 a, K × float64 b (b[0] = 0)
//	crc      uint32 CRC-32C of everything before it
//
// Version 1 artifacts (no cal section) load uncalibrated.
const (
	multiMagic   = "ALMULTCL"
	multiVersion = 2
)

// Multi-class calibration section kinds.
const (
	multiCalNone    = 0
	multiCalScaling = 1
)

// MarshalBinary encodes the model: its class names and each class's
// ensemble artifact (Ensemble.MarshalBinary, whose errors it returns).
func (m *MultiClass) MarshalBinary() ([]byte, error) {
	le := binary.LittleEndian
	b := append([]byte(multiMagic), 0, 0)
	le.PutUint16(b[len(multiMagic):], multiVersion)
	b = append(b, byte(len(m.classes)))
	for _, c := range m.classes {
		b = append(b, byte(len(c)))
		b = append(b, c...)
	}
	for k, e := range m.models {
		art, err := e.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("ml: encode class %q: %w", m.classes[k], err)
		}
		b = le.AppendUint64(b, uint64(len(art)))
		b = append(b, art...)
	}
	if m.Calibrated() {
		if !finite(m.cal.a) || !floatsFinite(m.cal.b) {
			return nil, fmt.Errorf("ml: encode multi-class calibration: %w", ErrNonFinite)
		}
		b = append(b, multiCalScaling)
		b = le.AppendUint64(b, uint64(m.cal.rows))
		b = le.AppendUint64(b, math.Float64bits(m.cal.a))
		for _, v := range m.cal.b {
			b = le.AppendUint64(b, math.Float64bits(v))
		}
	} else {
		b = append(b, multiCalNone)
	}
	return le.AppendUint32(b, crc32.Checksum(b, castagnoli)), nil
}

// UnmarshalBinary decodes a model written by MarshalBinary into m. A bad,
// truncated, newer or inconsistent artifact is a *FormatError (never a
// panic) and leaves m unchanged.
func (m *MultiClass) UnmarshalBinary(data []byte) error {
	hl := len(multiMagic) + 2
	if len(data) < hl+4 {
		return &FormatError{Offset: len(data), Err: ErrTruncated}
	}
	if string(data[:len(multiMagic)]) != multiMagic {
		return &FormatError{Offset: 0, Err: ErrBadMagic, Detail: "not a multi-class model"}
	}
	v := binary.LittleEndian.Uint16(data[len(multiMagic):])
	if v == 0 || v > multiVersion {
		return &FormatError{Offset: len(multiMagic), Err: ErrUnsupportedVersion,
			Detail: fmt.Sprintf("multi-class version %d, this build reads 1 to %d", v, multiVersion)}
	}
	body := data[:len(data)-4]
	want := binary.LittleEndian.Uint32(data[len(data)-4:])
	if got := crc32.Checksum(body, castagnoli); got != want {
		return &FormatError{Offset: len(data) - 4, Err: ErrChecksum, Detail: fmt.Sprintf("stored %08x, computed %08x", want, got)}
	}
	d := decoder{buf: body, off: hl}
	K := int(d.u8())
	classes := make([]string, 0, K)
	for range K {
		if n := int(d.u8()); d.need(n) {
			classes = append(classes, string(d.buf[d.off:d.off+n]))
			d.off += n
		}
	}
	if d.err != nil {
		return d.err
	}
	if err := checkClasses(classes); err != nil {
		return &FormatError{Offset: d.off, Err: ErrCorrupt, Detail: err.Error()}
	}
	models := make([]*Ensemble, K)
	for k := range models {
		n := d.u64()
		if d.err != nil {
			return d.err
		}
		if n > uint64(len(d.buf)-d.off) {
			return &FormatError{Offset: d.off, Err: ErrTruncated, Detail: fmt.Sprintf("class %d: %d bytes, %d left", k, n, len(d.buf)-d.off)}
		}
		e := new(Ensemble)
		if err := e.UnmarshalBinary(d.buf[d.off : d.off+int(n)]); err != nil {
			return fmt.Errorf("ml: decode class %q: %w", classes[k], err)
		}
		if e.task != Classification || (k > 0 && (e.nBits != models[0].nBits || e.nDense != models[0].nDense)) {
			return &FormatError{Offset: d.off, Err: ErrCorrupt, Detail: fmt.Sprintf("class %d: not a classifier of the first class's shape", k)}
		}
		d.off += int(n)
		models[k] = e
	}
	var cal multiCalibration
	if v >= 2 {
		switch kind := d.u8(); kind {
		case multiCalNone:
		case multiCalScaling:
			rows := d.u64()
			cal.a = d.f64()
			cal.b = make([]float64, K)
			for k := range cal.b {
				cal.b[k] = d.f64()
			}
			if d.err != nil {
				return d.err
			}
			if rows < 1 || rows > uint64(models[0].nTrain) || !(cal.a > 0) || cal.b[0] != 0 {
				return &FormatError{Offset: d.off, Err: ErrCorrupt, Detail: fmt.Sprintf("calibration of scale %v on %d rows", cal.a, rows)}
			}
			cal.rows = int(rows)
		default:
			d.fail(ErrCorrupt, fmt.Sprintf("unknown multi-class calibration kind %d", kind))
		}
		if d.err != nil {
			return d.err
		}
	}
	if d.off != len(body) {
		return &FormatError{Offset: d.off, Err: ErrCorrupt, Detail: "trailing bytes"}
	}
	m.classes, m.models, m.cal = classes, models, cal
	return nil
}

// floatsFinite reports whether every v is finite.
func floatsFinite(v []float64) bool {
	for _, x := range v {
		if !finite(x) {
			return false
		}
	}
	return true
}
