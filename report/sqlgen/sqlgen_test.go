package sqlgen

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/rules"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func loadCatalog(t *testing.T, path string) *rules.Catalog {
	t.Helper()
	cat, err := rules.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestGolden pins the query of the rules package's test catalog in each
// dialect; rewrite with go test -update after a deliberate change.
func TestGolden(t *testing.T) {
	cat := loadCatalog(t, "../rules/testdata/catalog.yaml")
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			got, err := Generate(cat, []string{"shop.example.com"}, d, "visits")
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Generate(cat, []string{"shop.example.com"}, d, "visits")
			if got != again {
				t.Fatal("two runs differ")
			}
			golden := filepath.Join("testdata", "catalog."+d+".sql.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				os.WriteFile(golden+".got", []byte(got), 0o644)
				t.Errorf("query differs from %s; see %s.got, or run go test -update", golden, golden)
			}
		})
	}
}

// TestShipped generates every dialect from the shipped sources.yaml.
func TestShipped(t *testing.T) {
	cat := loadCatalog(t, "../../sources.yaml")
	for _, d := range Dialects {
		q, err := GenerateOptions(cat, Options{Dialect: d, Table: "proj.ds.visits", Columns: OptionalColumns})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !strings.Contains(q, "semalt.com") || !strings.Contains(q, "in_app") {
			t.Errorf("%s: query lacks spam hosts or in-app tokens", d)
		}
	}
}

const quoteCatalog = `version: 1
mediums:
  - {id: direct, name: Direct}
  - {id: internal, name: Internal}
  - {id: search, name: Search}
  - {id: paid_search, name: Paid search}
  - {id: social, name: Social}
  - {id: paid_social, name: Paid social}
  - {id: email, name: Email}
  - {id: marketplace, name: Marketplace}
  - {id: paid_marketplace, name: Paid marketplace}
  - {id: video, name: Video}
  - {id: paid_video, name: Paid video}
  - {id: ai_assistant, name: AI}
  - {id: display, name: Display}
  - {id: affiliate, name: Affiliate}
  - {id: referral, name: Referral, utm_medium: ["it's"]}
  - {id: sms, name: SMS}
  - {id: push, name: Push}
  - {id: campaign, name: Campaign}
  - {id: spam, name: Spam}
  - {id: paid_other, name: Paid other}
paid_utm_medium: '^(cpc|it\\x27s-paid|a\\\\b)$'
sources:
  - id: odd
    name: "O'Dd \\ Source"
    medium: social
    hosts: [odd.example, "odd.example/it's"]
    utm_sources: ["o'brien", "back\\slash", "x'); drop table visits; --"]
    user_agents: ["O'Reilly\\App", "Odd'"]
`

// TestQuotes feeds strings with quotes and backslashes, as far as the
// loader accepts them, into every dialect: each literal must come out
// escaped for that dialect.
func TestQuotes(t *testing.T) {
	cat, err := rules.Parse("quotes.yaml", []byte(quoteCatalog))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dialect string
		want    []string
	}{
		{"duckdb", []string{`'o''brien'`, `'back\slash'`, `'x''); drop table visits; --'`, `'/it''s'`, `'O''Reilly\App'`, `'it''s'`}},
		{"spark", []string{`'o\'brien'`, `'back\\slash'`, `'x\'); drop table visits; --'`, `'/it\'s'`, `'O\'Reilly\\App'`, `'it\'s'`}},
		{"bigquery", []string{`'o\'brien'`, `'back\\slash'`, `'x\'); drop table visits; --'`, `'/it\'s'`, `'O\'Reilly\\App'`, `'it\'s'`}},
	} {
		q, err := Generate(cat, nil, tc.dialect, "visits")
		if err != nil {
			t.Fatalf("%s: %v", tc.dialect, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(q, w) {
				t.Errorf("%s: query lacks %s", tc.dialect, w)
			}
		}
		if err := balanced(q, tc.dialect); err != "" {
			t.Errorf("%s: %s", tc.dialect, err)
		}
	}
}

