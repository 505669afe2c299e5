// Package render writes the report site: it fills the embedded templates
// with finished page models and writes the pages, the data files behind
// every chart and table, and the static assets. It reads no data and
// decides nothing; every figure it prints was computed before.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"os"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webmasterid/refreport/templates"
)

// assets are written under assets/ in every site, by these fixed names.
var assets = []string{"style.css", "charts.js", "echarts.min.js", "echarts-LICENSE.txt", "favicon.svg"}

// Renderer holds the parsed templates. Parse once, at start, so that a
// broken template fails before any data is read.
type Renderer struct {
	t *template.Template
}

// New parses the embedded templates and checks that the assets are there.
func New() (*Renderer, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(templates.FS, "*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	for _, name := range assets {
		if _, err := templates.FS.ReadFile("assets/" + name); err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
	}
	return &Renderer{t: t}, nil
}

// page is what every template gets: its page's model and what the layout
// needs around it.
type page struct {
	Site   *Site
	Info   SiteInfo
	Title  string // in <title> and the page's h1
	Path   string // site-root-relative path of the page
	Root   string // the way back to the site root: "" or "../"
	Charts bool   // the page draws charts: load the chart scripts
	Page   any    // the page's own model or view

	pages map[string]bool // the site's pages, for links
}

// Href returns l's target relative to the page, or "" when the site has
// no such page (then the templates print the text without a link).
func (p *page) Href(l Link) string {
	name, frag, _ := strings.Cut(l.Href, "#")
	if l.Href == "" || !p.pages[name] {
		return ""
	}
	if name == p.Path && frag != "" {
		return "#" + frag
	}
	return p.Root + l.Href
}

// Data returns a data file's path relative to the page.
func (p *page) Data(file string) string { return p.Root + file }

// Current reports whether l is this page, for aria-current in the nav.
func (p *page) Current(l Link) bool { return l.Href == p.Path }

// WriteSite writes every page, data file and asset of the site into dir,
// which must exist. File names are fixed or made of source and medium ids
// checked to be [a-z0-9_]+; nothing is written outside dir.
func (r *Renderer) WriteSite(dir string, s *Site) error {
	files, err := r.Files(s)
	if err != nil {
		return err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	made := map[string]bool{}
	for _, name := range names {
		if d := path.Dir(name); d != "." && !made[d] {
			if err := root.MkdirAll(d, 0o755); err != nil {
				return err
			}
			made[d] = true
		}
		if err := root.WriteFile(name, files[name], 0o644); err != nil {
			return err
		}
	}
	return root.Close()
}

// Files renders the whole site in memory: slash-separated paths relative
// to the site root, and their contents.
func (r *Renderer) Files(s *Site) (map[string][]byte, error) {
	pages, err := check(s)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	out := &siteFiles{files: map[string][]byte{}}
	newPage := func(name, title string, model any, charts bool) *page {
		return &page{Site: s, Info: s.Info, Title: title, Path: name, Root: strings.Repeat("../", strings.Count(name, "/")),
			Charts: charts, Page: model, pages: pages}
	}
	renderTo := func(out *siteFiles, tmpl string, p *page) {
		if out.err != nil {
			return
		}
		var b bytes.Buffer
		if err := r.t.ExecuteTemplate(&b, tmpl, p); err != nil {
			out.err = fmt.Errorf("render %s: %w", p.Path, err)
			return
		}
		out.add(p.Path, b.Bytes())
	}
	render := func(tmpl string, p *page) { renderTo(out, tmpl, p) }

	render("index.html", newPage("index.html", "Overview", &s.Index, !noChart(&s.Index.Daily)))
	out.chart(&s.Index.Daily)
	out.table(&s.Index.TopSources)
	out.table(&s.Index.Mediums)

	// The source pages, most of a site, are made on every core, each into
	// files of its own, and added in order.
	bySource := make([]siteFiles, len(s.Sources))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(s.Sources) {
					return
				}
				src, f := &s.Sources[i], &bySource[i]
				f.files = map[string][]byte{}
				renderTo(f, "source.html", newPage("sources/"+src.ID+".html", src.Name+" referrer traffic", newSourceView(src), !noChart(&src.Daily)))
				f.chart(&src.Daily)
				for _, t := range src.tables() {
					f.table(t)
				}
			}
		})
	}
	wg.Wait()
	for i := range bySource {
		f := &bySource[i]
		if f.err != nil && out.err == nil {
			out.err = f.err
		}
		names := slices.Sorted(maps.Keys(f.files))
		for _, name := range names {
			out.add(name, f.files[name])
		}
	}
	for i := range s.Mediums {
		m := &s.Mediums[i]
		render("medium.html", newPage("mediums/"+m.ID+".html", m.Name, m, !noChart(&m.Daily)))
		out.chart(&m.Daily)
		out.table(&m.Sources)
	}

	render("unrecognised.html", newPage("unrecognised.html", "Unrecognised referrers", &s.Unknown, false))
	out.data(s.Unknown.CSV, func() ([]byte, error) { return unknownCSV(&s.Unknown) })
	out.data(s.Unknown.JSON, func() ([]byte, error) { return unknownJSON(&s.Unknown) })
	render("hygiene.html", newPage("hygiene.html", "Tagging hygiene", &s.Hygiene, false))
	render("quality.html", newPage("quality.html", "Data quality", &s.Quality, !noChart(&s.Quality.Daily)))
	out.chart(&s.Quality.Daily)
	render("methodology.html", newPage("methodology.html", "Methodology", &s.Methodology, false))

	for _, name := range assets {
		b, err := templates.FS.ReadFile("assets/" + name)
		if err != nil {
			return nil, err
		}
		out.add("assets/"+name, b)
	}
	if out.err != nil {
		return nil, out.err
	}
	return out.files, nil
}

