package rules

import (
	"math"
	"strconv"
	"strings"

	"github.com/webmasterid/refreport/report/ingest"
)

// Evidence is what decided a visit's source.
type Evidence uint8

// In the order the classifier tries them, except EvidenceInApp, which was
// added later and is tried just before direct; the values are stable.
const (
	EvidenceUTM      Evidence = iota // a utm_source tag
	EvidenceClickID                  // an ad click id such as gclid
	EvidenceReferrer                 // a referrer host (or path) of a source
	EvidenceRedirect                 // a redirect or link-wrapper host of a source
	EvidenceApp                      // an android-app:// referrer
	EvidenceInternal                 // the site itself, or a payment round-trip
	EvidenceSpam                     // a listed referrer-spam domain
	EvidenceUnknown                  // a referrer host no rule knows
	EvidenceDirect                   // no usable referrer
	EvidenceInApp                    // no usable referrer, and a user agent naming an app's in-app browser
	NumEvidence                      // the number of kinds, for arrays indexed by Evidence
)

var evidenceNames = [NumEvidence]string{"utm", "click_id", "referrer", "redirect", "app", "internal", "spam", "unknown_referrer", "direct", "in_app"}

func (e Evidence) String() string {
	if e < NumEvidence {
		return evidenceNames[e]
	}
	return "Evidence(" + strconv.Itoa(int(e)) + ")"
}

// MarshalText writes the evidence by name, for JSON and CSV output.
func (e Evidence) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// Result is the classification of one visit.
//
// Its strings may share memory with the Visit; the classifier's caches keep
// copies of their own, never the Visit's memory.
type Result struct {
	Source   string // catalog id; unknown host: host without "www."; unknown utm_source: the normalised value; "direct"; "internal"; spam: the listed domain
	Medium   string // always in the vocabulary
	Evidence Evidence
	Rule     string // the rule that decided, e.g. "referrer:google.{}" or "direct:empty"
	Known    bool   // Source is a catalog source
	Host     string // the normalised referrer host, when there was one

	UTMSource   string // utm_source as written: percent-decoded, not trimmed or lowercased; "" if none
	UTMMedium   string // decoded, trimmed, lowercased
	UTMCampaign string // decoded, trimmed, lowercased
}

func (r *Result) apply(t *template) {
	r.Source, r.Medium, r.Rule, r.Evidence, r.Known = t.source, t.medium, t.rule, t.evidence, t.known
}

// Cache limits. A flood of unique hosts or tags clears a cache rather than
// growing it; results never depend on what is cached.
const (
	hostCacheEntries = 1 << 16
	hostCacheBytes   = 32 << 20
	tagCacheEntries  = 1 << 12
	tagCacheBytes    = 1 << 20
	maxCachedTag     = 256 // longer tag values are normalised every time
	uaCacheEntries   = 1 << 14
	uaCacheBytes     = 8 << 20
	maxCachedUA      = 1024 // longer user agents are scanned every time
)

// A Classifier classifies visits with a Matcher. It caches per host and
// per tag value, so it is for one goroutine; make one per worker.
type Classifier struct {
	m *Matcher

	hosts cache[*hostEntry]
	apps  cache[template]
	pages cache[pageInfo]
	src   cache[utmSource]
	med   cache[utmMedium]
	camp  cache[string]
	uas   cache[int32] // user agent -> token index, -1 for none

	lastPage   pageInfo
	lastPrefix string // scheme and authority of lastPage's URL

	refMemo []refMemo
	urlMemo []urlMemo
	uaMemo  []uaMemo
}

// NewClassifier returns a classifier with empty caches.
func (m *Matcher) NewClassifier() *Classifier {
	return &Classifier{
		m:     m,
		hosts: newCache[*hostEntry](hostCacheEntries, hostCacheBytes),
		apps:  newCache[template](tagCacheEntries, tagCacheBytes),
		pages: newCache[pageInfo](tagCacheEntries, tagCacheBytes),
		src:   newCache[utmSource](tagCacheEntries, tagCacheBytes),
		med:   newCache[utmMedium](tagCacheEntries, tagCacheBytes),
		camp:  newCache[string](tagCacheEntries, tagCacheBytes),
		uas:   newCache[int32](uaCacheEntries, uaCacheBytes),
	}
}

