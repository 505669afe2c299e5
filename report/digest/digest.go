// Package digest writes the e-mail digest of a report: digest.html, a
// page a mail client can show (no script, inline styles, tables, small
// inline SVG sparklines), and digest.txt, the same in plain text. Both
// link to the full pages.
package digest

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/webmasterid/refreport/report/render"
)

// Limits of what a digest lists.
const (
	topSources = 10
	topMovers  = 5
	topUnknown = 10
	moverFloor = 10 // visits in either period before a change counts as a move
)

//go:embed digest.html
var htmlText string

var htmlTemplate = template.Must(template.New("digest").Funcs(template.FuncMap{
	"num":    formatInt,
	"change": formatChange,
	"args": func(title string, lines []Line) any {
		return struct {
			Title string
			Lines []Line
		}{title, lines}
	},
}).Parse(htmlText))

// Line is a row of a digest table.
type Line struct {
	Name   string
	Href   string // absolute with a base URL, else relative to the site root
	Visits int64
	Change render.Change
	Spark  string // SVG polyline points, "" when there is no series
}

// Digest is the model of both files.
type Digest struct {
	Title, AsOf, From, To string
	Visits                render.Change
	External              int64
	Top, Up, Down         []Line
	Unknown               []Line
	Warnings              []string
	Links                 []render.Link // the full report's pages
	Index                 string
}

// Build makes the digest's model from the site's. baseURL, when set,
// makes every link absolute, as a mail needs.
func Build(s *render.Site, baseURL string) *Digest {
	link := func(href string) string {
		if baseURL == "" {
			return href
		}
		return strings.TrimSuffix(baseURL, "/") + "/" + href
	}
	d := &Digest{
		Title: s.Info.Title, AsOf: s.Info.AsOf, From: s.Info.Period.From, To: s.Info.Period.To,
		Visits: s.Index.Visits, External: s.Index.External, Index: link("index.html"),
	}
	daily := map[string][]int64{}
	for _, p := range s.Sources {
		if len(p.Daily.Series) > 0 {
			daily["sources/"+p.ID+".html"] = p.Daily.Series[0].Values
		}
	}
	line := func(r render.Row) Line {
		l := Line{Name: clean(r.Name), Visits: r.Visits}
		if r.Change != nil {
			l.Change = *r.Change
		}
		if r.Link != nil {
			l.Href = link(r.Link.Href)
			l.Spark = sparkline(daily[r.Link.Href])
		}
		return l
	}
	rows := s.Index.TopSources.Rows
	for i, r := range rows {
		if i == topSources {
			break
		}
		d.Top = append(d.Top, line(r))
	}
	// Movers: the largest changes in visits, either way, among sources
	// with enough visits for a change to mean something.
	var moves []render.Row
	for _, r := range rows {
		if r.Change != nil && (r.Change.Current >= moverFloor || r.Change.Previous >= moverFloor) && r.Change.Current != r.Change.Previous {
			moves = append(moves, r)
		}
	}
	delta := func(r render.Row) int64 { return r.Change.Current - r.Change.Previous }
	sort.SliceStable(moves, func(i, j int) bool {
		a, b := delta(moves[i]), delta(moves[j])
		if a != b {
			return a > b
		}
		return moves[i].Name < moves[j].Name
	})
	for i := 0; i < len(moves) && len(d.Up) < topMovers && delta(moves[i]) > 0; i++ {
		d.Up = append(d.Up, line(moves[i]))
	}
	for i := len(moves) - 1; i >= 0 && len(d.Down) < topMovers && delta(moves[i]) < 0; i-- {
		d.Down = append(d.Down, line(moves[i]))
	}
	for _, h := range s.Unknown.Hosts {
		if h.Change != nil && h.Change.New && len(d.Unknown) < topUnknown {
			d.Unknown = append(d.Unknown, Line{Name: clean(h.Host), Visits: h.Visits, Change: *h.Change, Href: link("unrecognised.html")})
		}
	}
	d.Warnings = append(d.Warnings, s.Index.Warnings...)
	for _, g := range s.Quality.Gaps {
		last := cmp.Or(g.Last, g.Day)
		if g.Day <= d.To && last >= d.From { // a run of days may start before the period
			day := g.Day
			if g.Last != "" {
				day += " to " + g.Last
			}
			d.Warnings = append(d.Warnings, fmt.Sprintf("%s: %s.", day, g.Note))
		}
	}
	if n := len(s.Quality.Overdue); n > 0 {
		d.Warnings = append(d.Warnings, fmt.Sprintf("%d source page%s overdue for editorial review.", n, plural(n)))
	}
	for _, l := range append([]render.Link{{Href: "index.html", Text: "Overview"}}, s.Info.Nav...) {
		if l.Href == "index.html" && len(d.Links) > 0 {
			continue
		}
		d.Links = append(d.Links, render.Link{Href: link(l.Href), Text: l.Text})
	}
	return d
}

// sparkline returns the points of a 100×20 polyline through values, or ""
// when there are fewer than two.
func sparkline(values []int64) string {
	if len(values) < 2 {
		return ""
	}
	var max int64
	for _, v := range values {
		max = int64(math.Max(float64(max), float64(v)))
	}
	var b strings.Builder
	for i, v := range values {
		x := 100 * float64(i) / float64(len(values)-1)
		y := 19.0
		if max > 0 {
			y = 19 - 18*float64(v)/float64(max)
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
	}
	return b.String()
}

// Write writes digest.html and digest.txt into dir.
func Write(dir string, d *Digest) error {
	var h bytes.Buffer
	if err := htmlTemplate.Execute(&h, d); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "digest.html"), h.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "digest.txt"), Text(d), 0o644)
}

// Text renders the plain-text digest.
func Text(d *Digest) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", clean(d.Title))
	fmt.Fprintf(&b, "Referrer digest, %s to %s (as of %s)\n\n", d.From, d.To, d.AsOf)
	fmt.Fprintf(&b, "Visits: %s (%s against the previous period)\n", formatInt(d.Visits.Current), formatChange(d.Visits))
	fmt.Fprintf(&b, "From outside the site: %s\n", formatInt(d.External))
	table := func(title string, lines []Line) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s\n", title)
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		for _, l := range lines {
			fmt.Fprintf(tw, "  %s\t%9s  %8s\n", clean(l.Name), formatInt(l.Visits), formatChange(l.Change))
		}
		tw.Flush()
	}
	table("Top sources", d.Top)
	table("Biggest gains", d.Up)
	table("Biggest losses", d.Down)
	table("New unrecognised referrers", d.Unknown)
	if len(d.Warnings) > 0 {
		fmt.Fprintf(&b, "\nData quality\n")
		for _, w := range d.Warnings {
			fmt.Fprintf(&b, "  - %s\n", clean(w))
		}
	}
	fmt.Fprintf(&b, "\nThe full report:\n")
	for _, l := range d.Links {
		fmt.Fprintf(&b, "  %s: %s\n", l.Text, l.Href)
	}
	return b.Bytes()
}

// clean makes a string from visit data safe for a line of plain text: no
// control characters (a newline could forge a line of the digest) and no
// bidirectional overrides (they could reorder what a reader sees).
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return '\uFFFD'
		}
		return r
	}, s)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

var (
	formatInt    = render.FormatInt
	formatChange = render.FormatChange
)
