package rules

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// checkGolden compares got with the golden file, rewriting it under
// -update; on a mismatch it writes got next to it as .got and shows a diff.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gotFile := strings.TrimSuffix(golden, ".golden") + ".got"
		os.WriteFile(gotFile, []byte(got), 0o644)
		t.Errorf("%s differs from the output (written to %s); -want +got:\n%s", golden, gotFile, lineDiff(string(want), got))
	}
}

// lineDiff is a minimal line diff (longest common subsequence), enough to
// read a golden-file mismatch.
func lineDiff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out strings.Builder
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			out.WriteString("  " + x[i] + "\n")
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] > lcs[i+1][j]):
			out.WriteString("+ " + y[j] + "\n")
			j++
		default:
			out.WriteString("- " + x[i] + "\n")
			i++
		}
	}
	return out.String()
}

// Every file under testdata/validate is a bad catalog; its .golden file
// holds the exact error text `refreport validate` prints.
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/validate/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test catalogs: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(name, data)
			if err == nil {
				t.Fatalf("parsed without error: %d sources", len(c.Sources))
			}
			var e *Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error %T %q is not an *Error with problems", err, err)
			}
			for i := 1; i < len(e.Problems); i++ {
				p, q := e.Problems[i-1], e.Problems[i]
				if q.Line < p.Line || q.Line == p.Line && q.Col < p.Col {
					t.Errorf("problems out of order: %s before %s", p, q)
				}
			}
			checkGolden(t, strings.TrimSuffix(f, ".yaml")+".golden", err.Error()+"\n")
		})
	}
}

func TestParseTestCatalog(t *testing.T) {
	c, err := Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Mediums) != len(vocabulary) {
		t.Errorf("%d mediums, want %d", len(c.Mediums), len(vocabulary))
	}
	if len(c.Hash) != 64 {
		t.Errorf("hash %q is not sha256 hex", c.Hash)
	}
	ali, ok := c.Source("aliexpress")
	if !ok {
		t.Fatal("no source aliexpress")
	}
	p := ali.Page
	if p == nil || p.Status != PartiallyVerified || p.ReviewDays != DefaultReviewDays {
		t.Fatalf("aliexpress page = %+v", p)
	}
	if got := p.LastReviewed.Format(time.DateOnly); got != "2026-06-24" {
		t.Errorf("last_reviewed %s", got)
	}
	if len(p.Summary) != 2 || !p.Summary[0].Cited() || p.Summary[1].Cited() {
		t.Errorf("summary claims %+v: want the first cited, the second not", p.Summary)
	}
	if p.Measuring == nil || p.Measuring.UTMSource != "aliexpress" || len(p.Measuring.Text) != 1 {
		t.Errorf("measuring %+v", p.Measuring)
	}
	if len(p.Citations) != 1 || p.Citations[0].Accessed.Format(time.DateOnly) != "2026-11-25" {
		t.Errorf("citations %+v", p.Citations)
	}
	if ids := []string{c.Sources[0].ID, c.Sources[len(c.Sources)-1].ID}; ids[0] != "google" || ids[1] != "outlook" {
		t.Errorf("sources not in file order: first %s, last %s", ids[0], ids[1])
	}
	if len(c.ClickIDs) != 8 || c.ClickIDs[0].Param != "gclid" || c.ClickIDs[7].Param != "li_fat_id" {
		t.Errorf("click ids not in file order: %+v", c.ClickIDs)
	}
	if md, ok := c.Medium("email"); !ok || md.Name != "Email" || strings.Join(md.UTMMedium, ",") != "e-mail,newsletter,mail" {
		t.Errorf("medium email = %+v", md)
	}
	if _, ok := c.Source("nosuch"); ok {
		t.Error("Source found an id that is not there")
	}
}