// cache is a map that is cleared when it reaches its limits.
type cache[V any] struct {
	m                    map[string]V
	bytes                int
	maxEntries, maxBytes int
}

func newCache[V any](entries, bytes int) cache[V] {
	return cache[V]{m: make(map[string]V), maxEntries: entries, maxBytes: bytes}
}

// put stores v under k, which must not share memory with a Visit; size
// estimates the bytes the entry holds.
func (c *cache[V]) put(k string, v V, size int) {
	if len(c.m) >= c.maxEntries || c.bytes+size > c.maxBytes {
		clear(c.m)
		c.bytes = 0
	}
	c.m[k] = v
	c.bytes += size
}

// Classify decides the source and medium of a visit: UTM tags, then click
// ids, then the referrer, then an in-app browser's user agent, then direct.
func (c *Classifier) Classify(v *ingest.Visit) Result {
	m := c.m
	var r Result

	kind, e, pathRule := c.referrer(v)
	if kind == refWeb {
		r.Host = e.host
	}

	q := c.params(v)
	u := v.URL
	// The column wins over the URL unless it says nothing: blank, or a
	// placeholder such as GA's "(direct)".
	var si utmSource
	srcRaw, srcURL := v.UTMSource, false
	if trimASCIISpace(srcRaw) != "" {
		si = c.utmSource(srcRaw, false)
	}
	for _, raw := range [2]string{q.src.in(u), q.fragSrc.in(u)} {
		if si.norm == "" && raw != "" {
			si = c.utmSource(raw, true)
			if si.norm != "" || trimASCIISpace(srcRaw) == "" {
				srcRaw, srcURL = raw, true
			}
		}
	}
	medRaw, medURL := v.UTMMedium, false
	if trimASCIISpace(medRaw) == "" {
		medRaw, medURL = q.med.in(u), true
	}
	campRaw, campURL := v.UTMCampaign, false
	if trimASCIISpace(campRaw) == "" {
		campRaw, campURL = q.camp.in(u), true
	}
	var mi utmMedium
	if medRaw != "" {
		mi = c.utmMedium(medRaw, medURL)
		r.UTMMedium = mi.norm
	}
	if campRaw != "" {
		r.UTMCampaign = c.campaign(campRaw, campURL)
	}

	// 1. UTM.
	if srcRaw != "" {
		r.UTMSource = srcRaw
		if srcURL && si.escaped {
			r.UTMSource = si.spelling // si is srcRaw's
		}
		if si.norm != "" {
			r.Evidence = EvidenceUTM
			r.Rule = si.rule
			srcMedium, paid := "", MediumPaidOther
			if si.src >= 0 {
				r.Source, r.Known = m.ids[si.src], true
				srcMedium, paid = m.mediums[si.src], m.paid[si.src]
			} else {
				r.Source = si.norm
			}
			switch {
			case mi.paid:
				r.Medium = paid
			case mi.medium != "":
				r.Medium = mi.medium
			case si.src >= 0:
				r.Medium = srcMedium
				for i := range m.clicks {
					if q.click&(1<<i) != 0 && m.clicks[i].src == si.src {
						r.Medium = m.clicks[i].tmpl.medium
						break
					}
				}
			default:
				r.Medium = MediumCampaign
			}
			return r
		}
	}

	// 2. Click ids, in priority order.
	if q.click != 0 {
		for i := range m.clicks {
			if q.click&(1<<i) != 0 {
				r.apply(&m.clicks[i].tmpl)
				return r
			}
		}
	}

	// 3. Referrer, 4. in-app browser, and 5. direct.
	switch kind {
	case refWeb:
		if c.sameSite(e, v.URL) {
			r.apply(&internalSite)
			return r
		}
		if e.internal != "" {
			r.apply(&template{"internal", MediumInternal, e.internal, EvidenceInternal, false})
			return r
		}
		if pathRule >= 0 {
			r.apply(&e.paths[pathRule].tmpl)
			return r
		}
		r.apply(&e.base)
	case refApp:
		_, raw, _ := splitReferrer(v.Referrer)
		t := c.app(raw)
		r.apply(&t)
	default:
		// Only a visit that would be direct asks the user agent: a
		// referrer says more about the click than the app it was in.
		if v.UserAgent != "" && len(m.uaTokens) > 0 {
			if k := c.userAgent(v); k >= 0 {
				r.apply(&m.uaTokens[k].tmpl)
				return r
			}
		}
		r.Source, r.Medium, r.Evidence, r.Rule = "direct", MediumDirect, EvidenceDirect, directRule[kind]
	}
	return r
}