// balanced checks that every string literal of q ends: an unescaped quote
// would leave one open, or close one early and unbalance the parentheses.
func balanced(q, dialect string) string {
	depth, in := 0, false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case in && c == '\\' && dialect != "duckdb":
			i++
		case in && c == '\'':
			if dialect == "duckdb" && i+1 < len(q) && q[i+1] == '\'' {
				i++
				continue
			}
			in = false
		case in:
		case c == '\'':
			in = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		}
	}
	if in {
		return "unterminated string literal"
	}
	if depth != 0 {
		return "unbalanced parentheses outside literals"
	}
	return ""
}

func TestQuoteRefuses(t *testing.T) {
	for _, d := range Dialects {
		dl, _ := newDialect(d)
		for _, s := range []string{"a\nb", "a\x00", "\xff", "a\u2028"} {
			if _, err := dl.quote(s); err == nil {
				t.Errorf("%s: quote(%q) accepted", d, s)
			}
		}
	}
}

func TestTable(t *testing.T) {
	cat := loadCatalog(t, "../rules/testdata/catalog.yaml")
	for _, tc := range []struct {
		dialect, table, want string
	}{
		{"duckdb", "visits", `FROM "visits"`},
		{"duckdb", "main.raw_visits", `FROM "main"."raw_visits"`},
		{"spark", "db.visits", "FROM `db`.`visits`"},
		{"bigquery", "my-project.web.visits", "FROM `my-project.web.visits`"},
		{"bigquery", "web.visits", "FROM `web.visits`"},
	} {
		q, err := Generate(cat, nil, tc.dialect, tc.table)
		if err != nil {
			t.Errorf("%s %q: %v", tc.dialect, tc.table, err)
			continue
		}
		if !strings.Contains(q, tc.want) {
			t.Errorf("%s %q: query lacks %s", tc.dialect, tc.table, tc.want)
		}
	}
	for _, tc := range []struct{ dialect, table string }{
		{"duckdb", "visits; DROP TABLE x"},
		{"duckdb", `"visits"`},
		{"duckdb", "a.b.c.d"},
		{"duckdb", "a..b"},
		{"duckdb", "1visits"},
		{"duckdb", "my-project.web.visits"}, // hyphens only in BigQuery project ids
		{"spark", "db.`visits`"},
		{"bigquery", "web-x.visits"},
		{"bigquery", "p.d.t`"},
		{"duckdb", "visits "},
	} {
		if _, err := Generate(cat, nil, tc.dialect, tc.table); err == nil {
			t.Errorf("%s %q: accepted", tc.dialect, tc.table)
		}
	}
}

func TestBadInput(t *testing.T) {
	cat := loadCatalog(t, "../rules/testdata/catalog.yaml")
	if _, err := Generate(cat, nil, "postgres", "visits"); err == nil {
		t.Error("unknown dialect accepted")
	}
	if _, err := Generate(cat, []string{"not a host"}, "duckdb", "visits"); err == nil {
		t.Error("bad --site-host accepted")
	}
	if _, err := GenerateOptions(cat, Options{Dialect: "duckdb", Columns: []string{"country"}}); err == nil {
		t.Error("unknown optional column accepted")
	}
	if _, err := Generate(nil, nil, "duckdb", "visits"); err == nil {
		t.Error("nil catalog accepted")
	}
}

func TestSuffixes(t *testing.T) {
	cc1, wild, cc2 := suffixes()
	for _, s := range []string{"de", "uk", "se", "jp", "br"} {
		if !slices.Contains(cc1, s) {
			t.Errorf("cc1 lacks %s", s)
		}
	}
	for _, s := range []string{"np", "ck"} {
		if !slices.Contains(wild, s) {
			t.Errorf("wild lacks %s", s)
		}
	}
	for _, s := range []string{"co.uk", "com.br", "ne.jp"} {
		if !slices.Contains(cc2, s) {
			t.Errorf("cc2 lacks %s", s)
		}
	}
}

