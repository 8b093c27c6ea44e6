package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Chart geometry: the plot area inside an SVG of width × height.
const (
	chartW, chartH           = 760.0, 460.0
	left, right, top, bottom = 70.0, 190.0, 40.0, 50.0
	plotW, plotH             = chartW - left - right, chartH - top - bottom
	legendX                  = chartW - right + 20
	chartFont                = `font-family="sans-serif" font-size="12"`
	chartTitle               = "Wall time vs hosts, 10-task deploy (log–log; solid: re-run, dashed: first run)"
)

var palette = []string{"#d62728", "#1f77b4", "#ff7f0e", "#9467bd", "#7f7f7f", "#2ca02c", "#8c564b"}

// logAxis maps values onto [0, length] on a log scale spanning whole
// decades around lo..hi.
type logAxis struct{ lo, hi, length float64 }

func newLogAxis(lo, hi, length float64) logAxis {
	a := logAxis{math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi)), length}
	if a.hi == a.lo {
		a.hi++
	}
	return a
}

func (a logAxis) pos(v float64) float64 {
	return (math.Log10(v) - a.lo) / (a.hi - a.lo) * a.length
}

// ticks are the axis' 1, 2, 5 steps within its decades.
func (a logAxis) ticks() []float64 {
	var out []float64
	for d := a.lo; d <= a.hi; d++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, d); math.Log10(v) <= a.hi+1e-9 {
				out = append(out, v)
			}
		}
	}
	return out
}

// chart draws each tool's median wall time against the host count.
func chart(results []*result) string {
	xs, ys := []float64{}, []float64{}
	for _, r := range results {
		if (r.Run == "rerun" || r.Run == "fresh") && len(r.Samples) > 0 {
			xs, ys = append(xs, float64(r.Hosts)), append(ys, statsOf(r.Samples, wall).med)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" %s>`+"\n", chartW, chartH, chartW, chartH, chartFont)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/><text x="%.0f" y="22" font-size="14">%s</text>`+"\n", left, chartTitle)
	if len(xs) == 0 {
		b.WriteString("</svg>\n")
		return b.String()
	}
	x, y := newLogAxis(slices.Min(xs), slices.Max(xs), plotW), newLogAxis(slices.Min(ys), slices.Max(ys), plotH)
	px := func(v float64) float64 { return left + x.pos(v) }
	py := func(v float64) float64 { return top + plotH - y.pos(v) }
	for _, v := range x.ticks() {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="middle">%g</text>`+"\n",
			px(v), top, px(v), top+plotH, px(v), top+plotH+16, v)
	}
	for _, v := range y.ticks() {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end">%g s</text>`+"\n",
			left, py(v), left+plotW, py(v), left-6, py(v)+4, v)
	}
	fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#333"/>`+"\n", left, top, plotW, plotH)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">hosts</text>`+"\n", left+plotW/2, chartH-12)
	legendY := top + 10
	for i, t := range tools {
		color, drawn := palette[i%len(palette)], false
		for _, run := range []string{"rerun", "fresh"} {
			var pts []string
			for _, r := range results {
				if r.Tool == t.name && r.Run == run && len(r.Samples) > 0 {
					w := statsOf(r.Samples, wall).med
					pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(r.Hosts)), py(w)))
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", px(float64(r.Hosts)), py(w), color)
				}
			}
			if len(pts) == 0 {
				continue
			}
			dash := ""
			if run == "fresh" {
				dash = ` stroke-dasharray="5,4"`
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), color, dash)
			drawn = true
		}
		if drawn {
			fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="3"/><text x="%.0f" y="%.0f">%s</text>`+"\n",
				legendX, legendY, legendX+20, legendY, color, legendX+26, legendY+4, t.name)
			legendY += 20
		}
	}
	b.WriteString("</svg>\n")
	return b.String()
}
