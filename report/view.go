package report

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/render"
	"github.com/webmasterid/refreport/report/rules"
)

// Rows shown in a ranking; the rest is summed as "other".
const (
	topSources   = 25
	topValues    = 20
	topUnknown   = 200
	topExamples  = 3
	lowVolume    = 30 // visits in the period under which a source's figures are marked
	unusualShare = 0.5
)

// view is what building the site's model needs.
type view struct {
	cat       *rules.Catalog
	r         *aggregate.Snapshot
	stats     *ingest.Stats
	inputs    []InputHash
	title     string
	siteHosts []string
	asOf      aggregate.Day
	cur, prev period
	coverage  period

	// hostSource classifies a referrer host on its own, for the hygiene
	// page's tagged links that travelled.
	hostSource func(host string) rules.Result

	groups  []aggregate.Group
	medName map[string]string
}

// counts sums visits in the current and the previous period.
type counts struct{ cur, prev int64 }

func (c *counts) add(v *view, d aggregate.Day, n int64) {
	switch {
	case v.cur.has(d):
		c.cur += n
	case v.prev.has(d):
		c.prev += n
	}
}

func (c counts) change() render.Change {
	ch := render.Change{Current: c.cur, Previous: c.prev}
	if c.prev == 0 {
		ch.New = c.cur > 0
	} else {
		ch.Ratio = float64(c.cur)/float64(c.prev) - 1
	}
	return ch
}

func share(n, total int64) float64 {
	if total <= 0 {
		return 0
	}
	return float64(n) / float64(total)
}

// siteModel builds every page's model from a rollup.
func siteModel(v *view) *render.Site {
	v.groups = v.r.Groups()
	v.medName = make(map[string]string)
	for _, m := range v.cat.Mediums {
		v.medName[m.ID] = m.Name
	}
	// The estimate of hidden traffic, the slowest part, only reads the
	// view: it runs beside the rest.
	estimates := make(chan map[string]*render.HiddenEstimate, 1)
	go func() { estimates <- v.hiddenEstimates() }()
	s := &render.Site{Info: v.info()}
	s.Index = v.index()
	campaigns := v.partialCampaigns()
	s.Hygiene = v.hygiene(campaigns)
	s.Sources = v.sourcePages()
	for i := range s.Sources {
		p := &s.Sources[i]
		p.Hygiene = sourceHygiene(&s.Hygiene, p.ID)
		p.HygieneCampaigns = sourceCampaigns(campaigns, p.ID)
	}
	s.Index.Directory = directory(s.Sources, v.medName)
	s.Mediums = v.mediumPages()
	s.Unknown = v.unrecognised()
	s.Quality = v.quality()
	s.Methodology = v.methodology()
	hidden := <-estimates
	for i := range s.Sources {
		p := &s.Sources[i]
		if e := hidden[p.ID]; e != nil {
			e.Measured = p.Visits.Current
			p.Hidden = e
		}
	}
	return s
}

func (v *view) info() render.SiteInfo {
	title := v.title
	if title == "" {
		title = v.siteTitle()
	}
	hash := v.cat.Hash
	return render.SiteInfo{
		Title:        title,
		AsOf:         v.asOf.String(),
		Period:       renderPeriod(v.cur),
		Previous:     renderPeriod(v.prev),
		Coverage:     renderPeriod(v.coverage),
		RulesVersion: hash[:min(12, len(hash))],
		RulesHash:    hash,
		Nav: []render.Link{
			{Href: "index.html", Text: "Overview"},
			{Href: "unrecognised.html", Text: "Unrecognised referrers"},
			{Href: "hygiene.html", Text: "Tagging hygiene"},
			{Href: "quality.html", Text: "Data quality"},
			{Href: "methodology.html", Text: "Methodology"},
		},
	}
}

// siteTitle names the site after its first --site-host, else its most
// visited landing host, as the data says; failing both, a plain title.
func (v *view) siteTitle() string {
	host := v.r.SiteHost()
	if len(v.siteHosts) > 0 {
		host = v.siteHosts[0]
	}
	if host == "" {
		return "Referrer report"
	}
	return host
}

func renderPeriod(p period) render.Period {
	return render.Period{From: p.from.String(), To: p.to.String(), Days: p.days(), Label: p.label}
}

// sourceLink returns the page of a catalog source, nil for others.
func (v *view) sourceLink(s aggregate.Source) *render.Link {
	if !s.Known {
		return nil
	}
	src, ok := v.cat.Source(s.Name)
	if !ok {
		return nil
	}
	return &render.Link{Href: "sources/" + src.ID + ".html", Text: src.Name}
}

func mediumLink(id, name string) render.Link {
	return render.Link{Href: "mediums/" + id + ".html", Text: name}
}

