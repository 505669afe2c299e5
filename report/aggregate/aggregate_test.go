package aggregate

import (
	"reflect"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

func TestDayOf(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	for _, tc := range []struct {
		ts   string
		loc  *time.Location
		want string
	}{
		{"2026-11-24T00:00:00Z", time.UTC, "2026-11-24"},
		{"2026-11-24T23:59:59Z", time.UTC, "2026-11-24"},
		{"2026-11-24T23:30:00Z", berlin, "2026-11-25"}, // 00:30 in Berlin
		{"2026-07-01T22:30:00Z", berlin, "2026-07-02"}, // summer time, +2
		{"2026-07-01T21:30:00Z", berlin, "2026-07-01"},
		{"1969-12-31T23:00:00Z", time.UTC, "1969-12-31"},
	} {
		tm, _ := time.Parse(time.RFC3339, tc.ts)
		if got := DayOf(tm.Unix(), tc.loc).String(); got != tc.want {
			t.Errorf("DayOf(%s, %s) = %s, want %s", tc.ts, tc.loc, got, tc.want)
		}
	}
	d := DayFromDate(time.Date(2026, 11, 24, 15, 0, 0, 0, berlin))
	if d.String() != "2026-11-24" {
		t.Errorf("DayFromDate = %s", d)
	}
}

func visit(ts string, weight int64) *ingest.Visit {
	tm, _ := time.Parse(time.RFC3339, ts)
	return &ingest.Visit{Time: tm.Unix(), Weight: weight}
}

func TestRollupTables(t *testing.T) {
	r := New(time.UTC)
	google := &rules.Result{Source: "google", Medium: "search", Evidence: rules.EvidenceReferrer, Known: true}
	fb := &rules.Result{Source: "facebook", Medium: "social", Evidence: rules.EvidenceReferrer, Known: true}
	fbPaid := &rules.Result{Source: "facebook", Medium: "paid_social", Evidence: rules.EvidenceUTM, Known: true}
	r.Add(visit("2026-11-20T10:00:00Z", 3), google)
	r.Add(visit("2026-11-21T10:00:00Z", 2), fb)
	r.Add(visit("2026-11-21T11:00:00Z", 1), fbPaid)
	r.Add(visit("2026-11-22T11:00:00Z", 5), fb) // outside the range below

	first, last, ok := r.Span()
	if !ok || first.String() != "2026-11-20" || last.String() != "2026-11-22" {
		t.Errorf("Span = %s, %s, %v", first, last, ok)
	}
	from, to := DayFromDate(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)), DayFromDate(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC))
	got := r.BySource(from, to)
	want := []Row{
		{Name: "google", Medium: "search", Known: true, Visits: 3},
		{Name: "facebook", Medium: "social", Known: true, Visits: 2},
		{Name: "facebook", Medium: "paid_social", Known: true, Visits: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BySource = %+v, want %+v", got, want)
	}
	gotM := r.ByMedium(from, last)
	wantM := []Row{{Name: "social", Visits: 7}, {Name: "search", Visits: 3}, {Name: "paid_social", Visits: 1}}
	if !reflect.DeepEqual(gotM, wantM) {
		t.Errorf("ByMedium = %+v, want %+v", gotM, wantM)
	}
	if r.Visits() != 11 {
		t.Errorf("Visits = %d, want 11", r.Visits())
	}

	// Merging two halves equals adding everything to one.
	a, b := New(time.UTC), New(time.UTC)
	a.Add(visit("2026-11-20T10:00:00Z", 3), google)
	a.Add(visit("2026-11-21T10:00:00Z", 2), fb)
	b.Add(visit("2026-11-21T11:00:00Z", 1), fbPaid)
	b.Add(visit("2026-11-22T11:00:00Z", 5), fb)
	a.Merge(b)
	if !reflect.DeepEqual(a.groups, r.groups) || a.Visits() != r.Visits() {
		t.Errorf("merged rollup differs:\n%v\n%v", a.groups, r.groups)
	}

	// An unknown host that spells like a catalog id stays apart from it.
	r.Add(visit("2026-11-20T12:00:00Z", 1), &rules.Result{Source: "google", Medium: "referral", Evidence: rules.EvidenceUnknown})
	r.Add(visit("2026-11-20T12:00:00Z", 1), &rules.Result{Source: "google", Medium: "search", Evidence: rules.EvidenceUTM})
	rows := r.BySource(from, from)
	if len(rows) != 3 || rows[0] != (Row{Name: "google", Medium: "search", Known: true, Visits: 3}) {
		t.Errorf("unknown google merged with the catalog's: %+v", rows)
	}
}
