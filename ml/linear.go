package ml

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/floats"
)

// linearModel is a ridge or logistic regression member: coef holds one
// coefficient per fingerprint bit, then one per standardised descriptor,
// then the intercept.
type linearModel struct {
	coef []float64
}

// linearData is the sparse design shared by the linear members of one
// ensemble: per row its on bits and its standardised descriptors.
type linearData struct {
	nBits, nDense int
	on            [][]int32   // on bits of each row
	dense         [][]float64 // standardised descriptors of each row
	y             []float64
	task          Task
	l2            float64
}

func newLinearData(X *Features, y []float64, std *Standardizer, task Task, l2 float64) *linearData {
	d := &linearData{nBits: X.nBits, nDense: X.nDense, y: y, task: task, l2: l2,
		on: make([][]int32, X.rows), dense: make([][]float64, X.rows)}
	for i := 0; i < X.rows; i++ {
		var on []int32
		for k, w := range X.BitsRow(i) {
			for w != 0 {
				on = append(on, int32(k*64+bits.TrailingZeros64(w)))
				w &= w - 1
			}
		}
		d.on[i] = on
		d.dense[i] = make([]float64, X.nDense)
		std.Apply(X.Dense(i), d.dense[i])
	}
	return d
}

func (d *linearData) p() int { return d.nBits + d.nDense + 1 }

// dot returns x_i . v.
func (d *linearData) dot(i int, v []float64) float64 {
	s := v[len(v)-1]
	for _, j := range d.on[i] {
		s += v[j]
	}
	return s + floats.Dot(d.dense[i], v[d.nBits:d.nBits+d.nDense])
}

// addScaled does v += a * x_i.
func (d *linearData) addScaled(i int, a float64, v []float64) {
	v[len(v)-1] += a
	for _, j := range d.on[i] {
		v[j] += a
	}
	floats.AddScaled(v[d.nBits:d.nBits+d.nDense], a, d.dense[i])
}

// hessVec computes out = X^T diag(c) X v + l2 * D v over rows (D excludes
// the intercept).
func (d *linearData) hessVec(rows []int32, c, v, out []float64) {
	clear(out)
	for k, r := range rows {
		d.addScaled(int(r), c[k]*d.dot(int(r), v), out)
	}
	n := len(v) - 1
	floats.AddScaled(out[:n], d.l2, v[:n])
}

// solveCG solves (X^T diag(c) X + l2 D) x = rhs by conjugate gradients with
// a Jacobi preconditioner, starting from x, to relative residual tol.
// A non-finite right-hand side leaves x all NaN.
func (d *linearData) solveCG(rows []int32, c, rhs, x []float64, tol float64, maxIter int) {
	p := len(x)
	diag := make([]float64, p)
	for k, r := range rows {
		diag[p-1] += c[k]
		for _, j := range d.on[r] {
			diag[j] += c[k]
		}
		for j, v := range d.dense[r] {
			diag[d.nBits+j] += c[k] * v * v
		}
	}
	for j := 0; j < p-1; j++ {
		diag[j] += d.l2
	}
	for j := range diag {
		if diag[j] <= 0 {
			diag[j] = 1
		}
	}
	res := make([]float64, p)
	z := make([]float64, p)
	dir := make([]float64, p)
	hd := make([]float64, p)
	d.hessVec(rows, c, x, hd)
	floats.SubTo(res, rhs, hd)
	norm0 := floats.Norm(rhs, 2)
	if !finite(norm0) {
		// The system overflowed (targets near the float64 limit): its
		// solution is undefined, and NaN says so to the ensemble's
		// finiteness check instead of a plausible-looking zero.
		for j := range x {
			x[j] = math.NaN()
		}
		return
	}
	if norm0 == 0 {
		norm0 = 1
	}
	floats.DivTo(z, res, diag)
	copy(dir, z)
	rz := floats.Dot(res, z)
	for it := 0; it < maxIter; it++ {
		if floats.Norm(res, 2) <= tol*norm0 {
			return
		}
		d.hessVec(rows, c, dir, hd)
		den := floats.Dot(dir, hd)
		if den <= 0 || math.IsNaN(den) {
			return
		}
		alpha := rz / den
		floats.AddScaled(x, alpha, dir)
		floats.AddScaled(res, -alpha, hd)
		floats.DivTo(z, res, diag)
		rzNew := floats.Dot(res, z)
		beta := rzNew / rz
		rz = rzNew
		for j := range dir {
			dir[j] = z[j] + beta*dir[j]
		}
	}
}

