package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/webmasterid/refreport/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

func TestFormatInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", 100000: "100,000"} {
		if got := formatInt(n); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatPct(t *testing.T) {
	for f, want := range map[float64]string{0: "0.0%", 1: "100.0%", 0.1234: "12.3%", 0.0005: "0.1%", -0.0001: "0.0%", math.NaN(): "—"} {
		if got := formatPct(f); got != want {
			t.Errorf("formatPct(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestFormatChange(t *testing.T) {
	for _, tc := range []struct {
		c         Change
		want, cls string
	}{
		{Change{Current: 125, Previous: 100, Ratio: 0.25}, "+25.0%", "up"},
		{Change{Current: 875, Previous: 1000, Ratio: -0.125}, "−12.5%", "down"},
		{Change{Current: 5, Previous: 0, New: true}, "new", "new"},
		{Change{Current: 5, Previous: 0}, "new", "new"}, // New not set: still never infinity
		{Change{}, "—", "flat"},
		{Change{Current: 100, Previous: 100}, "0.0%", "flat"},
		{Change{Current: 0, Previous: 40, Ratio: -1}, "−100.0%", "down"},
		{Change{Current: 10000, Previous: 1, Ratio: 9999}, "+999900.0%", "up"},
		{Change{Current: 3, Previous: 2, Ratio: math.Inf(1)}, "+50.0%", "up"}, // a bad ratio is recomputed
		{Change{Current: 100001, Previous: 100000, Ratio: 0.00001}, "0.0%", "flat"},
	} {
		if got := formatChange(tc.c); got != tc.want {
			t.Errorf("formatChange(%+v) = %q, want %q", tc.c, got, tc.want)
		}
		if got := changeClass(tc.c); got != tc.cls {
			t.Errorf("changeClass(%+v) = %q, want %q", tc.c, got, tc.cls)
		}
	}
}

func TestVisibleText(t *testing.T) {
	for in, want := range map[string]string{
		"aliexpress":      `"aliexpress"`,
		" aliexpress ":    `"␣aliexpress␣"`,
		"a\tb\r\n":        `"a⟨TAB⟩b⟨CR⟩⟨LF⟩"`,
		"x\x00y":          `"x⟨NUL⟩y"`,
		"bell\x07":        `"bell⟨U+0007⟩"`,
		"abc\u202Edef":    `"abc⟨U+202E⟩def"`,
		"no\u00a0break":   `"no⟨U+00A0⟩break"`,
		"zero\u200bwidth": `"zero⟨U+200B⟩width"`,
		"Ünïcødé 日本":      `"Ünïcødé␣日本"`,
		"bad\xffutf8":     `"bad⟨U+FFFD⟩utf8"`,
		"line\u2028sep":   `"line⟨U+2028⟩sep"`,
		"del\x7f":         `"del⟨DEL⟩"`,
		"":                `""`,
		"<b>&\"quoted\"'": `"<b>&"quoted"'"`,
		"bidi\u2066iso":   `"bidi⟨U+2066⟩iso"`,
		"c1\u0085control": `"c1⟨U+0085⟩control"`,
		"\ufeffbom-first": `"⟨U+FEFF⟩bom-first"`,
		"tab\tand space ": `"tab⟨TAB⟩and␣space␣"`,
	} {
		if got := visibleText(in); got != want {
			t.Errorf("visibleText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cleanText("two words\u202E"); got != "two words⟨U+202E⟩" {
		t.Errorf("cleanText kept or lost a space: %q", got)
	}
	long := strings.Repeat("é", 1000)
	got := valueText(long)
	if want := strings.Repeat("é", maxShown) + "… (700 more characters)"; got != want {
		t.Errorf("valueText(long) = %q, want %q", got, want)
	}
	if cleanText(long) != long {
		t.Error("cleanText cut a string")
	}
}

func TestCSVText(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"+1":                "'+1",
		"-2+3":              "'-2+3",
		"@SUM(A1)":          "'@SUM(A1)",
		"\tx":               "'\tx",
		"\rx":               "'\rx",
		"aliexpress":        "aliexpress",
		"":                  "",
		" =x":               " =x",
	} {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}

// writeSite renders s into a new directory and returns it.
func writeSite(t *testing.T, s *Site) string {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".refreport"), []byte("marker\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSite(dir, s); err != nil {
		t.Fatal(err)
	}
	return dir
}

// siteFiles lists a written site's files, slash-separated, sorted, marker left out.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel != ".refreport" {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestGolden renders the test site and compares every page and data file
// with testdata/golden. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	dir := writeSite(t, testSite())
	golden := filepath.Join("testdata", "golden")
	files := listFiles(t, dir)
	var want []string
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(f, "assets/") {
			// The assets are the embedded files, byte for byte.
			emb, err := templates.FS.ReadFile(f)
			if err != nil || !bytes.Equal(emb, got) {
				t.Errorf("%s: not the embedded asset (%v)", f, err)
			}
			continue
		}
		want = append(want, f)
		gp := filepath.Join(golden, filepath.FromSlash(f))
		if *update {
			if err := os.MkdirAll(filepath.Dir(gp), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(gp, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		exp, err := os.ReadFile(gp)
		if err != nil {
			t.Errorf("%s: %v (run go test ./report/render -update)", f, err)
			continue
		}
		if !bytes.Equal(got, exp) {
			gotPath := gp + ".got"
			os.WriteFile(gotPath, got, 0o644)
			t.Errorf("%s differs from its golden file (output in %s):\n%s", f, gotPath, lineDiff(string(exp), string(got)))
		}
	}
	// Every golden file is still written.
	var have []string
	filepath.WalkDir(golden, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".got") {
			rel, _ := filepath.Rel(golden, p)
			have = append(have, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(have)
	if !*update && !slices.Equal(have, want) {
		t.Errorf("golden files %v, site files %v", have, want)
	}
	for _, f := range []string{"index.html", "sources/aliexpress.html", "sources/google.html", "sources/perplexity.html",
		"mediums/search.html", "mediums/marketplace.html", "mediums/direct.html", "unrecognised.html", "quality.html", "methodology.html",
		"assets/style.css", "assets/charts.js", "assets/echarts.min.js", "assets/echarts-LICENSE.txt", "assets/favicon.svg",
		"data/top-sources.csv", "data/sources/aliexpress-utm-sources.json", "data/unrecognised.csv", "data/quality-daily.json"} {
		if !slices.Contains(files, f) {
			t.Errorf("site has no %s", f)
		}
	}
}

// lineDiff shows the lines that differ between want and got, with a
// little context, from a longest-common-subsequence alignment.
func lineDiff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	if len(a)*len(b) > 4e7 {
		return "(files too large to diff)"
	}
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	for i, j := 0, 0; i < len(a) || j < len(b); {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			out = append(out, "  "+a[i])
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, "+ "+b[j])
			j++
		default:
			out = append(out, "- "+a[i])
			i++
		}
	}
	// Keep changed lines and two lines around them.
	var keep []string
	for k, l := range out {
		near := false
		for d := -2; d <= 2; d++ {
			if n := k + d; n >= 0 && n < len(out) && !strings.HasPrefix(out[n], "  ") {
				near = true
			}
		}
		if near {
			keep = append(keep, l)
		} else if len(keep) > 0 && keep[len(keep)-1] != "..." {
			keep = append(keep, "...")
		}
		if len(keep) > 80 {
			keep = append(keep, "(more)")
			break
		}
	}
	return strings.Join(keep, "\n")
}

func TestDeterministic(t *testing.T) {
	a, b := writeSite(t, testSite()), writeSite(t, testSite())
	fa, fb := listFiles(t, a), listFiles(t, b)
	if !slices.Equal(fa, fb) {
		t.Fatalf("file lists differ:\n%v\n%v", fa, fb)
	}
	for _, f := range fa {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two builds", f)
		}
	}
}

// parseHTML parses a written page.
func parseHTML(t *testing.T, file string) *html.Node {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return doc
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// checkLinks asserts that every href and src in the site's pages reaches a
// file of the site (and, for a fragment, an element with that id), except
// the citations' links out, which must be http(s).
func checkLinks(t *testing.T, dir string) {
	t.Helper()
	files := listFiles(t, dir)
	ids := map[string]map[string]bool{}
	docs := map[string]*html.Node{}
	for _, f := range files {
		if path.Ext(f) != ".html" {
			continue
		}
		doc := parseHTML(t, filepath.Join(dir, f))
		docs[f] = doc
		ids[f] = map[string]bool{}
		walk(doc, func(n *html.Node) {
			if id, ok := attr(n, "id"); ok && n.Type == html.ElementNode {
				ids[f][id] = true
			}
		})
	}
	n := 0
	for f, doc := range docs {
		walk(doc, func(node *html.Node) {
			if node.Type != html.ElementNode {
				return
			}
			for _, key := range []string{"href", "src"} {
				v, ok := attr(node, key)
				if !ok {
					continue
				}
				n++
				if strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "http://") {
					if node.Data != "a" || !strings.Contains(node.Parent.Data, "li") {
						t.Errorf("%s: external %s=%q outside the citations", f, key, v)
					}
					continue
				}
				if strings.Contains(v, ":") || strings.HasPrefix(v, "/") {
					t.Errorf("%s: %s=%q is not a relative link", f, key, v)
					continue
				}
				target, frag, _ := strings.Cut(v, "#")
				if target == "" {
					target = f
				} else {
					target = path.Clean(path.Join(path.Dir(f), target))
				}
				if !slices.Contains(files, target) {
					t.Errorf("%s: %s=%q: no file %s in the site", f, key, v, target)
					continue
				}
				if frag != "" && !ids[target][frag] {
					t.Errorf("%s: %s=%q: %s has no id %q", f, key, v, target, frag)
				}
			}
		})
	}
	if n == 0 {
		t.Error("no links found")
	}
}

func TestLinks(t *testing.T) {
	checkLinks(t, writeSite(t, testSite()))
}

// TestPageStructure checks what every page must have: a main, a nav, the
// stylesheet, captions and scoped headers in every table, and a data
// table and parseable JSON options for every chart.
func TestPageStructure(t *testing.T) {
	dir := writeSite(t, testSite())
	for _, f := range listFiles(t, dir) {
		if path.Ext(f) != ".html" {
			continue
		}
		doc := parseHTML(t, filepath.Join(dir, f))
		count := map[string]int{}
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			count[n.Data]++
			switch n.Data {
			case "table":
				if c := n.FirstChild; c == nil || !hasChild(n, "caption") {
					t.Errorf("%s: a table without a caption", f)
				}
			case "th":
				if _, ok := attr(n, "scope"); !ok {
					t.Errorf("%s: th without scope", f)
				}
			case "script":
				if src, ok := attr(n, "src"); ok {
					if n.FirstChild != nil {
						t.Errorf("%s: script %s has content", f, src)
					}
					break
				}
				if typ, _ := attr(n, "type"); typ != "application/json" {
					t.Errorf("%s: an inline script of type %q", f, typ)
				}
				var v map[string]any
				if err := json.Unmarshal([]byte(n.FirstChild.Data), &v); err != nil {
					t.Errorf("%s: chart options: %v", f, err)
				}
				id, _ := attr(n, "data-chart")
				if v["series"] == nil || v["xAxis"] == nil || v["color"] == nil {
					t.Errorf("%s: chart %s: options lack series, xAxis or color: %v", f, id, v)
				}
			}
		})
		for _, el := range []string{"main", "nav", "header", "footer", "h1", "title"} {
			if count[el] != 1 {
				t.Errorf("%s: %d <%s> elements, want 1", f, count[el], el)
			}
		}
		body, _ := os.ReadFile(filepath.Join(dir, f))
		if strings.Contains(string(body), "ZgotmplZ") {
			t.Errorf("%s: a value was rejected by html/template (ZgotmplZ)", f)
		}
		if strings.Contains(string(body), "<h2></h2>") || strings.Contains(string(body), "<h3></h3>") {
			t.Errorf("%s: an empty heading", f)
		}
	}
}

func hasChild(n *html.Node, tag string) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			return true
		}
	}
	return false
}

