package ml

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"testing"
)

// smallModels returns one small model of each task and learner.
func smallModels(t testing.TB) map[string]*Ensemble {
	t.Helper()
	X, y := synth(120, 3)
	yc := make([]float64, len(y))
	for i, v := range y {
		if v > 0 {
			yc[i] = 1
		}
	}
	out := map[string]*Ensemble{}
	for name, c := range map[string]struct {
		cfg EnsembleConfig
		y   []float64
	}{
		"forest-regression":     {EnsembleConfig{Members: 3, Seed: 1}, y},
		"forest-classification": {EnsembleConfig{Task: Classification, Members: 3, Seed: 1, Tree: TreeConfig{MaxDepth: 6, MaxBins: 16}}, yc},
		"ridge":                 {EnsembleConfig{Learner: Linear, Members: 2, Seed: 1}, y},
		"logistic":              {EnsembleConfig{Task: Classification, Learner: Linear, Members: 2, Seed: 1, L2: 3}, yc},
		"forest+ridge":          {EnsembleConfig{Learner: ForestLinear, Members: 3, Seed: 1}, y},
		"forest+logistic":       {EnsembleConfig{Task: Classification, Learner: ForestLinear, Members: 4, Seed: 1}, yc},
	} {
		e, err := TrainEnsemble(context.Background(), X, c.y, nil, c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = e
	}
	return out
}

func TestMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	P, _ := synth(500, 9)
	for name, e := range smallModels(t) {
		blob, err := e.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := e.WriteTo(&buf); err != nil || !bytes.Equal(buf.Bytes(), blob) {
			t.Fatalf("%s: WriteTo differs from MarshalBinary (%v)", name, err)
		}
		got, err := ReadEnsemble(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, _ := got.MarshalBinary()
		if !bytes.Equal(again, blob) {
			t.Errorf("%s: re-encoding differs", name)
		}
		want, _ := e.PredictMembers(context.Background(), P)
		have, _ := got.PredictMembers(context.Background(), P)
		for m := range want.Members {
			for i := range want.Members[m] {
				if math.Float64bits(want.Members[m][i]) != math.Float64bits(have.Members[m][i]) {
					t.Fatalf("%s: member %d row %d: %v after load, %v before", name, m, i, have.Members[m][i], want.Members[m][i])
				}
			}
		}
		if !slices.Equal(want.Mean, have.Mean) || !slices.Equal(want.Std, have.Std) {
			t.Errorf("%s: mean/std differ after load", name)
		}
		for m := 0; m < e.Members(); m++ {
			if !slices.Equal(e.OutOfBag(m), got.OutOfBag(m)) {
				t.Errorf("%s: out-of-bag rows of member %d differ", name, m)
			}
		}
		if got.Config().Seed != e.Config().Seed || got.Config().Tree != e.Config().Tree || got.Task() != e.Task() {
			t.Errorf("%s: config differs after load", name)
		}
	}
}

// TestReadVersion1 checks that forest and linear artifacts written before
// format version 2 (whose body is the same) still load and predict alike.
func TestReadVersion1(t *testing.T) {
	t.Parallel()
	P, _ := synth(200, 9)
	for name, e := range smallModels(t) {
		if e.Learner() == ForestLinear {
			continue
		}
		blob, _ := e.MarshalBinary()
		if blob[featureSetOffset] != 0 {
			t.Fatalf("%s: feature set %q in a test model", name, e.FeatureSet())
		}
		got := new(Ensemble)
		if err := got.UnmarshalBinary(olderVersion(e, blob, 1)); err != nil {
			t.Fatalf("%s: version 1: %v", name, err)
		}
		want, _ := e.Predict(context.Background(), P)
		have, _ := got.Predict(context.Background(), P)
		if !slices.Equal(want.Mean, have.Mean) || !slices.Equal(want.Std, have.Std) {
			t.Errorf("%s: version 1 artifact predicts differently", name)
		}
		if got.Calibrated() {
			t.Errorf("%s: version 1 artifact calibrated", name)
		}
	}
}

// olderVersion rewrites a current artifact of e as format version v
// would have written it: without the calibration section (before 3) and
// without the feature-set name (before 2).
func olderVersion(e *Ensemble, blob []byte, v uint16) []byte {
	b := slices.Clone(blob[:len(blob)-4-len(e.appendCalibration(nil))])
	if v < 2 {
		b = slices.Delete(b, featureSetOffset, featureSetOffset+1)
	}
	binary.LittleEndian.PutUint16(b[len(formatMagic):], v)
	return reseal(append(b, 0, 0, 0, 0))
}

// Version 2 artifacts (every learner, before calibration) still load,
// predict bit for bit alike and say they are not calibrated: Interval and
// CalibratedProba return ErrNotCalibrated.
func TestReadVersion2(t *testing.T) {
	t.Parallel()
	P, _ := synth(200, 9)
	for name, e := range smallModels(t) {
		if !e.Calibrated() {
			t.Fatalf("%s: trained model not calibrated", name)
		}
		blob, _ := e.MarshalBinary()
		got := new(Ensemble)
		if err := got.UnmarshalBinary(olderVersion(e, blob, 2)); err != nil {
			t.Fatalf("%s: version 2: %v", name, err)
		}
		want, _ := e.Predict(context.Background(), P)
		have, _ := got.Predict(context.Background(), P)
		if !slices.Equal(want.Mean, have.Mean) || !slices.Equal(want.Std, have.Std) {
			t.Errorf("%s: version 2 artifact predicts differently", name)
		}
		if got.Calibrated() || got.CalibrationRows() != 0 {
			t.Errorf("%s: version 2 artifact calibrated", name)
		}
		_, _, ierr := got.Interval(0, 1, 0.9)
		_, perr := got.CalibrateProbability(0.5)
		if !errors.Is(ierr, ErrNotCalibrated) || !errors.Is(perr, ErrNotCalibrated) {
			t.Errorf("%s: version 2: Interval %v, CalibrateProbability %v", name, ierr, perr)
		}
	}
}

// featureSetOffset is where the feature-set length byte sits in a version 2
// artifact: after the header, task and learner (2), members, bits and
// descriptors (3×4), training rows, seed and L2 (3×8) and six tree
// settings (6×4).
const featureSetOffset = headerLen + 2 + 12 + 24 + 24

// The feature-set name survives a round trip; an unprintable one is a
// ConfigError when training and ErrCorrupt when decoding.
func TestFeatureSetSaved(t *testing.T) {
	t.Parallel()
	X, y := synth(60, 2)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 2, Seed: 1, FeatureSet: "morgan-r2+dense.v7"})
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := e.MarshalBinary()
	var got Ensemble
	if err := got.UnmarshalBinary(blob); err != nil || got.FeatureSet() != "morgan-r2+dense.v7" {
		t.Fatalf("feature set after load %q (%v)", got.FeatureSet(), err)
	}
	var ce *ConfigError
	for _, bad := range []string{"tab\there", strings.Repeat("x", 256)} {
		if _, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 2, FeatureSet: bad}); !errors.As(err, &ce) || ce.Field != "FeatureSet" {
			t.Errorf("feature set %.20q: %v", bad, err)
		}
	}
	b := slices.Clone(blob)
	b[featureSetOffset+1] = '\n'
	if err := new(Ensemble).UnmarshalBinary(reseal(b)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("unprintable feature set decoded: %v", err)
	}
}

