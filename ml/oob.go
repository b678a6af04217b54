package ml

import (
	"context"
	"fmt"
	"math"
)

// OutOfBagPredict predicts every training row with only the members that
// did not draw it: honest, held-out predictions from one training run,
// useful to calibrate the spread against actual errors (TrainEnsemble
// does, see Interval and CalibratedProba). X must be the training matrix
// (TrainRows rows, same order). Counts[i] is how many members left row i
// out; rows no member left out get NaN mean and std.
func (e *Ensemble) OutOfBagPredict(ctx context.Context, X *Features) (p *Prediction, counts []int, err error) {
	if err := e.checkShape(X); err != nil {
		return nil, nil, err
	}
	if X.rows != e.nTrain {
		return nil, nil, &InputError{What: "X", Row: -1, Reason: fmt.Sprintf("%d rows, the model was trained on %d", X.rows, e.nTrain)}
	}
	return e.outOfBag(ctx, X, 1)
}

// outOfBag computes the out-of-bag mean, population std and member count
// of every training row, chunk by chunk (no per-member storage), over the
// members whose index is a multiple of stride (1: every member).
func (e *Ensemble) outOfBag(ctx context.Context, X *Features, stride int) (*Prediction, []int, error) {
	n := X.rows
	p := &Prediction{Mean: make([]float64, n), Std: make([]float64, n)}
	counts := make([]int, n)
	M := e.cfg.Members
	err := e.forChunks(ctx, n, func(from, to int, s *scratch) {
		e.memberOutputs(X, from, to, s)
		c := to - from
		for i := 0; i < c; i++ {
			r := from + i
			w, bit := r>>6, uint(r)&63
			var sum float64
			k := 0
			for m := 0; m < M; m += stride {
				if e.oob[m][w]>>bit&1 == 1 {
					sum += s.out[m*c+i]
					k++
				}
			}
			counts[r] = k
			if k == 0 {
				p.Mean[r], p.Std[r] = math.NaN(), math.NaN()
				continue
			}
			mu := sum / float64(k)
			var q float64
			for m := 0; m < M; m += stride {
				if e.oob[m][w]>>bit&1 == 1 {
					d := s.out[m*c+i] - mu
					q += d * d
				}
			}
			p.Mean[r], p.Std[r] = mu, math.Sqrt(q/float64(k))
		}
	})
	if err != nil {
		return nil, nil, err
	}
	return p, counts, nil
}
