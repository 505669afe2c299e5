package aggregate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/webmasterid/refreport/report/rules"
)

// busyRollup counts visits of every kind over three days, with a full
// breakdown, examples and an overflow of unknown sources on one day.
func busyRollup() *Rollup {
	r := New(time.UTC)
	for i := range 300 {
		day := fmt.Sprintf("2026-11-%02dT%02d:00:00Z", 20+i%3, i%24)
		r.Add(visit(day, fmt.Sprintf("https://shop.example.com/p/%d?x=1", i%40), "https://www.google.de/", 1), google)
		r.Add(visit(day, "https://shop.example.com/", "", 2), fbPaid)
		r.Add(visit(day, "https://www.example.com/a", "", 1), direct)
		res := *unknown
		r.Add(visit(day, "https://shop.example.com/b", fmt.Sprintf("https://blog.example/%d?q=secret", i%9), 1), &res)
	}
	for i := range MaxValues + 3 {
		r.Add(visit("2026-11-21T10:00:00Z", fmt.Sprintf("https://shop.example.com/q/%d", i), "https://www.google.de/", 1), google)
	}
	for i := range MaxUnknownSources + 2 {
		host := fmt.Sprintf("spam%d.example", i)
		r.Add(visit("2026-11-22T10:00:00Z", "https://shop.example.com/", "https://"+host+"/", 1),
			&rules.Result{Source: host, Medium: "referral", Evidence: rules.EvidenceUnknown, Host: host})
	}
	return r
}

