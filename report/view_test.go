package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/render"
	"github.com/webmasterid/refreport/report/rules"
)

func day(s string) aggregate.Day {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return aggregate.DayFromDate(t)
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		name, asOf                        string
		from, to, prevFrom, prevTo, label string
	}{
		{"28d", "2026-11-24", "2026-10-28", "2026-11-24", "2026-09-30", "2026-10-27", "28 days"},
		{"7d", "2026-11-24", "2026-11-18", "2026-11-24", "2026-11-11", "2026-11-17", "7 days"},
		{"90d", "2026-11-24", "2026-08-27", "2026-11-24", "2026-05-29", "2026-08-26", "90 days"},
		{"month", "2026-11-24", "2026-11-01", "2026-11-24", "2026-10-01", "2026-10-24", "November 2026 to date"},
		{"month", "2026-03-31", "2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28", "March 2026 to date"},
	} {
		cur, prev := periods(tc.name, day(tc.asOf))
		got := []string{cur.from.String(), cur.to.String(), prev.from.String(), prev.to.String(), cur.label}
		want := []string{tc.from, tc.to, tc.prevFrom, tc.prevTo, tc.label}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("periods(%s, %s) = %v, want %v", tc.name, tc.asOf, got, want)
		}
	}
	if CheckPeriod("week") == nil {
		t.Error("CheckPeriod accepted week")
	}
}

func TestDefaultAsOf(t *testing.T) {
	for ts, want := range map[string]string{
		"2026-11-24T23:30:00Z": "2026-11-24", // the day reached its last hour: complete
		"2026-11-25T02:00:00Z": "2026-11-24", // a nightly export with two hours of today
		"2026-11-24T22:59:59Z": "2026-11-23",
	} {
		tm, _ := time.Parse(time.RFC3339, ts)
		if got := defaultAsOf(tm.Unix(), time.UTC).String(); got != want {
			t.Errorf("defaultAsOf(%s) = %s, want %s", ts, got, want)
		}
	}
}

