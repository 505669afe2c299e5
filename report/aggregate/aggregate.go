// Package aggregate sums classified visits into rollups that can be merged,
// and sorts them into the tables the report shows.
package aggregate

import (
	"sort"
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

// Date returns the day's calendar date.
func (d Day) Date() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String formats d as YYYY-MM-DD.
func (d Day) String() string { return d.Date().Format(time.DateOnly) }

// DayFromDate returns the Day of a calendar date (its zone is ignored).
func DayFromDate(t time.Time) Day {
	y, m, dd := t.Date()
	return DayOf(time.Date(y, m, dd, 0, 0, 0, 0, time.UTC).Unix(), time.UTC)
}

// Key identifies one group of visits.
type Key struct {
	Day      Day
	Source   string
	Medium   string
	Evidence rules.Evidence
	// Known is set when Source is a catalog id. An unknown host or
	// utm_source may spell the same as an id ("http://google/"), and must
	// not be counted as that source.
	Known bool
}

// Rollup holds visit counts by Key. The zero value is not usable; call New.
type Rollup struct {
	loc    *time.Location
	groups map[Key]int64
	visits int64
}

// New returns an empty Rollup that buckets days in loc.
func New(loc *time.Location) *Rollup {
	if loc == nil {
		loc = time.UTC
	}
	return &Rollup{loc: loc, groups: make(map[Key]int64)}
}

// Add counts one classified visit.
func (r *Rollup) Add(v *ingest.Visit, res *rules.Result) {
	k := Key{DayOf(v.Time, r.loc), res.Source, res.Medium, res.Evidence, res.Known}
	r.groups[k] += v.Weight
	r.visits += v.Weight
}

// Merge adds o's counts to r.
func (r *Rollup) Merge(o *Rollup) {
	for k, n := range o.groups {
		r.groups[k] += n
	}
	r.visits += o.visits
}

// Visits returns the total of all visits added.
func (r *Rollup) Visits() int64 { return r.visits }

// Span returns the first and last day with visits; ok is false when there
// are none.
func (r *Rollup) Span() (first, last Day, ok bool) {
	for k := range r.groups {
		if !ok || k.Day < first {
			first = k.Day
		}
		if !ok || k.Day > last {
			last = k.Day
		}
		ok = true
	}
	return first, last, ok
}

// Group is one key of a rollup and its visits.
type Group struct {
	Key
	Visits int64
}

// Groups returns every group, sorted by day, source, medium and evidence.
func (r *Rollup) Groups() []Group {
	out := make([]Group, 0, len(r.groups))
	for k, n := range r.groups {
		out = append(out, Group{k, n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Key, out[j].Key
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.Medium != b.Medium {
			return a.Medium < b.Medium
		}
		if a.Evidence != b.Evidence {
			return a.Evidence < b.Evidence
		}
		return !a.Known && b.Known
	})
	return out
}

// Row is one line of a table: a name and its visits.
type Row struct {
	Name   string
	Medium string // for sources
	Known  bool   // for sources: Name is a catalog id
	Visits int64
}

// BySource returns the visits per source and medium between from and to
// (inclusive), most visits first, then by name.
func (r *Rollup) BySource(from, to Day) []Row {
	type sm struct {
		source, medium string
		known          bool
	}
	m := make(map[sm]int64)
	for k, n := range r.groups {
		if k.Day >= from && k.Day <= to {
			m[sm{k.Source, k.Medium, k.Known}] += n
		}
	}
	rows := make([]Row, 0, len(m))
	for k, n := range m {
		rows = append(rows, Row{Name: k.source, Medium: k.medium, Known: k.known, Visits: n})
	}
	sortRows(rows)
	return rows
}

// ByMedium returns the visits per medium between from and to (inclusive),
// most visits first.
func (r *Rollup) ByMedium(from, to Day) []Row {
	m := make(map[string]int64)
	for k, n := range r.groups {
		if k.Day >= from && k.Day <= to {
			m[k.Medium] += n
		}
	}
	rows := make([]Row, 0, len(m))
	for k, n := range m {
		rows = append(rows, Row{Name: k, Visits: n})
	}
	sortRows(rows)
	return rows
}

func sortRows(rows []Row) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Visits != b.Visits {
			return a.Visits > b.Visits
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Medium != b.Medium {
			return a.Medium < b.Medium
		}
		return !a.Known && b.Known
	})
}
