// Package aggregate sums classified visits into rollups that can be merged,
// and hands them back in a fixed order for the report to tabulate.
//
// A rollup holds two tables. The core table counts visits by day, source,
// medium, evidence and two flags (had a referrer, was tagged). The detail
// table counts, per day and source, the values behind the source: the
// referrer hosts that folded into it, the utm_source spellings, utm_medium
// and utm_campaign values, landing pages, which UTM tags came together
// with which campaign, and for hosts no rule knows, example referrers.
// The landing pages of sources outside the catalog are counted together,
// under Outside.
//
// Visit data is written by strangers, so every table is bounded: each
// source keeps at most a fixed number of distinct values per breakdown and
// day, and at most MaxUnknownSources unknown sources a day are kept apart.
// What does not fit is counted under Other, and the rollup says that it
// happened. Which values are kept depends on the order a day's visits
// arrive in; the reader reads inputs in a fixed order, so a build is still
// deterministic.
//
// Every day is a table of its own, bounded on its own: a day's groups
// depend only on that day's visits. So a rollup can be written day by
// day (see WriteDay), days of different builds can be put together, and a
// day read back is the day that was written.
package aggregate

import (
	"cmp"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

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
	DimTags                 // which of utm_source, utm_medium, utm_campaign were there, and the campaign: "s-c:spring"
	NumDims
)

var dimNames = [NumDims]string{"host", "utm_source", "utm_medium", "utm_campaign", "landing_page", "referrer", "tags"}

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
	MaxUnknownSources = 10000 // distinct unknown sources; the rest are summed as OtherSource
	MaxValueLen       = 300   // bytes of a value kept; longer ones are cut

	// MaxUnknownDayValues bounds the values that unknown sources keep
	// together, their breakdowns' and their example referrers: a stream
	// of made-up hosts or tags, each with values of its own, would
	// otherwise keep MaxUnknownSources times MaxUnknownValues a day.
	MaxUnknownDayValues = 20000
)

// OtherSource is where unknown sources go once MaxUnknownSources are kept.
const OtherSource = "(other)"

// Outside is the source under which the landing pages of every source
// outside the catalog are counted together, direct and internal visits
// apart. Their only reader, the estimate of lost referrals, takes those
// sources as one, and kept apart they were two fifths of a rollup's rows.
const Outside = "(outside the catalog)"

// MaxOutsideValues bounds the landing pages kept for Outside a day.
const MaxOutsideValues = 5000

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

// DetailKey is one group of the detail table. Its fields are in the
// order that packs them tightest: a build holds millions.
type DetailKey struct {
	Source Source
	Value  string
	Day    Day
	Dim    Dim
}

type sourceRef struct {
	name  uint32
	known bool
}

// coreCell is a core group within one day, packed into an integer so
// that the day's map hashes it fast: source id (bits 0-31), known (32),
// medium (33-40), evidence (41-48), flags (49-50).
type coreCell uint64

func packCore(src sourceRef, medium uint8, ev rules.Evidence, flags uint8) coreCell {
	c := coreCell(src.name) | coreCell(medium)<<33 | coreCell(ev)<<41 | coreCell(flags)<<49
	if src.known {
		c |= 1 << 32
	}
	return c
}

func (c coreCell) unpack() (src sourceRef, medium uint8, ev rules.Evidence, flags uint8) {
	return sourceRef{uint32(c), c&(1<<32) != 0}, uint8(c >> 33), rules.Evidence(c >> 41), uint8(c >> 49)
}

const (
	flagNoReferrer = 1 << iota
	flagTagged
)

// cell is a value of a breakdown of a source: a detail group without its
// day. Three uint32s, so that the map hashes it as plain memory.
type cell struct {
	source uint32
	value  uint32
	dim    uint32 // Dim<<1 | known
}

type sourceDim struct {
	source sourceRef
	dim    Dim
}

// dayTable holds one day's groups, and everything else a report needs of
// the day: a day is complete in itself, capped on its own. Visits arrive
// mostly in time order, so the tables of the day being read stay small
// and hot in the cache, where one table for every day would miss the
// cache on most visits.
type dayTable struct {
	core coreTable
	// detail holds, by index in Rollup.cellKeys, the cells admitted on
	// this day, as their index in counts: looking a cell up is then all
	// it takes to know it is admitted and to find its count.
	detail  slotTable
	counts  []int64
	kept    map[sourceDim]int   // values admitted per source and breakdown
	dropped map[sourceDim]int64 // visits counted under Other because a breakdown was full

	// unknown holds the unknown sources kept apart, each with the index +
	// 1 in examples of the first of its example referrers, 0 before any.
	// The two are one map and a slice, not a map of slices: a day can
	// hold thousands of unknown hosts, most with one or two examples.
	unknown      map[uint32]int32
	examples     []example
	exampleText  []byte // the examples' values, end to end
	exampleWaste int    // bytes of exampleText no example holds any more
	unknownKept  int    // values kept for unknown sources: see MaxUnknownDayValues
	otherSources int64  // visits summed into OtherSource

	siteHosts   map[string]int64 // landing page hosts, for the report's default title
	first, last int64            // the day's first and last visit
	visits      int64

	touched int64 // Rollup.rows when visits last moved on from the day
	frozen  bool  // see freeze
}

