package ml

import (
	"context"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func smallLinearProblem(task Task) (*Features, []float64) {
	rng := rand.New(rand.NewPCG(3, 4))
	X := NewFeatures(64, 3, 60)
	y := make([]float64, 60)
	for i := range y {
		var on []int
		for j := 0; j < 64; j++ {
			if rng.Float64() < 0.1 {
				on = append(on, j)
			}
		}
		d := []float32{float32(rng.NormFloat64()), float32(10 + 5*rng.NormFloat64()), float32(rng.Float64())}
		X.AppendRowOnBits(on, d)
		v := float64(d[0]) - 0.2*float64(d[1]) + float64(len(on))*0.1 + 0.3*rng.NormFloat64()
		if task == Classification {
			if v > -2 {
				v = 1
			} else {
				v = 0
			}
		}
		y[i] = v
	}
	return X, y
}

// Ridge equals the solution of its normal equations
// (X^T W X + L2 D) b = X^T W y, solved densely with gonum's Cholesky.
func TestRidgeMatchesNormalEquations(t *testing.T) {
	t.Parallel()
	X, y := smallLinearProblem(Regression)
	w := make([]float64, X.Rows())
	for i := range w {
		w[i] = 1 + float64(i%3) // uneven weights
	}
	std := FitStandardizer(X, nil, w)
	const l2 = 2.5
	d := newLinearData(X, y, std, Regression, l2)
	got := d.train(w).coef
	p := d.p()
	A := mat.NewSymDense(p, nil)
	rhs := mat.NewVecDense(p, nil)
	row := make([]float64, p)
	for i := 0; i < X.Rows(); i++ {
		clear(row)
		for _, j := range d.on[i] {
			row[j] = 1
		}
		copy(row[d.nBits:], d.dense[i])
		row[p-1] = 1
		for a := 0; a < p; a++ {
			rhs.SetVec(a, rhs.AtVec(a)+w[i]*row[a]*y[i])
			for b := a; b < p; b++ {
				A.SetSym(a, b, A.At(a, b)+w[i]*row[a]*row[b])
			}
		}
	}
	for a := 0; a < p-1; a++ {
		A.SetSym(a, a, A.At(a, a)+l2)
	}
	var ch mat.Cholesky
	if !ch.Factorize(A) {
		t.Fatal("normal equations not positive definite")
	}
	var want mat.VecDense
	if err := ch.SolveVecTo(&want, rhs); err != nil {
		t.Fatal(err)
	}
	for j := 0; j < p; j++ {
		if math.Abs(got[j]-want.AtVec(j)) > 1e-6 {
			t.Fatalf("coef %d: CG %v, Cholesky %v", j, got[j], want.AtVec(j))
		}
	}
}

// Logistic regression stops at the optimum: the gradient of the penalised
// weighted log loss vanishes.
func TestLogisticOptimality(t *testing.T) {
	t.Parallel()
	X, y := smallLinearProblem(Classification)
	w := make([]float64, X.Rows())
	for i := range w {
		w[i] = 0.5 + float64(i%2)
	}
	const l2 = 1.0
	d := newLinearData(X, y, FitStandardizer(X, nil, w), Classification, l2)
	beta := d.train(w).coef
	grad := make([]float64, d.p())
	for i := 0; i < X.Rows(); i++ {
		d.addScaled(i, w[i]*(sigmoid(d.dot(i, beta))-y[i]), grad)
	}
	for j := 0; j < d.p()-1; j++ {
		grad[j] += l2 * beta[j]
	}
	for j, g := range grad {
		if math.Abs(g) > 1e-6 {
			t.Fatalf("gradient %d = %v at the returned coefficients", j, g)
		}
	}
}

// referencePredict is one member's linear predictor (ridge output, or the
// logit), written plainly.
func referencePredict(m *linearModel, rowBits []uint64, dense []float32, std *Standardizer, nBits int) float64 {
	coef := m.coef
	s := coef[len(coef)-1]
	for k, w := range rowBits {
		for w != 0 {
			s += coef[k*64+bits.TrailingZeros64(w)]
			w &= w - 1
		}
	}
	for j, v := range dense {
		s += coef[nBits+j] * ((float64(v) - std.Mean[j]) / std.Scale[j])
	}
	return s
}

// The transposed block the ensemble predicts with gives every member's
// output bit for bit as the plain per-member sum.
func TestLinearBlockMatchesMembers(t *testing.T) {
	t.Parallel()
	X, y := synth(300, 5)
	P, _ := synth(200, 6)
	for _, learner := range []LearnerKind{Linear, ForestLinear} {
		e, err := TrainEnsemble(context.Background(), X, y, nil, EnsembleConfig{Members: 7, Seed: 3, Learner: learner})
		if err != nil {
			t.Fatal(err)
		}
		p, err := e.PredictMembers(context.Background(), P)
		if err != nil {
			t.Fatal(err)
		}
		nt := len(e.trees)
		for k := range e.linear {
			for i := 0; i < P.Rows(); i++ {
				want := referencePredict(&e.linear[k], P.BitsRow(i), P.Dense(i), e.std, e.nBits)
				if got := p.Members[nt+k][i]; math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("%v member %d row %d: %v, plain sum %v", learner, nt+k, i, got, want)
				}
			}
		}
	}
}
