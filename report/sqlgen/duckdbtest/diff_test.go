// Package duckdbtest runs the DuckDB query of package sqlgen through DuckDB
// and requires the rollup the Go path computes from the same file. It is a
// module of its own so that the refreport binary stays pure Go.
package duckdbtest

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/gen"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
	"github.com/webmasterid/refreport/report/sqlgen"
)

const root = "../../.."

var siteHosts = []string{"shop.example.com"}

func TestSample(t *testing.T) {
	compare(t, filepath.Join(root, "testdata", "sample.csv"))
}

func TestGenerated(t *testing.T) {
	compare(t, generatedCSV(t))
}

// generatedCSV writes the visits of refreport gen with seed 7, 100,000 of
// them (10,000 with -short), and returns the file's path.
func generatedCSV(t *testing.T) string {
	t.Helper()
	rows := int64(100000)
	if testing.Short() {
		rows = 10000
	}
	path := filepath.Join(t.TempDir(), "visits.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	o := gen.DefaultOptions()
	o.Rows, o.Seed = rows, 7
	if err := gen.Write(f, o); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestParquet reads generated Parquet as the README's DuckDB recipe does.
func TestParquet(t *testing.T) {
	path := filepath.Join(t.TempDir(), "visits.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	o := gen.DefaultOptions()
	o.Rows, o.Seed, o.Format = 20000, 11, "parquet"
	if err := gen.Write(f, o); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	compare(t, path)
}

// TestEdges runs the referrers of report/rules/testdata/real_referrers.tsv
// and hand-written tag, click-id, user-agent and parsing cases, one visit
// a day so that every visit is a group of its own.
func TestEdges(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "report", "rules", "testdata", "real_referrers.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	type visit struct{ url, ref, ua string }
	var vs []visit
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "referrer\t") {
			continue
		}
		ref, _, _ := strings.Cut(line, "\t")
		vs = append(vs, visit{"https://www.example.com/landing", ref, ""})
	}
	const shop = "https://shop.example.com/"
	for _, ref := range []string{
		"", " ", "null", "NULL", "-", "about:blank", "(direct)", "javascript:alert(1)", "file:///c:/x",
		"mailto:a@b.c", "localhost:3000/x", "http://127.0.0.1/", "http://[::1]/", "http://0.0.0.0/",
		"//www.google.com/", "www.google.com/search?q=x", "HTTPS://WWW.GOOGLE.DE./", "https://user:pw@www.bing.com:443/x",
		"https://www.google.com\\@evil.test/", "https://", "http:/x", "/relative", "?q", "#x",
		"android-app://com.google.android.gm/", "android-app://com.Example.App", "android-app:/x", "android-app://",
		"https://docs.google.com/x", "https://docs.google.co.uk/x", "https://mail.google.com/", "https://x.com/i/grok",
		"https://x.com/I/Grok/abc", "https://x.com/i/grokking", "https://x.com/i/grok?x=1", "https://www.google.de/maps/place",
		"https://www.google.com/url?q=x", "https://google.com.evil.test/", "https://fr.semalt.com/", "https://checkout.stripe.com/p",
		"https://www.paypal.de/", "https://www.shop.example.com/", "https://blog.example.com/", "https://www.example.org/a",
		"https://sub.www.example.org/", "https://www.a_b.test/", "https://exa mple.com/",
		"https://[2001:db8::1]/", "https://1.2.3.4/", "https://host:abc/", "https://www.google.co.kr/", "https://google.com.br/",
		"https://search.yahoo.co.jp/", "https://www.amazon.co.uk/", "https://yandex.com.tr/",
	} {
		vs = append(vs, visit{shop, ref, ""})
	}
	for _, u := range []string{
		"?utm_source=Google&utm_medium=cpc", "?UTM_SOURCE=%20AliExpress%20&utm_medium=CPC", "?utm_source=&utm_source=bing",
		"?utm_source=null&utm_medium=email", "?utm_source=(not%20set)", "#utm_source=newsletter", "#/route?utm_source=facebook&utm_medium=paid_social",
		"?utm_source=null#utm_source=reddit", "?utm_source=google&gclid=abc", "?utm_source=google&utm_medium=organic&gclid=x",
		"?gclid=+", "?gclid=%20&fbclid=x", "?GCLID=a&msclkid=b", "?msclkid=b&gclid=a", "?fbclid=%zz", "#gclid=1",
		"?utm_source=my+shop&utm_medium=e-mail", "?utm_source=%E2%80%8Bx", "?utm_source=x&utm_medium=%",
		"?utm_source=ddg&utm_medium=banner", "?utm_source=unknownthing&utm_medium=sms", "?utm_source=unknownthing",
		"?utm_source=unknownthing&utm_medium=ppc", "?utm_source=%20%20", "?utm_medium=cpc", "?a=1&&utm_source==x",
	} {
		vs = append(vs, visit{shop + u, "https://www.google.com/", ""})
		vs = append(vs, visit{shop + u, "", ""})
	}
	for _, ua := range []string{
		"Mozilla/5.0 [FBAN/FBIOS;FBAV/1]", "Mozilla/5.0 Instagram 410.0.0.27.92", "Mozilla/5.0 XInstagram 1",
		"Mozilla/5.0 Instagrammer", "Line/13.1 Mozilla", "Mozilla [FBAN/MessengerForiOS;]", "Twitter for iPhone",
		"MicroMessenger/8.0 Instagram 1", "AliApp(AE/1)",
	} {
		vs = append(vs, visit{shop, "", ua})
		vs = append(vs, visit{shop, "https://l.facebook.com/", ua})
	}
	path := filepath.Join(t.TempDir(), "edges.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"ts", "url", "referrer", "user_agent"})
	day := time.Date(2020, 1, 1, 12, 0, 0, 0, time.UTC)
	for i, v := range vs {
		w.Write([]string{day.AddDate(0, 0, i).Format(time.RFC3339), v.url, v.ref, v.ua})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	compare(t, path)
}

// TestLong cuts long values, whatever bytes the cut falls in, and caps
// breakdowns: one source's landing pages, an unknown source's tags and
// an unknown host's referrer examples, arriving so that the first values
// to arrive are also the top ones.
func TestLong(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,url,referrer,user_agent\n")
	day := time.Date(2022, 3, 1, 10, 0, 0, 0, time.UTC)
	at := func(d int) string { return day.AddDate(0, 0, d).Format(time.RFC3339) }
	// Runes of 1 to 4 bytes straddling byte 300 at every offset, in a
	// landing page, an unknown utm_source (the source's name too), a
	// campaign and an unknown host's referrer.
	for i, r := range []string{"é", "€", "😀", "a"} {
		for n := 290; n <= 302; n++ {
			long := strings.Repeat("a", n) + strings.Repeat(r, 4)
			fmt.Fprintf(&b, "%s,https://shop.example.com/%s?utm_source=%s&utm_campaign=%s,https://www.long.example/%s,\n",
				at(i), long, long, long, long)
		}
	}
	// 5,050 pages from unknown hosts, whose landing pages are counted
	// together: the first 5,000 twice, first.
	for round := 0; round < 2; round++ {
		for i := 0; i < 5000; i++ {
			fmt.Fprintf(&b, "%s,https://shop.example.com/p%04d,https://many%d.example/r%04d,\n", at(5), i, i%3, i)
		}
	}
	for i := 5000; i < 5050; i++ {
		fmt.Fprintf(&b, "%s,https://shop.example.com/p%04d,https://many%d.example/r%04d,\n", at(5), i, i%3, i)
	}
	// 250 campaigns of an unknown utm_source, the same way.
	for round := 0; round < 2; round++ {
		for i := 0; i < 200; i++ {
			fmt.Fprintf(&b, "%s,https://shop.example.com/?utm_source=zine&utm_campaign=c%03d,,\n", at(6), i)
		}
	}
	for i := 200; i < 250; i++ {
		fmt.Fprintf(&b, "%s,https://shop.example.com/?utm_source=zine&utm_campaign=c%03d,,\n", at(6), i)
	}
	path := filepath.Join(t.TempDir(), "long.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	nfull, same := compareWith(t, filepath.Join(root, "sources.yaml"), path)
	if nfull != 3 || same != 3 {
		t.Errorf("%d full breakdowns, %d keep the same values; want 3 and 3", nfull, same)
	}
}

// TestColumns reads tags and weights from columns of their own.
func TestColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "columns.csv")
	var b strings.Builder
	b.WriteString("ts,url,referrer,user_agent,utm_source,utm_medium,utm_campaign,visits\n")
	srcs := []string{"", " ", "(direct)", "Google", " AliExpress ", "null", "someone", "fb", "%20x"}
	meds := []string{"", " ", "cpc", "Email", "organic", "paid%20x"}
	camps := []string{"", " ", "Black-Friday ", "%20x", "", "nov"}
	urls := []string{"https://shop.example.com/", "https://shop.example.com/?utm_source=bing&utm_medium=cpc", "https://shop.example.com/?utm_source=null&gclid=1", "https://shop.example.com/#utm_source=reddit",
		"https://shop.example.com/p?utm_campaign=Spring%20Sale", "https://shop.example.com/#utm_campaign=x&utm_medium=sms"}
	refs := []string{"", "https://www.google.de/", "https://shop.example.com/x"}
	weights := []string{"", "1", "3", "0", "12"}
	i := 0
	for _, s := range srcs {
		for _, m := range meds {
			for _, u := range urls {
				ts := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%40).Format(time.RFC3339)
				fmt.Fprintf(&b, "%s,%s,%s,,%s,%s,%s,%s\n", ts, u, refs[i%len(refs)], s, m, camps[i%len(camps)], weights[i%len(weights)])
				i++
			}
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	compareWith(t, filepath.Join(root, "sources.yaml"), path, sqlgen.OptionalColumns...)
}

// TestDocumented checks the differences sqlgen.Approximations documents
// for DuckDB: they are what the query does, not accidents.
func TestDocumented(t *testing.T) {
	path := filepath.Join(t.TempDir(), "documented.csv")
	data := "ts,url,referrer,user_agent\n" +
		"2020-01-01T00:00:00Z,https://shop.example.com/,https://bücher.de/,\n" +
		"2020-01-02T00:00:00Z,https://shop.example.com/?utm_source=%ff,,\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := rules.Load(filepath.Join(root, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []row{
		{key: key("2020-01-01", "bücher.de", false, "referral", "unknown_referrer", false, false), visits: 1}, // Go: xn--bcher-kva.de
		{key: key("2020-01-02", "%ff", false, "campaign", "utm", true, true), visits: 1},                      // Go: U+FFFD
	}
	var got []row
	for _, r := range duckRollup(t, cat, path) {
		if strings.HasPrefix(r.key, "visits|") {
			got = append(got, r)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

// TestQuotes runs a catalog whose strings hold quotes and backslashes.
func TestQuotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quotes.csv")
	data := "ts,url,referrer,user_agent\n" +
		"2020-01-01T00:00:00Z,https://shop.example.com/?utm_source=O'Brien,,\n" +
		"2020-01-02T00:00:00Z,https://shop.example.com/?utm_source=back%5Cslash&utm_medium=it's,,\n" +
		"2020-01-03T00:00:00Z,https://shop.example.com/?utm_source=x&utm_medium=a%5Cb,,\n" +
		"2020-01-04T00:00:00Z,https://shop.example.com/,https://odd.example/It's/x,\n" +
		"2020-01-05T00:00:00Z,https://shop.example.com/,https://odd.example/its,\n" +
		"2020-01-06T00:00:00Z,https://shop.example.com/,,O'Reilly\\App/1\n" +
		"2020-01-07T00:00:00Z,https://shop.example.com/,,Odd'\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	compareWith(t, filepath.Join("testdata", "quotes.yaml"), path)
}

// row is one row of the rollup, written the same way from both sides.
type row struct {
	key         string
	visits      int64
	first, last int64 // span rows
}

func (r row) String() string {
	if strings.HasPrefix(r.key, "span|") {
		return fmt.Sprintf("%s: %d..%d", r.key, r.first, r.last)
	}
	return fmt.Sprintf("%s: %d", r.key, r.visits)
}

func compare(t *testing.T, csvPath string) {
	t.Helper()
	compareWith(t, filepath.Join(root, "sources.yaml"), csvPath)
}

// compareWith compares the two rollups of csvPath under the catalog
// catPath and returns the number of full breakdowns, and of those that
// keep the same values on both sides.
func compareWith(t *testing.T, catPath, csvPath string, columns ...string) (nfull, same int) {
	t.Helper()
	cat, err := rules.Load(catPath)
	if err != nil {
		t.Fatal(err)
	}
	want, total, full := goRollup(t, cat, csvPath)
	got := bestSiteHosts(duckRollup(t, cat, csvPath, columns...))

	// A full breakdown keeps different values on the two sides (the Go
	// path the first to arrive, SQL the top ones): its rows are set apart
	// and compared by what holds whatever the order.
	fullOf := func(key string) string {
		for p := range full {
			if strings.HasPrefix(key, p) {
				return p
			}
		}
		return ""
	}
	kinds := map[string]int{}
	for _, r := range want {
		kinds[r.key[:strings.IndexByte(r.key, '|')]]++
	}
	diffs, same := diffRows(t, want, got, sortedKeys(full), fullOf)
	t.Logf("%s: %d visits, %d rows from Go %v, %d from DuckDB, %d differ; %d full breakdowns (%d keep the same values)",
		filepath.Base(csvPath), total, len(want), kinds, len(got), len(diffs), len(full), same)
	for i, d := range diffs {
		if i == 20 {
			t.Errorf("... and %d more", len(diffs)-20)
			break
		}
		t.Error(d)
	}
	return len(full), same
}

// diffRows compares the Go path's rows want with DuckDB's got: row for
// row, but for the rows bucket sets apart (a full breakdown's: bucket
// returns its name, one of buckets, or "" for the other rows), which
// compareFull compares bucket by bucket. It returns the differences and
// the number of buckets whose rows are the same on both sides.
func diffRows(t *testing.T, want, got []row, buckets []string, bucket func(key string) string) (diffs []string, same int) {
	t.Helper()
	type breakdown struct{ goRows, duckRows []row }
	fulls := map[string]*breakdown{}
	for _, b := range buckets {
		fulls[b] = &breakdown{}
	}
	gm := map[string]row{}
	for _, r := range got {
		if _, dup := gm[r.key]; dup {
			t.Errorf("duckdb: two rows %s", r.key)
		}
		if b := bucket(r.key); b != "" {
			fulls[b].duckRows = append(fulls[b].duckRows, r)
			continue
		}
		gm[r.key] = r
	}
	wm := map[string]row{}
	for _, r := range want {
		if b := bucket(r.key); b != "" {
			fulls[b].goRows = append(fulls[b].goRows, r)
			continue
		}
		wm[r.key] = r
		if g, ok := gm[r.key]; !ok || g != r {
			diffs = append(diffs, fmt.Sprintf("go %v, duckdb %v", r, g))
		}
	}
	for _, r := range got {
		if _, ok := wm[r.key]; !ok && bucket(r.key) == "" {
			diffs = append(diffs, fmt.Sprintf("go none, duckdb %v", r))
		}
	}
	for _, name := range buckets {
		b := fulls[name]
		for _, rows := range [][]row{b.goRows, b.duckRows} {
			sort.Slice(rows, func(i, j int) bool { return rows[i].key < rows[j].key })
		}
		if d := compareFull(b.goRows, b.duckRows); d != "" {
			diffs = append(diffs, name+" (full): "+d)
		} else if fmt.Sprint(b.goRows) == fmt.Sprint(b.duckRows) {
			same++
		}
	}
	return diffs, same
}

// compareFull compares the rows of one full breakdown: both sides keep as
// many values, a value both keep has the same visits (an admitted value
// is counted exactly on both sides), and the visits add up to the same
// total.
func compareFull(goRows, duckRows []row) string {
	sum := func(rows []row) (kept map[string]int64, total int64) {
		kept = map[string]int64{}
		for _, r := range rows {
			total += r.visits
			if !strings.HasSuffix(r.key, "|true") {
				kept[r.key] = r.visits
			}
		}
		return kept, total
	}
	gk, gt := sum(goRows)
	dk, dt := sum(duckRows)
	if len(gk) != len(dk) || gt != dt {
		return fmt.Sprintf("go keeps %d values of %d visits, duckdb %d of %d", len(gk), gt, len(dk), dt)
	}
	for k, n := range dk {
		if g, ok := gk[k]; ok && g != n {
			return fmt.Sprintf("%s: go %d, duckdb %d", k, g, n)
		}
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rowKey writes a row's key columns.
func rowKey(kind, day, source string, known bool, medium, evidence string, noRef, tagged bool, value string, other bool) string {
	return fmt.Sprintf("%s|%s|%s|%t|%s|%s|%t|%t|%q|%t", kind, day, source, known, medium, evidence, noRef, tagged, value, other)
}

func key(day, source string, known bool, medium, evidence string, noRef, tagged bool) string {
	return rowKey("visits", day, source, known, medium, evidence, noRef, tagged, "", false)
}

// breakdownKey is the start of the keys of a breakdown's rows.
func breakdownKey(kind, day string, src aggregate.Source) string {
	return fmt.Sprintf("%s|%s|%s|%t|", kind, day, src.Name, src.Known)
}

func detailKey(kind, day string, src aggregate.Source, value string, other bool) string {
	return rowKey(kind, day, src.Name, src.Known, "", "", false, false, value, other)
}

// bestSiteHosts replaces a day's site_host rows by the one with the most
// visits, ties to the smaller host: the Go path tells only that one
// (Rollup.SiteHost), not its count.
func bestSiteHosts(rows []row) []row {
	type best struct {
		host   string
		visits int64
	}
	bests := map[string]best{}
	var out []row
	for _, r := range rows {
		f := strings.Split(r.key, "|")
		if f[0] != "site_host" {
			out = append(out, r)
			continue
		}
		host, _ := strconv.Unquote(strings.Join(f[8:len(f)-1], "|"))
		if b, ok := bests[f[1]]; !ok || r.visits > b.visits || r.visits == b.visits && host < b.host {
			bests[f[1]] = best{host, r.visits}
		}
	}
	for day, b := range bests {
		out = append(out, row{key: siteHostKey(day, b.host)})
	}
	return out
}

func siteHostKey(day, host string) string {
	return rowKey("site_host", day, "", false, "", "", false, false, host, false)
}

// goRollup is the rollup of the Go path: for each day, an aggregate.Rollup
// of that day's visits (the caps are per day), read through its public
// API.
func goRollup(t *testing.T, cat *rules.Catalog, path string) (rows []row, total int64, full map[string]bool) {
	days := map[aggregate.Day]*aggregate.Rollup{}
	total = classify(t, cat, path, func(v *ingest.Visit, res *rules.Result) {
		day := aggregate.DayOf(v.Time, time.UTC)
		roll := days[day]
		if roll == nil {
			roll = aggregate.New(time.UTC)
			days[day] = roll
		}
		roll.Add(v, res)
	})

	full = map[string]bool{}
	var out []row
	for day, roll := range days {
		ds := day.String()
		for _, g := range roll.Groups() {
			out = append(out, row{key: key(ds, g.Source.Name, g.Source.Known, g.Medium, g.Evidence.String(), g.NoReferrer, g.Tagged), visits: g.Visits})
		}
		for _, d := range roll.Details() {
			out = append(out, row{key: detailKey(d.Dim.String(), ds, d.Source, d.Value, false), visits: d.Visits})
		}
		dropped, other := roll.Dropped()
		for _, d := range dropped {
			full[breakdownKey(d.Dim.String(), ds, d.Source)] = true
			out = append(out, row{key: detailKey(d.Dim.String(), ds, d.Source, "", true), visits: d.Visits})
		}
		if other != 0 {
			t.Errorf("%s: %d visits of unknown sources folded into (other)", ds, other)
		}
		if h := roll.SiteHost(); h != "" {
			out = append(out, row{key: siteHostKey(ds, h)})
		}
		if first, last, ok := roll.TimeRange(); ok {
			out = append(out, row{key: rowKey("span", ds, "", false, "", "", false, false, "", false), first: first, last: last})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out, total, full
}

// classify reads path with the ingest reader, classifies each visit with
// cat's rules and hands it to add, and returns the visits' total weight.
func classify(t *testing.T, cat *rules.Catalog, path string, add func(v *ingest.Visit, res *rules.Result)) (total int64) {
	t.Helper()
	m, err := rules.Compile(cat, siteHosts)
	if err != nil {
		t.Fatal(err)
	}
	cl := m.NewClassifier()
	inputs, err := ingest.Expand([]string{path})
	if err != nil {
		t.Fatal(err)
	}
	r := ingest.NewReader(context.Background(), inputs, ingest.Options{})
	for r.Scan() {
		b := r.Batch()
		for i := range b {
			res := cl.Classify(&b[i])
			add(&b[i], &res)
			total += b[i].Weight
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if n := r.Stats().SkippedRows(); n != 0 {
		t.Fatalf("%s: %d rows skipped", path, n)
	}
	return total
}

func duckRollup(t *testing.T, cat *rules.Catalog, path string, columns ...string) []row {
	db, q := duckDB(t, cat, path, columns...)
	start := time.Now()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var (
			day                         time.Time
			kind, source, medium, ev, v string
			known, noRef, tagged, other bool
			visits, first, last         int64
		)
		if err := rows.Scan(&kind, &day, &source, &known, &medium, &ev, &noRef, &tagged, &v, &other, &visits, &first, &last); err != nil {
			t.Fatal(err)
		}
		out = append(out, row{rowKey(kind, day.Format(time.DateOnly), source, known, medium, ev, noRef, tagged, v, other), visits, first, last})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("duckdb query: %v", time.Since(start))
	return out
}

// duckDB opens a DuckDB database whose table visits holds the visits of
// path, and returns it with the query of cat that reads columns.
func duckDB(t *testing.T, cat *rules.Catalog, path string, columns ...string) (*sql.DB, string) {
	t.Helper()
	if columns == nil {
		columns = sqlgen.DefaultColumns
	}
	q, err := sqlgen.GenerateOptions(cat, sqlgen.Options{Dialect: "duckdb", Table: "visits", SiteHosts: siteHosts, Columns: columns})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // SET is per connection
	abs, _ := filepath.Abs(path)
	weight := ""
	for _, c := range columns {
		if c == "visits" {
			weight = ", CAST(NULLIF(trim(visits), '') AS BIGINT) AS visits"
		}
	}
	load := fmt.Sprintf(`CREATE TABLE visits AS
SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts%s)
FROM read_csv('%s', all_varchar = true, header = true, quote = '"', escape = '"')`, weight, strings.ReplaceAll(abs, "'", "''"))
	if strings.HasSuffix(path, ".parquet") {
		// As the README's recipe: Parquet timestamps in UTC are TIMESTAMP
		// WITH TIME ZONE, whose day is taken in the session's zone.
		load = fmt.Sprintf(`SET TimeZone = 'UTC'; CREATE VIEW visits AS SELECT * FROM read_parquet('%s')`, strings.ReplaceAll(abs, "'", "''"))
	}
	if _, err := db.Exec(load); err != nil {
		t.Fatal(err)
	}
	return db, q
}

// TestCopyRecipe runs the README's DuckDB recipe: the printed query inside
// COPY (...) TO a Parquet file.
func TestCopyRecipe(t *testing.T) {
	cat, err := rules.Load(filepath.Join(root, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := sqlgen.Generate(cat, siteHosts, "duckdb", "visits")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	sample, _ := filepath.Abs(filepath.Join(root, "testdata", "sample.csv"))
	out := filepath.Join(t.TempDir(), "rollup.parquet")
	script := "SET TimeZone = 'UTC';\n" +
		"CREATE VIEW visits AS SELECT * FROM read_csv('" + sample + "');\n" +
		"COPY (\n" + q + ") TO '" + out + "' (FORMAT parquet);"
	if _, err := db.Exec(script); err != nil {
		t.Fatal(err)
	}
	var n, visits int64
	if err := db.QueryRow("SELECT count(*), sum(visits) FILTER (WHERE kind = 'visits') FROM read_parquet('"+out+"')").Scan(&n, &visits); err != nil {
		t.Fatal(err)
	}
	if visits != 5000 || n == 0 {
		t.Errorf("rollup.parquet: %d rows, %d visits; want 5000 visits", n, visits)
	}
	t.Logf("rollup.parquet: %d rows, %d visits", n, visits)

	// The Parquet types of the rollup schema, column by column.
	rows, err := db.Query("SELECT name, type, COALESCE(converted_type, '') FROM parquet_schema('" + out + "') WHERE name <> 'duckdb_schema'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name, typ, conv string
		if err := rows.Scan(&name, &typ, &conv); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.TrimSuffix(name+" "+typ+" "+conv, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"kind BYTE_ARRAY UTF8", "day INT32 DATE", "source BYTE_ARRAY UTF8", "known BOOLEAN", "medium BYTE_ARRAY UTF8",
		"evidence BYTE_ARRAY UTF8", "no_referrer BOOLEAN", "tagged BOOLEAN", "value BYTE_ARRAY UTF8", "other BOOLEAN",
		"visits INT64 INT_64", "first_visit INT64 INT_64", "last_visit INT64 INT_64"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rollup.parquet schema:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMixed pieces referrers, URLs and user agents together from parts
// that exercise the parser and the rules, with a fixed seed.
func TestMixed(t *testing.T) {
	schemes := []string{"http://", "https://", "HTTPS://", "//", "", "android-app://", "ftp://", "javascript:", "http:", " https://"}
	users := []string{"", "", "", "u@", "u:p@", "a@b@"}
	hosts := []string{"www.google.com", "google.co.uk", "WWW.Google.COM.", "docs.google.de", "docs.google.com", "maps.google.fr",
		"www.google.fr", "x.com", "t.co", "l.facebook.com", "m.facebook.com", "www.bing.com", "fr.semalt.com", "127.0.0.1",
		"localhost", "[::1]", "shop.example.com", "www.shop.example.com", "foo.example.com", "", "null", "www.unknown.test",
		"www.blog.example", "com.google.android.gm", "checkout.stripe.com", "paypal.de", "www.amazon.co.jp", "yandex.com.tr",
		"search.yahoo.com", "duckduckgo.com", "chatgpt.com", "www.reddit.com", "out.reddit.com", "mail.yandex.ru", "a_b.test",
		"blog.example.co.uk", "example.co.uk", "1.2.3.4"}
	ports := []string{"", "", ":80", ":x", ":"}
	paths := []string{"", "/", "/i/grok", "/I/GROK/x", "/i/grokking", "/maps", "/maps/place", "/url?q=x", "?q=1", "#f", "\\x", "/search?q=a&b=c"}
	params := []string{"utm_source=google", "utm_source=Facebook", "UTM_SOURCE=%20newsletter%20", "utm_source=", "utm_source=null",
		"utm_source=fb", "utm_source=unknown+thing", "utm_medium=cpc", "utm_medium=Email", "utm_medium=social", "utm_medium=paid_social",
		"gclid=abc", "gclid=", "gclid=+", "fbclid=x", "msclkid=1", "ttclid=%20", "a=b", "&", "=x"}
	uas := []string{"", "", "Mozilla/5.0 Chrome/1", "Mozilla/5.0 [FBAN/FBIOS;FBAV/1]", "Instagram 410.0", "Mozilla LinkedInApp",
		"XInstagram", "Mozilla Snapchat/1", "TwitterAndroid", "Mozilla MicroMessenger/8"}
	seed := uint64(42)
	pick := func(l []string) string {
		seed = seed*6364136223846793005 + 1442695040888963407
		return l[int(seed>>33)%len(l)]
	}
	path := filepath.Join(t.TempDir(), "mixed.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"ts", "url", "referrer", "user_agent"})
	day := time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 4000; i++ {
		ref := pick(schemes) + pick(users) + pick(hosts) + pick(ports) + pick(paths)
		u := pick([]string{"https://shop.example.com/p", "https://shop.example.com/p", "HTTPS://Shop.Example.COM:8443/p",
			"https://www.example.co.uk/p", "/relative", "https://1.2.3.4/p"})
		for n := 0; n < 3; n++ {
			sep := pick([]string{"?", "&", "#", "#/r?", ""})
			u += sep + pick(params)
		}
		w.Write([]string{day.AddDate(0, 0, i).Format(time.RFC3339), u, ref, pick(uas)})
	}
	w.Flush()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	compare(t, path)
}
