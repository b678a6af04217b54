package ml

import (
	"context"
	"fmt"
	"math"
)

// OutOfBagPredict predicts every training row with only the members that
// did not draw it: honest, held-out predictions from one training run,
// useful to calibrate the ensemble's spread against its actual errors. X
// must be the training matrix (TrainRows rows, same order). Counts[i] is
// how many members left row i out; rows no member left out get NaN mean
// and std.
func (e *Ensemble) OutOfBagPredict(ctx context.Context, X *Features) (p *Prediction, counts []int, err error) {
	if err := e.checkShape(X); err != nil {
		return nil, nil, err
	}
	if X.rows != e.nTrain {
		return nil, nil, &InputError{What: "X", Row: -1, Reason: fmt.Sprintf("%d rows, the model was trained on %d", X.rows, e.nTrain)}
	}
	all, err := e.PredictMembers(ctx, X)
	if err != nil {
		return nil, nil, err
	}
	n := X.rows
	p = &Prediction{Mean: make([]float64, n), Std: make([]float64, n)}
	counts = make([]int, n)
	for i := 0; i < n; i++ {
		var s float64
		for m, set := range e.oob {
			if set[i>>6]>>(uint(i)&63)&1 == 1 {
				s += all.Members[m][i]
				counts[i]++
			}
		}
		if counts[i] == 0 {
			p.Mean[i], p.Std[i] = math.NaN(), math.NaN()
			continue
		}
		mu := s / float64(counts[i])
		var q float64
		for m, set := range e.oob {
			if set[i>>6]>>(uint(i)&63)&1 == 1 {
				d := all.Members[m][i] - mu
				q += d * d
			}
		}
		p.Mean[i], p.Std[i] = mu, math.Sqrt(q/float64(counts[i]))
	}
	return p, counts, nil
}