// TestSourcePage checks the source page's promises in its words.
func TestSourcePage(t *testing.T) {
	dir := writeSite(t, testSite())
	read := func(f string) string {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	ali := read("sources/aliexpress.html")
	order := []string{"<h1>AliExpress referrer traffic</h1>", "Partially verified",
		"What an AliExpress referrer represents", "Measuring AliExpress-driven traffic",
		"How it appears in analytics and logs", "Diagnostic use case", "What refreport can help detect",
		"Common mistakes", "Privacy and accuracy notes", "Related pages", "Sources and verification notes", "Last reviewed 2026-11-20"}
	last := -1
	for _, s := range order {
		i := strings.Index(ali, s)
		if i < 0 {
			t.Errorf("aliexpress page lacks %q", s)
			continue
		}
		if i < last {
			t.Errorf("aliexpress page: %q is out of order", s)
		}
		last = i
	}
	for _, s := range []string{
		`<code class="spelling">&#34;␣aliexpress␣&#34;</code>`,
		`<code class="spelling">&#34;AliExpress⟨TAB⟩&#34;</code>`,
		`Data not yet verified: refreport's catalog has nothing on this yet.`,
		`<sup class="cite"><a href="#cite-1">[1]</a></sup><sup class="cite"><a href="#cite-2">[2]</a></sup>`,
		`A claim marked verified whose citation is missing. <span class="unverified">Data not yet verified</span>`,
		`<li>eBay</li>`, // no page: text without a link
		`Some values were dropped while aggregating`,
		`<span class="change down">−12.5%</span>`,
	} {
		if !strings.Contains(ali, s) {
			t.Errorf("aliexpress page lacks %q", s)
		}
	}
	pp := read("sources/perplexity.html")
	for _, s := range []string{"Data not yet verified: low volume.", "Not yet verified", `<span class="change new">new</span>`,
		"Review overdue", "Data not yet verified: no citations yet.", "Data not yet verified: there is no summary"} {
		if !strings.Contains(pp, s) {
			t.Errorf("perplexity page lacks %q", s)
		}
	}
	if strings.Contains(ali, "low volume") {
		t.Error("aliexpress page says low volume")
	}
	idx := read("index.html")
	if un := read("unrecognised.html"); !strings.Contains(un, `<span class="change flat">—</span>`) {
		t.Error("unrecognised page: 0 → 0 is not shown as —")
	}
	for _, s := range []string{`<span class="change new">new</span>`, "Other (14 more)", "12,345",
		`<a href="mediums/search.html">Search</a>`, `<a href="sources/perplexity.html">Perplexity</a>`, "<h4>AI assistants</h4>"} {
		if !strings.Contains(idx, s) {
			t.Errorf("index lacks %q", s)
		}
	}
}

func TestDataFiles(t *testing.T) {
	s := testSite()
	dir := writeSite(t, s)
	b, err := os.ReadFile(filepath.Join(dir, "data/sources/aliexpress-utm-mediums.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[2][1]; got != "'=cpc" {
		t.Errorf("formula cell written as %q", got)
	}
	var top struct {
		Rows []struct {
			Name   string
			Change *struct {
				New   bool
				Ratio *float64
			}
		}
		Other struct{ Visits, Values int64 }
	}
	b, _ = os.ReadFile(filepath.Join(dir, "data/top-sources.json"))
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if len(top.Rows) != 5 || !top.Rows[3].Change.New || top.Rows[3].Change.Ratio != nil || top.Other.Values != 14 {
		t.Errorf("top-sources.json: %s", b)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "data/sources/aliexpress-utm-sources.json"))
	if !strings.Contains(string(b), `"name": " aliexpress "`) {
		t.Errorf("spellings are not kept as seen: %s", b)
	}
}

func TestRejects(t *testing.T) {
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(*Site){
		"source id with a slash":    func(s *Site) { s.Sources[0].ID = "../evil" },
		"source id upper case":      func(s *Site) { s.Sources[0].ID = "AliExpress" },
		"empty source id":           func(s *Site) { s.Sources[0].ID = "" },
		"duplicate source id":       func(s *Site) { s.Sources[1].ID = s.Sources[0].ID },
		"medium id with a dot":      func(s *Site) { s.Mediums[0].ID = ".." },
		"data path outside data/":   func(s *Site) { s.Index.TopSources.CSV = "index.html" },
		"data path climbing":        func(s *Site) { s.Index.TopSources.CSV = "data/../../x.csv" },
		"data path absolute":        func(s *Site) { s.Index.TopSources.JSON = "/etc/x.json" },
		"data path wrong extension": func(s *Site) { s.Index.TopSources.JSON = "data/top.csv" },
		"link with a scheme":        func(s *Site) { s.Info.Nav[0].Href = "javascript:alert(1)" },
		"link absolute":             func(s *Site) { s.Index.TopSources.Rows[0].Link.Href = "/sources/google.html" },
		"link out of the site":      func(s *Site) { s.Sources[0].Related[0].Href = "../x.html" },
		"chart id with markup":      func(s *Site) { s.Index.Daily.ID = `x"><b>` },
		"chart kind":                func(s *Site) { s.Index.Daily.Kind = "pie" },
		"series length":             func(s *Site) { s.Index.Daily.Series[0].Values = s.Index.Daily.Series[0].Values[1:] },
		"two data files one name":   func(s *Site) { s.Index.Mediums.CSV = s.Index.TopSources.CSV },
	} {
		s := testSite()
		mutate(s)
		dir := t.TempDir()
		if err := r.WriteSite(dir, s); err == nil {
			t.Errorf("%s: no error", name)
		} else if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("%s: %v, but files were written", name, err)
		}
	}
}

