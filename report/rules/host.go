package rules

import (
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// refKind is what a referrer turned out to be.
type refKind uint8

const (
	refEmpty       refKind = iota // nothing, or a placeholder such as "null"
	refScheme                     // a non-web scheme: javascript:, file:, about:...
	refUnparseable                // not a URL or host we can read
	refLocalhost                  // the visitor's own machine
	refApp                        // android-app://package
	refWeb                        // a web host
)

// directRule is the Result.Rule of each kind of direct visit.
var directRule = [...]string{
	refEmpty:       "direct:empty",
	refScheme:      "direct:scheme",
	refUnparseable: "direct:unparseable",
	refLocalhost:   "direct:localhost",
}

// Longer raw hosts cannot normalise to a valid host name (253 bytes, at
// most 4 bytes of UTF-8 per character before punycode); refusing them early
// also keeps them out of the cache.
const maxRawHost = 1024

// splitReferrer reads a referrer without net/url: it is on the hot path and
// must accept what browsers and exports actually write ("www.google.com/x",
// "//host/path"). For web referrers it returns the raw host (port and
// userinfo removed, not yet normalised) and what follows it (path, query
// and fragment, left unsplit: only path rules look at it); for apps, the
// package.
func splitReferrer(s string) (kind refKind, host, path string) {
	s = trimASCIISpace(s)
	// Nearly every referrer is an http(s) URL: skip the general scheme
	// scan for them.
	switch {
	case len(s) > 8 && (s[:8] == "https://" || asciiEqualFold(s[:8], "https://")):
		return splitAuthority(s[8:])
	case len(s) > 7 && (s[:7] == "http://" || asciiEqualFold(s[:7], "http://")):
		return splitAuthority(s[7:])
	case s == "" || isPlaceholder(s):
		return refEmpty, "", ""
	}
	i := 0
	for i < len(s) && isSchemeChar(s[i]) {
		i++
	}
	if i > 0 && i < len(s) && s[i] == ':' && isAlpha(s[0]) && !isPort(s[i+1:]) {
		scheme, rest := s[:i], s[i+1:]
		switch {
		case asciiEqualFold(scheme, "http"), asciiEqualFold(scheme, "https"):
			if !strings.HasPrefix(rest, "//") {
				return refUnparseable, "", ""
			}
			return splitAuthority(rest[2:])
		case asciiEqualFold(scheme, "android-app"):
			if !strings.HasPrefix(rest, "//") {
				return refUnparseable, "", ""
			}
			pkg := rest[2:]
			for j := 0; j < len(pkg); j++ {
				if c := pkg[j]; c == '/' || c == '?' || c == '#' {
					pkg = pkg[:j]
					break
				}
			}
			if !validPackage(pkg) {
				return refUnparseable, "", ""
			}
			return refApp, pkg, ""
		}
		return refScheme, "", ""
	}
	switch {
	case strings.HasPrefix(s, "//"):
		return splitAuthority(s[2:])
	case s[0] == '/' || s[0] == '?' || s[0] == '#':
		return refUnparseable, "", ""
	}
	return splitAuthority(s)
}

// splitAuthority splits what follows "scheme://" into the raw host and the
// rest, in one pass. Browsers read a backslash as a slash in http URLs, so
// it ends the authority too.
func splitAuthority(rest string) (kind refKind, host, path string) {
	end, at, colon := len(rest), -1, -1
scan:
	for j := 0; j < len(rest); j++ {
		switch rest[j] {
		case '/', '?', '#', '\\':
			end = j
			break scan
		case '@':
			at, colon = j, -1
		case ':':
			if colon < 0 {
				colon = j
			}
		}
	}
	auth, path := rest[at+1:end], rest[end:]
	if len(auth) > 0 && auth[0] == '[' {
		j := strings.IndexByte(auth, ']')
		if j < 0 || (j+1 < len(auth) && (auth[j+1] != ':' || !allDigits(auth[j+2:]))) {
			return refUnparseable, "", ""
		}
		auth = auth[:j+1]
	} else if colon >= 0 {
		if !allDigits(rest[colon+1 : end]) {
			return refUnparseable, "", ""
		}
		auth = rest[at+1 : colon]
	}
	if auth == "" || len(auth) > maxRawHost {
		return refUnparseable, "", ""
	}
	return refWeb, auth, path
}

// isPlaceholder reports the values trackers and exports write for "no
// referrer".
func isPlaceholder(s string) bool {
	if len(s) > len("about:blank") || s == "" {
		return false
	}
	for _, p := range [...]string{"null", "undefined", "-", "about:blank", "(direct)", "(none)", "none"} {
		if asciiEqualFold(s, p) {
			return true
		}
	}
	return false
}

// isPort reports whether s, the text after a colon, begins with a port
// number, so that "localhost:3000/x" and "www.site.com:8080" are read as
// hosts and not as a scheme.
func isPort(s string) bool {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n > 0 && (n == len(s) || s[n] == '/' || s[n] == '?' || s[n] == '#')
}

// idnaProfile maps Unicode host names to punycode the way browsers do for
// lookup, without STD3 rules: real hosts contain underscores.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
	idna.BidiRule(),
)