// sourceRow names a source for a ranking.
func (v *view) sourceRow(s aggregate.Source, medium string) render.Row {
	row := render.Row{Name: s.Name}
	switch {
	case s.Known:
		if l := v.sourceLink(s); l != nil {
			row.Link, row.Name = l, l.Text
		}
	case medium == rules.MediumDirect:
		row.Name = v.medName[rules.MediumDirect]
	case medium == rules.MediumInternal:
		row.Name = v.medName[rules.MediumInternal]
	case medium == rules.MediumSpam:
		row.Note = "referrer spam"
	case s.Name == aggregate.OtherSource:
		row.Note = "unknown sources over the limit"
	default:
		row.Note = "not in catalog"
	}
	return row
}

// ranking turns counts by key into a table: most visits in the current
// period first, then by name; at most top rows, the rest summed.
func ranking[K comparable](m map[K]*counts, top int, total int64, less func(a, b K) bool, row func(K) render.Row, withChange bool) render.Table {
	// Sorted as pairs: a flood of unknown hosts is hundreds of thousands
	// of keys, and looking each up in m at every comparison took seconds.
	type entry struct {
		k K
		c *counts
	}
	keys := make([]entry, 0, len(m))
	for k, c := range m {
		if c.cur > 0 || (withChange && c.prev > 0) {
			keys = append(keys, entry{k, c})
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i].c, keys[j].c
		if a.cur != b.cur {
			return a.cur > b.cur
		}
		if a.prev != b.prev {
			return a.prev > b.prev
		}
		return less(keys[i].k, keys[j].k)
	})
	t := render.Table{Total: total}
	for i, e := range keys {
		c := e.c
		if i >= top {
			t.Other += c.cur
			t.OtherCount++
			continue
		}
		r := row(e.k)
		r.Visits, r.Share = c.cur, share(c.cur, total)
		if withChange {
			ch := c.change()
			r.Change = &ch
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func lessString(a, b string) bool { return a < b }

func lessSource(a, b aggregate.Source) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return !a.Known && b.Known
}

// days returns the labels of a period's days.
func days(p period) []string {
	out := make([]string, 0, p.days())
	for d := p.from; d <= p.to; d++ {
		out = append(out, d.String())
	}
	return out
}

// comparison is a chart of a period's days against the previous period's,
// day by day.
func (v *view) comparison(id, title, data string, daily map[aggregate.Day]int64) render.Chart {
	cur := make([]int64, v.cur.days())
	prev := make([]int64, v.cur.days())
	for d, n := range daily {
		if v.cur.has(d) {
			cur[d-v.cur.from] += n
		} else if v.prev.has(d) && int(d-v.prev.from) < len(prev) {
			prev[d-v.prev.from] += n
		}
	}
	return render.Chart{
		ID:     id,
		Title:  title,
		Kind:   "line",
		Labels: days(v.cur),
		Series: []render.Series{
			{Name: "This period", Values: cur},
			{Name: fmt.Sprintf("Previous period (from %s)", v.prev.from), Values: prev},
		},
		Caption: fmt.Sprintf("Visits per day, %s to %s, beside the same day of the previous period.", v.cur.from, v.cur.to),
		CSV:     data + ".csv",
		JSON:    data + ".json",
	}
}

func (v *view) index() render.IndexPage {
	var p render.IndexPage
	var all counts
	var internal, external, noRef, tagged, unknown int64
	sources := map[aggregate.Source]*counts{}
	sourceMedium := map[aggregate.Source]string{}
	meds := map[string]*counts{}
	daily := map[string][]int64{} // medium -> visits per day of the period
	for _, g := range v.groups {
		all.add(v, g.Day, g.Visits)
		if g.Medium == rules.MediumInternal {
			if v.cur.has(g.Day) {
				internal += g.Visits
			}
			continue
		}
		if v.cur.has(g.Day) {
			external += g.Visits
			if g.NoReferrer {
				noRef += g.Visits
			}
			if g.Tagged {
				tagged += g.Visits
			}
			if g.Evidence == rules.EvidenceUnknown {
				unknown += g.Visits
			}
			if daily[g.Medium] == nil {
				daily[g.Medium] = make([]int64, v.cur.days())
			}
			daily[g.Medium][g.Day-v.cur.from] += g.Visits
		}
		if !v.inPeriods(g.Day) {
			continue // ranks nowhere, and a year of sources would be held for nothing
		}
		c := countsOf(sources, g.Source)
		c.add(v, g.Day, g.Visits)
		// Only sources outside the catalog are named by their medium
		// (direct, spam), and those have one medium each.
		sourceMedium[g.Source] = g.Medium
		m := countsOf(meds, g.Medium)
		m.add(v, g.Day, g.Visits)
	}
	p.Visits = all.change()
	p.Internal = internal
	p.External = external
	p.NoReferrer = render.Share{Visits: noRef, Total: external, Share: share(noRef, external)}
	p.Tagged = render.Share{Visits: tagged, Total: external, Share: share(tagged, external)}
	p.Unrecognised = render.Share{Visits: unknown, Total: external, Share: share(unknown, external)}

	p.TopSources = ranking(sources, topSources, external, lessSource, func(s aggregate.Source) render.Row {
		return v.sourceRow(s, sourceMedium[s])
	}, true)
	p.TopSources.CSV, p.TopSources.JSON = "data/top-sources.csv", "data/top-sources.json"
	p.TopSources.EmptyText = "No visits from outside the site in this period."

	p.Mediums = ranking(meds, len(meds), external, lessString, func(id string) render.Row {
		l := mediumLink(id, v.medName[id])
		return render.Row{Link: &l, Name: l.Text}
	}, true)
	p.Mediums.CSV, p.Mediums.JSON = "data/mediums.csv", "data/mediums.json"
	p.Mediums.EmptyText = "No visits in this period."

	p.Daily = render.Chart{
		ID:      "chart-daily-mediums",
		Title:   "Visits per day by medium",
		Kind:    "stacked-bar",
		Labels:  days(v.cur),
		Caption: fmt.Sprintf("Visits from outside the site per day, %s to %s, stacked by medium. Internal navigation is left out.", v.cur.from, v.cur.to),
		CSV:     "data/daily-mediums.csv",
		JSON:    "data/daily-mediums.json",
	}
	for _, id := range rules.Vocabulary() {
		if vals, ok := daily[id]; ok {
			p.Daily.Series = append(p.Daily.Series, render.Series{Name: v.medName[id], Values: vals})
		}
	}
	p.Warnings = v.warnings()
	return p
}

// directory lists every source page under its medium, in vocabulary
// order, sources by name.
func directory(pages []render.SourcePage, medName map[string]string) []render.LinkGroup {
	byMedium := map[string][]render.Link{}
	for _, p := range pages {
		byMedium[p.Medium.Href] = append(byMedium[p.Medium.Href], render.Link{Href: "sources/" + p.ID + ".html", Text: p.Name})
	}
	var out []render.LinkGroup
	for _, id := range rules.Vocabulary() {
		l := mediumLink(id, medName[id])
		links := byMedium[l.Href]
		if len(links) == 0 {
			continue
		}
		sort.Slice(links, func(i, j int) bool {
			if links[i].Text != links[j].Text {
				return links[i].Text < links[j].Text
			}
			return links[i].Href < links[j].Href
		})
		out = append(out, render.LinkGroup{Title: l, Links: links})
	}
	return out
}

// warnings are what the overview must not let a reader miss.
func (v *view) warnings() []string {
	var w []string
	if n := v.stats.SkippedRows(); n > 0 {
		w = append(w, fmt.Sprintf("%d of %d input rows could not be read and are left out; see Data quality.", n, v.stats.Rows))
	}
	if v.asOf > v.coverage.to {
		w = append(w, fmt.Sprintf("The report is as of %s, but the data ends on %s.", v.asOf, v.coverage.to))
	}
	// A stray timestamp years after the rest (a placeholder such as
	// 2099-01-01) moves the default report date there, to a period of
	// nothing; say where the visits are.
	var inPeriod, earlier bool
	var before aggregate.Day
	for _, g := range v.groups {
		switch {
		case v.cur.has(g.Day):
			inPeriod = true
		case g.Day < v.cur.from && (!earlier || g.Day > before):
			before, earlier = g.Day, true
		}
	}
	if !inPeriod && earlier {
		w = append(w, fmt.Sprintf("No visits fall in the period, %s to %s; the last day with visits before it is %s. Check the data's latest timestamps, or set --as-of.", v.cur.from, v.cur.to, before))
	}
	if v.cur.from < v.coverage.from {
		w = append(w, fmt.Sprintf("The data starts on %s, inside the period: its first days have no visits.", v.coverage.from))
	}
	if v.prev.to < v.coverage.from {
		w = append(w, "There is no data for the previous period: every source shows as new.")
	}
	if d, other := v.r.Dropped(); len(d) > 0 || other > 0 {
		w = append(w, "Some breakdowns reached their size limit; see Data quality.")
	}
	return w
}

// The seed page's sections, in its order, with their titles; %s is the
// source's name.
var sections = []struct{ id, title string }{
	{"represents", "What a %s referrer represents"},
	{"measuring", "Measuring %s-driven traffic"},
	{"in-analytics", "How it appears in analytics and logs"},
	{"diagnostic", "Diagnostic use case"},
	{"detects", "What refreport can help detect"},
	{"mistakes", "Common mistakes"},
	{"privacy", "Privacy and accuracy notes"},
}

var evidenceLabels = []struct {
	e     rules.Evidence
	label string
}{
	{rules.EvidenceUTM, "UTM tag"},
	{rules.EvidenceClickID, "Ad click id"},
	{rules.EvidenceReferrer, "Referrer"},
	{rules.EvidenceRedirect, "Redirect or link wrapper"},
	{rules.EvidenceApp, "Android app"},
	{rules.EvidenceInApp, "In-app browser"},
}

func claims(cs []rules.Claim) []render.Claim {
	out := make([]render.Claim, 0, len(cs))
	for _, c := range cs {
		out = append(out, render.Claim{Text: c.Text, Verified: c.Cited(), Citations: c.Cite})
	}
	return out
}

// sourceData is what the rollup says of one catalog source.
type sourceData struct {
	visits   counts
	daily    map[aggregate.Day]int64
	evidence map[rules.Evidence]int64
	mediums  map[string]*counts
	dims     [aggregate.NumDims]map[string]*counts
}

func (v *view) collectSources() map[string]*sourceData {
	out := map[string]*sourceData{}
	get := func(s aggregate.Source) *sourceData {
		if !s.Known {
			return nil
		}
		d := out[s.Name]
		if d == nil {
			d = &sourceData{daily: map[aggregate.Day]int64{}, evidence: map[rules.Evidence]int64{}, mediums: map[string]*counts{}}
			for i := range d.dims {
				d.dims[i] = map[string]*counts{}
			}
			out[s.Name] = d
		}
		return d
	}
	for _, g := range v.groups {
		d := get(g.Source)
		if d == nil {
			continue
		}
		d.visits.add(v, g.Day, g.Visits)
		d.daily[g.Day] += g.Visits
		if v.cur.has(g.Day) {
			d.evidence[g.Evidence] += g.Visits
		}
		c := countsOf(d.mediums, g.Medium)
		c.add(v, g.Day, g.Visits)
	}
	// Details come sorted by day and source: the last source is
	// remembered. Values are numbered through their refs, so that a
	// million groups are counted without looking up their strings.
	type dimValue struct {
		dim   aggregate.Dim
		value int32
	}
	cells := map[*sourceData]map[dimValue]*counts{}
	var values valueIDs
	var last aggregate.Source
	var d *sourceData
	var dc map[dimValue]*counts
	seen := false
	// No source page tables tags or referrers.
	for g, ref := range v.r.DetailsOf(aggregate.DimHost, aggregate.DimSpelling, aggregate.DimUTMMedium, aggregate.DimCampaign, aggregate.DimLanding) {
		if !v.cur.has(g.Day) && !v.prev.has(g.Day) { // nor counts them
			continue
		}
		if !seen || g.Source != last {
			last, seen = g.Source, true
			if d = get(g.Source); d != nil && cells[d] == nil {
				cells[d] = map[dimValue]*counts{}
			}
			dc = cells[d]
		}
		if d == nil {
			continue
		}
		countsOf(dc, dimValue{g.Dim, values.id(g.Value, ref)}).add(v, g.Day, g.Visits)
	}
	for d, m := range cells {
		for k, c := range m {
			d.dims[k.dim][values.names[k.value]] = c
		}
	}
	return out
}

func (v *view) sourcePages() []render.SourcePage {
	data := v.collectSources()
	dropped := map[aggregate.Source]map[aggregate.Dim]bool{}
	d, _ := v.r.Dropped()
	for _, x := range d {
		if dropped[x.Source] == nil {
			dropped[x.Source] = map[aggregate.Dim]bool{}
		}
		dropped[x.Source][x.Dim] = true
	}
	asOf := v.asOf.Date()
	var pages []render.SourcePage
	for _, src := range v.cat.Sources {
		sd := data[src.ID]
		if sd == nil && src.Page == nil {
			continue
		}
		if sd == nil {
			sd = &sourceData{daily: map[aggregate.Day]int64{}}
		}
		p := render.SourcePage{ID: src.ID, Name: src.Name, Medium: mediumLink(src.Medium, v.medName[src.Medium])}
		v.editorial(&p, src, asOf)

		total := sd.visits.cur
		p.Visits = sd.visits.change()
		p.LowVolume = total < lowVolume
		base := "data/sources/" + src.ID
		p.Daily = v.comparison("chart-source-daily", "Visits per day", base+"-daily", sd.daily)
		for _, e := range evidenceLabels {
			if n := sd.evidence[e.e]; n > 0 {
				p.Recognised = append(p.Recognised, render.Evidence{Kind: e.e.String(), Label: e.label, Visits: n, Share: share(n, total)})
			}
		}
		table := func(dim aggregate.Dim, name, empty string) render.Table {
			t := ranking(sd.dims[dim], topValues, total, lessString, func(s string) render.Row {
				return render.Row{Name: s}
			}, false)
			t.Truncated = dropped[aggregate.Source{Name: src.ID, Known: true}][dim]
			t.EmptyText = empty
			t.CSV, t.JSON = base+"-"+name+".csv", base+"-"+name+".json"
			return t
		}
		p.Hosts = table(aggregate.DimHost, "hosts", "No referrer hosts in this period.")
		p.Spellings = table(aggregate.DimSpelling, "utm-sources", "No utm_source tags in this period.")
		p.UTMMediums = table(aggregate.DimUTMMedium, "utm-mediums", "No utm_medium tags in this period.")
		p.Campaigns = table(aggregate.DimCampaign, "campaigns", "No utm_campaign tags in this period.")
		p.Landing = table(aggregate.DimLanding, "landing-pages", "No visits in this period.")
		p.ByMedium = ranking(sd.mediums, len(sd.mediums), total, lessString, func(id string) render.Row {
			l := mediumLink(id, v.medName[id])
			return render.Row{Link: &l, Name: l.Text}
		}, true)
		p.ByMedium.CSV, p.ByMedium.JSON = base+"-mediums.csv", base+"-mediums.json"
		p.ByMedium.EmptyText = "No visits in this period."
		p.Rules = v.sourceRules(src)
		pages = append(pages, p)
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].ID < pages[j].ID })
	return pages
}