// TestNoFunctionsInOptions: a series named like a go-echarts function
// marker stays an inert JSON string, because go-echarts' page rendering
// (which turns "__f__...__f__" into code) is never used.
func TestNoFunctionsInOptions(t *testing.T) {
	evil := "__f__function(){alert(1)}__f__"
	opts, err := chartOptions(Chart{ID: "c", Kind: "stacked-bar", Labels: []string{evil},
		Series: []Series{{Name: evil, Values: []int64{1}}}})
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Series []struct{ Name string }
		XAxis  []struct{ Data []string }
	}
	if err := json.Unmarshal(opts, &v); err != nil {
		t.Fatal(err)
	}
	if v.Series[0].Name != evil || v.XAxis[0].Data[0] != evil {
		t.Errorf("options changed the name: %s", opts)
	}
	for _, s := range []string{"go-echarts.github.io", "http", "ChartID", "chartId"} {
		if strings.Contains(string(opts), s) {
			t.Errorf("options contain %q: %s", s, opts)
		}
	}
	// The same chart gives the same bytes.
	again, _ := chartOptions(Chart{ID: "c", Kind: "stacked-bar", Labels: []string{evil}, Series: []Series{{Name: evil, Values: []int64{1}}}})
	if !bytes.Equal(opts, again) {
		t.Error("chart options differ between two calls")
	}
}

