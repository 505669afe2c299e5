package rules

import (
	"fmt"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// A pattern is a checked host entry of the catalog: "aliexpress.com",
// "google.{}" or the path rule "x.com/i/grok".
type pattern struct {
	text string // as written: the claim key and the name in Result.Rule
	host string // for "google.{}", "google"
	cc   bool   // ends in ".{}": any country-code public suffix
	path string // "/i/grok", or "" for a host rule
}

// parsePattern checks one host entry; msg says what is wrong.
func parsePattern(s string, allowPath, allowCC bool) (p pattern, msg string) {
	p.text = s
	if s == "" {
		return p, "empty host"
	}
	if strings.TrimSpace(s) != s {
		return p, "leading or trailing space"
	}
	if strings.Contains(s, "://") {
		return p, "write the host without a scheme"
	}
	host := s
	if i := strings.IndexByte(s, '/'); i >= 0 {
		if i == 0 {
			return p, "path rule without a host; write it as host/path, as in x.com/i/grok"
		}
		if !allowPath {
			return p, "a path is not allowed here"
		}
		host, p.path = s[:i], s[i:]
		if m := checkPath(p.path); m != "" {
			return p, m
		}
	}
	if !isASCII(host) {
		if a, err := idnaProfile.ToASCII(host); err == nil && validHostName(a) {
			return p, fmt.Sprintf("not ASCII; write the host in punycode: %q", a+p.path)
		}
		return p, "not a valid host name"
	}
	if lowerASCII(host) != host {
		return p, "must be lowercase"
	}
	if strings.HasSuffix(host, ".") {
		return p, "must not end with a dot"
	}
	if strings.ContainsAny(host, ":@") {
		return p, "must be a bare host name, without port or user"
	}
	if strings.ContainsAny(host, "{}") {
		if !allowCC {
			return p, "{} is not allowed here"
		}
		if !strings.HasSuffix(host, ".{}") || strings.Count(host, "{") != 1 || strings.Count(host, "}") != 1 {
			return p, "{} stands only for the public suffix at the end, as in google.{}"
		}
		p.cc = true
		host = strings.TrimSuffix(host, ".{}")
	}
	if !validHostName(host) || strings.HasPrefix(host, "-") || strings.HasSuffix(host, "-") ||
		strings.Contains(host, ".-") || strings.Contains(host, "-.") {
		return p, "not a valid host name"
	}
	p.host = host
	if !p.cc {
		if !strings.Contains(host, ".") {
			return p, "a single label would match a whole top-level domain"
		}
		if ps, icann := publicsuffix.PublicSuffix(host); ps == host && icann {
			return p, "is a public suffix; it would match every site under it"
		}
	}
	return p, ""
}

// checkPath checks the path of a path rule. Paths are compared
// case-insensitively by whole segments, so they are written lowercase and
// without a trailing slash.
func checkPath(path string) string {
	if path == "/" {
		return "the path \"/\" matches every page; write the host alone"
	}
	if strings.HasSuffix(path, "/") {
		return "path must not end with a slash"
	}
	if strings.Contains(path, "//") {
		return "path has an empty segment"
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c <= ' ' || c >= 0x7f || c == '?' || c == '#' || c == '\\' || c == '%' {
			return "path must be printable ASCII without spaces, '?', '#', '%' or '\\'"
		}
		if 'A' <= c && c <= 'Z' {
			return "path must be lowercase"
		}
	}
	return ""
}

// covers reports whether host pattern h (without a path) matches every
// host that exclude e matches.
func covers(h, e pattern) bool {
	switch {
	case h.cc == e.cc:
		return strings.HasSuffix(e.host, "."+h.host)
	case h.cc:
		rest, ok := ccSplit(e.host)
		return ok && strings.HasSuffix(rest, "."+h.host)
	}
	return false
}

// pathMatch reports whether the referrer path is p or below it, comparing
// ASCII case-insensitively and by whole segments: /i/grok matches
// /i/grok/abc but not /i/grokking. path may go on with a query or fragment.
func pathMatch(path, p string) bool {
	if len(path) < len(p) || !asciiEqualFold(path[:len(p)], p) {
		return false
	}
	if len(path) == len(p) {
		return true
	}
	c := path[len(p)]
	return c == '/' || c == '?' || c == '#'
}
