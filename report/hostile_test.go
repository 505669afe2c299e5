package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// hostile holds referrers, landing URLs and utm values a stranger could
// send: markup, script end tags, quotes, javascript: URLs, go-echarts'
// __f__ function marker, bidi overrides, CR, LF, NUL and very long strings.
var hostile = []string{
	`<script>alert(1)</script>`,
	`</script><script>alert(document.cookie)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' onmouseover='alert(1)`,
	`javascript:alert(1)`,
	`__f__function(){alert(1)}__f__`,
	"\u202eevil\u202c",
	"line\r\nbreak",
	"nul\x00byte",
	"=HYPERLINK(\"http://evil.example\")",
	"@SUM(1+1)",
	"+1-2",
	strings.Repeat("A<b>", 20000),
}

// TestHostileBuild sends the hostile strings through a whole build, as
// referrers, landing URLs and utm values, and checks every page: no
// element, attribute or script the templates did not write, no
// javascript: link, and every data file safe to open in a spreadsheet.
func TestHostileBuild(t *testing.T) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"ts", "url", "referrer", "utm_source", "utm_medium", "utm_campaign"})
	for i, s := range hostile {
		day := "2026-11-2" + string(rune('0'+i%5)) + "T10:00:00Z"
		w.Write([]string{day, "https://shop.example.com/" + s, "https://" + s + "/path", "", "", ""})
		w.Write([]string{day, "https://shop.example.com/p", s, s, s, s})
		w.Write([]string{day, "https://shop.example.com/?utm_source=" + s + "&utm_campaign=" + s, "https://hostile.example/" + s, "", "", ""})
		w.Write([]string{day, s, "https://www.google.com/", "", "", ""})
	}
	w.Flush()
	dir := t.TempDir()
	in := filepath.Join(dir, "hostile.csv")
	if err := os.WriteFile(in, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	cfg := sampleConfig(out, in)
	cfg.MaxBadRows = 1 // rows with a NUL or an overlong field may be skipped; the rest must render
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Visits == 0 {
		t.Fatal("no visits survived")
	}

	allowed := map[string]bool{}
	for _, tag := range strings.Fields(`html head meta title link body header nav ul ol li a main footer section article aside
		h1 h2 h3 h4 p span strong em code sup div figure figcaption table caption thead tbody tfoot tr th td script details summary
		dl dt dd br small abbr time mark pre blockquote hr svg polyline`) {
		allowed[tag] = true
	}
	pages, reached := 0, 0
	err = filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		switch {
		case strings.HasSuffix(p, ".html"):
			pages++
			if bytes.Contains(data, []byte("&lt;script&gt;alert(1)")) {
				reached++
			}
			checkPage(t, rel, data, allowed)
		case strings.HasSuffix(p, ".csv"):
			checkCSV(t, rel, data)
		case strings.HasSuffix(p, ".json"):
			if !json.Valid(data) {
				t.Errorf("%s: not valid JSON", rel)
			}
		}
		if base := filepath.Base(p); strings.ContainsAny(base, "<>\"'\\ \x00") || strings.Contains(base, "script") {
			t.Errorf("data chose a file name: %s", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages < 5 {
		t.Errorf("only %d pages", pages)
	}
	if reached == 0 {
		t.Error("no page shows the hostile strings as text: the test checked nothing")
	}
}

func checkPage(t *testing.T, name string, data []byte, allowed map[string]bool) {
	t.Helper()
	if bytes.ContainsRune(data, '\u202e') || bytes.IndexByte(data, 0) >= 0 {
		t.Errorf("%s: a bidi override or NUL reached the page", name)
	}
	z := html.NewTokenizer(bytes.NewReader(data))
	inScript := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if !allowed[tok.Data] {
				t.Errorf("%s: element <%s> the templates do not write", name, tok.Data)
			}
			attrs := map[string]string{}
			for _, a := range tok.Attr {
				attrs[a.Key] = a.Val
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: event attribute %s=%q", name, a.Key, a.Val)
				}
				if a.Key == "href" || a.Key == "src" {
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text") || strings.HasPrefix(v, "vbscript:") {
						t.Errorf("%s: %s=%q", name, a.Key, a.Val)
					}
				}
			}
			if tok.Data == "script" {
				inScript = true
				src, hasSrc := attrs["src"]
				switch {
				case hasSrc && (strings.HasSuffix(src, "assets/echarts.min.js") || strings.HasSuffix(src, "assets/charts.js")):
				case attrs["type"] == "application/json":
				default:
					t.Errorf("%s: a script the templates do not write: %v", name, tok.Attr)
				}
			}
		case html.TextToken:
			if inScript && strings.TrimSpace(tok.Data) != "" {
				var v any
				if err := json.Unmarshal([]byte(tok.Data), &v); err != nil {
					t.Errorf("%s: a script block that is not JSON: %.80q", name, tok.Data)
				}
				if strings.Contains(tok.Data, "__f__") && !strings.Contains(tok.Data, `"__f__`) && !strings.Contains(tok.Data, `__f__"`) {
					t.Errorf("%s: a __f__ marker outside a string", name)
				}
			}
		case html.EndTagToken:
			if tok.Data == "script" {
				inScript = false
			}
		}
	}
}

func checkCSV(t *testing.T, name string, data []byte) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	for _, rec := range recs {
		for _, cell := range rec {
			if cell == "" {
				continue
			}
			if strings.ContainsRune("=+@\t\r", rune(cell[0])) {
				t.Errorf("%s: cell %.40q would run as a formula", name, cell)
			}
			// A minus sign is fine on a number, not on text.
			if cell[0] == '-' && strings.Trim(cell, "-0123456789.e") != "" {
				t.Errorf("%s: cell %.40q would run as a formula", name, cell)
			}
		}
	}
}