// normalizeHost turns a raw host from splitReferrer into its canonical form:
// lowercase, no trailing dot, IDN as punycode, IPv6 in brackets. kind is
// refWeb, refLocalhost, refEmpty or refUnparseable.
func normalizeHost(raw string) (host string, kind refKind) {
	if raw == "" || len(raw) > maxRawHost {
		return "", refUnparseable
	}
	if raw[0] == '[' {
		if raw[len(raw)-1] != ']' {
			return "", refUnparseable
		}
		a, err := netip.ParseAddr(raw[1 : len(raw)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", refUnparseable
		}
		if a.IsLoopback() || a.IsUnspecified() || (a.Is4In6() && (a.Unmap().IsLoopback() || a.Unmap().IsUnspecified())) {
			return "", refLocalhost
		}
		return "[" + a.String() + "]", refWeb
	}
	h := raw
	if !isASCII(h) {
		a, err := idnaProfile.ToASCII(h)
		if err != nil {
			return "", refUnparseable
		}
		h = a
	}
	h = lowerASCII(h)
	h = strings.TrimSuffix(h, ".")
	if !validHostName(h) {
		return "", refUnparseable
	}
	// "http://null/" is the placeholder again, and treating it so keeps
	// NormalizeHost idempotent.
	if isPlaceholder(h) {
		return "", refEmpty
	}
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "", refLocalhost
	}
	if a, err := netip.ParseAddr(h); err == nil {
		if a.IsLoopback() || a.IsUnspecified() {
			return "", refLocalhost
		}
		return a.String(), refWeb
	}
	return h, refWeb
}

// validHostName checks a lowercase ASCII host: labels of letters, digits,
// '-' and '_', 1 to 63 bytes each, 253 in all.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	n := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if n == 0 {
				return false
			}
			n = 0
			continue
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		default:
			return false
		}
		n++
		if n > 63 {
			return false
		}
	}
	return n > 0
}

// NormalizeHost returns the normalised host of a referrer, or false when
// the referrer has no web host (it is direct, an app or unreadable). It
// accepts whatever a referrer column holds: a URL, "//host/path", or a bare
// "host/path"; the result is lowercase, without port, userinfo or trailing
// dot, with IDNs in punycode and IPv6 addresses in brackets. Normalising a
// result again returns it unchanged.
func NormalizeHost(raw string) (string, bool) {
	kind, h, _ := splitReferrer(raw)
	if kind != refWeb {
		return "", false
	}
	host, kind := normalizeHost(h)
	if kind != refWeb {
		return "", false
	}
	return host, true
}

// registrable returns the host's registrable domain (eTLD+1, private
// suffixes included so that two sites on one hosting platform stay apart),
// or the host itself when it has none, such as an IP address.
func registrable(host string) string {
	if host == "" || host[0] == '[' {
		return host
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// ccSplit splits a host for matching against "name.{}" patterns: rest is
// the host without its ICANN public suffix when that suffix ends in a
// two-letter country code (de, co.uk, com.br); ok is false otherwise.
func ccSplit(host string) (rest string, ok bool) {
	if host == "" || host[0] == '[' {
		return "", false
	}
	s, icann := publicsuffix.PublicSuffix(host)
	// Below a private suffix (blogspot.de) the ICANN one is further right.
	for !icann {
		dot := strings.IndexByte(s, '.')
		if dot < 0 {
			return "", false
		}
		s, icann = publicsuffix.PublicSuffix(s[dot+1:])
	}
	last := s
	if dot := strings.LastIndexByte(s, '.'); dot >= 0 {
		last = s[dot+1:]
	}
	if len(last) != 2 || !isAlpha(last[0]) || !isAlpha(last[1]) {
		return "", false
	}
	if len(host) <= len(s)+1 || host[len(host)-len(s)-1] != '.' {
		return "", false
	}
	return host[:len(host)-len(s)-1], true
}

// validPackage checks an Android package name as found in a referrer.
func validPackage(p string) bool {
	if p == "" || len(p) > 255 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(isAlpha(c) || '0' <= c && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func isSchemeChar(c byte) bool {
	return isAlpha(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// lowerASCII lowercases ASCII letters, returning s itself when there are
// none to change.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func trimASCIISpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
