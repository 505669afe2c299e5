// Package aggregate sums classified visits into rollups that can be merged,
// and hands them back in a fixed order for the report to tabulate.
//
// A rollup holds two tables. The core table counts visits by day, source,
// medium, evidence and two flags (had a referrer, was tagged). The detail
// table counts, per day and source, the values behind the source: the
// referrer hosts that folded into it, the utm_source spellings, utm_medium
// and utm_campaign values, landing pages, and for hosts no rule knows,
// example referrers.
//
// Visit data is written by strangers, so every table is bounded: each
// source keeps at most a fixed number of distinct values per breakdown,
// and at most MaxUnknownSources unknown sources are kept apart. What does
// not fit is counted under Other, and the rollup says that it happened.
// Which values are kept depends on the order visits arrive in; the reader
// reads inputs in a fixed order, so a build is still deterministic.
package aggregate

import (
	"sort"
	"strings"
	"time"

	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

// Day is a calendar day in the report's zone, counted from 1970-01-01.
type Day int32

// DayOf returns the day that Unix time t falls on in loc.
func DayOf(t int64, loc *time.Location) Day {
	if loc != time.UTC && loc != nil {
		_, off := time.Unix(t, 0).In(loc).Zone()
		t += int64(off)
	}
	d := t / 86400
	if t < 0 && t%86400 != 0 {
		d--
	}
	return Day(d)
}

// Date returns the day's calendar date, at midnight UTC.
func (d Day) Date() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d Day) String() string { return d.Date().Format(time.DateOnly) }

// DayFromDate returns the Day of a calendar date (its zone is ignored).
func DayFromDate(t time.Time) Day {
	y, m, dd := t.Date()
	return DayOf(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix(), time.UTC)
}

// Dim is a breakdown kept per source.
type Dim uint8

const (
	DimHost      Dim = iota // the normalised referrer host
	DimSpelling             // utm_source exactly as written
	DimUTMMedium            // utm_medium, normalised
	DimCampaign             // utm_campaign, normalised
	DimLanding              // the landing page's path
	DimReferrer             // the referrer without query or fragment: unknown hosts only
	NumDims
)

var dimNames = [NumDims]string{"host", "utm_source", "utm_medium", "utm_campaign", "landing_page", "referrer"}

func (d Dim) String() string {
	if d < NumDims {
		return dimNames[d]
	}
	return "dim?"
}

// Limits on what a rollup keeps. They bound memory whatever the input; a
// real site stays well inside them.
const (
	MaxValues         = 1000  // distinct values per catalog source and breakdown
	MaxUnknownValues  = 200   // ... per unknown source (a host or utm_source no rule knows)
	MaxExamples       = 5     // example referrers per unknown host
	MaxUnknownSources = 50000 // distinct unknown sources; the rest are summed as OtherSource
	MaxValueLen       = 300   // bytes of a value kept; longer ones are cut
)

// OtherSource is where unknown sources go once MaxUnknownSources are kept.
const OtherSource = "(other)"

// OtherValue is the value under which a breakdown counts what did not fit.
const OtherValue = "(other)"

// Source identifies a source: a catalog id, or a name no rule knows (a
// host, a utm_source value). The two never mix, even when they are spelled
// alike: "http://google/" is not Google.
type Source struct {
	Name  string
	Known bool
}

// Key is one group of the core table.
type Key struct {
	Day        Day
	Source     Source
	Medium     string
	Evidence   rules.Evidence
	NoReferrer bool // the visit had no referrer
	Tagged     bool // the visit had a utm_source tag
}

// DetailKey is one group of the detail table.
type DetailKey struct {
	Day    Day
	Source Source
	Dim    Dim
	Value  string
}

type sourceRef struct {
	name  uint32
	known bool
}

type coreKey struct {
	day      Day
	source   sourceRef
	medium   uint8
	evidence rules.Evidence
	flags    uint8
}

const (
	flagNoReferrer = 1 << iota
	flagTagged
)

type detailKey struct {
	day    Day
	source sourceRef
	dim    Dim
	value  uint32
}

type sourceDim struct {
	source sourceRef
	dim    Dim
}

