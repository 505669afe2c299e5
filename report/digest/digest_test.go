package digest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webmasterid/refreport/report/render"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func change(cur, prev int64) *render.Change {
	c := render.Change{Current: cur, Previous: prev}
	if prev == 0 {
		c.New = cur > 0
	} else {
		c.Ratio = float64(cur)/float64(prev) - 1
	}
	return &c
}

func testSite() *render.Site {
	hostile := "evil</td><script>alert(1)</script>\r\nFake: line\u202e"
	s := &render.Site{
		Info: render.SiteInfo{
			Title: "shop.example.com", AsOf: "2026-11-24",
			Period: render.Period{From: "2026-10-28", To: "2026-11-24"},
			Nav:    []render.Link{{Href: "index.html", Text: "Overview"}, {Href: "quality.html", Text: "Data quality"}},
		},
		Index: render.IndexPage{
			Visits:   *change(1200, 1000),
			External: 1100,
			TopSources: render.Table{Rows: []render.Row{
				{Link: &render.Link{Href: "sources/google.html", Text: "Google"}, Name: "Google", Visits: 600, Change: change(600, 500)},
				{Link: &render.Link{Href: "sources/aliexpress.html", Text: "AliExpress"}, Name: "AliExpress", Visits: 90, Change: change(90, 20)},
				{Name: "Direct", Visits: 300, Change: change(300, 350)},
				{Name: hostile, Note: "not in catalog", Visits: 12, Change: change(12, 0)},
			}},
			Warnings: []string{"12 of 1212 input rows could not be read and are left out; see Data quality."},
		},
		Sources: []render.SourcePage{
			{ID: "google", Daily: render.Chart{Series: []render.Series{{Name: "This period", Values: []int64{20, 25, 22, 30, 0, 28}}}}},
			{ID: "aliexpress", Daily: render.Chart{Series: []render.Series{{Name: "This period", Values: []int64{1, 5, 3}}}}},
		},
		Unknown: render.UnrecognisedPage{Hosts: []render.UnknownHost{
			{Host: "blog.example", Visits: 40, Change: change(40, 0)},
			{Host: "old.example", Visits: 10, Change: change(10, 8)},
		}},
		Quality: render.QualityPage{Gaps: []render.DayNote{{Day: "2026-11-02", Note: "no data"}, {Day: "2026-01-01", Note: "no data"},
			{Day: "2026-10-20", Last: "2026-10-29", Note: "no data (10 days)"}, {Day: "2025-10-20", Last: "2025-10-29", Note: "no data (10 days)"}}},
	}
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		os.WriteFile(path+".got", got, 0o644)
		t.Errorf("%s differs from %s (wrote %s.got; diff them, and run go test -update if the change is right)", name, path, path)
	}
}

func TestDigestGolden(t *testing.T) {
	for _, base := range []string{"", "https://reports.example.com/shop/"} {
		d := Build(testSite(), base)
		dir := t.TempDir()
		if err := Write(dir, d); err != nil {
			t.Fatal(err)
		}
		suffix := ""
		if base != "" {
			suffix = "-absolute"
		}
		h, _ := os.ReadFile(filepath.Join(dir, "digest.html"))
		txt, _ := os.ReadFile(filepath.Join(dir, "digest.txt"))
		golden(t, "digest"+suffix+".html", h)
		golden(t, "digest"+suffix+".txt", txt)
		if len(h) > 100<<10 {
			t.Errorf("digest.html is %d bytes, over 100 KB", len(h))
		}
	}
}

// The digest is for mail clients: no script of any kind, and strangers'
// strings stay text.
func TestDigestSafe(t *testing.T) {
	d := Build(testSite(), "https://reports.example.com/")
	dir := t.TempDir()
	if err := Write(dir, d); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(filepath.Join(dir, "digest.html"))
	defer f.Close()
	z := html.NewTokenizer(f)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		if tok.Type == html.StartTagToken || tok.Type == html.SelfClosingTagToken {
			if tok.Data == "script" || tok.Data == "link" || tok.Data == "img" {
				t.Errorf("digest.html has a <%s>", tok.Data)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("digest.html has an %s attribute", a.Key)
				}
				if a.Key == "href" && !strings.HasPrefix(a.Val, "https://reports.example.com/") {
					t.Errorf("link %q is not absolute under the base URL", a.Val)
				}
			}
		}
	}
	txt := Text(d)
	for _, line := range strings.Split(string(txt), "\n") {
		if strings.HasPrefix(line, "Fake:") {
			t.Error("a referrer forged a line of digest.txt")
		}
	}
	if bytes.ContainsRune(txt, '\u202e') || bytes.ContainsRune(txt, '\r') {
		t.Error("digest.txt keeps a control character from the data")
	}
}

func TestSparkline(t *testing.T) {
	if s := sparkline([]int64{5}); s != "" {
		t.Errorf("one value: %q", s)
	}
	if s := sparkline([]int64{0, 10, 5}); s != "0.0,19.0 50.0,1.0 100.0,10.0" {
		t.Errorf("sparkline = %q", s)
	}
	if s := sparkline([]int64{0, 0}); s != "0.0,19.0 100.0,19.0" {
		t.Errorf("flat sparkline = %q", s)
	}
}
