package aggregate

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

func visit(ts, url, ref string, weight int64) *ingest.Visit {
	tm, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		panic(err)
	}
	return &ingest.Visit{Time: tm.Unix(), URL: url, Referrer: ref, Weight: weight}
}

var (
	google  = &rules.Result{Source: "google", Medium: "search", Evidence: rules.EvidenceReferrer, Known: true, Host: "www.google.de"}
	fbPaid  = &rules.Result{Source: "facebook", Medium: "paid_social", Evidence: rules.EvidenceUTM, Known: true, UTMSource: " FB ", UTMMedium: "cpc", UTMCampaign: "spring"}
	direct  = &rules.Result{Source: "direct", Medium: "direct", Evidence: rules.EvidenceDirect}
	unknown = &rules.Result{Source: "blog.example", Medium: "referral", Evidence: rules.EvidenceUnknown, Host: "blog.example"}
)

func TestRollupGroups(t *testing.T) {
	r := New(time.UTC)
	r.Add(visit("2026-11-20T10:00:00Z", "https://shop.example.com/p/1?gclid=x", "https://www.google.de/", 3), google)
	r.Add(visit("2026-11-20T11:00:00Z", "https://shop.example.com/p/1#top", "https://www.google.de/search", 1), google)
	r.Add(visit("2026-11-21T10:00:00Z", "https://shop.example.com/?utm_source=%20FB%20", "", 2), fbPaid)
	r.Add(visit("2026-11-21T12:00:00Z", "/about", "", 1), direct)
	r.Add(visit("2026-11-22T12:00:00Z", "https://shop.example.com", "https://blog.example/post?email=a@b.example#c", 1), unknown)
	// A host no rule knows that spells like a catalog id stays apart.
	r.Add(visit("2026-11-22T12:00:00Z", "https://shop.example.com/", "http://google/", 1), &rules.Result{Source: "google", Medium: "referral", Evidence: rules.EvidenceUnknown, Host: "google"})

	want := []Group{
		{Key{DayFromDate(date(2026, 11, 20)), Source{"google", true}, "search", rules.EvidenceReferrer, false, false}, 4},
		{Key{DayFromDate(date(2026, 11, 21)), Source{"direct", false}, "direct", rules.EvidenceDirect, true, false}, 1},
		{Key{DayFromDate(date(2026, 11, 21)), Source{"facebook", true}, "paid_social", rules.EvidenceUTM, true, true}, 2},
		{Key{DayFromDate(date(2026, 11, 22)), Source{"blog.example", false}, "referral", rules.EvidenceUnknown, false, false}, 1},
		{Key{DayFromDate(date(2026, 11, 22)), Source{"google", false}, "referral", rules.EvidenceUnknown, false, false}, 1},
	}
	if got := r.Groups(); !reflect.DeepEqual(got, want) {
		t.Errorf("Groups:\ngot  %+v\nwant %+v", got, want)
	}
	if r.Visits() != 9 {
		t.Errorf("Visits = %d, want 9", r.Visits())
	}

	details := map[string]int64{}
	for _, d := range r.Details() {
		details[d.Day.String()+" "+d.Source.Name+" "+d.Dim.String()+" "+d.Value] += d.Visits
	}
	for k, n := range map[string]int64{
		"2026-11-20 google host www.google.de":                       4,
		"2026-11-20 google landing_page /p/1":                        4, // no query, no fragment
		"2026-11-21 facebook utm_source  FB ":                        2, // the spelling as written
		"2026-11-21 facebook utm_medium cpc":                         2,
		"2026-11-21 facebook utm_campaign spring":                    2,
		"2026-11-21 facebook landing_page /":                         2,
		"2026-11-21 facebook tags smc:spring":                        2,
		"2026-11-21 direct landing_page /about":                      1,
		"2026-11-22 blog.example referrer https://blog.example/post": 1, // no query: it can hold an address
		// The landing pages of sources outside the catalog, together.
		"2026-11-22 (outside the catalog) landing_page /": 2,
	} {
		if details[k] != n {
			t.Errorf("detail %q = %d, want %d", k, details[k], n)
		}
	}
	if len(details) != 11 {
		t.Errorf("%d details, want 11: %v", len(details), details)
	}
}