var internalSite = template{"internal", MediumInternal, "internal:site", EvidenceInternal, false}

// Memos hold what a visit's referrer, URL and user agent say, by the keys
// the reader gives their values (ingest.Visit.URLKey and the others): a
// value from a Parquet dictionary is worked out once for its entry, where
// the caches above hash it on every row. A memo is direct-mapped, one
// entry a slot, and made on the first visit with a key: visits without
// keys, such as CSV's, pay nothing for it.
const (
	refMemoSlots = 1 << 14
	urlMemoSlots = 1 << 14
	uaMemoSlots  = 1 << 10
)

type refMemo struct {
	key  uint64
	e    *hostEntry
	rule int32 // the index in e.paths of the first path rule that matches, -1 for none
	kind refKind
}

type urlMemo struct {
	key uint64
	len int // the URL's, so that a key that lied could not cut past its end
	q   params
}

type uaMemo struct {
	key   uint64
	token int32
}

// referrer splits v's referrer and looks its host up. It returns the
// referrer's kind, after the host's say; for refWeb the host's entry and
// the index in e.paths of the path rule that matches, or -1.
func (c *Classifier) referrer(v *ingest.Visit) (refKind, *hostEntry, int) {
	var memo *refMemo
	if v.ReferrerKey != 0 {
		if c.refMemo == nil {
			c.refMemo = make([]refMemo, refMemoSlots)
		}
		memo = &c.refMemo[v.ReferrerKey%refMemoSlots]
		if memo.key == v.ReferrerKey {
			return memo.kind, memo.e, int(memo.rule)
		}
	}
	kind, raw, path := splitReferrer(v.Referrer)
	var e *hostEntry
	rule := -1
	if kind == refWeb {
		e = c.host(raw)
		kind = e.kind
		if kind == refWeb {
			for i := range e.paths {
				if pathMatch(path, e.paths[i].path) {
					rule = i
					break
				}
			}
		}
	}
	if memo != nil {
		*memo = refMemo{v.ReferrerKey, e, int32(rule), kind}
	}
	return kind, e, rule
}

// params returns what v's URL says in its query and fragment.
func (c *Classifier) params(v *ingest.Visit) params {
	if v.URLKey == 0 {
		var q params
		c.m.scanURL(v.URL, &q)
		return q
	}
	if c.urlMemo == nil {
		c.urlMemo = make([]urlMemo, urlMemoSlots)
	}
	memo := &c.urlMemo[v.URLKey%urlMemoSlots]
	if memo.key != v.URLKey || memo.len != len(v.URL) {
		*memo = urlMemo{key: v.URLKey, len: len(v.URL)}
		c.m.scanURL(v.URL, &memo.q)
	}
	return memo.q
}

// userAgent returns the index of the in-app browser token in v's user
// agent, -1 for none.
func (c *Classifier) userAgent(v *ingest.Visit) int32 {
	if v.UserAgentKey == 0 {
		return c.inApp(v.UserAgent)
	}
	if c.uaMemo == nil {
		c.uaMemo = make([]uaMemo, uaMemoSlots)
	}
	memo := &c.uaMemo[v.UserAgentKey%uaMemoSlots]
	if memo.key != v.UserAgentKey {
		*memo = uaMemo{v.UserAgentKey, c.inApp(v.UserAgent)}
	}
	return memo.token
}

func (c *Classifier) host(raw string) *hostEntry {
	if e, ok := c.hosts.m[raw]; ok {
		return e
	}
	k := strings.Clone(raw)
	e := c.m.classifyHost(k)
	c.hosts.put(k, e, 2*len(k)+len(e.base.rule)+len(e.base.source)+64)
	return e
}

func (c *Classifier) app(raw string) template {
	if t, ok := c.apps.m[raw]; ok {
		return t
	}
	k := strings.Clone(raw)
	pkg := lowerASCII(k)
	t, ok := c.m.apps[pkg]
	if !ok {
		t = template{pkg, MediumReferral, "app:" + pkg, EvidenceApp, false}
	}
	c.apps.put(k, t, 3*len(k))
	return t
}

