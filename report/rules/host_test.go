package rules

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"github.com/webmasterid/refreport/report/ingest"
)

func TestNormalizeHost(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" when NormalizeHost reports false
	}{
		{"https://www.Google.com/search?q=x", "www.google.com"},
		{"www.google.com/search", "www.google.com"},
		{"//cdn.example.org/x.js", "cdn.example.org"},
		{"example.org", "example.org"},
		{"HTTP://EXAMPLE.ORG.", "example.org"},
		{"https://user:pw@example.org:8443/", "example.org"},
		{"https://example.org:/", "example.org"},
		{"https://bücher.de/", "xn--bcher-kva.de"},
		{"https://ＥＸＡＭＰＬＥ。ｏｒｇ/", "example.org"}, // fullwidth letters and dot, as IDNA maps them
		{"https://xn--bcher-kva.de/", "xn--bcher-kva.de"},
		{"https://[2001:DB8:0:0::1]/", "[2001:db8::1]"},
		{"https://[::ffff:192.0.2.1]/", "[::ffff:192.0.2.1]"},
		{"http://192.0.2.1:80/", "192.0.2.1"},
		{"http://intranet/", "intranet"},
		{"https://r3---sn-abc.googlevideo.com/", "r3---sn-abc.googlevideo.com"},
		{"https://a_b.example.org/", "a_b.example.org"},
		{"", ""},
		{"null", ""},
		{"http://null/", ""},
		{"http://none./", ""},
		{"about:blank", ""},
		{"javascript:alert(1)", ""},
		{"file:///etc/passwd", ""},
		{"android-app://com.google.android.gm", ""},
		{"localhost:3000", ""},
		{"http://127.0.0.1/", ""},
		{"http://[::1]/", ""},
		{"http://[::ffff:127.0.0.1]/", ""},
		{"http://[fe80::1%25eth0]/", ""},
		{"http://[192.0.2.1]/", ""},
		{"http://exa mple.org/", ""},
		{"http://example..org/", ""},
		{"http://example.org../", ""},
		{"http://%65xample.org/", ""},
		{"http://" + strings.Repeat("a.", 127) + "a/", ""},
		{"http://" + strings.Repeat("a", 63) + ".org/", strings.Repeat("a", 63) + ".org"},
		{"http://" + strings.Repeat("a", 64) + ".org/", ""},
		{"https://example.org:44x3/", ""},
		{"https://:443/", ""},
		{"/just/a/path", ""},
	} {
		got, ok := NormalizeHost(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalizeHost(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
		if ok {
			if again, ok2 := NormalizeHost(got); again != got || !ok2 {
				t.Errorf("NormalizeHost(%q) = %q, %v; not idempotent", got, again, ok2)
			}
		}
	}
}

func TestCCSplit(t *testing.T) {
	for _, tc := range []struct {
		host, rest string
		ok         bool
	}{
		{"google.de", "google", true},
		{"www.google.co.uk", "www.google", true},
		{"google.com.br", "google", true},
		{"google.io", "google", true},
		{"foo.blogspot.de", "foo.blogspot", true}, // below a private suffix, the ICANN one counts
		{"google.com", "", false},
		{"google.org", "", false},
		{"google.zz", "", false}, // not in the public suffix list
		{"co.uk", "", false},
		{"de", "", false},
		{"192.0.2.1", "", false},
		{"[2001:db8::1]", "", false},
	} {
		rest, ok := ccSplit(tc.host)
		if rest != tc.rest || ok != tc.ok {
			t.Errorf("ccSplit(%q) = %q, %v; want %q, %v", tc.host, rest, ok, tc.rest, tc.ok)
		}
	}
}

func TestPathMatch(t *testing.T) {
	for _, tc := range []struct {
		path, rule string
		want       bool
	}{
		{"/i/grok", "/i/grok", true},
		{"/i/grok/", "/i/grok", true},
		{"/i/grok/x/y", "/i/grok", true},
		{"/I/GROK", "/i/grok", true},
		{"/i/grokking", "/i/grok", false},
		{"/i", "/i/grok", false},
		{"", "/i/grok", false},
		{"/x/i/grok", "/i/grok", false},
		{"/i/grok?x=1", "/i/grok", true},
		{"/i/grok#top", "/i/grok", true},
		{"/i/grokking?x", "/i/grok", false},
	} {
		if got := pathMatch(tc.path, tc.rule); got != tc.want {
			t.Errorf("pathMatch(%q, %q) = %v", tc.path, tc.rule, got)
		}
	}
}

// A flood of unique hosts clears the cache instead of growing it, and
// results stay the same.
func TestHostCacheBounded(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	cl.hosts.maxEntries = 8
	for i := 0; i < 100; i++ {
		host := fmt.Sprintf("s%d.example.net", i)
		r := cl.Classify(&ingest.Visit{Referrer: "https://" + host + "/", URL: defaultURL})
		if r.Source != host || r.Evidence != EvidenceUnknown {
			t.Fatalf("visit %d: %+v", i, r)
		}
		if n := len(cl.hosts.m); n > 8 {
			t.Fatalf("after %d hosts the cache holds %d entries, limit 8", i+1, n)
		}
	}
	cl.hosts.maxEntries, cl.hosts.maxBytes = 1<<16, 100
	long := strings.Repeat("a", 60)
	for i := 0; i < 20; i++ {
		cl.Classify(&ingest.Visit{Referrer: fmt.Sprintf("https://%s%d.example.net/", long, i), URL: defaultURL})
		if cl.hosts.bytes > 100+400 {
			t.Fatalf("cache holds %d bytes, limit 100 (plus one entry)", cl.hosts.bytes)
		}
	}
}

// The caches keep copies: nothing they hold may point into a Visit's
// memory, which the caller may reuse after Classify returns.
func TestCacheDoesNotAliasVisit(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	var buf []byte
	var visits []*ingest.Visit
	type raw struct{ ref, url, src, med, camp string }
	var raws []raw
	for _, tc := range cases {
		raws = append(raws, raw{tc.ref, tc.visit().URL, "", "", ""})
	}
	raws = append(raws, raw{"", defaultURL, "Newsletter", "E-Mail", "Spring"}, raw{"android-app://org.Example.App", defaultURL, "", "", ""})
	// Lay every string out in one buffer and point the visits into it.
	type span struct{ off, n int }
	var spans [][5]span
	for _, r := range raws {
		var sp [5]span
		for i, s := range []string{r.ref, r.url, r.src, r.med, r.camp} {
			sp[i] = span{len(buf), len(s)}
			buf = append(buf, s...)
		}
		spans = append(spans, sp)
	}
	at := func(s span) string {
		if s.n == 0 {
			return ""
		}
		return unsafe.String(&buf[s.off], s.n)
	}
	for _, sp := range spans {
		visits = append(visits, &ingest.Visit{Referrer: at(sp[0]), URL: at(sp[1]), UTMSource: at(sp[2]), UTMMedium: at(sp[3]), UTMCampaign: at(sp[4])})
	}
	for _, v := range visits {
		cl.Classify(v)
	}
	lo, hi := uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&buf[0]))+uintptr(len(buf))
	inBuf := func(s string) bool {
		if s == "" {
			return false
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= lo && p < hi
	}
	check := func(what string, ss ...string) {
		for _, s := range ss {
			if inBuf(s) {
				t.Errorf("%s cache holds %q from the Visit's memory", what, s)
			}
		}
	}
	for k, e := range cl.hosts.m {
		check("host", k, e.host, e.reg, e.base.source, e.base.rule)
	}
	for k, a := range cl.apps.m {
		check("app", k, a.source, a.rule)
	}
	for k, p := range cl.pages.m {
		check("page", k, p.key, p.host, p.reg)
	}
	check("last page", cl.lastPage.key, cl.lastPage.host, cl.lastPrefix)
	for k, u := range cl.src.m {
		check("utm_source", k, u.norm, u.rule)
	}
	for k, u := range cl.med.m {
		check("utm_medium", k, u.norm)
	}
	for k, c := range cl.camp.m {
		check("utm_campaign", k, c)
	}
	if len(cl.hosts.m) < 100 || len(cl.src.m) < 20 || len(cl.apps.m) < 5 {
		t.Errorf("caches hold %d hosts, %d utm_source values, %d apps: the test checked too little", len(cl.hosts.m), len(cl.src.m), len(cl.apps.m))
	}
}

// The hot path should not allocate once its caches are warm.
func TestClassifyWarmAllocations(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	visits := benchVisits()
	for _, v := range visits {
		cl.Classify(v)
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, v := range visits {
			cl.Classify(v)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per %d warm visits, want 0", allocs, len(visits))
	}
}

func TestBlankValue(t *testing.T) {
	for _, s := range []string{"", "+", "%20", "+%20+%09", "%C2%A0", "\u00a0", " \t"} {
		if !blankValue(s) || normalizeValue(s, true) != "" {
			t.Errorf("%q: blankValue %v, normalised %q; want blank", s, blankValue(s), normalizeValue(s, true))
		}
	}
	for _, s := range []string{"x", "%41", "+x+", "%2", "%zz", "ü", "%C3%BC", "%"} {
		if blankValue(s) || normalizeValue(s, true) == "" {
			t.Errorf("%q: blankValue %v, normalised %q; want not blank", s, blankValue(s), normalizeValue(s, true))
		}
	}
}