// reseal rewrites the trailing CRC-32C so that a deliberate edit passes
// the checksum and reaches the structural checks.
func reseal(b []byte) []byte {
	b = slices.Clone(b)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	return b
}

func TestUnmarshalRejectsDamage(t *testing.T) {
	t.Parallel()
	for name, e := range smallModels(t) {
		blob, _ := e.MarshalBinary()
		// Every truncation is an error.
		for n := 0; n < len(blob); n += 1 + n/64 {
			if err := new(Ensemble).UnmarshalBinary(blob[:n]); err == nil {
				t.Fatalf("%s: truncated to %d bytes accepted", name, n)
			}
		}
		// Every single-byte corruption is caught by the checksum (or the
		// magic/version checks before it).
		for i := 0; i < len(blob); i += 1 + i/32 {
			bad := slices.Clone(blob)
			bad[i] ^= 0x5a
			err := new(Ensemble).UnmarshalBinary(bad)
			if !errors.Is(err, ErrChecksum) && !errors.Is(err, ErrBadMagic) && !errors.Is(err, ErrUnsupportedVersion) {
				t.Fatalf("%s: byte %d flipped: %v", name, i, err)
			}
		}
		cases := []struct {
			name string
			data []byte
			want error
		}{
			{"bad magic", append([]byte("NOTMODEL"), blob[8:]...), ErrBadMagic},
			{"future version", reseal(func() []byte { b := slices.Clone(blob); b[8] = formatVersion + 1; return b }()), ErrUnsupportedVersion},
			{"version 0", reseal(func() []byte { b := slices.Clone(blob); b[8] = 0; return b }()), ErrUnsupportedVersion},
			{"trailing bytes", reseal(append(slices.Clone(blob), 0, 0, 0, 0)), ErrCorrupt},
			{"unknown task", reseal(func() []byte { b := slices.Clone(blob); b[headerLen] = 7; return b }()), ErrCorrupt},
			{"zero members", reseal(func() []byte { b := slices.Clone(blob); binary.LittleEndian.PutUint32(b[headerLen+2:], 0); return b }()), ErrCorrupt},
			{"huge members", reseal(func() []byte {
				b := slices.Clone(blob)
				binary.LittleEndian.PutUint32(b[headerLen+2:], 1<<20)
				return b
			}()), ErrCorrupt},
			{"empty", nil, ErrTruncated},
			{"mixed learner in version 1", reseal(func() []byte {
				b := olderVersion(e, blob, 1)
				b[headerLen+1] = byte(ForestLinear)
				return b
			}()), ErrCorrupt},
			{"unknown calibration kind", reseal(func() []byte {
				b := slices.Clone(blob)
				b[len(b)-4-len(e.appendCalibration(nil))] = 9
				return b
			}()), ErrCorrupt},
		}
		for _, c := range cases {
			err := new(Ensemble).UnmarshalBinary(c.data)
			var fe *FormatError
			if !errors.Is(err, c.want) || !errors.As(err, &fe) {
				t.Errorf("%s/%s: got %v, want %v", name, c.name, err, c.want)
			}
		}
	}
}