// Hashes depend on the bytes: reports name the exact catalog.
func TestParseHash(t *testing.T) {
	data, err := os.ReadFile("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse("a", data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse("b", append(data, "# trailing comment\n"...))
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash == b.Hash {
		t.Error("different bytes, same hash")
	}
}

func TestParseLimits(t *testing.T) {
	big := make([]byte, MaxFileSize+1)
	for i := range big {
		big[i] = '#'
	}
	_, err := Parse("big.yaml", big)
	if err == nil || !strings.Contains(err.Error(), "big.yaml: file is larger than") {
		t.Errorf("oversized file: %v", err)
	}
	// Many problems are cut off with a count, not printed forever.
	var b strings.Builder
	b.WriteString("version: 1\nsources: []\nmediums: []\n")
	for i := 0; i < maxProblems+10; i++ {
		b.WriteString("x" + strings.Repeat("y", i%7) + string(rune('a'+i%26)) + itoa(i) + ": 1\n")
	}
	_, err = Parse("many.yaml", []byte(b.String()))
	var e *Error
	if !errors.As(err, &e) || len(e.Problems) != maxProblems+1 || !strings.HasSuffix(err.Error(), "and 11 more problems") {
		t.Errorf("many problems: %d problems, ends %q", len(e.Problems), err.Error()[max(0, len(err.Error())-40):])
	}
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		if i /= 10; i == 0 {
			return s
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load("testdata/nosuch.yaml"); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	_, err := Load("testdata/validate/unknown_field.yaml")
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/validate/unknown_field.yaml:") {
		t.Errorf("Load does not name the path it was given: %v", err)
	}
}

func TestSummaryGolden(t *testing.T) {
	c, err := Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The aliexpress page was reviewed on 2026-06-24 with the default 180
	// days: due 2026-12-21, overdue from the 22nd.
	if s := c.Summary(time.Date(2026, 12, 21, 23, 0, 0, 0, time.UTC)); len(s.Overdue) != 0 {
		t.Errorf("overdue on its due day: %v", s.Overdue)
	}
	s := c.Summary(time.Date(2026, 12, 22, 0, 0, 0, 0, time.UTC))
	if len(s.Overdue) != 1 || s.Overdue[0] != "aliexpress" {
		t.Errorf("overdue the day after: %v", s.Overdue)
	}
	if s.Sources != len(c.Sources) || s.WithPage != 2 || s.PartiallyVerified != 1 || s.Unverified != 1 {
		t.Errorf("summary counts %+v", s)
	}
	sum := 0
	for _, m := range s.PerMedium {
		sum += m.Sources
	}
	if sum != s.Sources {
		t.Errorf("sources per medium add up to %d, not %d", sum, s.Sources)
	}
	// The hash changes with every edit of the catalog; the golden file
	// holds a placeholder.
	out := strings.Replace(s.String(), c.Hash, "HASH", 1)
	checkGolden(t, "testdata/summary.golden", out)
}

func TestStatusAndEvidenceNames(t *testing.T) {
	for s, want := range map[Status]string{Unverified: "unverified", PartiallyVerified: "partially_verified", Verified: "verified"} {
		if s.String() != want {
			t.Errorf("Status(%d) = %q, want %q", s, s, want)
		}
	}
	want := []string{"utm", "click_id", "referrer", "redirect", "app", "internal", "spam", "unknown_referrer", "direct", "in_app"}
	if len(want) != int(NumEvidence) {
		t.Fatalf("NumEvidence = %d, the test knows %d names", NumEvidence, len(want))
	}
	for e := Evidence(0); e < NumEvidence; e++ {
		if e.String() != want[e] {
			t.Errorf("Evidence(%d) = %q, want %q", e, e, want[e])
		}
		if b, _ := e.MarshalText(); string(b) != want[e] {
			t.Errorf("Evidence(%d).MarshalText = %q", e, b)
		}
	}
	if got := Evidence(42).String(); got != "Evidence(42)" {
		t.Errorf("out of range: %q", got)
	}
}

func TestCompileErrors(t *testing.T) {
	c, err := Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"localhost", "not a host", "javascript:x", ""} {
		if _, err := Compile(c, []string{h}); err == nil || !strings.Contains(err.Error(), "--site-host") {
			t.Errorf("--site-host %q: %v", h, err)
		}
	}
	if _, err := Compile(c, []string{"https://Shop.Example.NET:8443/", "bücher.de"}); err != nil {
		t.Errorf("site hosts as URLs and IDNs: %v", err)
	}
	if _, err := Compile(nil, nil); err == nil {
		t.Error("nil catalog compiled")
	}
	// A hand-built catalog is checked, not trusted.
	bad := &Catalog{Sources: []*Source{
		{ID: "a", Medium: "search", Hosts: []string{"A.com"}},
		{ID: "b", Medium: "nosuch", Hosts: []string{"b.com", "b.com"}, UserAgents: []string{"FBAN", "ab", "[x]"}},
		{ID: "c", Medium: "social", UserAgents: []string{"FBAN"}},
	}, ClickIDs: []ClickID{{Param: "x", Source: "zzz", Medium: "search"}}}
	_, err = Compile(bad, nil)
	if err == nil {
		t.Fatal("hand-built bad catalog compiled")
	}
	for _, want := range []string{`"A.com": must be lowercase`, `unknown medium "nosuch"`, `"b.com" is claimed twice`, `unknown source "zzz"`,
		`user_agents "ab": too short`, `user_agents "[x]": must begin`, `user_agents "FBAN" is claimed twice`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Compile error lacks %q:\n%v", want, err)
		}
	}
}
