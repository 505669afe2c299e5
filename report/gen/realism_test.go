package gen

import (
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestRealism checks, on 200k rows of output, the properties of the data
// that reports, tests and demos rely on.
func TestRealism(t *testing.T) {
	const rows = 200000
	recs := readCSV(t, generate(t, opts(rows, "csv")))
	if len(recs) != rows {
		t.Fatalf("got %d rows, want %d", len(recs), rows)
	}
	const (
		cTS = iota
		cURL
		cRef
		cUA
		cCountry
		cVisitor
		cSource
	)

	share := func(pred func(r []string) bool) float64 {
		n := 0
		for _, r := range recs {
			if pred(r) {
				n++
			}
		}
		return float64(n) / float64(len(recs))
	}
	tagged := func(r []string) bool { return strings.Contains(strings.ToLower(r[cURL]), "utm_") }

	if s := share(func(r []string) bool { return r[cRef] == "" }); s < 1.0/3-0.05 || s > 1.0/3+0.05 {
		t.Errorf("share without referrer = %.3f, want 1/3 ± 0.05", s)
	}
	if s := share(tagged); s < 0.11 || s > 0.19 {
		t.Errorf("share with UTM tags = %.3f, want 0.15 ± 0.04", s)
	}
	if s := share(func(r []string) bool { return strings.Contains(r[cURL], "#utm_") }); s == 0 {
		t.Error("no UTM tags in a #fragment")
	}
	// Stripped referrals: no referrer, no tags, but a known source.
	stripped := share(func(r []string) bool { return r[cRef] == "" && !tagged(r) && r[cSource] != "" })
	if stripped < 0.04 || stripped > 0.10 {
		t.Errorf("share of stripped referrals = %.3f, want 0.04 to 0.10", stripped)
	}
	if s := share(func(r []string) bool { return r[cRef] == "" && !tagged(r) && r[cSource] == "" }); s < 0.15 {
		t.Errorf("share of truly direct visits = %.3f, want over 0.15", s)
	}

	// Referrer hosts: many, regional, and every one not in gen's tables
	// under a name reserved for examples.
	hosts := make(map[string]int)
	for _, r := range recs {
		if u, err := url.Parse(r[cRef]); err == nil && u.Host != "" {
			hosts[u.Host]++
		}
	}
	if len(hosts) < 1000 {
		t.Errorf("%d distinct referrer hosts, want at least 1000", len(hosts))
	}
	count := func(re string) int {
		rx := regexp.MustCompile(re)
		n := 0
		for h := range hosts {
			if rx.MatchString(h) {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		re   string
		min  int
		what string
	}{
		{`^[a-z]{2}\.aliexpress\.com$`, 10, "AliExpress regional subdomains"},
		{`^s\.click\.aliexpress\.com$`, 1, "s.click.aliexpress.com"},
		{`^aliexpress\.(ru|us)$`, 2, "aliexpress.ru and aliexpress.us"},
		{`^www\.amazon\.`, 8, "Amazon regional stores"},
		{`^www\.google\.`, 20, "Google regional domains"},
		{`^(www\.bing\.com|duckduckgo\.com|yandex\.ru|www\.baidu\.com|search\.yahoo\.com)$`, 5, "other search engines"},
		{`^(l|lm|m)\.facebook\.com$`, 3, "Facebook redirect hosts"},
		{`^(t\.co|out\.reddit\.com|lnkd\.in|l\.instagram\.com|pin\.it)$`, 5, "social redirect hosts"},
		{`^(mail\.google\.com|outlook\.live\.com|mail\.yahoo\.com|deref-gmx\.net)$`, 4, "webmail"},
		{`^(chatgpt\.com|www\.perplexity\.ai|gemini\.google\.com|copilot\.microsoft\.com|claude\.ai)$`, 5, "AI assistants"},
		{`^com\.google\.android\.(gm|googlequicksearchbox)$`, 2, "android-app referrers"},
		{`^(www\.)?shop\.example\.com$`, 2, "self-referrals"},
	} {
		if n := count(c.re); n < c.min {
			t.Errorf("%s: %d hosts match %s, want at least %d", c.what, n, c.re, c.min)
		}
	}
	known := make(map[string]bool)
	for _, f := range families {
		if f == longTail || f == spam {
			continue
		}
		for _, h := range f.hosts {
			u, err := url.Parse(h.prefix)
			if err != nil {
				t.Fatalf("family %s: host %q: %v", f.id, h.host, err)
			}
			known[u.Host] = true
		}
	}
	for h := range hosts {
		if !known[h] && !reserved(h) {
			t.Errorf("referrer host %q is neither a known source nor under a reserved name", h)
		}
	}

	// Referrer URLs shaped as the sources send them.
	for _, re := range []string{
		`^https://www\.google\.com/$`,
		`^https://l\.facebook\.com/l\.php\?u=https%3A%2F%2Fshop\.example\.com%2F`,
		`^https://[a-z]{2}\.aliexpress\.com/item/1005\d+\.html$`,
		`^https://t\.co/[\w-]{10}$`,
		`^android-app://com\.google\.android\.gm/$`,
		`^(null|-|about:blank|android-app://|\s+)$`,
	} {
		rx := regexp.MustCompile(re)
		if !slices.ContainsFunc(recs, func(r []string) bool { return rx.MatchString(r[cRef]) }) {
			t.Errorf("no referrer matches %s", re)
		}
	}

	// Messy UTM values: several spellings that mean the same source.
	spellings := make(map[string]map[string]bool)
	for _, r := range recs {
		u, err := url.Parse(r[cURL])
		if err != nil {
			t.Fatalf("landing URL %q: %v", r[cURL], err)
		}
		for _, part := range []string{u.RawQuery, u.Fragment} {
			q, _ := url.ParseQuery(part)
			for k, vs := range q {
				if strings.ToLower(k) != "utm_source" {
					continue
				}
				for _, v := range vs {
					norm := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".com")
					if spellings[norm] == nil {
						spellings[norm] = make(map[string]bool)
					}
					spellings[norm][v] = true
				}
			}
		}
	}
	for _, s := range []string{"aliexpress", "facebook", "newsletter"} {
		if n := len(spellings[s]); n < 3 {
			t.Errorf("utm_source %q: %d spellings, want at least 3", s, n)
		}
	}
	if !slices.ContainsFunc(recs, func(r []string) bool {
		return strings.Contains(r[cURL], "utm_medium=E-mail") || strings.Contains(r[cURL], "utm_medium=Newsletter")
	}) {
		t.Error("no newsletter medium spelled E-mail or Newsletter")
	}

	// Click ids go with their platform.
	for _, r := range recs {
		switch {
		case strings.Contains(r[cURL], "gclid="):
			if r[cSource] != "google" || (r[cRef] != "" && !strings.Contains(r[cRef], "google")) {
				t.Fatalf("gclid on a visit from %q (referrer %q)", r[cSource], r[cRef])
			}
		case strings.Contains(r[cURL], "fbclid="):
			if r[cSource] != "facebook" && r[cSource] != "instagram" {
				t.Fatalf("fbclid on a visit from %q", r[cSource])
			}
		}
	}

	// In-app browsers, most of all on stripped referrals from their app.
	inApp := share(func(r []string) bool { return strings.Contains(r[cUA], "FBAN/") || strings.Contains(r[cUA], "FB_IAB/") })
	if inApp == 0 {
		t.Error("no Facebook in-app user agents")
	}
	if !slices.ContainsFunc(recs, func(r []string) bool { return strings.Contains(r[cUA], "Instagram ") }) {
		t.Error("no Instagram in-app user agents")
	}
	if !slices.ContainsFunc(recs, func(r []string) bool { return strings.Contains(r[cUA], "[LinkedInApp]") }) {
		t.Error("no LinkedIn in-app user agents")
	}

	// Weekly and daily cycles, and a rising trend.
	perDay := make(map[string]int)
	var perHour [24]int
	var weekday, weekend, nWeekday, nWeekend float64
	for _, r := range recs {
		perDay[r[cTS][:10]]++
		perHour[(r[cTS][11]-'0')*10+r[cTS][12]-'0']++
	}
	days := make([]string, 0, len(perDay))
	for d, n := range perDay {
		days = append(days, d)
		ts, _ := time.Parse(time.DateOnly, d)
		if wd := ts.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend += float64(n)
			nWeekend++
		} else {
			weekday += float64(n)
			nWeekday++
		}
	}
	if len(days) != 90 {
		t.Errorf("visits on %d days, want 90", len(days))
	}
	if weekday/nWeekday <= 1.2*weekend/nWeekend {
		t.Errorf("visits per weekday %.0f, per weekend day %.0f: want weekdays well above", weekday/nWeekday, weekend/nWeekend)
	}
	peak, trough := 0, 0
	for h := range perHour {
		if perHour[h] > perHour[peak] {
			peak = h
		}
		if perHour[h] < perHour[trough] {
			trough = h
		}
	}
	if peak < 17 || peak > 22 || trough < 1 || trough > 6 {
		t.Errorf("busiest hour %d, quietest %d: want an evening peak and a night trough", peak, trough)
	}
	sort.Strings(days)
	median := func(ds []string) int {
		n := make([]int, len(ds))
		for i, d := range ds {
			n[i] = perDay[d]
		}
		slices.Sort(n)
		return n[len(n)/2]
	}
	if first, last := median(days[:30]), median(days[60:]); last <= first {
		t.Errorf("median visits per day: %d in the first 30 days, %d in the last 30: want a rise", first, last)
	}
	maxDay, medDay := 0, median(days)
	for _, n := range perDay {
		maxDay = max(maxDay, n)
	}
	if 2*maxDay < 3*medDay {
		t.Errorf("busiest day %d visits, median %d: want a spike", maxDay, medDay)
	}

	// Visitors and countries.
	hex16 := regexp.MustCompile(`^[0-9a-f]{16}$`)
	cc := regexp.MustCompile(`^([A-Z]{2})?$`)
	visitors := make(map[string]bool)
	countries := make(map[string]int)
	for _, r := range recs {
		if !hex16.MatchString(r[cVisitor]) {
			t.Fatalf("visitor_id %q is not 16 hex digits", r[cVisitor])
		}
		if !cc.MatchString(r[cCountry]) {
			t.Fatalf("country %q is not a two-letter code", r[cCountry])
		}
		visitors[r[cVisitor]] = true
		countries[r[cCountry]]++
	}
	if v := float64(len(visitors)) / rows; v < 0.6 || v > 0.95 {
		t.Errorf("%d visitors for %d visits: want some, not most, visits to be return visits", len(visitors), rows)
	}
	if countries["DE"] < countries["US"] || len(countries) < 30 {
		t.Errorf("countries: DE %d, US %d, %d in all: want DE first and over 30", countries["DE"], countries["US"], len(countries))
	}
}

// reserved reports whether h is under a name reserved for examples and
// tests (RFC 2606).
func reserved(h string) bool {
	for _, s := range []string{".example", ".test", ".example.com", ".example.net", ".example.org"} {
		if strings.HasSuffix(h, s) {
			return true
		}
	}
	return false
}

func TestLongTailHosts(t *testing.T) {
	prepare()
	if len(longTail.hosts) < 2000 {
		t.Fatalf("%d long-tail hosts, want a few thousand", len(longTail.hosts))
	}
	seen := make(map[string]bool)
	for _, h := range append(slices.Clone(longTail.hosts), spam.hosts...) {
		if !reserved(h.host) {
			t.Errorf("host %q is not under a reserved name", h.host)
		}
		if seen[h.host] {
			t.Errorf("host %q twice", h.host)
		}
		seen[h.host] = true
	}
}