// siteFiles collects the files of a site; the first error stops it.
type siteFiles struct {
	files map[string][]byte
	err   error
}

func (f *siteFiles) add(name string, b []byte) {
	if f.err != nil {
		return
	}
	if old, ok := f.files[name]; ok && !bytes.Equal(old, b) {
		f.err = fmt.Errorf("render: two different files named %s", name)
		return
	}
	f.files[name] = b
}

func (f *siteFiles) data(name string, build func() ([]byte, error)) {
	if f.err != nil || name == "" {
		return
	}
	b, err := build()
	if err != nil {
		f.err = fmt.Errorf("render %s: %w", name, err)
		return
	}
	f.add(name, b)
}

func (f *siteFiles) table(t *Table) {
	f.data(t.CSV, func() ([]byte, error) { return tableCSV(t) })
	f.data(t.JSON, func() ([]byte, error) { return tableJSON(t) })
}

func (f *siteFiles) chart(c *Chart) {
	if noChart(c) {
		return
	}
	f.data(c.CSV, func() ([]byte, error) { return chartCSV(c) })
	f.data(c.JSON, func() ([]byte, error) { return chartJSON(c) })
}

// httpURL returns u when it is an absolute http or https URL, else "":
// the page then shows a citation's title without a link.
func httpURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || strings.ContainsAny(u, " \t\r\n\x00") {
		return ""
	}
	return u
}

// labelHeader heads a chart's label column: "Day" when every label is a
// date, else "Label".
func labelHeader(c Chart) string {
	for _, l := range c.Labels {
		if !dayPattern.MatchString(l) {
			return "Label"
		}
	}
	return "Day"
}

var dayPattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

var errDict = errors.New("dict: want key, value pairs with string keys")

// dict builds the argument of a nested template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errDict
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, errDict
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

var funcs = template.FuncMap{
	"num":     formatInt,
	"pct":     formatPct,
	"text":    cleanText,
	"value":   valueText,
	"visible": visibleText,
	"dict":    dict,
	"change": func(v any) (string, error) {
		c, err := asChange(v)
		return formatChange(c), err
	},
	"changeClass": func(v any) (string, error) {
		c, err := asChange(v)
		return changeClass(c), err
	},
	"chartOptions": chartOptions,
	"folded":       foldedSeries,
	"keptSeries":   func() int { return len(palette) - 1 },
	"hasChange": func(t Table) bool {
		return slices.ContainsFunc(t.Rows, func(r Row) bool { return r.Change != nil })
	},
	"ratio": ratio,
	"int64": func(i int) int64 { return int64(i) },
	"statusClass": func(kind string) string {
		switch kind {
		case "verified", "partial":
			return kind
		}
		return "unverified"
	},
	"httpURL":      httpURL,
	"evidenceNote": func(kind string) string { return evidenceNotes[kind] },
	"stackTotal": func(c Chart, i int) int64 {
		var n int64
		for _, s := range c.Series {
			n += s.Values[i]
		}
		return n
	},
	"labelHeader": labelHeader,
}

// evidenceNotes say, for each way a visit is recognised, what it means.
var evidenceNotes = map[string]string{
	"utm":      "A utm_source tag on the landing URL named the source.",
	"referrer": "The referrer's host matched one of the source's hosts.",
	"redirect": "The referrer was one of the source's redirect or link-wrapper hosts.",
	"click_id": "An ad click id in the landing URL named the source.",
	"app":      "An android-app:// referrer named one of the source's apps.",
	"in_app":   "The visit had no referrer or tag, and its user agent named the source's in-app browser.",
}