// TestRollupColumns checks, in each dialect, that the query ends in the
// rollup schema's columns, in order, with the breakdowns and caps of the
// Go path.
func TestRollupColumns(t *testing.T) {
	cat := loadCatalog(t, "../rules/testdata/catalog.yaml")
	final := "SELECT kind, day, source, known, medium, evidence, no_referrer, tagged, value, other,\n" +
		"  CAST(SUM(visits) AS BIGINT) AS visits,\n" +
		"  CAST(MIN(first_visit) AS BIGINT) AS first_visit,\n" +
		"  CAST(MAX(last_visit) AS BIGINT) AS last_visit\n"
	for _, d := range Dialects {
		q, err := GenerateOptions(cat, Options{Dialect: d, Columns: OptionalColumns})
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		if !strings.Contains(q, "\n"+final+"FROM capped\n") {
			t.Errorf("%s: the query does not end in the rollup's columns", d)
		}
		for _, k := range Kinds {
			if !strings.Contains(q, "'"+k+"'") {
				t.Errorf("%s: no kind %q", d, k)
			}
		}
		if strings.Contains(q, "overflow") {
			t.Errorf("%s: the query writes overflow rows", d)
		}
		for _, want := range []string{
			"WHEN kind = 'referrer' THEN 5\n", "WHEN kind = 'site_host' THEN 64\n",
			"WHEN known OR source IN ('direct', 'internal') THEN 1000\n", "ELSE 200 END AS cap",
			"<= 300 THEN value", "CAST(utm_campaign AS",
		} {
			if !strings.Contains(q, want) {
				t.Errorf("%s: query lacks %q", d, want)
			}
		}
		if err := balanced(q, d); err != "" {
			t.Errorf("%s: %s", d, err)
		}
	}
}

// TestUnixSeconds: each dialect rounds a timestamp down to whole seconds.
func TestUnixSeconds(t *testing.T) {
	for d, want := range map[string]string{
		"duckdb":   "CAST(floor(epoch_us(ts) / 1000000) AS BIGINT) AS t",
		"spark":    "unix_seconds(ts) AS t",
		"bigquery": "UNIX_SECONDS(ts) AS t",
	} {
		q, err := Generate(loadCatalog(t, "../rules/testdata/catalog.yaml"), nil, d, "visits")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(q, want) {
			t.Errorf("%s: query lacks %s", d, want)
		}
	}
}

// TestClipFormula runs the arithmetic of gen.clip on characters, as the
// engines do, against aggregate's cut on bytes, with runes of every
// length straddling the limit.
func TestClipFormula(t *testing.T) {
	sqlClip := func(s string) string {
		if len(s) <= aggregate.MaxValueLen {
			return s
		}
		r := []rune(s)
		var shadow []byte
		for _, c := range r[:min(len(r), aggregate.MaxValueLen+1)] {
			shadow = append(shadow, 'L')
			for i := 1; i < len(string(c)); i++ {
				shadow = append(shadow, 'c')
			}
		}
		n := strings.Count(string(shadow[:aggregate.MaxValueLen+1]), "L") - 1
		return string(r[:n]) + "…"
	}
	goClip := func(s string) string {
		if len(s) <= aggregate.MaxValueLen {
			return s
		}
		i := aggregate.MaxValueLen
		for i > 0 && s[i]&0xc0 == 0x80 {
			i--
		}
		return s[:i] + "…"
	}
	for _, r := range []string{"a", "é", "€", "😀"} {
		for n := aggregate.MaxValueLen - 8; n <= aggregate.MaxValueLen+2; n++ {
			for _, s := range []string{strings.Repeat("a", n) + strings.Repeat(r, 4), strings.Repeat(r, n)} {
				if got, want := sqlClip(s), goClip(s); got != want {
					t.Errorf("%d×a + %q: got %d bytes, want %d", n, r, len(got), len(want))
				}
			}
		}
	}
}