// editorial fills a source page's words from the catalog. What the catalog
// does not say is marked missing, never left as an empty heading.
func (v *view) editorial(p *render.SourcePage, src *rules.Source, asOf time.Time) {
	pg := src.Page
	if pg == nil {
		pg = &rules.Page{}
	}
	switch pg.Status {
	case rules.Verified:
		p.Status, p.StatusKind = "Verified", "verified"
	case rules.PartiallyVerified:
		p.Status, p.StatusKind = "Partially verified", "partial"
	default:
		p.Status, p.StatusKind = "Not yet verified", "unverified"
	}
	if !pg.LastReviewed.IsZero() {
		p.LastReviewed = pg.LastReviewed.Format(time.DateOnly)
	}
	p.ReviewOverdue = src.Page != nil && pg.Overdue(asOf)
	p.Summary = claims(pg.Summary)
	if m := pg.Measuring; m != nil && (m.UTMSource != "" || m.UTMMedium != "") {
		var tags []string
		if m.UTMSource != "" {
			tags = append(tags, "utm_source="+m.UTMSource)
		}
		if m.UTMMedium != "" {
			tags = append(tags, "utm_medium="+m.UTMMedium)
		}
		p.Recommended = strings.Join(tags, "&")
	}
	var measuring []rules.Claim
	if pg.Measuring != nil {
		measuring = pg.Measuring.Text
	}
	body := [][]rules.Claim{pg.Represents, measuring, pg.InAnalytics, pg.Diagnostic, pg.Detects, pg.Mistakes, pg.Privacy}
	for i, sec := range sections {
		title := sec.title
		if strings.Contains(title, "%s") {
			title = fmt.Sprintf(title, src.Name)
		}
		s := render.Section{ID: sec.id, Title: title, Claims: claims(body[i])}
		s.Missing = len(s.Claims) == 0
		p.Sections = append(p.Sections, s)
	}
	for _, id := range pg.Related {
		if l := v.sourceLink(aggregate.Source{Name: id, Known: true}); l != nil {
			p.Related = append(p.Related, *l)
		}
	}
	for _, c := range pg.Citations {
		p.Citations = append(p.Citations, render.Citation{ID: c.ID, URL: c.URL, Title: c.Title, Accessed: c.Accessed.Format(time.DateOnly)})
	}
}