// Rollup holds visit counts. Make one with New.
type Rollup struct {
	loc *time.Location

	strs    []string          // interned strings by id
	ids     map[string]uint32 // and back
	core    map[coreKey]int64
	detail  map[detailKey]int64
	kept    map[sourceDim]map[uint32]struct{} // values admitted per source and breakdown
	dropped map[sourceDim]int64               // visits counted under OtherValue because a breakdown was full

	siteHosts map[string]int64 // landing page hosts, for the report's default title

	unknownSources map[uint32]struct{}
	otherSources   int64 // visits summed into OtherSource

	visits           int64
	minTime, maxTime int64
	any              bool
}

var mediumIndex = func() map[string]uint8 {
	m := make(map[string]uint8)
	for i, id := range rules.Vocabulary() {
		m[id] = uint8(i)
	}
	return m
}()

var mediums = rules.Vocabulary()

// New returns an empty Rollup that buckets days in loc.
func New(loc *time.Location) *Rollup {
	if loc == nil {
		loc = time.UTC
	}
	return &Rollup{
		loc:            loc,
		ids:            make(map[string]uint32),
		core:           make(map[coreKey]int64),
		detail:         make(map[detailKey]int64),
		kept:           make(map[sourceDim]map[uint32]struct{}),
		dropped:        make(map[sourceDim]int64),
		unknownSources: make(map[uint32]struct{}),
		siteHosts:      make(map[string]int64),
	}
}

// maxSiteHosts bounds the landing hosts counted: an export holds one site,
// or a few, and a flood of forged URLs must not grow the map.
const maxSiteHosts = 64

// Location returns the zone days are bucketed in.
func (r *Rollup) Location() *time.Location { return r.loc }

// intern returns s's id, copying s the first time: the visit's memory is
// reused by the reader, and no group may pin an input line.
func (r *Rollup) intern(s string) uint32 {
	if id, ok := r.ids[s]; ok {
		return id
	}
	s = strings.Clone(s)
	id := uint32(len(r.strs))
	r.strs = append(r.strs, s)
	r.ids[s] = id
	return id
}

// Add counts one classified visit.
func (r *Rollup) Add(v *ingest.Visit, res *rules.Result) {
	w := v.Weight
	if w == 0 {
		return
	}
	if !r.any || v.Time < r.minTime {
		r.minTime = v.Time
	}
	if !r.any || v.Time > r.maxTime {
		r.maxTime = v.Time
	}
	r.any = true
	r.visits += w
	day := DayOf(v.Time, r.loc)
	if h := pageHost(v.URL); h != "" {
		if _, ok := r.siteHosts[h]; ok || len(r.siteHosts) < maxSiteHosts {
			if !ok {
				h = strings.Clone(h)
			}
			r.siteHosts[h] += w
		}
	}

	src := sourceRef{known: res.Known}
	if res.Known {
		src.name = r.intern(res.Source)
	} else {
		name := clip(res.Source)
		id, ok := r.ids[name]
		if _, kept := r.unknownSources[id]; !ok || !kept {
			if len(r.unknownSources) >= MaxUnknownSources {
				name = OtherSource
				r.otherSources += w
			}
			id = r.intern(name)
			r.unknownSources[id] = struct{}{}
		}
		src.name = id
	}

	var flags uint8
	if res.Host == "" && res.Evidence != rules.EvidenceApp {
		flags |= flagNoReferrer
	}
	if res.UTMSource != "" {
		flags |= flagTagged
	}
	r.core[coreKey{day, src, mediumIndex[res.Medium], res.Evidence, flags}] += w

	switch res.Evidence {
	case rules.EvidenceDirect, rules.EvidenceInternal:
		// Direct and internal visits keep only their landing pages, which
		// the estimate of lost referrals compares with other sources'.
		r.addDetail(day, src, DimLanding, landingPath(v.URL), w, MaxValues)
		return
	}
	max := MaxValues
	if !res.Known {
		max = MaxUnknownValues
		if res.Evidence == rules.EvidenceUnknown || res.Evidence == rules.EvidenceSpam {
			r.addDetail(day, src, DimReferrer, referrerExample(v.Referrer), w, MaxExamples)
		}
	} else if res.Host != "" {
		r.addDetail(day, src, DimHost, res.Host, w, max)
	}
	if res.UTMSource != "" {
		r.addDetail(day, src, DimSpelling, res.UTMSource, w, max)
	}
	if res.UTMMedium != "" {
		r.addDetail(day, src, DimUTMMedium, res.UTMMedium, w, max)
	}
	if res.UTMCampaign != "" {
		r.addDetail(day, src, DimCampaign, res.UTMCampaign, w, max)
	}
	r.addDetail(day, src, DimLanding, landingPath(v.URL), w, max)
}

