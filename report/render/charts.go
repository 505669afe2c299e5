package render

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// palette is Okabe and Ito's colour-blind-safe set, with grey in place of
// black so that it also reads on the dark theme.
var palette = opts.Colors{
	"#0072B2", // blue
	"#E69F00", // orange
	"#009E73", // bluish green
	"#CC79A7", // reddish purple
	"#56B4E9", // sky blue
	"#D55E00", // vermilion
	"#F0E442", // yellow
	"#999999", // grey
}

// chartOptions builds a chart's ECharts options with go-echarts and
// returns them as JSON. Only the options are taken from go-echarts, never
// its page rendering: that writes options into a script unescaped and
// turns strings marked "__f__" into live JavaScript. Here every string
// stays a JSON string, and the templates write the JSON through
// html/template's script escaping. The options hold no random chart id
// and nothing from the clock, so the same chart gives the same bytes.
func chartOptions(ch Chart) (json.RawMessage, error) {
	labels := make([]string, len(ch.Labels))
	for i, l := range ch.Labels {
		labels[i] = valueText(l)
	}
	global := []charts.GlobalOpts{
		// A fixed ChartID: go-echarts would otherwise draw a random one
		// (it is not part of the options, but nothing random is wanted).
		charts.WithInitializationOpts(opts.Initialization{ChartID: ch.ID}),
		charts.WithAnimation(false),
		charts.WithColorsOpts(palette),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(ch.Series) > 1), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "8", Right: "16", Top: "16", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
	}
	series := chartSeries(ch.Series)
	var options map[string]any
	switch ch.Kind {
	case "stacked-bar", "bar":
		c := charts.NewBar()
		c.SetGlobalOptions(global...)
		c.SetXAxis(labels)
		for _, s := range series {
			data := make([]opts.BarData, len(s.Values))
			for i, v := range s.Values {
				data[i] = opts.BarData{Value: v}
			}
			var so []charts.SeriesOpts
			if ch.Kind == "stacked-bar" {
				so = append(so, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
			}
			c.AddSeries(valueText(s.Name), data, so...)
		}
		c.Validate()
		options = c.JSON()
	case "line":
		c := charts.NewLine()
		c.SetGlobalOptions(global...)
		c.SetXAxis(labels)
		for _, s := range series {
			data := make([]opts.LineData, len(s.Values))
			for i, v := range s.Values {
				data[i] = opts.LineData{Value: v}
			}
			c.AddSeries(valueText(s.Name), data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(labels) <= 31)}))
		}
		c.Validate()
		options = c.JSON()
	default:
		return nil, fmt.Errorf("chart %s: unknown kind %q", ch.ID, ch.Kind)
	}
	// Empty components go-echarts always adds; ECharts would draw an
	// empty title and toolbox otherwise.
	delete(options, "title")
	delete(options, "toolbox")
	b, err := json.Marshal(options)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", ch.ID, err)
	}
	return b, nil
}

// chartSeries returns the series a chart draws. Past the palette's eight
// colours, series could only be told apart by the legend, so the chart
// keeps the seven largest, in their order, and sums the rest as "Other",
// drawn in the palette's grey. The table under the chart has them all.
func chartSeries(all []Series) []Series {
	if len(all) <= len(palette) {
		return all
	}
	keep := len(palette) - 1
	type ranked struct {
		i   int
		sum int64
	}
	rs := make([]ranked, len(all))
	for i, s := range all {
		rs[i].i = i
		for _, v := range s.Values {
			rs[i].sum += v
		}
	}
	slices.SortStableFunc(rs, func(a, b ranked) int { return cmp.Compare(b.sum, a.sum) })
	big := map[int]bool{}
	for _, r := range rs[:keep] {
		big[r.i] = true
	}
	out := make([]Series, 0, len(palette))
	other := Series{Name: fmt.Sprintf("Other (%d)", len(all)-keep), Values: make([]int64, len(all[0].Values))}
	for i, s := range all {
		if big[i] {
			out = append(out, s)
			continue
		}
		for j, v := range s.Values {
			other.Values[j] += v
		}
	}
	return append(out, other)
}

// foldedSeries is how many series the chart sums as "Other", for the
// figure's caption.
func foldedSeries(c Chart) int {
	if len(c.Series) <= len(palette) {
		return 0
	}
	return len(c.Series) - (len(palette) - 1)
}