func (v *view) sourceRules(src *rules.Source) render.SourceRules {
	r := render.SourceRules{
		Hosts:      src.Hosts,
		Exclude:    src.Exclude,
		Apps:       src.Apps,
		UserAgents: src.UserAgents,
		UTMSources: append([]string{src.ID}, src.UTMSources...),
	}
	for _, rd := range src.Redirects {
		m := rd.Medium
		if m == "" {
			m = src.Medium
		}
		r.Redirects = append(r.Redirects, fmt.Sprintf("%s (%s)", rd.Host, v.medName[m]))
	}
	for _, c := range v.cat.ClickIDs {
		if c.Source == src.ID {
			r.ClickIDs = append(r.ClickIDs, fmt.Sprintf("%s (%s)", c.Param, v.medName[c.Medium]))
		}
	}
	return r
}

func (v *view) mediumPages() []render.MediumPage {
	type mdata struct {
		visits  counts
		daily   map[aggregate.Day]int64
		sources map[aggregate.Source]*counts
	}
	data := map[string]*mdata{}
	for _, g := range v.groups {
		d := data[g.Medium]
		if d == nil {
			d = &mdata{daily: map[aggregate.Day]int64{}, sources: map[aggregate.Source]*counts{}}
			data[g.Medium] = d
		}
		d.visits.add(v, g.Day, g.Visits)
		d.daily[g.Day] += g.Visits
		if v.inPeriods(g.Day) {
			countsOf(d.sources, g.Source).add(v, g.Day, g.Visits)
		}
	}
	var pages []render.MediumPage
	for _, id := range rules.Vocabulary() {
		d := data[id]
		if d == nil {
			continue
		}
		base := "data/mediums/" + id
		p := render.MediumPage{ID: id, Name: v.medName[id], Visits: d.visits.change()}
		p.Daily = v.comparison("chart-medium-daily", "Visits per day", base+"-daily", d.daily)
		p.Sources = ranking(d.sources, topUnknown, d.visits.cur, lessSource, func(s aggregate.Source) render.Row {
			return v.sourceRow(s, id)
		}, true)
		p.Sources.CSV, p.Sources.JSON = base+"-sources.csv", base+"-sources.json"
		p.Sources.EmptyText = "No visits in this period."
		pages = append(pages, p)
	}
	return pages
}