// A tree whose split points backwards (a cycle) must be rejected, not
// walked forever.
func TestUnmarshalRejectsCyclicTree(t *testing.T) {
	t.Parallel()
	X, y := synth(60, 3)
	e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.trees[0].nodes[1].left = 0
	e.trees[0].nodes[2].left = 1 // points back to an earlier node
	e.trees[0].nodes[2].feat = 0
	blob, _ := e.MarshalBinary()
	if err := new(Ensemble).UnmarshalBinary(blob); !errors.Is(err, ErrCorrupt) {
		t.Errorf("cyclic tree: %v", err)
	}
	e.trees[0].nodes[2].left = 0
	for _, f := range []int32{-1, int32(e.layout.total), 1 << 30} {
		e.trees[0].nodes[0].feat = f
		blob, _ = e.MarshalBinary()
		if err := new(Ensemble).UnmarshalBinary(blob); !errors.Is(err, ErrCorrupt) {
			t.Errorf("feature %d: %v", f, err)
		}
	}
}

func FuzzUnmarshal(f *testing.F) {
	X, y := synth(40, 3)
	yc := make([]float64, len(y))
	for i, v := range y {
		if v > 0 {
			yc[i] = 1
		}
	}
	for _, c := range []struct {
		cfg EnsembleConfig
		y   []float64
	}{
		{EnsembleConfig{Members: 2, Seed: 1, Tree: TreeConfig{MaxDepth: 3}}, y},
		{EnsembleConfig{Members: 1, Seed: 1, Task: Classification, Learner: Linear}, yc},
		{EnsembleConfig{Members: 2, Seed: 1, Learner: ForestLinear, Tree: TreeConfig{MaxDepth: 2}}, y},
	} {
		e, err := TrainEnsemble(context.Background(), X.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7}), c.y[:8], nil, c.cfg)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := e.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte(formatMagic))
	f.Add([]byte{})
	P, _ := synth(4, 5)
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Ensemble
		if err := e.UnmarshalBinary(data); err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FormatError", err)
			}
			return
		}
		// A model that decodes must predict without panicking, when the
		// pool has its shape, and re-encode to the same bytes.
		if nb, nd := e.Shape(); nb == P.NBits() && nd == P.NDense() {
			if _, err := e.Predict(context.Background(), P); err != nil {
				t.Fatal(err)
			}
		}
		// (A version 1 artifact re-encodes as the current version: compare
		// the bodies.)
		again, _ := e.MarshalBinary()
		if !bytes.Equal(again[headerLen:len(again)-4], data[headerLen:len(data)-4]) {
			t.Fatalf("decoded model re-encodes differently")
		}
	})
}
