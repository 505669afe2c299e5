package rules

// Tests of the shipped catalog, ../../sources.yaml: every entry a source
// lists must lead to that source, no two places may claim the same entry,
// and a corpus of real referrers (testdata/real_referrers.tsv) must be
// classified as written there.

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/webmasterid/refreport/report/ingest"
)

const shippedCatalog = "../../sources.yaml"

// catalogLanding is the landing page the catalog tests classify against;
// its domain is not in the catalog, so no referrer is internal by accident.
const catalogLanding = "https://www.example.com/landing"

func shippedMatcher(t *testing.T) (*Catalog, *Matcher) {
	t.Helper()
	if _, err := os.Stat(shippedCatalog); err != nil {
		t.Skipf("%s: %v", shippedCatalog, err)
	}
	c, err := Load(shippedCatalog)
	if err != nil {
		t.Fatalf("sources.yaml does not validate:\n%v", err)
	}
	m, err := Compile(c, nil)
	if err != nil {
		t.Fatalf("sources.yaml does not compile: %v", err)
	}
	return c, m
}

// ccExamples are the country-code suffixes a "name.{}" pattern is tried
// under: a plain ccTLD and a two-level one.
var ccExamples = []string{"de", "com.au"}

// patternReferrers returns referrers that a host pattern or path rule
// must match: https://host/ for a host, https://host/path for a path
// rule, with {} replaced by concrete country-code suffixes.
func patternReferrers(p string) []string {
	host, path := p, "/"
	if i := strings.IndexByte(p, '/'); i >= 0 {
		host, path = p[:i], p[i:]
	}
	if !strings.HasSuffix(host, ".{}") {
		return []string{"https://" + host + path}
	}
	var out []string
	for _, cc := range ccExamples {
		out = append(out, "https://"+strings.TrimSuffix(host, "{}")+cc+path)
	}
	return out
}