func (v *view) unrecognised() render.UnrecognisedPage {
	hosts := map[string]*counts{}
	var external int64
	for _, g := range v.groups {
		if v.cur.has(g.Day) && g.Medium != rules.MediumInternal {
			external += g.Visits
		}
		if g.Evidence != rules.EvidenceUnknown || !v.inPeriods(g.Day) {
			continue
		}
		c := countsOf(hosts, g.Source.Name)
		c.add(v, g.Day, g.Visits)
	}
	t := ranking(hosts, topUnknown, external, lessString, func(h string) render.Row { return render.Row{Name: h} }, true)
	// Example referrers are gathered for the hosts listed only. Details
	// come sorted by day and source: the last source's are remembered.
	examples := map[string]map[string]int64{}
	for _, row := range t.Rows {
		examples[row.Name] = map[string]int64{}
	}
	var last aggregate.Source
	var ex map[string]int64
	seen := false
	for d := range v.r.DetailsOf(aggregate.DimReferrer) {
		if d.Source.Known || !v.cur.has(d.Day) {
			continue
		}
		if !seen || d.Source != last {
			last, ex, seen = d.Source, examples[d.Source.Name], true
		}
		if ex != nil {
			ex[d.Value] += d.Visits
		}
	}
	p := render.UnrecognisedPage{Other: t.Other, OtherCount: t.OtherCount, CSV: "data/unrecognised.csv", JSON: "data/unrecognised.json"}
	var total int64
	for _, c := range hosts {
		total += c.cur
	}
	p.Visits = render.Share{Visits: total, Total: external, Share: share(total, external)}
	for _, row := range t.Rows {
		h := render.UnknownHost{Host: row.Name, Visits: row.Visits, Change: row.Change}
		ex := examples[row.Name]
		keys := make([]string, 0, len(ex))
		for k := range ex {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if ex[keys[i]] != ex[keys[j]] {
				return ex[keys[i]] > ex[keys[j]]
			}
			return keys[i] < keys[j]
		})
		if len(keys) > topExamples {
			keys = keys[:topExamples]
		}
		h.Examples = keys
		p.Hosts = append(p.Hosts, h)
	}
	_, other := v.r.Dropped()
	p.Truncated = other > 0
	return p
}