// shopRules returns the shipped catalog, compiled for a site on
// shop.example.com.
func shopRules(t *testing.T) (*rules.Catalog, *rules.Matcher) {
	t.Helper()
	cat, err := rules.Load("../sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := rules.Compile(cat, []string{"shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return cat, m
}

// testSite classifies visits given as "day referrer url" lines with the
// shipped catalog and builds the site model for a 7-day period.
func testSite(t *testing.T, asOf string, lines ...string) *render.Site {
	t.Helper()
	cat, m := shopRules(t)
	cl := m.NewClassifier()
	r := aggregate.New(time.UTC)
	for _, line := range lines {
		f := strings.Fields(line)
		for len(f) < 3 {
			f = append(f, "")
		}
		v := ingest.Visit{Time: day(f[0]).Date().Unix() + 12*3600, Referrer: f[1], URL: f[2], Weight: 1}
		if v.URL == "" {
			v.URL = "https://shop.example.com/"
		}
		res := cl.Classify(&v)
		r.Add(&v, &res)
	}
	first, last, _ := r.Span()
	v := &view{cat: cat, r: r.Snapshot(), stats: &ingest.Stats{Rows: int64(len(lines))}, coverage: period{from: first, to: last}, asOf: day(asOf),
		hostSource: hostClassifier(m)}
	v.cur, v.prev = periods("7d", v.asOf)
	return siteModel(v)
}

func TestSiteModel(t *testing.T) {
	s := testSite(t, "2026-11-24",
		// previous period: google only
		"2026-11-12 https://www.google.com/",
		"2026-11-13 https://www.google.de/",
		// this period
		"2026-11-20 https://www.google.co.uk/",
		"2026-11-21 https://es.aliexpress.com/item/1.html",
		"2026-11-21 https://s.click.aliexpress.com/e/_x",
		"2026-11-22 - https://shop.example.com/p?utm_source=AliExpress",
		"2026-11-22 https://blog.example/post?who=me@example.com",
		"2026-11-23 https://blog.example/other",
		"2026-11-23 https://shop.example.com/cart", // internal
		"2026-11-24", // direct
	)
	ix := s.Index
	if ix.Visits.Current != 8 || ix.Visits.Previous != 2 || ix.Internal != 1 || ix.External != 7 {
		t.Errorf("index totals: %+v internal %d external %d", ix.Visits, ix.Internal, ix.External)
	}
	if ix.NoReferrer.Visits != 2 || ix.Tagged.Visits != 1 || ix.Unrecognised.Visits != 2 {
		t.Errorf("shares: no referrer %+v, tagged %+v, unrecognised %+v", ix.NoReferrer, ix.Tagged, ix.Unrecognised)
	}
	rows := map[string]render.Row{}
	for _, r := range ix.TopSources.Rows {
		rows[r.Name] = r
		if r.Name == "Internal" {
			t.Error("internal visits ranked among sources")
		}
	}
	if r := rows["AliExpress"]; r.Visits != 3 || r.Change == nil || !r.Change.New || r.Link == nil || r.Link.Href != "sources/aliexpress.html" {
		t.Errorf("AliExpress row: %+v", r)
	}
	if r := rows["Google"]; r.Visits != 1 || r.Change == nil || r.Change.New || r.Change.Ratio != -0.5 {
		t.Errorf("Google row: %+v %+v", r, r.Change)
	}
	if r := rows["blog.example"]; r.Note != "not in catalog" || r.Link != nil || r.Share != 2.0/7 {
		t.Errorf("blog.example row: %+v", r)
	}

	var ali *render.SourcePage
	for i := range s.Sources {
		if s.Sources[i].ID == "aliexpress" {
			ali = &s.Sources[i]
		}
	}
	if ali == nil {
		t.Fatal("no AliExpress page")
	}
	if ali.Status != "Partially verified" || ali.Visits.Current != 3 || !ali.LowVolume {
		t.Errorf("AliExpress page: status %q, visits %+v, low volume %v", ali.Status, ali.Visits, ali.LowVolume)
	}
	kinds := map[string]int64{}
	for _, e := range ali.Recognised {
		kinds[e.Kind] = e.Visits
	}
	if kinds["referrer"] != 1 || kinds["redirect"] != 1 || kinds["utm"] != 1 {
		t.Errorf("recognised: %+v", ali.Recognised)
	}
	hosts := map[string]int64{}
	for _, r := range ali.Hosts.Rows {
		hosts[r.Name] = r.Visits
	}
	if hosts["es.aliexpress.com"] != 1 || hosts["s.click.aliexpress.com"] != 1 {
		t.Errorf("hosts folded into AliExpress: %v", hosts)
	}
	if len(ali.Spellings.Rows) != 1 || ali.Spellings.Rows[0].Name != "AliExpress" {
		t.Errorf("spellings: %+v", ali.Spellings.Rows)
	}
	for _, sec := range ali.Sections {
		if sec.Missing {
			t.Errorf("AliExpress section %s marked missing", sec.ID)
		}
	}

	// A catalog source with visits but no editorial page: every section
	// is marked missing, none is an empty heading.
	for _, p := range s.Sources {
		if p.ID != "google" {
			continue
		}
		for _, sec := range p.Sections {
			if len(sec.Claims) == 0 && !sec.Missing {
				t.Errorf("google: empty section %s not marked missing", sec.ID)
			}
		}
	}

	u := s.Unknown
	if len(u.Hosts) != 1 || u.Hosts[0].Host != "blog.example" || u.Hosts[0].Visits != 2 {
		t.Fatalf("unrecognised: %+v", u.Hosts)
	}
	for _, ex := range u.Hosts[0].Examples {
		if strings.Contains(ex, "?") || strings.Contains(ex, "@") {
			t.Errorf("example referrer keeps its query: %q", ex)
		}
	}

	found := false
	for _, g := range s.Index.Directory {
		for _, l := range g.Links {
			found = found || l.Href == "sources/aliexpress.html"
		}
	}
	if !found {
		t.Error("the index does not link the AliExpress page")
	}
}

func TestGaps(t *testing.T) {
	daily := map[aggregate.Day]int64{}
	cov := period{from: day("2026-10-01"), to: day("2026-10-31")}
	for d := cov.from; d <= cov.to; d++ {
		daily[d] = 100
	}
	delete(daily, day("2026-10-10"))
	daily[day("2026-10-15")] = 40 // a Thursday under half the usual 100
	daily[day("2026-10-16")] = 60 // low, but not under half
	got := gaps(daily, cov)
	if len(got) != 2 || got[0].Day != "2026-10-10" || got[0].Note != "no data" || got[1].Day != "2026-10-15" {
		t.Errorf("gaps = %+v", got)
	}

	// Days without data in a row are one note: one stray visit years
	// before the rest does not list every day between.
	cov.from = day("2016-10-01")
	daily[cov.from] = 1
	for _, d := range []string{"2026-10-20", "2026-10-21", "2026-10-22"} {
		delete(daily, day(d))
	}
	got = gaps(daily, cov)
	want := []render.DayNote{
		{Day: "2016-10-01", Visits: 1, Note: "under half the median of Saturdays (100)"},
		{Day: "2016-10-02", Last: "2026-09-30", Note: "no data (3,651 days)"},
		{Day: "2026-10-10", Note: "no data"},
		{Day: "2026-10-15", Visits: 40, Note: "under half the median of Thursdays (100)"},
		{Day: "2026-10-20", Last: "2026-10-22", Note: "no data (3 days)"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("gaps with runs:\n%+v\nwant\n%+v", got, want)
	}
}

func TestHygieneAndHidden(t *testing.T) {
	s := testSite(t, "2026-11-24",
		"2026-11-20 - https://shop.example.com/deep?utm_source=AliExpress",
		"2026-11-20 - https://shop.example.com/deep?utm_source=aliexpress",
		"2026-11-21 - https://shop.example.com/deep?utm_source=aliexpress&utm_medium=banana",
		// a link tagged for Facebook, followed from Reddit
		"2026-11-21 https://www.reddit.com/r/x https://shop.example.com/q?utm_source=facebook",
		// a newsletter read in Gmail is not a link that travelled
		"2026-11-21 https://mail.google.com/ https://shop.example.com/q?utm_source=facebook",
		// a deep page: AliExpress sends all its 5 recognised visits there,
		// a blog 2; 10 direct visits land there
		"2026-11-22 https://es.aliexpress.com/ https://shop.example.com/deep",
		"2026-11-22 https://es.aliexpress.com/ https://shop.example.com/deep",
		"2026-11-22 https://blog.example/ https://shop.example.com/deep",
		"2026-11-22 https://blog.example/ https://shop.example.com/deep",
		"2026-11-23 - https://shop.example.com/deep", "2026-11-23 - https://shop.example.com/deep",
		"2026-11-23 - https://shop.example.com/deep", "2026-11-23 - https://shop.example.com/deep",
		"2026-11-23 - https://shop.example.com/deep", "2026-11-23 - https://shop.example.com/deep",
		"2026-11-23 - https://shop.example.com/deep", "2026-11-23 - https://shop.example.com/deep",
		"2026-11-23 - https://shop.example.com/deep", "2026-11-23 - https://shop.example.com/deep",
		// direct visits to the home page are never shared out
		"2026-11-23 - https://shop.example.com/", "2026-11-23 - https://shop.example.com/",
	)
	h := s.Hygiene
	if len(h.Spellings) != 2 || h.Spellings[0].Value != "aliexpress" || h.Spellings[1].Value != "AliExpress" ||
		!strings.HasPrefix(h.Spellings[0].Advice, "Keep") || !strings.Contains(h.Spellings[1].Advice, "utm_source=aliexpress") {
		t.Errorf("spellings: %+v", h.Spellings)
	}
	if len(h.Mediums) != 1 || h.Mediums[0].Value != "banana" || !strings.Contains(h.Mediums[0].Advice, "utm_medium=marketplace") {
		t.Errorf("mediums: %+v", h.Mediums)
	}
	if len(h.Travelled) != 1 || h.Travelled[0].Value != "www.reddit.com" || h.Travelled[0].Source.Text != "Facebook" {
		t.Errorf("travelled: %+v", h.Travelled)
	}

	var ali *render.SourcePage
	for i := range s.Sources {
		if s.Sources[i].ID == "aliexpress" {
			ali = &s.Sources[i]
		}
	}
	if ali == nil || ali.Hidden == nil {
		t.Fatal("no estimate for AliExpress")
	}
	e := ali.Hidden
	// The two cannot be told apart on one page: the 10 direct visits are
	// shared out 5 to 2, as their recognised visits are.
	if e.Point != 7 || e.Deep != 7 || e.Reach != 1 || e.Low > 7 || e.High < 7 || e.Low >= e.High ||
		len(e.Pages) != 1 || e.Pages[0].Path != "/deep" || e.Pages[0].Point != 7 || e.Pages[0].Direct != 10 {
		t.Errorf("estimate: %+v", e)
	}
	if ali.Visits.Current != 5 {
		t.Errorf("the estimate leaked into measured visits: %d", ali.Visits.Current)
	}
	if len(ali.Hygiene) != 3 {
		t.Errorf("AliExpress page hygiene rows: %+v", ali.Hygiene)
	}
}

func TestPartialCampaigns(t *testing.T) {
	s := testSite(t, "2026-11-24",
		// a campaign tagged in full on some links, without utm_medium on one
		"2026-11-20 - https://shop.example.com/p?utm_source=aliexpress&utm_medium=marketplace&utm_campaign=Store_Page",
		"2026-11-20 - https://shop.example.com/p?utm_source=aliexpress&utm_medium=marketplace&utm_campaign=store_page",
		"2026-11-21 - https://shop.example.com/p?utm_source=AliExpress&utm_campaign=store_page",
		// tagged without a campaign
		"2026-11-21 - https://shop.example.com/p?utm_source=facebook&utm_medium=paid_social",
		// a campaign without utm_source: direct, twice
		"2026-11-22 - https://shop.example.com/p?utm_medium=email&utm_campaign=digest",
		"2026-11-22 - https://shop.example.com/p?utm_medium=email&utm_campaign=digest",
		// tags on a link within the site
		"2026-11-22 https://shop.example.com/ https://shop.example.com/p?utm_campaign=banner",
		// tagged in full: nothing to say
		"2026-11-23 - https://shop.example.com/p?utm_source=google&utm_medium=cpc&utm_campaign=brand",
		// before the period: left out
		"2026-11-10 - https://shop.example.com/p?utm_source=google&utm_campaign=brand",
	)
	got := s.Hygiene.Campaigns
	if len(got) != 4 {
		t.Fatalf("campaigns: %+v", got)
	}
	// Most visits without all three tags first, then most visits.
	d, ali, fb, in := got[0], got[1], got[2], got[3]
	if d.Source.Text != "Direct" || d.Source.Href != "" || d.Campaign != "digest" || d.Partial != 2 ||
		!strings.Contains(d.Advice, "add a utm_source") || !strings.Contains(d.Advice, "“digest”") {
		t.Errorf("direct: %+v", d)
	}
	if ali.Source.Href != "sources/aliexpress.html" || ali.Campaign != "store_page" || ali.Visits != 3 || ali.Partial != 1 ||
		len(ali.Sets) != 2 || ali.Sets[0] != (render.TagSet{Tags: "all three tags", Visits: 2}) || ali.Sets[1] != (render.TagSet{Tags: "without utm_medium", Visits: 1}) ||
		!strings.Contains(ali.Advice, "add utm_medium=marketplace (the medium most tagged visits from AliExpress carry) to the links of campaign “store_page”: some of its links already carry all three") {
		t.Errorf("aliexpress: %+v", ali)
	}
	if fb.Source.Text != "Facebook" || fb.Campaign != "" || fb.Partial != 1 || !strings.Contains(fb.Advice, "utm_campaign") {
		t.Errorf("facebook: %+v", fb)
	}
	if in.Source.Text != "Internal" || in.Campaign != "banner" || !strings.Contains(in.Advice, "Remove the tags from internal links") {
		t.Errorf("internal: %+v", in)
	}
	for _, p := range s.Sources {
		if p.ID == "aliexpress" && (len(p.HygieneCampaigns) != 1 || p.HygieneCampaigns[0].Campaign != "store_page") {
			t.Errorf("AliExpress page campaigns: %+v", p.HygieneCampaigns)
		}
		if p.ID == "google" && len(p.HygieneCampaigns) != 0 {
			t.Errorf("Google page campaigns: %+v", p.HygieneCampaigns)
		}
	}
}

// Size limits of sources no rule knows are told one line a breakdown,
// however many sources reached them; a catalog source's, one line each.
func TestCapsLines(t *testing.T) {
	var lines []string
	for i := range aggregate.MaxValues + 3 {
		lines = append(lines, fmt.Sprintf("2026-11-24 https://www.google.com/ https://shop.example.com/p/%d", i))
	}
	for _, src := range []string{"spam1", "spam2"} {
		for i := range aggregate.MaxUnknownValues + 2 {
			lines = append(lines, fmt.Sprintf("2026-11-24 - https://shop.example.com/?utm_source=%s&utm_medium=email&utm_campaign=c%d", src, i))
		}
	}
	s := testSite(t, "2026-11-24", lines...)
	want := []string{
		"Google: landing_page kept its first 1,000 values a day; 3 visits with other values are counted as “other”.",
		"Sources no rule knows: utm_campaign kept its first 200 values a source a day, and fewer once such sources held 20,000 values together that day; 4 visits with other values, from 2 sources, are counted as “other”.",
		"Sources no rule knows: tags kept its first 200 values a source a day, and fewer once such sources held 20,000 values together that day; 4 visits with other values, from 2 sources, are counted as “other”.",
	}
	if !slices.Equal(s.Quality.Caps, want) {
		t.Errorf("caps:\n%s\nwant\n%s", strings.Join(s.Quality.Caps, "\n"), strings.Join(want, "\n"))
	}
}

// The chart of every visit read has a bar a day, or a bar a month when
// the data spans more than maxDailyBars days: here one stray visit ten
// years before the rest.
func TestCoverageBars(t *testing.T) {
	daily := map[aggregate.Day]int64{day("2026-10-30"): 5, day("2026-10-31"): 7, day("2026-11-01"): 2}
	labels, vals, per := coverageBars(daily, period{from: day("2026-10-30"), to: day("2026-11-01")})
	if per != "day" || !slices.Equal(labels, []string{"2026-10-30", "2026-10-31", "2026-11-01"}) || !slices.Equal(vals, []int64{5, 7, 2}) {
		t.Errorf("days: %s %q %v", per, labels, vals)
	}
	daily[day("2016-10-15")] = 1
	labels, vals, per = coverageBars(daily, period{from: day("2016-10-15"), to: day("2026-11-01")})
	if per != "month" || len(labels) != 122 || labels[0] != "2016-10" || labels[120] != "2026-10" || labels[121] != "2026-11" {
		t.Fatalf("months: %s, %d labels, %q ... %q", per, len(labels), labels[0], labels[len(labels)-1])
	}
	if vals[0] != 1 || vals[1] != 0 || vals[120] != 12 || vals[121] != 2 {
		t.Errorf("months: %v ... %v", vals[:2], vals[120:])
	}
}

// One visit stamped years after the rest makes a period of nothing, and
// the warning says where the visits are.
func TestWarningEmptyPeriod(t *testing.T) {
	s := testSite(t, "2098-12-31", "2026-11-20 https://www.google.com/", "2026-11-21 https://www.google.com/", "2099-01-01 https://www.google.com/")
	want := "No visits fall in the period, 2098-12-25 to 2098-12-31; the last day with visits before it is 2026-11-21. Check the data's latest timestamps, or set --as-of."
	if !slices.Contains(s.Index.Warnings, want) {
		t.Errorf("warnings:\n%s\nwant among them\n%s", strings.Join(s.Index.Warnings, "\n"), want)
	}
	s = testSite(t, "2026-11-21", "2026-11-20 https://www.google.com/", "2026-11-21 https://www.google.com/")
	for _, w := range s.Index.Warnings {
		if strings.HasPrefix(w, "No visits fall in the period") {
			t.Errorf("warning for a period with visits: %s", w)
		}
	}
}