// addDetail counts w visits for value in a breakdown of src, or under
// OtherValue once the breakdown holds max values.
func (r *Rollup) addDetail(day Day, src sourceRef, dim Dim, value string, w int64, max int) {
	value = clip(value)
	sd := sourceDim{src, dim}
	kept := r.kept[sd]
	if kept == nil {
		kept = make(map[uint32]struct{})
		r.kept[sd] = kept
	}
	id, interned := r.ids[value]
	if _, ok := kept[id]; !interned || !ok {
		if len(kept) >= max {
			if dim != DimReferrer { // examples are a sample by design
				r.dropped[sd] += w
			}
			return
		}
		id = r.intern(value)
		kept[id] = struct{}{}
	}
	r.detail[detailKey{day, src, dim, id}] += w
}

// clip cuts s to MaxValueLen bytes, on a rune boundary, marking the cut.
func clip(s string) string {
	if len(s) <= MaxValueLen {
		return s
	}
	i := MaxValueLen
	for i > 0 && s[i]&0xc0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}

// landingPath returns the path of a page URL: no scheme, host, query or
// fragment, so that click ids and tags do not split one page into many.
func landingPath(u string) string {
	u = strings.TrimSpace(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	} else if strings.HasPrefix(u, "//") {
		if j := strings.IndexByte(u[2:], '/'); j >= 0 {
			u = u[2+j:]
		} else {
			u = "/"
		}
	}
	if u == "" {
		return "/"
	}
	return u
}

// pageHost returns the lowercased host of an absolute page URL, or "".
func pageHost(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	u = u[i+3:]
	if j := strings.IndexAny(u, "/?#"); j >= 0 {
		u = u[:j]
	}
	if j := strings.LastIndexByte(u, '@'); j >= 0 {
		u = u[j+1:]
	}
	if j := strings.IndexByte(u, ':'); j >= 0 {
		u = u[:j]
	}
	if len(u) > 253 {
		return ""
	}
	return strings.ToLower(u)
}

// SiteHost returns the landing host with the most visits ("" if none):
// the site the data is about.
func (r *Rollup) SiteHost() string {
	best, n := "", int64(0)
	for h, c := range r.siteHosts {
		if c > n || (c == n && h < best) {
			best, n = h, c
		}
	}
	return best
}

// referrerExample returns a referrer without its query and fragment: they
// can hold search terms, e-mail addresses and session tokens, none of which
// belong in a published report.
func referrerExample(ref string) string {
	ref = strings.TrimSpace(ref)
	if i := strings.IndexAny(ref, "?#"); i >= 0 {
		ref = ref[:i]
	}
	return ref
}

// Merge adds o's counts to r. Both must bucket days in the same zone.
func (r *Rollup) Merge(o *Rollup) {
	for k, n := range o.core {
		k.source = r.remap(o, k.source)
		r.core[k] += n
	}
	for _, g := range o.Details() {
		src := sourceRef{r.intern(g.Source.Name), g.Source.Known}
		r.detail[detailKey{g.Day, src, g.Dim, r.intern(g.Value)}] += g.Visits
		sd := sourceDim{src, g.Dim}
		if r.kept[sd] == nil {
			r.kept[sd] = make(map[uint32]struct{})
		}
		r.kept[sd][r.ids[g.Value]] = struct{}{}
	}
	for sd, n := range o.dropped {
		r.dropped[sourceDim{r.remap(o, sd.source), sd.dim}] += n
	}
	for id := range o.unknownSources {
		r.unknownSources[r.intern(o.strs[id])] = struct{}{}
	}
	r.otherSources += o.otherSources
	for h, n := range o.siteHosts {
		if _, ok := r.siteHosts[h]; ok || len(r.siteHosts) < maxSiteHosts {
			r.siteHosts[h] += n
		}
	}
	if o.any {
		if !r.any || o.minTime < r.minTime {
			r.minTime = o.minTime
		}
		if !r.any || o.maxTime > r.maxTime {
			r.maxTime = o.maxTime
		}
		r.any = true
	}
	r.visits += o.visits
}