// A rollup written day by day and read back is the same rollup, and
// writing it again gives the same bytes.
func TestFileRoundTrip(t *testing.T) {
	r := busyRollup()
	dir := t.TempDir()
	var paths []string
	for _, day := range r.Days() {
		var buf bytes.Buffer
		if err := r.WriteDay(&buf, day); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, day.String()+".parquet")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if len(paths) != 3 {
		t.Fatalf("%d day files, want 3", len(paths))
	}
	for i, day := range busyRollup().Days() {
		var buf bytes.Buffer
		if err := busyRollup().WriteDay(&buf, day); err != nil {
			t.Fatal(err)
		}
		first, err := os.ReadFile(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), first) {
			t.Errorf("%s written again differs", day)
		}
	}
	want := r.Snapshot()
	back, err := ReadSnapshot([][]string{paths}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Groups(), want.Groups()) {
		t.Error("groups differ after a round trip")
	}
	if !reflect.DeepEqual(slices.Collect(back.Details()), slices.Collect(want.Details())) {
		t.Error("details differ after a round trip")
	}
	checkRefs(t, want)
	checkRefs(t, back)
	d1, o1 := want.Dropped()
	d2, o2 := back.Dropped()
	if !reflect.DeepEqual(d1, d2) || o1 != o2 || o1 == 0 || len(d1) == 0 {
		t.Errorf("dropped: %v %d, read back %v %d", d1, o1, d2, o2)
	}
	a1, b1, _ := want.TimeRange()
	a2, b2, _ := back.TimeRange()
	if a1 != a2 || b1 != b2 || want.Visits() != back.Visits() || want.SiteHost() != back.SiteHost() {
		t.Errorf("range %d..%d visits %d host %s; read back %d..%d %d %s",
			a1, b1, want.Visits(), want.SiteHost(), a2, b2, back.Visits(), back.SiteHost())
	}
	// The same days read in another order, or as two sets of days, read
	// the same.
	rev := slices.Clone(paths)
	slices.Reverse(rev)
	for _, sets := range [][][]string{{rev}, {paths[2:], paths[:2]}} {
		s, err := ReadSnapshot(sets, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if !sameSnapshot(s, back) {
			t.Errorf("%v read differently", sets)
		}
		checkRefs(t, s)
	}
	// A day in two sets is an error.
	if _, err := ReadSnapshot([][]string{paths, paths[1:2]}, time.UTC); err == nil || !strings.Contains(err.Error(), "is also in") {
		t.Errorf("a day twice: err = %v", err)
	}

	// Files decoded ahead read the same; a file forgotten after it was
	// prefetched, because it was written again, is read as it is now.
	pre := Prefetch(paths)
	s, err := pre.ReadSnapshot([][]string{paths}, time.UTC)
	pre.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if !sameSnapshot(s, back) {
		t.Error("prefetched files read differently")
	}
	pre = Prefetch(paths)
	pre.settle() // the old day is decoded before it is written again
	other := New(time.UTC)
	other.Add(visit("2026-11-20T08:00:00Z", "https://shop.example.com/new", "", 5), direct)
	var buf bytes.Buffer
	if err := other.WriteDay(&buf, other.Days()[0]); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(paths[0]+".new", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(paths[0]+".new", paths[0]); err != nil {
		t.Fatal(err)
	}
	pre.Forget(paths[0])
	s, err = pre.ReadSnapshot([][]string{paths}, time.UTC)
	pre.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if want := back.Visits() - dayVisits(back, other.Days()[0]) + 5; s.Visits() != want {
		t.Errorf("after a day was written again: %d visits, want %d", s.Visits(), want)
	}
}

// optionalRow is a rollup row as a SQL engine writes it: every column
// optional.
type optionalRow struct {
	Kind       *string `parquet:"kind,optional"`
	Day        *int32  `parquet:"day,optional,date"`
	Source     *string `parquet:"source,optional"`
	Known      *bool   `parquet:"known,optional"`
	Medium     *string `parquet:"medium,optional"`
	Evidence   *string `parquet:"evidence,optional"`
	NoReferrer *bool   `parquet:"no_referrer,optional"`
	Tagged     *bool   `parquet:"tagged,optional"`
	Value      *string `parquet:"value,optional"`
	Other      *bool   `parquet:"other,optional"`
	Visits     *int64  `parquet:"visits,optional"`
	FirstVisit *int64  `parquet:"first_visit,optional"`
	LastVisit  *int64  `parquet:"last_visit,optional"`
}

func writeOptional(t *testing.T, rows []optionalRow) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[optionalRow](&buf)
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

// Files from other writers, with optional columns and a day split over
// rows, read as the same groups summed; bad rows are errors that name the
// row and the column.
func TestReadOptionalAndBad(t *testing.T) {
	day := int32(DayFromDate(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)))
	core := func(n int64) optionalRow {
		return optionalRow{Kind: ptr(KindVisits), Day: ptr(day), Source: ptr("google"), Known: ptr(true),
			Medium: ptr("search"), Evidence: ptr("referrer"), NoReferrer: ptr(false), Tagged: ptr(false), Visits: ptr(n)}
	}
	land := optionalRow{Kind: ptr("landing_page"), Day: ptr(day), Source: ptr("google"), Known: ptr(true), Value: ptr("/a"), Visits: ptr(int64(4))}
	span := optionalRow{Kind: ptr(KindSpan), Day: ptr(day), FirstVisit: ptr(int64(day)*86400 + 10), LastVisit: ptr(int64(day)*86400 + 500)}
	dir := t.TempDir()
	file := func(name string, rows ...optionalRow) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, writeOptional(t, rows), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// One day in two files of one set, as a SQL engine writes it.
	r, err := ReadSnapshot([][]string{{file("a.parquet", core(3), land, span), file("b.parquet", core(2), land)}}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	g := r.Groups()
	if len(g) != 1 || g[0].Visits != 5 || g[0].Source.Name != "google" || g[0].Evidence != rules.EvidenceReferrer {
		t.Errorf("groups = %+v, want google 5", g)
	}
	if d := slices.Collect(r.Details()); len(d) != 1 || d[0].Visits != 8 || d[0].Value != "/a" {
		t.Errorf("details = %+v, want /a 8", d)
	}

	for _, tc := range []struct {
		row  optionalRow
		want string
	}{
		{optionalRow{Kind: ptr("bogus"), Day: ptr(day), Source: ptr("x")}, `row 2: kind: unknown "bogus"`},
		{func() optionalRow { r := core(1); r.Medium = ptr("<script>"); return r }(), `row 2: medium: "<script>" is not in the vocabulary`},
		{func() optionalRow { r := core(-1); return r }(), "row 2: visits: negative"},
		{func() optionalRow { r := core(1); r.Day = ptr(int32(200000)); return r }(), "row 2: day: 200000 is not between 1900 and 2200"},
		{optionalRow{Kind: ptr("host"), Day: ptr(day), Value: ptr("x")}, "row 2: source: empty"},
	} {
		p := file("bad.parquet", core(1), tc.row, span)
		_, err := ReadSnapshot([][]string{{p}}, time.UTC)
		if err == nil || err.Error() != p+": "+tc.want {
			t.Errorf("err = %v, want %s: %s", err, p, tc.want)
		}
	}
	if _, err := ReadSnapshot([][]string{{file("nospan.parquet", core(1))}}, time.UTC); err == nil || !strings.Contains(err.Error(), "no span row") {
		t.Errorf("no span: err = %v", err)
	}
	if _, err := readRows(strings.NewReader("PAR1 not really"), 15, nil); err == nil {
		t.Error("garbage read without error")
	}
}

// dayVisits sums s's visits on day.
func dayVisits(s *Snapshot, day Day) int64 {
	var n int64
	for _, g := range s.Groups() {
		if g.Day == day {
			n += g.Visits
		}
	}
	return n
}

// settle returns once every file not yet taken is decoded.
func (pre *Prefetched) settle() {
	pre.mu.Lock()
	var parts []*prefetch
	for _, f := range pre.parts {
		parts = append(parts, f)
	}
	pre.mu.Unlock()
	for _, f := range parts {
		d := <-f.done
		f.done <- d
	}
}

// sameSnapshot reports whether a and b hold the same groups and totals.
// How their details are stored may differ.
func sameSnapshot(a, b *Snapshot) bool {
	da, oa := a.Dropped()
	db, ob := b.Dropped()
	ma, na, _ := a.TimeRange()
	mb, nb, _ := b.TimeRange()
	return reflect.DeepEqual(a.Groups(), b.Groups()) &&
		reflect.DeepEqual(slices.Collect(a.Details()), slices.Collect(b.Details())) &&
		reflect.DeepEqual(da, db) && oa == ob && ma == mb && na == nb &&
		a.Visits() == b.Visits() && a.SiteHost() == b.SiteHost() && a.Location() == b.Location()
}

// checkRefs checks that DetailsOf yields the details of the breakdowns
// asked for, and that groups with one ref have one value.
func checkRefs(t *testing.T, s *Snapshot) {
	t.Helper()
	var landing []Detail
	for d := range s.Details() {
		if d.Dim == DimLanding {
			landing = append(landing, d)
		}
	}
	var got []Detail
	for d := range s.DetailsOf(DimLanding) {
		got = append(got, d)
	}
	if !reflect.DeepEqual(got, landing) || len(got) == 0 {
		t.Errorf("DetailsOf(DimLanding) yields %d details, want the %d of Details", len(got), len(landing))
	}
	n := 0
	values := map[ValueRef]string{}
	tables := map[uint32]bool{}
	for d, ref := range s.DetailsOf(allDims[:]...) {
		n++
		tables[ref.Table] = true
		if v, ok := values[ref]; ok && v != d.Value {
			t.Fatalf("ref %v stands for %q and %q", ref, v, d.Value)
		}
		values[ref] = d.Value
	}
	if len(values) == 0 {
		t.Error("no details")
	}
	t.Logf("%d details, %d refs in %d tables", n, len(values), len(tables))
}