func (v *view) quality() render.QualityPage {
	s := v.stats
	p := render.QualityPage{Rows: s.Rows, Skipped: s.SkippedRows(), RulesHash: v.cat.Hash}
	for _, rc := range ingest.Sorted(s.Skipped) {
		p.SkippedBy = append(p.SkippedBy, render.ReasonCount{Reason: string(rc.Reason), Rows: rc.Rows})
	}
	for _, rc := range ingest.Sorted(s.Repaired) {
		p.RepairedBy = append(p.RepairedBy, render.ReasonCount{Reason: string(rc.Reason), Rows: rc.Rows})
		p.Repaired += rc.Rows
	}
	for _, pr := range s.Examples {
		p.Problems = append(p.Problems, pr.String())
	}
	for _, in := range v.inputs {
		p.Files = append(p.Files, render.InputFile{Path: in.Path, Bytes: in.Bytes})
	}

	daily := map[aggregate.Day]int64{}
	var all, direct, internal int64
	for _, g := range v.groups {
		daily[g.Day] += g.Visits
		if v.cur.has(g.Day) {
			all += g.Visits
			switch g.Medium {
			case rules.MediumDirect:
				direct += g.Visits
			case rules.MediumInternal:
				internal += g.Visits
			}
		}
	}
	p.Direct = render.Share{Visits: direct, Total: all, Share: share(direct, all)}
	p.Internal = render.Share{Visits: internal, Total: all, Share: share(internal, all)}
	p.Gaps = gaps(daily, v.coverage)

	labels, vals, per := coverageBars(daily, v.coverage)
	p.Daily = render.Chart{
		ID: "chart-quality-daily", Title: "Visits per " + per + ", all data", Kind: "bar", Labels: labels,
		Series:  []render.Series{{Name: "Visits", Values: vals}},
		Caption: fmt.Sprintf("Every visit read, per %s, %s to %s.", per, v.coverage.from, v.coverage.to),
		CSV:     "data/quality-daily.csv", JSON: "data/quality-daily.json",
	}

	asOf := v.asOf.Date()
	for _, src := range v.cat.Sources {
		if src.Page == nil || !src.Page.Overdue(asOf) {
			continue
		}
		r := render.Review{Source: render.Link{Href: "sources/" + src.ID + ".html", Text: src.Name}, Due: src.Page.ReviewDue().Format(time.DateOnly)}
		if !src.Page.LastReviewed.IsZero() {
			r.LastReviewed = src.Page.LastReviewed.Format(time.DateOnly)
		}
		p.Overdue = append(p.Overdue, r)
	}
	p.Caps = v.caps()
	return p
}

