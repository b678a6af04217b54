package ml

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// predictChunk is the number of rows a prediction worker takes at a time:
// each tree walks all rows of a chunk before the next tree, so the nodes a
// tree loads from memory serve thousands of rows.
const predictChunk = 4096

// Prediction holds an ensemble's output for a set of rows.
type Prediction struct {
	// Mean is the mean over members of their predictions (for
	// classification: of their probabilities of class 1).
	Mean []float64
	// Std is the population standard deviation over members (divisor
	// Members), the ensemble's uncertainty.
	Std []float64
	// Members[m][i] is member m's prediction for row i; only filled by
	// PredictMembers.
	Members [][]float64
	// Low and High bound each row's prediction interval; only filled by
	// PredictInterval.
	Low, High []float64
	// Proba is each row's calibrated probability of class 1; only filled
	// by CalibratedProba.
	Proba []float64
}

// Predictions is the compact float32 output of PredictInto, for scoring
// huge pools without per-member storage.
type Predictions struct {
	Mean []float32
	Std  []float32
}

// checkShape returns an *InputError when X does not have the ensemble's shape.
func (e *Ensemble) checkShape(X *Features) error {
	if X == nil {
		return &InputError{What: "X", Row: -1, Reason: "nil matrix"}
	}
	if X.nBits != e.nBits || X.nDense != e.nDense {
		return &InputError{What: "X", Row: -1, Reason: fmt.Sprintf("shape %d bits + %d descriptors, model expects %d + %d",
			X.nBits, X.nDense, e.nBits, e.nDense)}
	}
	return nil
}

// scratch is one prediction worker's reusable memory.
type scratch struct {
	out []float64 // member outputs of a chunk: out[m*rows+i]
	ext []uint64  // extended rows of a chunk (trees)
	acc []float64 // linear members' outputs of one row
	z   []float64 // standardised descriptors of one row
}

// memberOutputs writes member m's prediction of rows [from,to) of X into
// s.out[m*(to-from)+i-from] for every member.
func (e *Ensemble) memberOutputs(X *Features, from, to int, s *scratch) {
	n := to - from
	words, nd := X.words, X.nDense
	out := s.out[:n*e.cfg.Members]
	if len(e.fast) > 0 {
		ew := e.layout.extWords
		ext := s.ext[:n*ew]
		for i := 0; i < n; i++ {
			r := from + i
			e.layout.extend(X.bits[r*words:(r+1)*words], X.dense[r*nd:(r+1)*nd], ext[i*ew:(i+1)*ew])
		}
		for m := range e.fast {
			e.fast[m].predictRows4r(ext, ew, out[m*n:(m+1)*n])
		}
	}
	if L := len(e.linear); L > 0 {
		nt := len(e.fast)
		acc, z := s.acc[:L], s.z[:nd]
		for i := 0; i < n; i++ {
			r := from + i
			e.block.predictRow(X.bits[r*words:(r+1)*words], X.dense[r*nd:(r+1)*nd], e.std, e.nBits, acc, z)
			for k, v := range acc {
				if e.task == Classification {
					v = sigmoid(v)
				}
				out[(nt+k)*n+i] = v
			}
		}
	}
}

// meanStd reduces the member outputs of row i of a chunk of n rows.
func meanStd(out []float64, members, n, i int) (mean, std float64) {
	var s float64
	for m := 0; m < members; m++ {
		s += out[m*n+i]
	}
	mean = s / float64(members)
	var q float64
	for m := 0; m < members; m++ {
		d := out[m*n+i] - mean
		q += d * d
	}
	return mean, math.Sqrt(q / float64(members))
}

// forChunks runs fn over the row chunks of [0,rows) on the ensemble's
// workers; fn gets its worker's scratch buffer. It stops early with ctx's
// error when ctx is cancelled.
func (e *Ensemble) forChunks(ctx context.Context, rows int, fn func(from, to int, s *scratch)) error {
	chunks := (rows + predictChunk - 1) / predictChunk
	workers := max(1, min(e.cfg.Workers, chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			size := min(rows, predictChunk) // no chunk is longer
			s := &scratch{out: make([]float64, size*e.cfg.Members)}
			if len(e.linear) > 0 {
				s.acc, s.z = make([]float64, len(e.linear)), make([]float64, e.nDense)
			}
			if len(e.fast) > 0 {
				s.ext = make([]uint64, size*e.layout.extWords)
			}
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				from := c * predictChunk
				to := min(rows, from+predictChunk)
				fn(from, to, s)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ml: predict: %w", err)
	}
	return nil
}

// Predict returns the mean and standard deviation over members for every
// row of X, computed in parallel over row chunks. The result does not depend
// on the number of workers.
func (e *Ensemble) Predict(ctx context.Context, X *Features) (*Prediction, error) {
	return e.predict(ctx, X, false)
}

// PredictMembers is Predict that also returns every member's prediction.
func (e *Ensemble) PredictMembers(ctx context.Context, X *Features) (*Prediction, error) {
	return e.predict(ctx, X, true)
}

func (e *Ensemble) predict(ctx context.Context, X *Features, members bool) (*Prediction, error) {
	if err := e.checkShape(X); err != nil {
		return nil, err
	}
	n := X.rows
	p := &Prediction{Mean: make([]float64, n), Std: make([]float64, n)}
	M := e.cfg.Members
	if members {
		p.Members = make([][]float64, M)
		for m := range p.Members {
			p.Members[m] = make([]float64, n)
		}
	}
	err := e.forChunks(ctx, n, func(from, to int, s *scratch) {
		e.memberOutputs(X, from, to, s)
		buf := s.out
		c := to - from
		for i := 0; i < c; i++ {
			p.Mean[from+i], p.Std[from+i] = meanStd(buf, M, c, i)
		}
		if members {
			for m := 0; m < M; m++ {
				copy(p.Members[m][from:to], buf[m*c:(m+1)*c])
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// PredictInto writes float32 mean and standard deviation of every row of X
// into out, growing its slices when they are too short (they are resliced
// to X.Rows()). Memory beyond out is a small per-worker buffer, whatever
// the number of rows.
func (e *Ensemble) PredictInto(ctx context.Context, X *Features, out *Predictions) error {
	if err := e.checkShape(X); err != nil {
		return err
	}
	if out == nil {
		return &InputError{What: "out", Row: -1, Reason: "nil *Predictions"}
	}
	n := X.rows
	if cap(out.Mean) < n {
		out.Mean = make([]float32, n)
	}
	if cap(out.Std) < n {
		out.Std = make([]float32, n)
	}
	out.Mean, out.Std = out.Mean[:n], out.Std[:n]
	M := e.cfg.Members
	return e.forChunks(ctx, n, func(from, to int, s *scratch) {
		e.memberOutputs(X, from, to, s)
		buf := s.out
		c := to - from
		for i := 0; i < c; i++ {
			mu, sd := meanStd(buf, M, c, i)
			out.Mean[from+i], out.Std[from+i] = float32(mu), float32(sd)
		}
	})
}