// coldRows is how many rows a day must go untouched for before its table
// is frozen. A variable, for tests.
var coldRows int64 = 1 << 20

// freeze lets go of the room t keeps to grow, once visits have moved on
// from its day: its tables are packed as tight as their entries, about
// half the memory, and can only be read until thaw. Exports are mostly
// in time order, so most of a long build's days are frozen.
func (t *dayTable) freeze() {
	t.detail.freeze()
	t.core.freeze()
	t.counts = slices.Clone(t.counts)
	t.examples = slices.Clone(t.examples)
	t.packExamples()
	t.frozen = true
}

// thaw makes a frozen table ready to count visits again.
func (t *dayTable) thaw() {
	t.detail.thaw()
	t.core.thaw()
	t.frozen = false
}

func newDayTable() *dayTable {
	return &dayTable{
		kept:      make(map[sourceDim]int),
		dropped:   make(map[sourceDim]int64),
		unknown:   make(map[uint32]int32),
		siteHosts: make(map[string]int64),
	}
}

// Slots of Rollup.cache and Rollup.cellCache.
const (
	internCacheSize = 1 << 12
	cellCacheSize   = 1 << 15
)

// Rollup holds visit counts. Make one with New.
type Rollup struct {
	loc *time.Location

	strs  []string  // interned strings by id
	ids   hashIndex // and back, by maphash.String(seed, s)
	cache [internCacheSize]uint32
	// cellCache holds cell indexes + 1 by a hash of source, breakdown and
	// value: most detail increments need no lookup but the day's.
	cellCache [cellCacheSize]uint32

	days    map[Day]*dayTable
	lastDay Day
	last    *dayTable // the table of lastDay, nil when it is not counted
	hasLast bool      // false at first and after Input

	// The zone offset of the last visit, and the times it holds for.
	off          int64
	offLo, offHi int64
	offValid     bool
	cells        hashIndex // every cell of every day, by hashCell, and its index
	cellKeys     []cell    // and back

	// The last landing page's scheme and authority, its host, the day
	// table it was counted in, and the visits counted for it but not yet
	// in that table's siteHosts.
	hostPrefix, hostName string
	hostTable            *dayTable
	hostPending          int64

	// Set by Only: the days counted; visits on other days are passed over.
	only map[Day]bool

	// Set by Input: the current input, and the days each input had
	// visits on.
	input     int
	inputDays map[int]map[Day]bool // nil until Input

	visits           int64
	minTime, maxTime int64
	any              bool

	// rows counts the visits added, for freezing days gone cold: at
	// nextFreeze, tables untouched for coldRows rows are frozen.
	rows, nextFreeze int64

	outsideID  uint32 // Outside's id, once hasOutside
	hasOutside bool
}

var mediumIndex = func() map[string]uint8 {
	m := make(map[string]uint8)
	for i, id := range rules.Vocabulary() {
		m[id] = uint8(i)
	}
	return m
}()

var mediums = rules.Vocabulary()

// mediumSlots holds each medium's vocabulary index + 1 at its mediumSlot,
// 0 at a slot no medium has or two share. Every visit looks its medium
// up, and a hash map's lookup was 3% of a build's CPU.
var mediumSlots = func() (t [64]uint8) {
	shared := [64]bool{}
	for i, m := range mediums {
		s := mediumSlot(m)
		if t[s] != 0 {
			shared[s] = true
		}
		t[s] = uint8(i + 1)
	}
	for s := range t {
		if shared[s] {
			t[s] = 0
		}
	}
	return t
}()

// mediumSlot places a non-empty medium id in mediumSlots by its length and
// its first and last letters, which tell the vocabulary's apart.
func mediumSlot(m string) int { return (len(m) + 3*int(m[0]) + 3*int(m[len(m)-1])) & 63 }

// New returns an empty Rollup that buckets days in loc.
func New(loc *time.Location) *Rollup {
	if loc == nil {
		loc = time.UTC
	}
	return &Rollup{
		loc:  loc,
		days: make(map[Day]*dayTable),
	}
}

// Only makes r count only visits on the given days, and pass over the
// rest: a day is recomputed from every input that has visits on it.
func (r *Rollup) Only(days map[Day]bool) { r.only = days }

// Input tells r that the visits added from now on come from input i, the
// index of an input in the build's list; InputDays then says which days
// each input had visits on.
func (r *Rollup) Input(i int) {
	if r.inputDays == nil {
		r.inputDays = make(map[int]map[Day]bool)
	}
	r.input = i
	r.hasLast = false // so that the next visit's day is recorded
}