func (r *Rollup) remap(o *Rollup, s sourceRef) sourceRef {
	return sourceRef{r.intern(o.strs[s.name]), s.known}
}

// Visits returns the total of all visits added.
func (r *Rollup) Visits() int64 { return r.visits }

// TimeRange returns the earliest and latest visit time (Unix seconds);
// ok is false when no visit was added.
func (r *Rollup) TimeRange() (min, max int64, ok bool) { return r.minTime, r.maxTime, r.any }

// Span returns the first and last day with visits; ok is false when there
// are none.
func (r *Rollup) Span() (first, last Day, ok bool) {
	if !r.any {
		return 0, 0, false
	}
	return DayOf(r.minTime, r.loc), DayOf(r.maxTime, r.loc), true
}

// Group is one core group and its visits.
type Group struct {
	Key
	Visits int64
}

// Groups returns every core group, sorted by key.
func (r *Rollup) Groups() []Group {
	out := make([]Group, 0, len(r.core))
	for k, n := range r.core {
		out = append(out, Group{Key{
			Day:        k.day,
			Source:     Source{r.strs[k.source.name], k.source.known},
			Medium:     mediums[k.medium],
			Evidence:   k.evidence,
			NoReferrer: k.flags&flagNoReferrer != 0,
			Tagged:     k.flags&flagTagged != 0,
		}, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key.less(&out[j].Key) })
	return out
}

func (a *Source) less(b *Source) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return !a.Known && b.Known
}

func (a *Key) less(b *Key) bool {
	switch {
	case a.Day != b.Day:
		return a.Day < b.Day
	case a.Source != b.Source:
		return a.Source.less(&b.Source)
	case a.Medium != b.Medium:
		return a.Medium < b.Medium
	case a.Evidence != b.Evidence:
		return a.Evidence < b.Evidence
	case a.NoReferrer != b.NoReferrer:
		return !a.NoReferrer
	}
	return !a.Tagged && b.Tagged
}

// Detail is one detail group and its visits.
type Detail struct {
	DetailKey
	Visits int64
}

// Details returns every detail group, sorted by key.
func (r *Rollup) Details() []Detail {
	out := make([]Detail, 0, len(r.detail))
	for k, n := range r.detail {
		out = append(out, Detail{DetailKey{k.day, Source{r.strs[k.source.name], k.source.known}, k.dim, r.strs[k.value]}, n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i].DetailKey, &out[j].DetailKey
		switch {
		case a.Day != b.Day:
			return a.Day < b.Day
		case a.Source != b.Source:
			return a.Source.less(&b.Source)
		case a.Dim != b.Dim:
			return a.Dim < b.Dim
		}
		return a.Value < b.Value
	})
	return out
}

// Dropped is a breakdown that was full: Visits were counted under
// OtherValue instead of their own value.
type Dropped struct {
	Source Source
	Dim    Dim
	Visits int64
}

// Dropped lists the breakdowns that reached their limit, and OtherSources
// the visits of unknown sources beyond MaxUnknownSources.
func (r *Rollup) Dropped() (d []Dropped, otherSources int64) {
	for sd, n := range r.dropped {
		d = append(d, Dropped{Source{r.strs[sd.source.name], sd.source.known}, sd.dim, n})
	}
	sort.Slice(d, func(i, j int) bool {
		if d[i].Source != d[j].Source {
			return d[i].Source.less(&d[j].Source)
		}
		return d[i].Dim < d[j].Dim
	})
	return d, r.otherSources
}