// Every host, redirect, app id, utm_source alias and id of every source
// leads to that source, with the medium and evidence the catalog gives.
// Every failure is collected, so that one run shows all of them.
func TestCatalogEntriesClassifyToTheirSource(t *testing.T) {
	c, m := shippedMatcher(t)
	cl := m.NewClassifier()
	var failures []string
	check := func(s *Source, what string, v *ingest.Visit, medium string, ev Evidence) bool {
		r := cl.Classify(v)
		if r.Source == s.ID && r.Medium == medium && r.Evidence == ev && r.Known {
			return true
		}
		failures = append(failures, fmt.Sprintf("source %q: %s: got %s, want %s|%s|%s",
			s.ID, what, got(r), s.ID, medium, ev))
		return false
	}
	for _, s := range c.Sources {
		if len(s.Hosts) == 0 && len(s.Redirects) == 0 && len(s.Apps) == 0 && len(s.UTMSources) == 0 {
			failures = append(failures, fmt.Sprintf("source %q: lists no host, redirect, app or utm_source alias", s.ID))
		}
		hostOK := 0
		for _, h := range s.Hosts {
			for _, ref := range patternReferrers(h) {
				if check(s, "host "+h+" as "+ref, &ingest.Visit{Referrer: ref, URL: catalogLanding}, s.Medium, EvidenceReferrer) {
					hostOK++
				}
			}
		}
		if len(s.Hosts) > 0 && hostOK == 0 {
			failures = append(failures, fmt.Sprintf("source %q: none of its hosts classifies to it", s.ID))
		}
		for _, rd := range s.Redirects {
			md := rd.Medium
			if md == "" {
				md = s.Medium
			}
			for _, ref := range patternReferrers(rd.Host) {
				check(s, "redirect "+rd.Host+" as "+ref, &ingest.Visit{Referrer: ref, URL: catalogLanding}, md, EvidenceRedirect)
			}
		}
		for _, a := range s.Apps {
			check(s, "app "+a, &ingest.Visit{Referrer: "android-app://" + a + "/", URL: catalogLanding}, s.Medium, EvidenceApp)
		}
		for _, u := range append([]string{s.ID}, s.UTMSources...) {
			v := &ingest.Visit{URL: catalogLanding + "?utm_source=" + url.QueryEscape(u)}
			check(s, "utm_source="+u, v, s.Medium, EvidenceUTM)
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
}

// No two places claim the same host, path rule, app id or utm_source
// value. This recomputes the claims from the loaded catalog instead of
// trusting the loader's own bookkeeping.
func TestCatalogNoDoubleClaims(t *testing.T) {
	c, _ := shippedMatcher(t)
	for _, p := range doubleClaims(c) {
		t.Error(p)
	}
}

// doubleClaims lists every host pattern, path rule, app id and utm_source
// value (alias or id) that more than one place claims. Keys are compared
// as the matcher sees them: lowercase, and utm_source values normalised
// like a tag.
func doubleClaims(c *Catalog) []string {
	type claim struct{ kind, key string }
	owners := make(map[claim][]string)
	add := func(kind, key, who string) {
		k := claim{kind, strings.ToLower(strings.TrimSpace(key))}
		owners[k] = append(owners[k], who)
	}
	for _, h := range c.InternalHosts {
		add("host", h, "internal_hosts")
	}
	for _, h := range c.SpamHosts {
		add("host", h, "spam_hosts")
	}
	for _, s := range c.Sources {
		add("id", s.ID, "source "+s.ID)
		for _, h := range s.Hosts {
			add("host", h, "source "+s.ID+" (host)")
		}
		for _, r := range s.Redirects {
			add("host", r.Host, "source "+s.ID+" (redirect)")
		}
		for _, a := range s.Apps {
			add("app", a, "source "+s.ID)
		}
		add("utm_source", s.ID, "source "+s.ID+" (id)")
		for _, u := range s.UTMSources {
			add("utm_source", normalizeValue(u, false), "source "+s.ID+" (alias)")
		}
	}
	var out []string
	for k, who := range owners {
		if len(who) > 1 {
			out = append(out, fmt.Sprintf("%s %q is claimed %d times: %s", k.kind, k.key, len(who), strings.Join(who, ", ")))
		}
	}
	sort.Strings(out)
	return out
}

// doubleClaims itself finds what it should, on a catalog built by hand
// (the loader would refuse it).
func TestDoubleClaimsFinds(t *testing.T) {
	c := &Catalog{
		InternalHosts: []string{"paypal.com"},
		SpamHosts:     []string{"semalt.com"},
		Sources: []*Source{
			{ID: "a", Hosts: []string{"a.com", "x.com/i/grok", "semalt.com"}, Apps: []string{"com.a"}, UTMSources: []string{"b"}},
			{ID: "b", Hosts: []string{"b.com", "X.com/i/grok"}, Redirects: []Redirect{{Host: "a.com"}, {Host: "paypal.com"}}, Apps: []string{"com.a"}},
			{ID: "b", UTMSources: []string{"shared"}},
			{ID: "c", Hosts: []string{"x.com"}, UTMSources: []string{" Shared"}},
		},
	}
	want := []string{
		`app "com.a" is claimed 2 times: source a, source b`,
		`host "a.com" is claimed 2 times: source a (host), source b (redirect)`,
		`host "paypal.com" is claimed 2 times: internal_hosts, source b (redirect)`,
		`host "semalt.com" is claimed 2 times: spam_hosts, source a (host)`,
		`host "x.com/i/grok" is claimed 2 times: source a (host), source b (host)`,
		`id "b" is claimed 2 times: source b, source b`,
		`utm_source "b" is claimed 3 times: source a (alias), source b (id), source b (id)`,
		`utm_source "shared" is claimed 2 times: source b (alias), source c (alias)`,
	}
	got := doubleClaims(c)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("doubleClaims:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// realReferrer is one row of testdata/real_referrers.tsv.
type realReferrer struct {
	line                         int
	ref, source, medium, comment string
}

// readRealReferrers reads the corpus: tab-separated referrer, expected
// source, expected medium and an optional comment; blank lines and lines
// starting with # are skipped, and so is the header row.
func readRealReferrers(t *testing.T, path string) []realReferrer {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []realReferrer
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 3 || len(cols) > 4 {
			t.Errorf("%s:%d: want 3 or 4 tab-separated columns, got %d", path, line, len(cols))
			continue
		}
		if cols[0] == "referrer" && cols[1] == "source" {
			continue // header
		}
		row := realReferrer{line: line, ref: cols[0], source: cols[1], medium: cols[2]}
		if len(cols) == 4 {
			row.comment = cols[3]
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// Real referrers, as browsers and apps send them, against the shipped
// catalog. Every mismatch is reported with its line in the file.
func TestCatalogRealReferrers(t *testing.T) {
	const path = "testdata/real_referrers.tsv"
	_, m := shippedMatcher(t)
	rows := readRealReferrers(t, path)
	cl := m.NewClassifier()
	seen := make(map[string]int)
	for _, row := range rows {
		if prev, dup := seen[row.ref]; dup {
			t.Errorf("%s:%d: referrer %q is already on line %d", path, row.line, row.ref, prev)
		}
		seen[row.ref] = row.line
		if !IsMedium(row.medium) {
			t.Errorf("%s:%d: %q is not a medium", path, row.line, row.medium)
		}
		r := cl.Classify(&ingest.Visit{Referrer: row.ref, URL: catalogLanding})
		if r.Source != row.source || r.Medium != row.medium {
			t.Errorf("%s:%d: %s (%s)\n got  %s|%s (%s, rule %s)\n want %s|%s",
				path, row.line, row.ref, row.comment, r.Source, r.Medium, r.Evidence, r.Rule, row.source, row.medium)
		}
	}
	if len(rows) < 300 {
		t.Errorf("%s: only %d referrers; the corpus should keep at least 300", path, len(rows))
	}
}

// Every editorial page has every section of the published page. A
// webmail page may leave measuring.utm_source out: the mailbox cannot be
// tagged, the sender's list is the source.
func TestCatalogPagesComplete(t *testing.T) {
	c, _ := shippedMatcher(t)
	for _, s := range c.Sources {
		p := s.Page
		if p == nil {
			continue
		}
		var missing []string
		for _, sec := range []struct {
			name string
			n    int
		}{
			{"summary", len(p.Summary)}, {"represents", len(p.Represents)},
			{"in_analytics", len(p.InAnalytics)}, {"diagnostic", len(p.Diagnostic)},
			{"detects", len(p.Detects)}, {"mistakes", len(p.Mistakes)},
			{"privacy", len(p.Privacy)}, {"related", len(p.Related)},
		} {
			if sec.n == 0 {
				missing = append(missing, sec.name)
			}
		}
		switch m := p.Measuring; {
		case m == nil:
			missing = append(missing, "measuring")
		case len(m.Text) == 0 || m.UTMMedium == "":
			missing = append(missing, "measuring.text or measuring.utm_medium")
		case m.UTMSource == "" && s.Medium != MediumEmail:
			missing = append(missing, "measuring.utm_source")
		}
		if len(missing) > 0 {
			t.Errorf("source %q: page lacks %s", s.ID, strings.Join(missing, ", "))
		}
	}
}
