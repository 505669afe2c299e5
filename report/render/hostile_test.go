package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var hostileStrings = []string{
	`<img src=x onerror=alert(1)>`,
	`</script><script>alert(1)</script>`,
	`"'><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	`__f__function(){alert(1)}__f__`,
	"\u202Egnp.exe\u202C evil",
	"line\r\nbreak\nthird",
	"nul\x00byte",
	`<!-- <script>`,
	"\u2028\u2029</SCRIPT >",
	`{{.}} ${alert(1)} '); alert(1); //`,
	`=HYPERLINK("http://evil.example","x")`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"-2+3+cmd|' /C calc'!A0",
	"\tleading tab",
	strings.Repeat("A<b>", 25*1024), // 100 KB
	`data:text/html,<script>alert(1)</script>`,
	"&amp; &lt;b&gt; &#0;",
}

// structural names the fields that choose files, links, ids and classes:
// the lead's code fixes them and the renderer checks them, so the hostile
// site keeps them as they are.
var structural = map[string]bool{
	"Link.Href": true, "Chart.ID": true, "Chart.Kind": true, "Chart.CSV": true, "Chart.JSON": true,
	"Table.CSV": true, "Table.JSON": true, "UnrecognisedPage.CSV": true, "UnrecognisedPage.JSON": true,
	"SourcePage.ID": true, "SourcePage.StatusKind": true, "MediumPage.ID": true, "Section.ID": true,
	"Evidence.Kind": true, "Citation.ID": true, "Citation.URL": true, "Claim.Citations": true,
}

// hostile replaces every non-empty string of v that is not structural
// with a hostile one, in turn.
func hostile(v reflect.Value, n *int) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			hostile(v.Elem(), n)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if structural[v.Type().Name()+"."+f.Name] {
				continue
			}
			hostile(v.Field(i), n)
		}
	case reflect.Slice:
		for i := range v.Len() {
			hostile(v.Index(i), n)
		}
	case reflect.String:
		if v.String() != "" {
			v.SetString(hostileStrings[*n%len(hostileStrings)])
			*n++
		}
	}
}

func hostileSite() *Site {
	s := testSite()
	n := 0
	hostile(reflect.ValueOf(s), &n)
	// The longest value in every place a page shows data in a table.
	long := hostileStrings[15]
	s.Unknown.Hosts[0].Host = long
	s.Unknown.Hosts[1].Examples[0] = long
	s.Sources[0].Landing.Rows[0].Name = long
	s.Sources[0].Hosts.Rows[0].Name = long
	s.Sources[0].Spellings.Rows[0].Name = long
	s.Quality.Problems[0] = long
	// Citation URLs come from sources.yaml, checked to be http(s); keep
	// them links, with markup in them. TestCitationURLs tries other schemes.
	s.Sources[0].Citations[0].URL = `https://evil.example/"><img/src=x/onerror=alert(1)>?q=</script>`
	s.Sources[0].Citations[1].URL = "http://evil.example/\u202E'onmouseover='alert(1)"
	return s
}

func TestCitationURLs(t *testing.T) {
	s := testSite()
	s.Sources[0].Citations[0].URL = "javascript:alert(1)"
	s.Sources[0].Citations[1].URL = "data:text/html,<script>alert(1)</script>"
	s.Sources[1].Citations[0].URL = "//evil.example/x"
	dir := writeSite(t, s)
	for _, f := range []string{"sources/aliexpress.html", "sources/google.html"} {
		walk(parseHTML(t, filepath.Join(dir, f)), func(n *html.Node) {
			if id, _ := attr(n, "id"); strings.HasPrefix(id, "cite-") && n.FirstChild != nil && n.FirstChild.Type == html.ElementNode {
				t.Errorf("%s: citation %s with a link: %v", f, id, n.FirstChild.Attr)
			}
		})
	}
	checkLinks(t, dir)
}

// skeleton is a page's elements and their attribute names, in document
// order: what the templates decide, with the values left out.
func skeleton(doc *html.Node) []string {
	var out []string
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode {
			return
		}
		var keys []string
		for _, a := range n.Attr {
			keys = append(keys, a.Key)
		}
		out = append(out, n.Data+"["+strings.Join(keys, ",")+"]")
	})
	return out
}

// allowedAttrs are the attributes the templates write.
var allowedAttrs = map[string]bool{
	"lang": true, "charset": true, "name": true, "content": true, "http-equiv": true, "rel": true, "href": true,
	"src": true, "defer": true, "class": true, "aria-label": true, "aria-current": true, "aria-labelledby": true,
	"aria-hidden": true, "id": true, "role": true, "hidden": true, "type": true, "data-chart": true, "scope": true,
	"title": true, "download": true,
}