// trainLinear fits one member on the rows with positive weight sw.
func (d *linearData) train(sw []float64) linearModel {
	var rows []int32
	var c []float64
	for r, w := range sw {
		if w > 0 {
			rows = append(rows, int32(r))
			c = append(c, w)
		}
	}
	p := d.p()
	beta := make([]float64, p)
	if len(rows) == 0 {
		return linearModel{coef: beta}
	}
	if d.task == Regression {
		rhs := make([]float64, p)
		for k, r := range rows {
			d.addScaled(int(r), c[k]*d.y[r], rhs)
		}
		d.solveCG(rows, c, rhs, beta, 1e-8, 1000)
		return linearModel{coef: beta}
	}
	// Logistic regression: damped Newton steps, each solved by CG.
	grad := make([]float64, p)
	step := make([]float64, p)
	trial := make([]float64, p)
	hc := make([]float64, len(rows))
	obj := d.logisticObjective(rows, c, beta)
	for it := 0; it < 50; it++ {
		clear(grad)
		for k, r := range rows {
			pr := sigmoid(d.dot(int(r), beta))
			d.addScaled(int(r), c[k]*(pr-d.y[r]), grad)
			hc[k] = c[k] * math.Max(pr*(1-pr), 1e-12)
		}
		floats.AddScaled(grad[:p-1], d.l2, beta[:p-1])
		if floats.Norm(grad, math.Inf(1)) < 1e-8 {
			break
		}
		clear(step)
		floats.Scale(-1, grad)
		d.solveCG(rows, hc, grad, step, 1e-6, 500)
		// Backtracking line search on the penalised objective.
		t := 1.0
		improved := false
		for ls := 0; ls < 30; ls++ {
			floats.AddScaledTo(trial, beta, t, step)
			o := d.logisticObjective(rows, c, trial)
			if o <= obj {
				copy(beta, trial)
				improved = obj-o > 1e-12*math.Max(1, math.Abs(obj))
				obj = o
				break
			}
			t /= 2
		}
		if !improved {
			break
		}
	}
	return linearModel{coef: beta}
}

func (d *linearData) logisticObjective(rows []int32, c, beta []float64) float64 {
	var o float64
	for k, r := range rows {
		eta := d.dot(int(r), beta)
		// log(1+exp(eta)) - y*eta, computed stably.
		o += c[k] * (softplus(eta) - d.y[r]*eta)
	}
	n := len(beta) - 1
	return o + d.l2/2*floats.Dot(beta[:n], beta[:n])
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// linearBlock holds the linear members' coefficients transposed, feature
// by feature, so that one pass over a row's on bits and descriptors
// updates every member: coef[j*members+k] is member k's coefficient of
// feature j (bits, then descriptors), intercept[k] its intercept.
// Each member sums in the order predictRow does, so the outputs are
// bit-for-bit the same.
type linearBlock struct {
	members   int
	coef      []float64
	intercept []float64
}

func newLinearBlock(models []linearModel) linearBlock {
	L := len(models)
	if L == 0 {
		return linearBlock{}
	}
	p := len(models[0].coef) - 1
	b := linearBlock{members: L, coef: make([]float64, p*L), intercept: make([]float64, L)}
	for k, m := range models {
		for j := 0; j < p; j++ {
			b.coef[j*L+k] = m.coef[j]
		}
		b.intercept[k] = m.coef[p]
	}
	return b
}

// predictRow writes every member's linear predictor (ridge output, or the
// logit) for one row into acc (len members); z is scratch of len(dense).
func (b *linearBlock) predictRow(rowBits []uint64, dense []float32, std *Standardizer, nBits int, acc, z []float64) {
	L := b.members
	copy(acc, b.intercept)
	for k, w := range rowBits {
		for w != 0 {
			j := k*64 + bits.TrailingZeros64(w)
			w &= w - 1
			c := b.coef[j*L : j*L+L]
			for m := range acc {
				acc[m] += c[m]
			}
		}
	}
	for j, v := range dense {
		z[j] = (float64(v) - std.Mean[j]) / std.Scale[j]
	}
	for j, zj := range z {
		c := b.coef[(nBits+j)*L : (nBits+j)*L+L]
		for m := range acc {
			acc[m] += c[m] * zj
		}
	}
}