// pageInfo is the landing page's host, for the same-site check.
type pageInfo struct {
	key       string // the cache's copy of the raw host
	host, reg string
	ok        bool
}

// sameSite reports whether the referrer host is the page's host or shares
// its registrable domain.
func (c *Classifier) sameSite(e *hostEntry, url string) bool {
	// Most visits land on one site: when the URL starts with the last
	// page's scheme and authority, its host is the same.
	if pre := c.lastPrefix; pre != "" && len(url) >= len(pre) && url[:len(pre)] == pre &&
		(len(url) == len(pre) || endsAuthority(url[len(pre)])) {
		return c.lastPage.ok && (e.host == c.lastPage.host || e.reg == c.lastPage.reg)
	}
	kind, raw, rest := splitReferrer(url)
	if kind != refWeb {
		return false
	}
	p, hit := c.pages.m[raw]
	if !hit {
		k := strings.Clone(raw)
		h, hk := normalizeHost(k)
		p = pageInfo{k, h, registrable(h), hk == refWeb}
		c.pages.put(k, p, 3*len(k))
	}
	c.lastPage, c.lastPrefix = p, ""
	if pre := url[:len(url)-len(rest)]; len(pre) <= maxRawHost && strings.HasSuffix(url, rest) && trimASCIISpace(pre) == pre {
		c.lastPrefix = strings.Clone(pre)
	}
	return p.ok && (e.host == p.host || e.reg == p.reg)
}

func endsAuthority(c byte) bool { return c == '/' || c == '?' || c == '#' || c == '\\' }

// params holds what the URL's query and fragment say, as places in the
// URL: a memo keeps them for a URL without keeping the URL.
type params struct {
	src, med, camp span   // raw values, empty when absent
	fragSrc        span   // utm_source in the fragment
	click          uint64 // bit i: click id i is present and non-empty
}

// span is where a value is in a URL; the zero span is an empty value.
type span struct{ lo, hi int32 }

func (s span) in(u string) string { return u[s.lo:s.hi] }

// scanURL reads UTM tags and click ids from the query, then from the
// fragment for what the query did not have ("#utm_source=x", or
// "#/route?utm_source=x" in single-page apps). A URL of 2 GiB or more,
// which no reader passes, is read as having neither.
func (m *Matcher) scanURL(u string, q *params) {
	if len(u) > math.MaxInt32 {
		return
	}
	qi, h := strings.IndexByte(u, '?'), strings.IndexByte(u, '#')
	switch {
	case h >= 0 && (qi < 0 || h < qi):
	case qi >= 0 && h >= 0:
		m.scanParams(u, qi+1, h, q, false)
	case qi >= 0:
		m.scanParams(u, qi+1, len(u), q, false)
		return
	default:
		return
	}
	frag := h + 1
	if j := strings.IndexByte(u[frag:], '?'); j >= 0 {
		frag += j + 1
	}
	m.scanParams(u, frag, len(u), q, true)
}

// scanParams walks the key=value pairs of u[lo:hi] without decoding them;
// names are compared ASCII case-insensitively and only the first
// non-empty value of each counts. utm_source is kept apart for the
// fragment, which is read when the query's says nothing.
func (m *Matcher) scanParams(u string, lo, hi int, q *params, frag bool) {
	for lo < hi {
		end, next := hi, hi
		if i := strings.IndexByte(u[lo:hi], '&'); i >= 0 {
			end, next = lo+i, lo+i+1
		}
		pair := u[lo:end]
		eq := strings.IndexByte(pair, '=')
		if eq <= 0 || eq == len(pair)-1 {
			lo = next
			continue
		}
		k, val := pair[:eq], span{int32(lo + eq + 1), int32(end)}
		lo = next
		switch len(k) {
		case 10:
			if asciiEqualFold(k, "utm_source") {
				if frag && q.fragSrc.hi == 0 {
					q.fragSrc = val
				} else if !frag && q.src.hi == 0 {
					q.src = val
				}
				continue
			}
			if q.med.hi == 0 && asciiEqualFold(k, "utm_medium") {
				q.med = val
				continue
			}
		case 12:
			if q.camp.hi == 0 && asciiEqualFold(k, "utm_campaign") {
				q.camp = val
				continue
			}
		}
		if len(k) < 64 && m.clickLens&(1<<len(k)) != 0 {
			for i := range m.clicks {
				if q.click&(1<<i) == 0 && asciiEqualFold(k, m.clicks[i].param) && !blankValue(val.in(u)) {
					q.click |= 1 << i
				}
			}
		}
	}
}