// caps says which breakdowns reached their size limit. Sources no rule
// knows are told together, one line a breakdown: a flood of made-up hosts
// or tags would otherwise make the page as long as the flood.
func (v *view) caps() []string {
	var caps []string
	var unknown [aggregate.NumDims]struct {
		sources int
		visits  int64
	}
	dropped, other := v.r.Dropped()
	for _, d := range dropped {
		if d.Dim < aggregate.NumDims && d.Dim != aggregate.DimReferrer && unknownSource(d.Source) {
			unknown[d.Dim].sources++
			unknown[d.Dim].visits += d.Visits
			continue
		}
		name := d.Source.Name
		if l := v.sourceLink(d.Source); l != nil {
			name = l.Text
		}
		caps = append(caps, fmt.Sprintf("%s: %s kept its first %s values a day; %s visits with other values are counted as “other”.",
			name, d.Dim, render.FormatInt(int64(limitOf(d))), render.FormatInt(d.Visits)))
	}
	for dim, u := range unknown {
		if u.sources > 0 {
			caps = append(caps, fmt.Sprintf("Sources no rule knows: %s kept its first %s values a source a day, and fewer once such sources held %s values together that day; %s visits with other values, from %s sources, are counted as “other”.",
				aggregate.Dim(dim), render.FormatInt(aggregate.MaxUnknownValues), render.FormatInt(aggregate.MaxUnknownDayValues), render.FormatInt(u.visits), render.FormatInt(int64(u.sources))))
		}
	}
	if other > 0 {
		caps = append(caps, fmt.Sprintf("Unknown sources: the first %s a day were kept apart; %s visits from further unknown hosts and tags are counted together.",
			render.FormatInt(aggregate.MaxUnknownSources), render.FormatInt(other)))
	}
	return caps
}

func limitOf(d aggregate.Dropped) int {
	switch {
	case d.Dim == aggregate.DimReferrer:
		return aggregate.MaxExamples
	case d.Source == aggregate.Source{Name: aggregate.Outside}:
		return aggregate.MaxOutsideValues
	case unknownSource(d.Source):
		return aggregate.MaxUnknownValues
	}
	return aggregate.MaxValues
}

// unknownSource reports whether s is a host or tag no rule knows, kept
// apart: not direct, internal or Outside, which no rule names either.
func unknownSource(s aggregate.Source) bool {
	return !s.Known && s.Name != rules.MediumDirect && s.Name != rules.MediumInternal && s.Name != aggregate.Outside
}

// maxDailyBars is the longest coverage charted a bar a day; longer is
// charted by calendar month.
const maxDailyBars = 400

// coverageBars returns the bars of the chart of every visit read: one a
// day, or, for data spanning more than maxDailyBars days, one a month,
// so that years of data, or one stray timestamp years before the rest,
// are not thousands of bars and table rows. per is "day" or "month".
func coverageBars(daily map[aggregate.Day]int64, cov period) (labels []string, vals []int64, per string) {
	if cov.days() <= maxDailyBars {
		labels = days(cov)
		vals = make([]int64, len(labels))
		for d, n := range daily {
			if cov.has(d) {
				vals[d-cov.from] = n
			}
		}
		return labels, vals, "day"
	}
	for d := cov.from; d <= cov.to; d++ {
		if m := d.Date().Format("2006-01"); len(labels) == 0 || labels[len(labels)-1] != m {
			labels, vals = append(labels, m), append(vals, 0)
		}
		vals[len(vals)-1] += daily[d]
	}
	return labels, vals, "month"
}

