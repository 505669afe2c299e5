package render

import (
	"fmt"
	"regexp"
)

// The renderer chooses every path it writes and every link it makes from
// fixed names and from source and medium ids. It checks those here, before
// a file is written, so that no value can choose a path or a link target.
var (
	idPattern      = regexp.MustCompile(`^[a-z0-9_]+$`)
	chartIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	// A data file: under data/, lower-case segments, no "." or "..".
	dataPathPattern = regexp.MustCompile(`^data/(?:[a-z0-9_-]+/)*[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.(csv|json)$`)
	// A link within the site: a page path and an optional fragment.
	hrefPattern = regexp.MustCompile(`^(?:[a-z0-9_-]+/)*[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.html(?:#[a-z0-9_-]+)?$`)
)

// checker gathers the site's pages while it checks paths and links. A
// well-formed link to a page the site does not have (a medium without
// visits, a related source without a page) is not an error: the page
// shows its text without a link, so the site never has a broken link.
type checker struct {
	pages map[string]bool // site-root-relative paths of the pages written
	err   error
}

func (c *checker) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, args...)
	}
}

func (c *checker) link(where string, l *Link) {
	if l == nil {
		return
	}
	if !hrefPattern.MatchString(l.Href) {
		c.fail("%s: link %q is not a page of the site", where, l.Href)
	}
}

func (c *checker) dataPath(where, path, ext string) {
	if path == "" {
		return
	}
	if m := dataPathPattern.FindStringSubmatch(path); m == nil || m[1] != ext {
		c.fail("%s: data file %q is not a .%s path under data/", where, path, ext)
	}
}

func (c *checker) table(where string, t *Table) {
	for i := range t.Rows {
		c.link(fmt.Sprintf("%s: row %d", where, i+1), t.Rows[i].Link)
	}
	c.dataPath(where, t.CSV, "csv")
	c.dataPath(where, t.JSON, "json")
}

func (c *checker) chart(where string, ids map[string]bool, ch *Chart) {
	if noChart(ch) {
		return
	}
	if !chartIDPattern.MatchString(ch.ID) {
		c.fail("%s: chart id %q: want [a-z][a-z0-9_-]*", where, ch.ID)
	}
	if ids[ch.ID] {
		c.fail("%s: chart id %q used twice on the page", where, ch.ID)
	}
	ids[ch.ID] = true
	switch ch.Kind {
	case "stacked-bar", "bar", "line":
	default:
		c.fail("%s: chart %s: unknown kind %q", where, ch.ID, ch.Kind)
	}
	for _, s := range ch.Series {
		if len(s.Values) != len(ch.Labels) {
			c.fail("%s: chart %s: series has %d values for %d labels", where, ch.ID, len(s.Values), len(ch.Labels))
		}
	}
	c.dataPath(where, ch.CSV, "csv")
	c.dataPath(where, ch.JSON, "json")
}

// noChart reports whether a chart was left unset: the page shows none.
func noChart(ch *Chart) bool { return ch.ID == "" && len(ch.Labels) == 0 && len(ch.Series) == 0 }

// check validates the model's ids, paths and links, and returns the pages
// the site will have.
func check(s *Site) (map[string]bool, error) {
	c := &checker{pages: map[string]bool{
		"index.html": true, "unrecognised.html": true, "quality.html": true, "methodology.html": true, "hygiene.html": true,
	}}
	for i := range s.Info.Nav {
		c.link("nav", &s.Info.Nav[i])
	}

	c.chart("index", map[string]bool{}, &s.Index.Daily)
	c.table("index: top sources", &s.Index.TopSources)
	c.table("index: mediums", &s.Index.Mediums)

	for i := range s.Sources {
		p := &s.Sources[i]
		if !idPattern.MatchString(p.ID) {
			c.fail("source %q: id must match [a-z0-9_]+", p.ID)
			continue
		}
		name := "sources/" + p.ID + ".html"
		if c.pages[name] {
			c.fail("source %q: two pages with this id", p.ID)
		}
		c.pages[name] = true
		where := "source " + p.ID
		if p.Medium.Href != "" {
			c.link(where, &p.Medium)
		}
		for j := range p.Related {
			c.link(where+": related", &p.Related[j])
		}
		ids := map[string]bool{}
		c.chart(where, ids, &p.Daily)
		for _, t := range p.tables() {
			c.table(where, t)
		}
	}
	for i := range s.Mediums {
		p := &s.Mediums[i]
		if !idPattern.MatchString(p.ID) {
			c.fail("medium %q: id must match [a-z0-9_]+", p.ID)
			continue
		}
		name := "mediums/" + p.ID + ".html"
		if c.pages[name] {
			c.fail("medium %q: two pages with this id", p.ID)
		}
		c.pages[name] = true
		where := "medium " + p.ID
		c.chart(where, map[string]bool{}, &p.Daily)
		c.table(where, &p.Sources)
	}
	c.dataPath("unrecognised", s.Unknown.CSV, "csv")
	c.dataPath("unrecognised", s.Unknown.JSON, "json")
	c.chart("quality", map[string]bool{}, &s.Quality.Daily)
	for i := range s.Quality.Overdue {
		c.link("quality: overdue", &s.Quality.Overdue[i].Source)
	}
	for i := range s.Methodology.Mediums {
		c.link("methodology: mediums", &s.Methodology.Mediums[i].Link)
	}
	for i := range s.Methodology.ClickIDs {
		if s.Methodology.ClickIDs[i].Source.Href != "" {
			c.link("methodology: click ids", &s.Methodology.ClickIDs[i].Source)
		}
	}
	for i := range s.Index.Directory {
		g := &s.Index.Directory[i]
		if g.Title.Href != "" {
			c.link("index: directory", &g.Title)
		}
		for j := range g.Links {
			c.link("index: directory", &g.Links[j])
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	return c.pages, nil
}
