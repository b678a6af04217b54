package simulation

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot draws the primary metric against the number of labels for every
// strategy: the mean over seeds as a line, ± one standard deviation as a
// translucent band. It writes a PNG (or any format gonum/plot infers from
// the path's extension).
func (r *Result) Plot(path, title string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s (mean ± sd over %d seeds)", title, r.Config.Seeds)
	p.X.Label.Text = "labels"
	names := r.Config.MetricNames()
	dir := "lower is better"
	if HigherIsBetter(r.Config.Task) {
		dir = "higher is better"
	}
	p.Y.Label.Text = fmt.Sprintf("%s (%s)", names[0], dir)
	if !HigherIsBetter(r.Config.Task) {
		p.Legend.Top = true
	} else {
		p.Legend.Top = false
	}
	p.Add(plotter.NewGrid())
	for i, name := range r.Config.Strategies {
		mean, sd, labels := meanCurve(r.curve(name), 0)
		if len(mean) == 0 {
			continue
		}
		col := palette[i%len(palette)]
		if name == "random" {
			col = color.NRGBA{A: 255} // the baseline, black and dashed
		}
		line := make(plotter.XYs, 0, len(mean))
		band := make(plotter.XYs, 0, 2*len(mean))
		for j := range mean {
			if math.IsNaN(mean[j]) {
				continue
			}
			line = append(line, plotter.XY{X: float64(labels[j]), Y: mean[j]})
			band = append(band, plotter.XY{X: float64(labels[j]), Y: mean[j] + sd[j]})
		}
		for j := len(mean) - 1; j >= 0; j-- {
			if !math.IsNaN(mean[j]) {
				band = append(band, plotter.XY{X: float64(labels[j]), Y: mean[j] - sd[j]})
			}
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return fmt.Errorf("plot %s: %w", name, err)
		}
		r8, g8, b8, _ := col.RGBA()
		poly.Color = color.NRGBA{R: uint8(r8 >> 8), G: uint8(g8 >> 8), B: uint8(b8 >> 8), A: 28}
		poly.LineStyle.Width = 0
		l, pts, err := plotter.NewLinePoints(line)
		if err != nil {
			return fmt.Errorf("plot %s: %w", name, err)
		}
		l.Color = col
		l.Width = vg.Points(1.5)
		if name == "random" {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		if name == "default" || name == Adaptive {
			l.Width = vg.Points(2.5)
		}
		pts.Color = col
		pts.Shape = plotutil.Shape(i)
		pts.Radius = vg.Points(2)
		p.Add(poly, l, pts)
		p.Legend.Add(name, l, pts)
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}

// palette holds distinguishable line colours (Tableau 10).
var palette = []color.Color{
	color.NRGBA{0x1f, 0x77, 0xb4, 0xff}, color.NRGBA{0xff, 0x7f, 0x0e, 0xff},
	color.NRGBA{0x2c, 0xa0, 0x2c, 0xff}, color.NRGBA{0xd6, 0x27, 0x28, 0xff},
	color.NRGBA{0x94, 0x67, 0xbd, 0xff}, color.NRGBA{0x8c, 0x56, 0x4b, 0xff},
	color.NRGBA{0xe3, 0x77, 0xc2, 0xff}, color.NRGBA{0x17, 0xbe, 0xcf, 0xff},
	color.NRGBA{0xbc, 0xbd, 0x22, 0xff},
}