// normalizeValue decodes a tag value from a URL ('+' is a space, bad
// percent escapes are kept as written), trims and lowercases it. Values
// from their own columns are only trimmed and lowercased.
func normalizeValue(s string, fromURL bool) string {
	if fromURL {
		s = decodeValue(s)
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// blankValue reports whether a URL value is empty once decoded and
// trimmed; click ids are only checked for this, without allocating.
func blankValue(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+' || isSpace(c):
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b := unhex(s[i+1])<<4 | unhex(s[i+2])
			if b >= 0x80 {
				return normalizeValue(s, true) == "" // Unicode spaces
			}
			if !isSpace(b) {
				return false
			}
			i += 2
		case c >= 0x80:
			return normalizeValue(s, true) == ""
		default:
			return false
		}
	}
	return true
}

func decodeValue(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// cacheable reports whether a tag value's normalisation depends only on
// its raw text, so that one cache serves values from columns and URLs.
func cacheable(raw string, fromURL bool) bool {
	return len(raw) <= maxCachedTag && (fromURL || strings.IndexByte(raw, '%') < 0 && strings.IndexByte(raw, '+') < 0)
}

type utmSource struct {
	norm string
	src  int // source index, -1 when unknown
	rule string
	// A URL's value with escapes, as the person who tagged the link wrote
	// it: decoded, but not trimmed or lowercased, so ' aliexpress ' shows.
	spelling string
	escaped  bool
}

func (c *Classifier) utmSource(raw string, fromURL bool) utmSource {
	ok := cacheable(raw, fromURL)
	if ok {
		if u, hit := c.src.m[raw]; hit {
			return u
		}
		raw = strings.Clone(raw)
	}
	u := utmSource{norm: normalizeValue(raw, fromURL), src: -1}
	if fromURL && (strings.IndexByte(raw, '%') >= 0 || strings.IndexByte(raw, '+') >= 0) {
		u.spelling, u.escaped = strings.ToValidUTF8(decodeValue(raw), "\uFFFD"), true
	}
	if isPlaceholder(u.norm) || u.norm == "(not set)" || u.norm == "(not provided)" {
		u.norm = "" // analytics exports write these for "no source"
	}
	if i, known := c.m.utm[u.norm]; known {
		u.src, u.rule = i, c.m.utmRule[i]
		if u.norm != c.m.ids[i] {
			u.rule = "utm:utm_source=" + u.norm
		}
	} else if u.norm != "" {
		u.rule = "utm:utm_source=" + u.norm
	}
	if ok {
		c.src.put(raw, u, 2*len(raw)+len(u.rule)+len(u.spelling)+32)
	}
	return u
}

type utmMedium struct {
	norm   string
	medium string // the medium its spelling maps to, or ""
	paid   bool
}

func (c *Classifier) utmMedium(raw string, fromURL bool) utmMedium {
	ok := cacheable(raw, fromURL)
	if ok {
		if u, hit := c.med.m[raw]; hit {
			return u
		}
		raw = strings.Clone(raw)
	}
	u := utmMedium{norm: normalizeValue(raw, fromURL)}
	if u.norm != "" {
		u.paid = c.m.paidRE.MatchString(u.norm)
		u.medium = c.m.utmMedium[u.norm]
	}
	if ok {
		c.med.put(raw, u, 2*len(raw)+32)
	}
	return u
}

func (c *Classifier) campaign(raw string, fromURL bool) string {
	ok := cacheable(raw, fromURL)
	if ok {
		if s, hit := c.camp.m[raw]; hit {
			return s
		}
		raw = strings.Clone(raw)
	}
	s := normalizeValue(raw, fromURL)
	if ok {
		c.camp.put(raw, s, 2*len(raw)+16)
	}
	return s
}