// InputDays returns the days input i had visits on (counted or not, see
// Only), sorted.
func (r *Rollup) InputDays(i int) []Day {
	var out []Day
	for d := range r.inputDays[i] {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// MaxSiteHosts bounds the landing hosts counted a day: an export holds
// one site, or a few, and a flood of forged URLs must not grow the map.
const MaxSiteHosts = 64

// Location returns the zone days are bucketed in.
func (r *Rollup) Location() *time.Location { return r.loc }

// lookupHash returns s's id, if s is interned; h is s's hash. A small
// cache indexed by the hash answers most lookups without touching the big
// map; a hit is checked against the interned copy, so it is never wrong.
func (r *Rollup) lookupHash(s string, h uint64) (uint32, bool) {
	slot := &r.cache[h&(internCacheSize-1)]
	if id := *slot; id != 0 && r.strs[id-1] == s {
		return id - 1, true
	}
	i, tag := r.ids.probe(h)
	for ; r.ids.slots[i] != 0; i = r.ids.next(i) {
		if e := r.ids.slots[i]; uint32(e>>32) == tag && r.strs[uint32(e)-1] == s {
			*slot = uint32(e)
			return uint32(e) - 1, true
		}
	}
	return 0, false
}

// intern returns s's id, copying s the first time: the visit's memory is
// reused by the reader, and no group may pin an input line.
func (r *Rollup) intern(s string) uint32 { return r.internHash(s, maphash.String(seed, s)) }

// internHash is intern of s, whose hash is h.
func (r *Rollup) internHash(s string, h uint64) uint32 {
	if id, ok := r.lookupHash(s, h); ok {
		return id
	}
	return r.addString(strings.Clone(s), h)
}

// internOwned is intern of a string that r may keep as it is, one r has
// copied already.
func (r *Rollup) internOwned(s string) uint32 {
	h := maphash.String(seed, s)
	if id, ok := r.lookupHash(s, h); ok {
		return id
	}
	return r.addString(s, h)
}

// addString gives s, which is not interned and whose hash is h, an id.
func (r *Rollup) addString(s string, h uint64) uint32 {
	id := uint32(len(r.strs))
	r.strs = append(r.strs, s)
	r.ids.add(h, id)
	return id
}

// day returns the day t falls on, remembering the zone offset of the
// last time asked for, which holds for months.
func (r *Rollup) day(t int64) Day {
	if r.loc == time.UTC {
		return DayOf(t, time.UTC)
	}
	if !r.offValid || t < r.offLo || t >= r.offHi {
		tm := time.Unix(t, 0).In(r.loc)
		_, off := tm.Zone()
		lo, hi := tm.ZoneBounds()
		r.off, r.offValid = int64(off), true
		r.offLo, r.offHi = math.MinInt64, math.MaxInt64
		if !lo.IsZero() {
			r.offLo = lo.Unix()
		}
		if !hi.IsZero() {
			r.offHi = hi.Unix()
		}
	}
	return DayOf(t+r.off, time.UTC)
}

// table returns day's table, or nil when day is not counted (see Only).
func (r *Rollup) table(day Day) *dayTable {
	if r.hasLast && day == r.lastDay {
		return r.last
	}
	if r.inputDays != nil {
		m := r.inputDays[r.input]
		if m == nil {
			m = make(map[Day]bool)
			r.inputDays[r.input] = m
		}
		m[day] = true
	}
	if r.last != nil {
		r.last.touched = r.rows
	}
	var t *dayTable
	if r.only == nil || r.only[day] {
		t = r.days[day]
		if t == nil {
			t = newDayTable()
			r.days[day] = t
		} else if t.frozen {
			t.thaw()
		}
	}
	r.lastDay, r.last, r.hasLast = day, t, true
	if r.rows >= r.nextFreeze {
		r.freezeCold()
	}
	return t
}

// freezeCold freezes the tables of days untouched for coldRows rows. It
// looks again coldRows/4 rows later, so that a day thawed by a late visit
// is frozen again at most once per coldRows rows: the work of thawing
// and freezing is then bounded by the rows read.
func (r *Rollup) freezeCold() {
	for _, t := range r.days {
		if t != r.last && !t.frozen && r.rows-t.touched >= coldRows {
			t.freeze()
		}
	}
	r.nextFreeze = r.rows + coldRows/4
}

// seed hashes values for a rollup's caches. One for the process, so that
// Prepare can hash without a rollup.
var seed = maphash.MakeSeed()

// Prepared is the part of Add's work that depends on a visit alone: its
// landing page's path, from a referrer no rule knows the example
// referrer, both cut to length, and the hashes of the values the rollup
// looks up. Prepared on one goroutine while another adds, it shortens
// the slowest stage of a build.
type Prepared struct {
	landing, example string
	hLanding         uint64
	tags             string // the DimTags value, "" for an untagged visit
	hTags            uint64
	medium           uint8 // the classification's medium, by index in the vocabulary
	// Hashes of the classification's source and values, cut to length.
	hSource, hHost, hSpelling, hMedium, hCampaign uint64
}

// Prepare returns what AddPrepared needs besides the visit and its
// classification. Its strings share the visit's memory.
func Prepare(v *ingest.Visit, res *rules.Result) Prepared {
	landing := clip(landingPath(v.URL))
	return prepare(v, res, landing, maphash.String(seed, landing))
}

// A Preparer is Prepare with a memo of landing pages by URL key (see
// ingest.Visit.URLKey): a URL from a Parquet dictionary is cut to its
// path and hashed once for its entry, not once a row. It is for one
// goroutine; the zero Preparer is ready to use.
type Preparer struct {
	landings []landingMemo // made on the first visit with a URL key
}

// landingMemo is where a URL's landing page is in it, and the page's hash.
type landingMemo struct {
	key    uint64
	len    int   // the URL's, so that a key that lied could not cut past its end
	lo, hi int32 // the page is url[lo:hi], or "/" when lo < 0
	hash   uint64
}

const landingMemoSlots = 1 << 14

// Prepare is the package's Prepare.
func (pr *Preparer) Prepare(v *ingest.Visit, res *rules.Result) Prepared {
	if v.URLKey == 0 || len(v.URL) > math.MaxInt32 {
		return Prepare(v, res)
	}
	if pr.landings == nil {
		pr.landings = make([]landingMemo, landingMemoSlots)
	}
	m := &pr.landings[v.URLKey%landingMemoSlots]
	if m.key != v.URLKey || m.len != len(v.URL) {
		lo, hi := landingSpan(v.URL)
		if lo >= 0 && hi-lo > MaxValueLen { // clipped: a string of its own
			return Prepare(v, res)
		}
		*m = landingMemo{key: v.URLKey, len: len(v.URL), lo: int32(lo), hi: int32(hi)}
		m.hash = maphash.String(seed, m.in(v.URL))
	}
	return prepare(v, res, m.in(v.URL), m.hash)
}

func (m *landingMemo) in(u string) string {
	if m.lo < 0 {
		return "/"
	}
	return u[m.lo:m.hi]
}

// prepare is Prepare given the visit's landing page, clipped, and its hash.
func prepare(v *ingest.Visit, res *rules.Result, landing string, hLanding uint64) Prepared {
	p := Prepared{landing: landing, hLanding: hLanding, medium: medium(res.Medium)}
	if !res.Known && (res.Evidence == rules.EvidenceUnknown || res.Evidence == rules.EvidenceSpam) {
		p.example = clip(referrerExample(v.Referrer))
	}
	p.hSource = hashClipped(res.Source)
	p.hHost = hashClipped(res.Host)
	p.hSpelling = hashClipped(res.UTMSource)
	p.hMedium = hashClipped(res.UTMMedium)
	p.hCampaign = hashClipped(res.UTMCampaign)
	if res.UTMSource != "" || res.UTMMedium != "" || res.UTMCampaign != "" {
		p.tags = TagsValue(res.UTMSource != "", res.UTMMedium != "", res.UTMCampaign != "", res.UTMCampaign)
		p.hTags = maphash.String(seed, p.tags)
	}
	return p
}

func hashClipped(s string) uint64 {
	if s == "" {
		return 0
	}
	return maphash.String(seed, clip(s))
}

// Add counts one classified visit.
func (r *Rollup) Add(v *ingest.Visit, res *rules.Result) {
	p := Prepare(v, res)
	r.AddPrepared(v, res, &p)
}

// AddPrepared counts one classified visit, given Prepare(v, res).
func (r *Rollup) AddPrepared(v *ingest.Visit, res *rules.Result, p *Prepared) {
	w := v.Weight
	if w == 0 {
		return
	}
	r.rows++
	t := r.table(r.day(v.Time))
	if t == nil {
		return
	}
	if !r.any || v.Time < r.minTime {
		r.minTime = v.Time
	}
	if !r.any || v.Time > r.maxTime {
		r.maxTime = v.Time
	}
	if t.visits == 0 || v.Time < t.first {
		t.first = v.Time
	}
	if t.visits == 0 || v.Time > t.last {
		t.last = v.Time
	}
	r.any = true
	r.visits += w
	t.visits += w
	r.countSiteHost(t, v.URL, w)

	src := sourceRef{known: res.Known}
	if res.Known {
		if len(res.Source) <= MaxValueLen { // clip left it alone
			src.name = r.internHash(res.Source, p.hSource)
		} else {
			src.name = r.intern(res.Source)
		}
	} else {
		name := clip(res.Source)
		id, ok := r.lookupHash(name, p.hSource)
		if _, kept := t.unknown[id]; !ok || !kept {
			if len(t.unknown) >= MaxUnknownSources {
				id = r.intern(OtherSource)
				t.otherSources += w
			} else {
				id = r.internHash(name, p.hSource)
			}
			if _, kept := t.unknown[id]; !kept { // OtherSource may be kept already, with examples
				t.unknown[id] = 0
			}
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
	t.core.add(packCore(src, p.medium, res.Evidence, flags), w)

	if p.tags != "" {
		// Whatever recognised the visit, even as direct: a campaign tagged
		// without utm_source is direct or its referrer's.
		max, unknown := MaxValues, !res.Known && res.Evidence != rules.EvidenceDirect && res.Evidence != rules.EvidenceInternal
		if unknown {
			max = MaxUnknownValues
		}
		r.addDetail(t, src, DimTags, p.tags, p.hTags, w, max, unknown)
	}

	switch res.Evidence {
	case rules.EvidenceDirect, rules.EvidenceInternal:
		// Direct and internal visits keep only their landing pages, which
		// the estimate of lost referrals compares with other sources'.
		r.addDetail(t, src, DimLanding, p.landing, p.hLanding, w, MaxValues, false)
		return
	}
	max := MaxValues
	landing, landingMax := src, MaxValues
	if !res.Known {
		max = MaxUnknownValues
		if res.Evidence == rules.EvidenceUnknown || res.Evidence == rules.EvidenceSpam {
			t.addExample(src.name, p.example, w)
		}
		landing, landingMax = r.outside(), MaxOutsideValues
	} else if res.Host != "" {
		r.addDetail(t, src, DimHost, clip(res.Host), p.hHost, w, max, false)
	}
	if res.UTMSource != "" {
		r.addDetail(t, src, DimSpelling, clip(res.UTMSource), p.hSpelling, w, max, !res.Known)
	}
	if res.UTMMedium != "" {
		r.addDetail(t, src, DimUTMMedium, clip(res.UTMMedium), p.hMedium, w, max, !res.Known)
	}
	if res.UTMCampaign != "" {
		r.addDetail(t, src, DimCampaign, clip(res.UTMCampaign), p.hCampaign, w, max, !res.Known)
	}
	r.addDetail(t, landing, DimLanding, p.landing, p.hLanding, w, landingMax, false)
}

// outside returns the source Outside.
func (r *Rollup) outside() sourceRef {
	if !r.hasOutside {
		r.outsideID, r.hasOutside = r.intern(Outside), true
	}
	return sourceRef{name: r.outsideID}
}

// TagsValue is a DimTags value: three characters, 's' or '-', 'm' or '-',
// 'c' or '-', for the tags present, then ':' and the campaign, the whole
// clipped as every value is.
// The format is fixed: the SQL generator writes the same values.
func TagsValue(source, medium, campaign bool, name string) string {
	mask := [3]byte{'-', '-', '-'}
	if source {
		mask[0] = 's'
	}
	if medium {
		mask[1] = 'm'
	}
	if campaign {
		mask[2] = 'c'
	}
	return clip(string(mask[:]) + ":" + name)
}

// medium returns the vocabulary index of m.
func medium(m string) uint8 {
	if m != "" {
		if i := mediumSlots[mediumSlot(m)]; i != 0 && mediums[i-1] == m {
			return i - 1
		}
	}
	return mediumIndex[m]
}

func (c *cell) key(src sourceRef, dim Dim, value uint32) {
	c.source, c.value, c.dim = src.name, value, uint32(dim)<<1
	if src.known {
		c.dim |= 1
	}
}

// find returns the index of the cell of value, clipped, whose hash is h,
// in a breakdown of src, and whether it has one. It adds nothing: a value
// that a full breakdown turns away must not be kept by the way, or a
// stream of distinct values, each dropped, would fill memory all the same.
func (r *Rollup) find(src sourceRef, dim Dim, value string, h uint64) (uint32, bool) {
	var c cell
	c.key(src, dim, 0)
	slot := r.cellSlot(c, h)
	if i := *slot; i != 0 {
		if k := r.cellKeys[i-1]; k.source == c.source && k.dim == c.dim && r.strs[k.value] == value {
			return i - 1, true
		}
	}
	id, ok := r.lookupHash(value, h)
	if !ok {
		return 0, false
	}
	c.value = id
	i, ok := r.cellLookup(c)
	if ok {
		*slot = i + 1
	}
	return i, ok
}

// addCell adds the cell of value, which find did not find, and returns
// its index.
func (r *Rollup) addCell(src sourceRef, dim Dim, value string, h uint64) uint32 {
	var c cell
	c.key(src, dim, r.internHash(value, h))
	i := r.cellIndex(c)
	*r.cellSlot(c, h) = i + 1
	return i
}

// cellSlot returns the slot of cellCache for the cell c, whose value's
// hash is h; c's value is not read.
func (r *Rollup) cellSlot(c cell, h uint64) *uint32 {
	return &r.cellCache[(h^uint64(c.source)*0x9e3779b97f4a7c15^uint64(c.dim)<<59)&(cellCacheSize-1)]
}

// cellLookup returns c's index, if c has one.
func (r *Rollup) cellLookup(c cell) (uint32, bool) {
	j, tag := r.cells.probe(hashCell(c))
	for ; r.cells.slots[j] != 0; j = r.cells.next(j) {
		if e := r.cells.slots[j]; uint32(e>>32) == tag && r.cellKeys[uint32(e)-1] == c {
			return uint32(e) - 1, true
		}
	}
	return 0, false
}

// cellIndex returns c's index, adding c if it is new.
func (r *Rollup) cellIndex(c cell) uint32 {
	if i, ok := r.cellLookup(c); ok {
		return i
	}
	i := uint32(len(r.cellKeys))
	r.cells.add(hashCell(c), i)
	r.cellKeys = append(r.cellKeys, c)
	return i
}

// addDetail counts w visits for value, clipped, whose hash is h, in a
// breakdown of src on t's day, or under Other once the breakdown holds
// max values that day, or, for a source no rule knows (unknown), once
// such sources hold MaxUnknownDayValues that day.
func (r *Rollup) addDetail(t *dayTable, src sourceRef, dim Dim, value string, h uint64, w int64, max int, unknown bool) {
	i, ok := r.find(src, dim, value, h)
	if ok {
		if j, ok := t.detail.get(i); ok {
			t.counts[j] += w
			return
		}
	}
	// A value new to the day's breakdown: is there room for it?
	sd := sourceDim{src, dim}
	if t.kept[sd] >= max || unknown && t.unknownKept >= MaxUnknownDayValues {
		t.dropped[sd] += w
		return
	}
	if !ok {
		i = r.addCell(src, dim, value, h)
	}
	if unknown {
		t.unknownKept++
	}
	t.admit(i, sd, w)
}

// admit adds the cell of index i to the day's breakdown sd, with w visits.
func (t *dayTable) admit(i uint32, sd sourceDim, w int64) {
	t.detail.put(i, uint32(len(t.counts)))
	t.counts = append(t.counts, w)
	t.kept[sd]++
}

// example is an example referrer of an unknown source, and its visits on
// a day. Its value is kept in the day's exampleText: a day can hold a
// hundred thousand examples, which as strings of their own were a third
// of a long build's live heap, and pointers for the collector to follow.
type example struct {
	off, len uint32 // where the value is in dayTable.exampleText
	visits   int64
	id       uint32 // value's id + 1 once interned by flushExamples; 0 before
	next     int32  // the index + 1 in dayTable.examples of the source's next example; 0 at the last
}

// exampleValue returns e's value, which shares t's memory: it must not be
// kept past the next addExample or freeze.
func (t *dayTable) exampleValue(e *example) []byte {
	return t.exampleText[e.off : e.off+e.len : e.off+e.len]
}

// setExample stores value as e's, over e's old value where it fits, else
// at the end of the text. Once the bytes no example holds any more are
// half the text, the text is packed: a day whose examples keep being
// pushed out by smaller ones, long after short, would otherwise grow with
// every visit.
func (t *dayTable) setExample(e *example, value string) {
	if len(value) <= int(e.len) {
		t.exampleWaste += int(e.len) - len(value)
		copy(t.exampleText[e.off:], value)
		e.len = uint32(len(value))
		return
	}
	t.exampleWaste += int(e.len)
	e.off, e.len = uint32(len(t.exampleText)), uint32(len(value))
	t.exampleText = append(t.exampleText, value...)
	if t.exampleWaste > len(t.exampleText)/2 {
		t.packExamples()
	}
}

// addExample counts w visits for an example referrer of src, an unknown
// source kept on the day. A day keeps the MaxExamples smallest examples of
// each source, which, unlike the first to arrive, do not depend on the
// order visits are read in: a value that is not among them when it first
// comes never is, so the kept ones are counted in full. Once unknown
// sources hold MaxUnknownDayValues, a source with room for more examples
// gets no more that day: only the smallest ones it has can change.
//
// Examples are kept apart from the other breakdowns, outside the interned
// strings and cells, until they are read: most are one visit's referrer,
// met once, and many are pushed out by a smaller one the same day.
func (t *dayTable) addExample(src uint32, value string, w int64) {
	head := t.unknown[src]
	n, big := 0, int32(0)
	for k := head; k != 0; k = t.examples[k-1].next {
		e := &t.examples[k-1]
		v := t.exampleValue(e)
		if string(v) == value {
			e.visits += w
			return
		}
		if big == 0 || string(v) > string(t.exampleValue(&t.examples[big-1])) {
			big = k
		}
		n++
	}
	if n >= MaxExamples {
		// Replace the largest example if value is smaller.
		if e := &t.examples[big-1]; value < string(t.exampleValue(e)) {
			t.setExample(e, value)
			e.visits, e.id = w, 0
		}
		return
	}
	if t.unknownKept >= MaxUnknownDayValues {
		return
	}
	t.unknownKept++
	t.examples = append(t.examples, example{visits: w, next: head})
	t.setExample(&t.examples[len(t.examples)-1], value)
	t.unknown[src] = int32(len(t.examples))
}

// packExamples copies t's example values into text of their exact size,
// leaving out those pushed out by smaller ones.
func (t *dayTable) packExamples() {
	t.exampleWaste = 0
	n := 0
	for i := range t.examples {
		n += int(t.examples[i].len)
	}
	text := make([]byte, 0, n)
	for i := range t.examples {
		e := &t.examples[i]
		v := t.exampleValue(e)
		e.off = uint32(len(text))
		text = append(text, v...)
	}
	t.exampleText = text
}

// allExamples yields each example of t and its source, in no particular
// order.
func (t *dayTable) allExamples(yield func(src uint32, e *example) bool) {
	for src, head := range t.unknown {
		for k := head; k != 0; k = t.examples[k-1].next {
			if !yield(src, &t.examples[k-1]) {
				return
			}
		}
	}
}

// flushExamples interns t's examples not yet interned, so that they can
// be read as detail groups. It goes through sources in order, so that
// strings are numbered alike in every run.
func (r *Rollup) flushExamples(t *dayTable) {
	srcs := make([]uint32, 0, len(t.unknown))
	for src, head := range t.unknown {
		if head != 0 {
			srcs = append(srcs, src)
		}
	}
	slices.Sort(srcs)
	for _, src := range srcs {
		for k := t.unknown[src]; k != 0; k = t.examples[k-1].next {
			if e := &t.examples[k-1]; e.id == 0 {
				e.id = r.internOwned(string(t.exampleValue(e))) + 1
			}
		}
	}
}

// numDetails returns the number of t's detail groups.
func (t *dayTable) numDetails() int { return t.detail.len() + len(t.examples) }

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
	lo, hi := landingSpan(u)
	if lo < 0 {
		return "/"
	}
	return u[lo:hi]
}

// landingSpan returns where landingPath(u) is in u, u[lo:hi], or lo < 0
// when it is a "/" that u lacks.
func landingSpan(u string) (lo, hi int) {
	s := strings.TrimSpace(u)
	lo = len(u) - len(strings.TrimLeftFunc(u, unicode.IsSpace))
	s = cutQuery(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s, lo = s[i+3:], lo+i+3
		j := strings.IndexByte(s, '/')
		if j < 0 {
			return -1, -1
		}
		s, lo = s[j:], lo+j
	} else if strings.HasPrefix(s, "//") {
		j := strings.IndexByte(s[2:], '/')
		if j < 0 {
			return -1, -1
		}
		s, lo = s[2+j:], lo+2+j
	}
	if s == "" {
		return -1, -1
	}
	return lo, lo + len(s)
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

// countSiteHost counts w visits for the host of the landing page u, on
// t's day. Most visits land on one site: while pages start with the last
// one's scheme and authority, visits are summed on the side, and the map
// is touched only when the host or the day changes.
func (r *Rollup) countSiteHost(t *dayTable, u string, w int64) {
	if p := r.hostPrefix; p != "" && t == r.hostTable && len(u) >= len(p) && u[:len(p)] == p &&
		(len(u) == len(p) || u[len(p)] == '/' || u[len(p)] == '?' || u[len(p)] == '#') {
		r.hostPending += w
		return
	}
	r.flushSiteHost()
	r.hostPrefix = ""
	h := pageHost(u)
	if h == "" {
		return
	}
	// pageHost reads only what is before the first of "/?#" after "://".
	end := len(u)
	i := strings.Index(u, "://") + 3
	if j := strings.IndexAny(u[i:], "/?#"); j >= 0 {
		end = i + j
	}
	r.hostPrefix, r.hostName, r.hostTable, r.hostPending = strings.Clone(u[:end]), strings.Clone(h), t, w
}

func (r *Rollup) flushSiteHost() {
	if r.hostPending == 0 {
		return
	}
	t, h := r.hostTable, r.hostName
	if _, ok := t.siteHosts[h]; ok || len(t.siteHosts) < MaxSiteHosts {
		t.siteHosts[h] += r.hostPending
	}
	r.hostPending = 0
}

// SiteHost returns the landing host with the most visits ("" if none):
// the site the data is about.
func (r *Rollup) SiteHost() string {
	r.flushSiteHost()
	sum := map[string]int64{}
	for _, t := range r.days {
		for h, n := range t.siteHosts {
			sum[h] += n
		}
	}
	return MostVisits(sum)
}

// MostVisits returns the key with the most visits, the first by name of
// a tie, or "" if there is none.
func MostVisits(visits map[string]int64) string {
	best, n := "", int64(0)
	for k, c := range visits {
		if c > n || (c == n && k < best) {
			best, n = k, c
		}
	}
	return best
}

// referrerExample returns a referrer without its query and fragment: they
// can hold search terms, e-mail addresses and session tokens, none of which
// belong in a published report.
func referrerExample(ref string) string {
	return cutQuery(strings.TrimSpace(ref))
}

// cutQuery returns u up to its first '?' or '#'. It is strings.IndexAny's
// job done by two strings.IndexByte, which skip many bytes a step where
// IndexAny tests each: URLs carry long queries, and every visit has one.
func cutQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		u = u[:i]
	}
	return u
}

// Days returns the days with visits, sorted.
func (r *Rollup) Days() []Day {
	days := make([]Day, 0, len(r.days))
	for d := range r.days {
		days = append(days, d)
	}
	slices.Sort(days)
	return days
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
func (r *Rollup) Groups() []Group { return r.groupsOf(r.strs) }

// groupsOf is Groups, reading source names from strs, r.strs or an
// earlier copy of it: r's strings are only ever appended to, so that the
// groups can be made while more strings are interned.
func (r *Rollup) groupsOf(strs []string) []Group {
	total := 0
	for _, t := range r.days {
		total += t.core.len()
	}
	out := make([]Group, 0, total)
	for day, t := range r.days {
		for k, n := range t.core.all {
			src, med, ev, flags := k.unpack()
			out = append(out, Group{Key{
				Day:        day,
				Source:     Source{strs[src.name], src.known},
				Medium:     mediums[med],
				Evidence:   ev,
				NoReferrer: flags&flagNoReferrer != 0,
				Tagged:     flags&flagTagged != 0,
			}, n})
		}
	}
	slices.SortFunc(out, func(a, b Group) int { return compareGroups(&a, &b) })
	return out
}

// Detail is one detail group and its visits.
type Detail struct {
	DetailKey
	Visits int64
}

// Details returns every detail group, sorted by key.
func (r *Rollup) Details() []Detail {
	total := 0
	for _, t := range r.days {
		r.flushExamples(t)
		total += t.numDetails()
	}
	rows := make([]detailRow, 0, total)
	var d detailSorter
	d.rank = r.ranks()
	for _, day := range r.Days() {
		rows = d.appendDay(rows, r, r.days[day], day)
	}
	c := detailChunk{r.strs, rows}
	out := make([]Detail, len(rows))
	for i := range out {
		out[i] = c.at(i)
	}
	return out
}

// detailSorter puts a day's detail groups in key order. It sorts on
// integers: each string's rank in the order of all interned strings
// stands for the string, which is much faster than comparing a million
// keys' strings.
type detailSorter struct {
	rank []uint32 // by string id
	keys []detailSortKey
}

type detailSortKey struct {
	hi, lo        uint64 // source rank, known; dim, value rank
	visits        int64
	source, value uint32
}

// appendDay appends the detail groups of day, whose table is t, to out,
// sorted. Their strings are indexes into r.strs. The day's examples must
// have been flushed. It only reads r: days can be sorted at once.
func (d *detailSorter) appendDay(out []detailRow, r *Rollup, t *dayTable, day Day) []detailRow {
	keys := d.keys[:0]
	add := func(source, value, dim uint32, visits int64) {
		keys = append(keys, detailSortKey{uint64(d.rank[source])<<1 | uint64(dim&1), uint64(dim>>1)<<32 | uint64(d.rank[value]), visits, source, value})
	}
	for i, j := range t.detail.all {
		c := r.cellKeys[i]
		add(c.source, c.value, c.dim, t.counts[j])
	}
	for src, e := range t.allExamples {
		var c cell
		c.key(sourceRef{name: src}, DimReferrer, 0)
		add(c.source, e.id-1, c.dim, e.visits)
	}
	slices.SortFunc(keys, func(a, b detailSortKey) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		return cmp.Compare(a.lo, b.lo)
	})
	for _, k := range keys {
		out = append(out, detailRow{k.visits, k.source, k.value, day, Dim(k.lo >> 32), k.hi&1 != 0})
	}
	d.keys = keys
	return out
}

// ranks returns, by string id, the string's place among all interned
// strings in sorted order.
func (r *Rollup) ranks() []uint32 {
	ids := make([]uint32, len(r.strs))
	for i := range ids {
		ids[i] = uint32(i)
	}
	slices.SortFunc(ids, func(a, b uint32) int { return strings.Compare(r.strs[a], r.strs[b]) })
	rank := make([]uint32, len(ids))
	for i, id := range ids {
		rank[id] = uint32(i)
	}
	return rank
}

// Dropped is a breakdown that was full: Visits were counted under
// OtherValue instead of their own value.
type Dropped struct {
	Source Source
	Dim    Dim
	Visits int64
}

// Dropped lists the breakdowns that reached their limit on some day, with
// the visits counted under Other on all days, and OtherSources the visits
// of unknown sources beyond MaxUnknownSources a day.
func (r *Rollup) Dropped() (d []Dropped, otherSources int64) {
	sum := map[sourceDim]int64{}
	for _, t := range r.days {
		for sd, n := range t.dropped {
			sum[sd] += n
		}
		otherSources += t.otherSources
	}
	for sd, n := range sum {
		d = append(d, Dropped{Source{r.strs[sd.source.name], sd.source.known}, sd.dim, n})
	}
	sortDropped(d)
	return d, otherSources
}
