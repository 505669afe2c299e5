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
	compare(t, path)
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

// TestColumns reads tags and weights from columns of their own.
func TestColumns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "columns.csv")
	var b strings.Builder
	b.WriteString("ts,url,referrer,user_agent,utm_source,utm_medium,visits\n")
	srcs := []string{"", " ", "(direct)", "Google", " AliExpress ", "null", "someone", "fb", "%20x"}
	meds := []string{"", " ", "cpc", "Email", "organic", "paid%20x"}
	urls := []string{"https://shop.example.com/", "https://shop.example.com/?utm_source=bing&utm_medium=cpc", "https://shop.example.com/?utm_source=null&gclid=1", "https://shop.example.com/#utm_source=reddit"}
	refs := []string{"", "https://www.google.de/", "https://shop.example.com/x"}
	weights := []string{"", "1", "3", "0", "12"}
	i := 0
	for _, s := range srcs {
		for _, m := range meds {
			for _, u := range urls {
				ts := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%40).Format(time.RFC3339)
				fmt.Fprintf(&b, "%s,%s,%s,,%s,%s,%s\n", ts, u, refs[i%len(refs)], s, m, weights[i%len(weights)])
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
		{key("2020-01-01", "bücher.de", false, "referral", "unknown_referrer", false, false), 1}, // Go: xn--bcher-kva.de
		{key("2020-01-02", "%ff", false, "campaign", "utm", true, true), 1},                      // Go: U+FFFD
	}
	got := duckRollup(t, cat, path)
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

// row is one group of the rollup, written the same way from both sides.
type row struct {
	key    string
	visits int64
}

func compare(t *testing.T, csvPath string) {
	t.Helper()
	compareWith(t, filepath.Join(root, "sources.yaml"), csvPath)
}

func compareWith(t *testing.T, catPath, csvPath string, columns ...string) {
	t.Helper()
	cat, err := rules.Load(catPath)
	if err != nil {
		t.Fatal(err)
	}
	want, total := goRollup(t, cat, csvPath)
	got := duckRollup(t, cat, csvPath, columns...)

	gm := map[string]int64{}
	for _, r := range got {
		gm[r.key] += r.visits
	}
	wm := map[string]int64{}
	for _, r := range want {
		wm[r.key] = r.visits
	}
	var diffs []string
	for _, r := range want {
		if g, ok := gm[r.key]; !ok || g != r.visits {
			diffs = append(diffs, fmt.Sprintf("%s: go %d, duckdb %d", r.key, r.visits, g))
		}
	}
	for _, r := range got {
		if _, ok := wm[r.key]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: go 0, duckdb %d", r.key, r.visits))
		}
	}
	t.Logf("%s: %d visits, %d groups from Go, %d from DuckDB, %d differ", filepath.Base(csvPath), total, len(want), len(got), len(diffs))
	for i, d := range diffs {
		if i == 20 {
			t.Errorf("... and %d more", len(diffs)-20)
			break
		}
		t.Error(d)
	}
}

func key(day, source string, known bool, medium, evidence string, noRef, tagged bool) string {
	return fmt.Sprintf("%s|%s|%t|%s|%s|%t|%t", day, source, known, medium, evidence, noRef, tagged)
}

func goRollup(t *testing.T, cat *rules.Catalog, path string) ([]row, int64) {
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
	roll := aggregate.New(time.UTC)
	for r.Scan() {
		b := r.Batch()
		for i := range b {
			res := cl.Classify(&b[i])
			roll.Add(&b[i], &res)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if n := r.Stats().SkippedRows(); n != 0 {
		t.Fatalf("%s: %d rows skipped", path, n)
	}
	var out []row
	for _, g := range roll.Groups() {
		out = append(out, row{key(g.Day.String(), g.Source.Name, g.Source.Known, g.Medium, g.Evidence.String(), g.NoReferrer, g.Tagged), g.Visits})
	}
	return out, roll.Visits()
}

func duckRollup(t *testing.T, cat *rules.Catalog, path string, columns ...string) []row {
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
	defer db.Close()
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
	start := time.Now()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var (
			day                  time.Time
			source, medium, ev   string
			known, noRef, tagged bool
			visits               sql.NullInt64
		)
		if err := rows.Scan(&day, &source, &known, &medium, &ev, &noRef, &tagged, &visits); err != nil {
			t.Fatal(err)
		}
		out = append(out, row{key(day.Format(time.DateOnly), source, known, medium, ev, noRef, tagged), visits.Int64})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("duckdb query: %v", time.Since(start))
	return out
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
	if err := db.QueryRow("SELECT count(*), sum(visits) FROM read_parquet('"+out+"')").Scan(&n, &visits); err != nil {
		t.Fatal(err)
	}
	if visits != 5000 || n == 0 {
		t.Errorf("rollup.parquet: %d groups, %d visits; want 5000 visits", n, visits)
	}
	t.Logf("rollup.parquet: %d groups, %d visits", n, visits)
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