func ExampleRenderer_WriteSite() {
	r, err := New()
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "site")
	defer os.RemoveAll(dir)
	if err := r.WriteSite(dir, &Site{Info: SiteInfo{Title: "Example"}}); err != nil {
		panic(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// assets
	// hygiene.html
	// index.html
	// methodology.html
	// quality.html
	// unrecognised.html
}

func TestChartSeriesFold(t *testing.T) {
	var all []Series
	for i := range 12 {
		all = append(all, Series{Name: fmt.Sprint("s", i), Values: []int64{int64(i), 1}})
	}
	got := chartSeries(all)
	if len(got) != len(palette) {
		t.Fatalf("%d series drawn, want %d", len(got), len(palette))
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
	}
	// The seven largest, in their order, then the rest summed.
	if want := []string{"s5", "s6", "s7", "s8", "s9", "s10", "s11", "Other (5)"}; !slices.Equal(names, want) {
		t.Errorf("drawn %v, want %v", names, want)
	}
	if o := got[len(got)-1].Values; o[0] != 0+1+2+3+4 || o[1] != 5 {
		t.Errorf("other = %v", o)
	}
	if foldedSeries(Chart{Series: all}) != 5 || foldedSeries(Chart{Series: all[:8]}) != 0 {
		t.Error("foldedSeries")
	}
	if len(chartSeries(all[:8])) != 8 {
		t.Error("eight series were folded")
	}
}