// Every visit with a UTM tag counts its set of tags and campaign under its
// own source, direct and internal visits too; untagged visits count none.
func TestRollupTags(t *testing.T) {
	r := New(time.UTC)
	long := strings.Repeat("x", MaxValueLen+10)
	for _, c := range []struct {
		res *rules.Result
		n   int64
	}{
		{fbPaid, 2},
		{&rules.Result{Source: "facebook", Medium: "social", Evidence: rules.EvidenceUTM, Known: true, UTMSource: "fb", UTMCampaign: "spring"}, 3},
		{&rules.Result{Source: "facebook", Medium: "social", Evidence: rules.EvidenceUTM, Known: true, UTMSource: "fb"}, 1},
		{&rules.Result{Source: "direct", Medium: "direct", Evidence: rules.EvidenceDirect, UTMMedium: "email", UTMCampaign: "digest"}, 4},
		{&rules.Result{Source: "internal", Medium: "internal", Evidence: rules.EvidenceInternal, UTMCampaign: long}, 1},
		{google, 5},
		{direct, 6},
	} {
		r.Add(visit("2026-11-21T10:00:00Z", "https://shop.example.com/", "", c.n), c.res)
	}
	got := map[string]int64{}
	for _, d := range r.Details() {
		if d.Dim == DimTags {
			got[d.Source.Name+" "+d.Value] += d.Visits
		}
	}
	want := map[string]int64{
		"facebook smc:spring":                        2,
		"facebook s-c:spring":                        3,
		"facebook s--:":                              1,
		"direct -mc:digest":                          4,
		"internal --c:" + long[:MaxValueLen-4] + "…": 1, // the whole value cut, as every value is
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tags:\ngot  %v\nwant %v", got, want)
	}
	if DimTags.String() != "tags" {
		t.Errorf("DimTags.String() = %q", DimTags)
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// A rollup keeps its own copies: the reader reuses its buffers.
func TestRollupCopies(t *testing.T) {
	r := New(time.UTC)
	buf := []byte("www.google.de")
	res := *google
	res.Host = string(buf) // stands for a string that shares the reader's buffer
	v := visit("2026-11-20T10:00:00Z", "https://shop.example.com/", "https://www.google.de/", 1)
	r.Add(v, &res)
	for _, d := range r.Details() {
		if d.Dim == DimHost && d.Value != "www.google.de" {
			t.Errorf("host = %q", d.Value)
		}
	}
}

// Breakdowns are capped day by day: a flood on one day does not take the
// room of the next.
func TestLimitsPerDay(t *testing.T) {
	r := New(time.UTC)
	for i := range MaxValues + 10 {
		r.Add(visit("2026-11-20T10:00:00Z", fmt.Sprintf("https://shop.example.com/p/%d", i), "https://www.google.de/", 1), google)
	}
	r.Add(visit("2026-11-21T10:00:00Z", "https://shop.example.com/new", "https://www.google.de/", 4), google)
	found := false
	for _, d := range r.Details() {
		if d.Dim == DimLanding && d.Value == "/new" {
			found = d.Visits == 4 && d.Day.String() == "2026-11-21"
		}
	}
	if !found {
		t.Error("the second day's new landing page was not kept")
	}
	if d, _ := r.Dropped(); len(d) != 1 || d[0].Visits != 10 {
		t.Errorf("Dropped = %+v, want 10 visits of the first day", d)
	}
}

// An unknown source keeps its MaxExamples smallest example referrers a
// day, counted in full, whatever order the visits come in.
func TestExamplesSmallest(t *testing.T) {
	var refs []string
	for i := range 12 {
		refs = append(refs, fmt.Sprintf("https://blog.example/%02d", (i*5)%12))
	}
	// peek reads the details halfway too: examples read once still
	// change, and are read again, with the visits that come after.
	count := func(order []int, peek bool) []Detail {
		r := New(time.UTC)
		for n, i := range order {
			if peek && n == len(order)/2 {
				r.Details()
			}
			res := *unknown
			r.Add(visit("2026-11-22T11:00:00Z", "https://shop.example.com/", refs[i], int64(i+1)), &res)
			r.Add(visit("2026-11-22T12:00:00Z", "https://shop.example.com/", refs[i], 1), &res)
		}
		var out []Detail
		for _, d := range r.Details() {
			if d.Dim == DimReferrer {
				out = append(out, d)
			}
		}
		return out
	}
	fwd, rev := make([]int, len(refs)), make([]int, len(refs))
	for i := range refs {
		fwd[i], rev[len(refs)-1-i] = i, i
	}
	a, b := count(fwd, false), count(rev, false)
	if len(a) != MaxExamples || !reflect.DeepEqual(a, b) {
		t.Fatalf("examples depend on order:\n%v\n%v", a, b)
	}
	if c := count(rev, true); !reflect.DeepEqual(a, c) {
		t.Fatalf("examples read halfway:\n%v\nwant\n%v", c, a)
	}
	for k, d := range a {
		want := fmt.Sprintf("https://blog.example/%02d", k)
		i := slices.Index(refs, want)
		if d.Value != want || d.Visits != int64(i+2) {
			t.Errorf("example %d = %s (%d visits), want %s (%d)", k, d.Value, d.Visits, want, i+2)
		}
	}
}

// Examples of every length, pushed out by shorter and longer ones, on
// days frozen and thawed between visits, are the smallest of each source
// and day, counted in full.
func TestExamplesModel(t *testing.T) {
	defer func(n int64) { coldRows = n }(coldRows)
	coldRows = 50
	rng := rand.New(rand.NewPCG(7, 7))
	type key struct {
		day, source string
	}
	want := map[key]map[string]int64{}
	r := New(time.UTC)
	for i := range 5000 {
		// Runs of a day at a time, so that the others go cold.
		day := fmt.Sprintf("2026-11-%02d", 10+(i/100+rng.IntN(2))%4)
		res := *unknown
		res.Source = fmt.Sprintf("blog%d.example", rng.IntN(6))
		ref := "https://" + res.Source + "/" + strings.Repeat("x", rng.IntN(40)) + strconv.Itoa(rng.IntN(30))
		w := int64(1 + rng.IntN(3))
		r.Add(visit(day+"T10:00:00Z", "https://shop.example.com/", ref, w), &res)
		k := key{day, res.Source}
		if want[k] == nil {
			want[k] = map[string]int64{}
		}
		want[k][ref] += w
	}
	got := map[key]map[string]int64{}
	for _, d := range r.Details() {
		if d.Dim == DimReferrer {
			k := key{d.Day.String(), d.Source.Name}
			if got[k] == nil {
				got[k] = map[string]int64{}
			}
			got[k][d.Value] = d.Visits
		}
	}
	frozen := 0
	for _, t := range r.days {
		if t.frozen {
			frozen++
		}
	}
	if frozen == 0 {
		t.Fatal("no day frozen: the test does not pack examples")
	}
	for k, all := range want {
		values := slices.Sorted(maps.Keys(all))
		kept := map[string]int64{}
		for _, v := range values[:min(MaxExamples, len(values))] {
			kept[v] = all[v]
		}
		if !maps.Equal(got[k], kept) {
			t.Errorf("%v: examples\n%v\nwant\n%v", k, got[k], kept)
		}
	}
	if len(got) != len(want) {
		t.Errorf("examples for %d sources and days, want %d", len(got), len(want))
	}
}

// A flood of distinct values fills a breakdown and then counts as dropped,
// and a flood of unknown hosts is summed under OtherSource.
func TestRollupLimits(t *testing.T) {
	r := New(time.UTC)
	for i := range MaxValues + 10 {
		v := visit("2026-11-20T10:00:00Z", fmt.Sprintf("https://shop.example.com/p/%d", i), "https://www.google.de/", 1)
		r.Add(v, google)
	}
	d, other := r.Dropped()
	if len(d) != 1 || d[0].Dim != DimLanding || d[0].Visits != 10 || other != 0 {
		t.Errorf("Dropped = %+v, %d; want 10 landing-page visits", d, other)
	}
	landing := 0
	for _, x := range r.Details() {
		if x.Dim == DimLanding {
			landing++
		}
	}
	if landing != MaxValues {
		t.Errorf("%d landing pages kept, want %d", landing, MaxValues)
	}
	// A value turned away is not kept by the way.
	for i := MaxValues; i < MaxValues+10; i++ {
		if v := fmt.Sprintf("/p/%d", i); slices.Contains(r.strs, v) {
			t.Errorf("dropped landing page %s is interned", v)
		}
	}
	if len(r.cellKeys) > MaxValues+1 { // the pages and the host
		t.Errorf("%d cells for %d values kept", len(r.cellKeys), MaxValues+1)
	}

	// The landing pages of sources outside the catalog are bounded
	// together, whichever source sent the visit.
	r = New(time.UTC)
	for i := range MaxOutsideValues + 7 {
		host := fmt.Sprintf("blog%d.example", i%3)
		r.Add(visit("2026-11-20T10:00:00Z", fmt.Sprintf("https://shop.example.com/p/%d", i), "https://"+host+"/", 1),
			&rules.Result{Source: host, Medium: "referral", Evidence: rules.EvidenceUnknown, Host: host})
	}
	d, _ = r.Dropped()
	if len(d) != 1 || d[0].Source != (Source{Name: Outside}) || d[0].Dim != DimLanding || d[0].Visits != 7 {
		t.Errorf("Dropped = %+v; want 7 landing-page visits of %s", d, Outside)
	}
	landing = 0
	for _, x := range r.Details() {
		if x.Dim == DimLanding {
			if x.Source != (Source{Name: Outside}) {
				t.Fatalf("landing page %q counted under %+v", x.Value, x.Source)
			}
			landing++
		}
	}
	if landing != MaxOutsideValues {
		t.Errorf("%d landing pages kept outside the catalog, want %d", landing, MaxOutsideValues)
	}

	r = New(time.UTC)
	for i := range MaxUnknownSources + 5 {
		host := fmt.Sprintf("spam%d.example", i)
		r.Add(visit("2026-11-20T10:00:00Z", "https://shop.example.com/", "https://"+host+"/", 1),
			&rules.Result{Source: host, Medium: "referral", Evidence: rules.EvidenceUnknown, Host: host})
	}
	if _, other := r.Dropped(); other != 5 {
		t.Errorf("other sources = %d visits, want 5", other)
	}
	n := 0
	for _, g := range r.Groups() {
		if g.Source.Name == OtherSource {
			n += int(g.Visits)
		}
	}
	if n != 5 {
		t.Errorf("OtherSource has %d visits, want 5", n)
	}

	long := strings.Repeat("é", MaxValueLen)
	if c := clip(long); len(c) > MaxValueLen+len("…") || !utf8.ValidString(c) {
		t.Errorf("clip: %d bytes, valid %v", len(c), utf8.ValidString(c))
	}
}

// Sources no rule knows share MaxUnknownDayValues a day: a flood of
// made-up tags, each visit with values of its own, keeps no more than
// that, while every visit is still counted, the next day starts afresh,
// and known sources keep their values.
func TestRollupUnknownDayBudget(t *testing.T) {
	r := New(time.UTC)
	const n = MaxUnknownDayValues
	flood := func(day string, i int) {
		src := fmt.Sprintf("spam%d", i%1000)
		r.Add(visit(day+"T10:00:00Z", "https://shop.example.com/", "", 1),
			&rules.Result{Source: src, Medium: "paid_social", Evidence: rules.EvidenceUTM, UTMSource: src, UTMMedium: "cpc", UTMCampaign: fmt.Sprintf("c%d", i)})
	}
	for i := range n {
		flood("2026-11-20", i)
	}
	late := &rules.Result{Source: "late.example", Medium: "referral", Evidence: rules.EvidenceUnknown, Host: "late.example"}
	r.Add(visit("2026-11-20T11:00:00Z", "https://shop.example.com/", "https://late.example/x", 1), late)
	r.Add(visit("2026-11-20T11:00:00Z", "https://shop.example.com/new", "https://www.google.de/", 1), google)
	flood("2026-11-21", 0)
	r.Add(visit("2026-11-21T11:00:00Z", "https://shop.example.com/", "https://late.example/x", 1), late)

	kept := map[Day]int{}
	var example, googleNew bool
	for _, d := range r.Details() {
		switch {
		case d.Source == Source{Name: "late.example"} && d.Dim == DimReferrer:
			if d.Day == DayFromDate(date(2026, 11, 20)) {
				t.Errorf("example %q kept after the day's budget ran out", d.Value)
			}
			example = true
		case d.Source == Source{Name: "google", Known: true} && d.Value == "/new":
			googleNew = true
		case !d.Source.Known && d.Source.Name != Outside:
			kept[d.Day]++
		}
	}
	if got := kept[DayFromDate(date(2026, 11, 20))]; got != MaxUnknownDayValues {
		t.Errorf("%d values of unknown sources kept on the flooded day, want %d", got, MaxUnknownDayValues)
	}
	if got := kept[DayFromDate(date(2026, 11, 21))]; got != 4 { // utm_source, utm_medium, utm_campaign, tags
		t.Errorf("%d values of unknown sources kept the next day, want 4", got)
	}
	if !example || !googleNew {
		t.Errorf("the next day's example kept: %v; google's new landing page kept: %v", example, googleNew)
	}
	var visits int64
	for _, g := range r.Groups() {
		visits += g.Visits
	}
	if visits != n+4 {
		t.Errorf("%d visits counted, want %d", visits, n+4)
	}
	var dropped int64
	d, _ := r.Dropped()
	for _, x := range d {
		if x.Dim == DimCampaign {
			dropped += x.Visits
		}
	}
	if dropped == 0 || slices.Contains(r.strs, fmt.Sprintf("c%d", n-1)) {
		t.Errorf("campaign visits dropped: %d; last campaign interned: %v", dropped, slices.Contains(r.strs, fmt.Sprintf("c%d", n-1)))
	}
}

// A day whose examples keep being pushed out by smaller ones, long after
// short, packs its text instead of growing with every visit, and keeps
// the smallest examples.
func TestExampleTextBounded(t *testing.T) {
	r := New(time.UTC)
	const n = 20000
	var values []string
	for i := range n {
		v := fmt.Sprintf("https://spam.example/%06d", n-i) // each smaller than the last
		if i%2 == 1 {
			v += strings.Repeat("z", 250)
		}
		values = append(values, v)
		r.Add(visit("2026-11-20T10:00:00Z", "https://shop.example.com/", v, 1),
			&rules.Result{Source: "spam.example", Medium: "referral", Evidence: rules.EvidenceUnknown, Host: "spam.example"})
	}
	tab := r.days[DayFromDate(date(2026, 11, 20))]
	if max := 4 * MaxExamples * (MaxValueLen + 1); len(tab.exampleText) > max {
		t.Errorf("example text is %d bytes after %d visits, want at most %d", len(tab.exampleText), n, max)
	}
	slices.Sort(values)
	want := values[:MaxExamples]
	var got []string
	for _, d := range r.Details() {
		if d.Dim == DimReferrer {
			got = append(got, d.Value)
			if d.Visits != 1 {
				t.Errorf("example %q has %d visits, want 1", d.Value, d.Visits)
			}
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("examples %q, want %q", got, want)
	}
}

func TestLandingPath(t *testing.T) {
	for in, want := range map[string]string{
		"https://shop.example.com/p/1?utm_source=x":      "/p/1",
		"https://shop.example.com":                       "/",
		"https://shop.example.com#top":                   "/",
		"//shop.example.com/a/b":                         "/a/b",
		"/only/path?q":                                   "/only/path",
		"":                                               "/",
		"https://shop.example.com/a#b?c":                 "/a",
		"https://shop.example.com/a?b#c":                 "/a",
		"https://shop.example.com?x=http://y/z":          "/",
		" https://shop.example.com/a\t":                  "/a",
		"\u00a0\u2003https://shop.example.com/a b\u0085": "/a b",
		"\u00a0 //h/\xff ":                               "/\xff",
		"\u3000":                                         "/",
		"\xa0https://h/a":                                "/a", // not a space: a lone byte
	} {
		if got := landingPath(in); got != want {
			t.Errorf("landingPath(%q) = %q, want %q", in, got, want)
		}
		// The memo keeps where the page is in the URL.
		switch lo, hi := landingSpan(in); {
		case lo < 0 && want != "/":
			t.Errorf("landingSpan(%q) = %d, %d: no page, want %q", in, lo, hi, want)
		case lo >= 0 && in[lo:hi] != want:
			t.Errorf("landingSpan(%q) = %d, %d: %q, want %q", in, lo, hi, in[lo:hi], want)
		}
	}
}

// A Preparer's memo by URL key prepares as Prepare does: URLs keyed by
// value, once with a slot each and once all in one slot, pages clipped,
// and a key that lies about its URL's length.
func TestPreparerMemo(t *testing.T) {
	urls := []string{
		"https://shop.example.com/p/1?utm_source=x&gclid=abc",
		"https://shop.example.com/p/1?utm_source=x&gclid=abd",
		"https://shop.example.com",
		"  https://shop.example.com/a\u00a0",
		"//shop.example.com/b#c",
		"https://shop.example.com/" + strings.Repeat("long/", MaxValueLen/4),
		"",
	}
	for _, stride := range []uint64{1, landingMemoSlots} {
		var pr Preparer
		for round := range 3 {
			for i, u := range urls {
				v := visit("2026-11-20T10:00:00Z", u, "https://blog.example/x?y", 1)
				res := unknown
				if i%2 == 0 {
					res = google
				}
				want := Prepare(v, res)
				v.URLKey = uint64(i+1) * stride
				if round == 2 { // a key that lies
					v.URL += "/more"
					want = Prepare(v, res)
				}
				if got := pr.Prepare(v, res); got != want {
					t.Errorf("stride %d round %d, %q: %+v, want %+v", stride, round, v.URL, got, want)
				}
			}
		}
	}
}

// A rollup caches the zone offset of the last visit; across a change of
// summer time it must still bucket every visit as DayOf does.
func TestRollupDaysAcrossZoneChange(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zoneinfo:", err)
	}
	r := New(berlin)
	want := map[Day]int64{}
	// 2026-10-25 01:00 UTC summer time ends in Berlin; step over it by
	// 20 minutes, and back again, so that the cache is both hit and missed.
	start := time.Date(2026, 10, 24, 20, 0, 0, 0, time.UTC).Unix()
	var times []int64
	for ts := start; ts < start+2*86400; ts += 1200 {
		times = append(times, ts)
	}
	times = append(times, start+86400, start, start+3*86400)
	for _, ts := range times {
		r.Add(&ingest.Visit{Time: ts, Weight: 1}, direct)
		want[DayOf(ts, berlin)]++
	}
	got := map[Day]int64{}
	for _, g := range r.Groups() {
		got[g.Day] += g.Visits
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("visits by day = %v, want %v", got, want)
	}
}

// Details sorts on string ranks; the order must be the keys' own: day,
// source name (unknown before known), breakdown, value.
func TestDetailsOrder(t *testing.T) {
	r := New(time.UTC)
	names := []string{"google", "b.example", "a.example", "zz", "google"}
	paths := []string{"/", "/b", "/a", "/Z", "/é", "/a/b"}
	for i := range 500 {
		ts := time.Date(1969, 12, 25, 0, 0, 0, 0, time.UTC).Unix() + int64(i%13)*86400 + int64(i)
		res := rules.Result{Source: names[i%len(names)], Medium: "referral", Evidence: rules.EvidenceUnknown, Host: names[i%len(names)]}
		if i%3 == 0 {
			res.Known, res.Evidence, res.Medium = true, rules.EvidenceReferrer, "search"
		}
		r.Add(&ingest.Visit{Time: ts, URL: "https://shop.example.com" + paths[i%len(paths)], Referrer: "https://" + res.Host + "/x", Weight: 1}, &res)
	}
	d := r.Details()
	for i := 1; i < len(d); i++ {
		if compareDetails(&d[i-1], &d[i]) >= 0 {
			t.Fatalf("Details out of order at %d: %+v before %+v", i, d[i-1].DetailKey, d[i].DetailKey)
		}
	}
	if len(d) < 50 || d[0].Day >= 0 {
		t.Fatalf("test covers too little: %d details, first day %v", len(d), d[0].Day)
	}
	// A snapshot sorts its days on several goroutines into the same order.
	if s := slices.Collect(r.Snapshot().Details()); !reflect.DeepEqual(s, d) {
		t.Errorf("snapshot: %d details, Details %d, or in another order", len(s), len(d))
	}
}

func TestSiteHost(t *testing.T) {
	r := New(time.UTC)
	if r.SiteHost() != "" {
		t.Error("empty rollup has a site host")
	}
	r.Add(visit("2026-11-20T10:00:00Z", "https://Shop.Example.com:443/a", "", 2), direct)
	r.Add(visit("2026-11-20T10:00:00Z", "https://user@www.example.com/b", "", 1), direct)
	r.Add(visit("2026-11-20T10:00:00Z", "/relative", "", 5), direct)
	if h := r.SiteHost(); h != "shop.example.com" {
		t.Errorf("SiteHost = %q, want shop.example.com", h)
	}
}

// Landing hosts are summed on the side while pages stay on one host; the
// counts must be those of counting every visit's pageHost.
func TestSiteHostCounts(t *testing.T) {
	urls := []string{"https://a.example/x", "https://a.example", "https://a.example?q=1", "https://a.examplex/",
		"https://A.example/y", "https://a.example#f", "https://u@a.example:8/", "/rel", "https://a.example/z",
		"http://a.example/", ""}
	r := New(time.UTC)
	want := map[Day]map[string]int64{}
	days := []string{"2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z"}
	for i := range 200 {
		u := urls[(i*7+i/3)%len(urls)]
		ts := days[i/7%2] // the day changes while the host stays
		v := visit(ts, u, "", int64(i%3+1))
		r.Add(v, direct)
		if h := pageHost(u); h != "" {
			d := DayOf(v.Time, time.UTC)
			if want[d] == nil {
				want[d] = map[string]int64{}
			}
			want[d][h] += int64(i%3 + 1)
		}
	}
	r.SiteHost()
	got := map[Day]map[string]int64{}
	for d, t := range r.days {
		got[d] = t.siteHosts
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("site hosts = %v, want %v", got, want)
	}
}

// Days gone cold are frozen and thawed when a late visit comes: the
// rollup counts the same as one that never freezes.
func TestFreeze(t *testing.T) {
	feed := func(r *Rollup, day, pass int, frozen func()) {
		for i := range 400 {
			ts := fmt.Sprintf("2026-11-%02dT%02d:%02d:00Z", 10+day, i%24, i%60)
			url := fmt.Sprintf("https://shop.example.com/p/%d", (i+pass*7)%60)
			r.Add(visit(ts, url, "https://www.google.de/", 1), google)
			r.Add(visit(ts, url, "", 1), fbPaid)
			r.Add(visit(ts, url, "", 1), direct)
			res := *unknown
			res.Source = fmt.Sprintf("blog%d.example", (i+pass)%30)
			r.Add(visit(ts, url, fmt.Sprintf("https://%s/%d", res.Source, (i*pass+i)%11), 1), &res)
		}
		if frozen != nil {
			frozen()
		}
	}
	defer func(n int64) { coldRows = n }(coldRows)
	var rollups [2]*Rollup
	for k, cold := range []int64{1 << 62, 500} {
		coldRows = cold
		r := New(time.UTC)
		for day := range 6 {
			feed(r, day, 0, nil)
		}
		nFrozen := func() (n int) {
			for _, t := range r.days {
				if t.frozen {
					n++
				}
			}
			return n
		}
		if k == 1 && nFrozen() < 4 {
			t.Fatalf("%d of 6 days frozen, want 4 or more", nFrozen())
		}
		// Late visits to old days, new values and old: they thaw.
		for _, day := range []int{0, 3, 1, 0} {
			feed(r, day, day+1, func() {
				if r.days[r.lastDay].frozen {
					t.Fatalf("day %d counted while frozen", day)
				}
			})
		}
		if k == 1 && nFrozen() == 0 {
			t.Fatal("no day frozen after the late visits")
		}
		rollups[k] = r
	}
	for _, day := range rollups[0].Days() {
		if a, b := rollups[0].DayRows(day), rollups[1].DayRows(day); !reflect.DeepEqual(a, b) {
			t.Errorf("day %s: frozen rollup has %d rows, want %d, or other counts", day, len(b), len(a))
		}
	}
	if !sameSnapshot(rollups[0].Snapshot(), rollups[1].Snapshot()) {
		t.Error("frozen rollup's snapshot differs")
	}
}

func TestMediumIndex(t *testing.T) {
	for i, m := range rules.Vocabulary() {
		if got := medium(m); got != uint8(i) {
			t.Errorf("medium(%q) = %d, want %d", m, got, i)
		}
		// A copy, not the vocabulary's own string, as a classification
		// read from sources.yaml holds.
		if got := medium(strings.Clone(m)); got != uint8(i) {
			t.Errorf("medium(copy of %q) = %d, want %d", m, got, i)
		}
		// Every medium has a slot of its own, or it is looked up the
		// slow way: pick another mediumSlot if the vocabulary grows.
		if s := mediumSlot(m); mediumSlots[s] != uint8(i+1) {
			t.Errorf("medium %q shares slot %d", m, s)
		}
	}
	for _, m := range []string{"", "x", "Direct", "paid_searcH", "mail"} {
		if got := medium(m); got != 0 {
			t.Errorf("medium(%q) = %d, want 0 (not in the vocabulary)", m, got)
		}
	}
}

// FuzzLandingSpan checks landingSpan against landingPath as it was
// written before the memo needed places: on trimmed strings.
func FuzzLandingSpan(f *testing.F) {
	for _, s := range []string{"https://h/a?b", " //h/x ", "\u00a0https://h/a\u2003", "\xa0/p", "h://", ""} {
		f.Add(s)
	}
	ref := func(u string) string {
		u = cutQuery(strings.TrimSpace(u))
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
	f.Fuzz(func(t *testing.T, u string) {
		if got, want := landingPath(u), ref(u); got != want {
			t.Fatalf("landingPath(%q) = %q, want %q", u, got, want)
		}
	})
}