// gaps lists days without data, and days whose volume is under half the
// median of the same weekday over the coverage.
func gaps(daily map[aggregate.Day]int64, cov period) []render.DayNote {
	var byWeekday [7][]int64
	for d := cov.from; d <= cov.to; d++ {
		if n := daily[d]; n > 0 {
			wd := d.Date().Weekday()
			byWeekday[wd] = append(byWeekday[wd], n)
		}
	}
	var median [7]int64
	for i, xs := range byWeekday {
		if len(xs) < 3 {
			continue // too few of that weekday to call anything unusual
		}
		sort.Slice(xs, func(a, b int) bool { return xs[a] < xs[b] })
		median[i] = xs[len(xs)/2]
	}
	var out []render.DayNote
	for d := cov.from; d <= cov.to; d++ {
		n := daily[d]
		wd := d.Date().Weekday()
		switch {
		case n == 0:
			// A run of days without data is one note: a single stray
			// timestamp years before the rest would otherwise list every
			// day between.
			end := d
			for end < cov.to && daily[end+1] == 0 {
				end++
			}
			if end == d {
				out = append(out, render.DayNote{Day: d.String(), Note: "no data"})
			} else {
				out = append(out, render.DayNote{Day: d.String(), Last: end.String(),
					Note: "no data (" + render.FormatInt(int64(end-d+1)) + " days)"})
			}
			d = end
		case median[wd] > 0 && float64(n) < unusualShare*float64(median[wd]):
			out = append(out, render.DayNote{Day: d.String(), Visits: n,
				Note: fmt.Sprintf("under half the median of %ss (%d)", wd, median[wd])})
		}
	}
	return out
}

func (v *view) methodology() render.MethodologyPage {
	p := render.MethodologyPage{
		Steps: []string{
			"UTM tags: a non-empty utm_source, from its own column, else the landing URL's query, else its #fragment, decides the source. Its aliases fold spellings together; the medium comes from utm_medium (paid spellings make it paid), else a click id of the same source, else the source's own medium, else campaign.",
			"Ad click ids: without a tag, the first click-id parameter in the landing URL, in the order below, decides.",
			"Referrer: the referrer's host is normalised (lowercase, no port or user info, IDN to punycode). The site's own hosts and payment round-trips are internal; android-app:// referrers name an app; otherwise the longest matching host rule wins, a path rule refines within its host, an excluded subdomain falls through, listed spam domains are spam, and any other host is a referral under its own name.",
			"In-app browser: a visit still without a source whose user agent carries a source's in-app browser token (FBAN for Facebook, Instagram, musical_ly for TikTok), matched as a whole token, is that source's.",
			"Direct: no usable referrer, tag, click id or in-app browser.",
		},
		SiteHosts:   v.siteHosts,
		Internal:    v.cat.InternalHosts,
		SpamHosts:   len(v.cat.SpamHosts),
		Sources:     len(v.cat.Sources),
		PaidPattern: v.cat.PaidPattern.String(),
	}
	for _, m := range v.cat.Mediums {
		p.Mediums = append(p.Mediums, render.MediumRule{Link: mediumLink(m.ID, m.Name), Spellings: m.UTMMedium})
	}
	for _, c := range v.cat.ClickIDs {
		l := render.Link{Text: c.Source}
		if sl := v.sourceLink(aggregate.Source{Name: c.Source, Known: true}); sl != nil {
			l = *sl
		}
		p.ClickIDs = append(p.ClickIDs, render.ClickIDRule{Param: c.Param, Source: l, Medium: v.medName[c.Medium]})
	}
	return p
}

// countsOf returns m's counts for k, adding them first if need be.
// valueIDs numbers the detail values met in a pass over DetailsOf, from
// 0 in the order they are met. A value's number is remembered by its
// ref: a slice index instead of a string lookup for each of a million
// groups.
type valueIDs struct {
	names []string // by number
	ids   map[string]int32
	table uint32  // of the refs in byRef
	byRef []int32 // by ref.Index, the number + 1; 0 for none
}

func (n *valueIDs) id(value string, ref aggregate.ValueRef) int32 {
	if ref.Table == n.table && int(ref.Index) < len(n.byRef) && n.byRef[ref.Index] != 0 {
		return n.byRef[ref.Index] - 1
	}
	id, ok := n.ids[value]
	if !ok {
		if n.ids == nil {
			n.ids = map[string]int32{}
		}
		id = int32(len(n.names))
		n.names = append(n.names, value)
		n.ids[value] = id
	}
	if ref.Table != n.table {
		n.table = ref.Table
		clear(n.byRef)
	}
	if k := int(ref.Index) + 1; k > len(n.byRef) {
		n.byRef = append(n.byRef, make([]int32, k-len(n.byRef))...)
	}
	n.byRef[ref.Index] = id + 1
	return id
}

// inPeriods reports whether d is in the report's period or the one
// before: a source seen only on other days ranks nowhere.
func (v *view) inPeriods(d aggregate.Day) bool { return v.cur.has(d) || v.prev.has(d) }

func countsOf[K comparable](m map[K]*counts, k K) *counts {
	c := m[k]
	if c == nil {
		c = &counts{}
		m[k] = c
	}
	return c
}