func TestHostile(t *testing.T) {
	benign := writeSite(t, testSite())
	evil := writeSite(t, hostileSite())
	files := listFiles(t, benign)
	if got := listFiles(t, evil); !slices.Equal(files, got) {
		t.Fatalf("hostile site has other files:\n%v\n%v", got, files)
	}
	sawText := map[string]bool{}
	for _, f := range files {
		bf, ef := filepath.Join(benign, f), filepath.Join(evil, f)
		switch path.Ext(f) {
		case ".html":
			b, e := parseHTML(t, bf), parseHTML(t, ef)
			if bs, es := skeleton(b), skeleton(e); !slices.Equal(bs, es) {
				t.Errorf("%s: the hostile page has other elements or attributes:\n%s", f, lineDiff(strings.Join(bs, "\n"), strings.Join(es, "\n")))
			}
			walk(e, func(n *html.Node) {
				switch n.Type {
				case html.TextNode:
					for _, s := range hostileStrings[:3] {
						if strings.Contains(n.Data, s) {
							sawText[s] = true
						}
					}
				case html.ElementNode:
					for _, a := range n.Attr {
						if !allowedAttrs[a.Key] {
							t.Errorf("%s: attribute %s on <%s>", f, a.Key, n.Data)
						}
						v := strings.ToLower(strings.TrimSpace(a.Val))
						if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")) {
							t.Errorf("%s: <%s %s=%q>", f, n.Data, a.Key, a.Val)
						}
					}
					if n.Data == "script" {
						if _, ok := attr(n, "src"); ok {
							break
						}
						if typ, _ := attr(n, "type"); typ != "application/json" || n.FirstChild == nil {
							t.Errorf("%s: a script block that is not JSON data", f)
							break
						}
						var v map[string]any
						if err := json.Unmarshal([]byte(n.FirstChild.Data), &v); err != nil {
							t.Errorf("%s: a JSON block does not parse: %v", f, err)
						}
						// The function marker is inert text in the data.
						if strings.Contains(n.FirstChild.Data, "__f__") && !strings.Contains(n.FirstChild.Data, `"__f__function(){alert(1)}__f__"`) {
							t.Errorf("%s: __f__ outside a JSON string", f)
						}
					}
				}
			})
			raw, _ := os.ReadFile(ef)
			if bytes.Contains(raw, []byte("\x00")) || bytes.Contains(raw, []byte("\u202E")) {
				t.Errorf("%s: a NUL or bidi override reached the page", f)
			}
			// Values from visit data (in code, in tables) are cut for
			// display; the words of the catalog and the lead's code are not.
			walk(e, func(n *html.Node) {
				if n.Type != html.ElementNode || n.Data != "tbody" {
					return
				}
				walk(n, func(c *html.Node) {
					if c.Type == html.TextNode && c.Parent.Data == "code" && len(c.Data) > 4*maxShown+100 {
						t.Errorf("%s: a table cell of %d bytes: long values are not cut", f, len(c.Data))
					}
				})
			})
		case ".json":
			raw, _ := os.ReadFile(ef)
			if !json.Valid(raw) {
				t.Errorf("%s: not valid JSON", f)
			}
		case ".csv":
			raw, _ := os.ReadFile(ef)
			recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			for _, rec := range recs {
				for _, cell := range rec {
					if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						continue
					}
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Errorf("%s: cell %q would run as a formula", f, cell)
					}
				}
			}
		}
	}
	for _, s := range hostileStrings[:3] {
		if !sawText[s] {
			t.Errorf("%q is not shown as text anywhere", s)
		}
	}
	checkLinks(t, evil)
}

// The series-name attack end to end: through the template into the page,
// where the options must parse and keep the marker as a plain string.
func TestHostileChartOptionsInPage(t *testing.T) {
	s := testSite()
	evil := "__f__function(){alert(1)}__f__</script><script>alert(2)</script>\u2028"
	s.Index.Daily.Series[0].Name = evil
	s.Index.Daily.Labels[0] = evil
	dir := writeSite(t, s)
	doc := parseHTML(t, filepath.Join(dir, "index.html"))
	found := false
	walk(doc, func(n *html.Node) {
		if n.Type != html.ElementNode || n.Data != "script" {
			return
		}
		if id, _ := attr(n, "data-chart"); id != "chart-daily-mediums" {
			return
		}
		var v struct {
			Series []struct{ Name string }
			XAxis  []struct{ Data []string }
		}
		if err := json.Unmarshal([]byte(n.FirstChild.Data), &v); err != nil {
			t.Fatal(err)
		}
		// What the chart shows is the cleaned name: the markers and the
		// line separator are text.
		want := valueText(evil)
		if v.Series[0].Name != want || v.XAxis[0].Data[0] != want {
			t.Errorf("series name %q, label %q, want %q", v.Series[0].Name, v.XAxis[0].Data[0], want)
		}
		found = true
	})
	if !found {
		t.Fatal("no options block for chart-daily-mediums")
	}
}
