package rules

import (
	"sort"
	"strings"
)

// In-app browsers name their app in the user agent ("[FBAN/FBIOS;...",
// "Instagram 410.0.0.27.92", "MicroMessenger/8.0"). The tokens of
// sources.yaml are matched as whole tokens: see doc.go.

const (
	minUAToken = 3  // shorter tokens would match by accident
	maxUAToken = 64 // nobody writes more; keeps the index small
)

// checkUAToken returns why t cannot be a user-agent token, or "".
func checkUAToken(t string) string {
	switch {
	case t == "":
		return "empty"
	case len(t) < minUAToken:
		return "too short to be safe; a token needs at least 3 characters"
	case len(t) > maxUAToken:
		return "longer than 64 bytes"
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c < 0x20 || c > 0x7e {
			return "want printable ASCII: user agents name apps in ASCII"
		}
	}
	if !isAlnum(t[0]) {
		return "must begin with a letter or digit (write FBAN, not [FBAN: the token is matched where a word begins)"
	}
	if t[len(t)-1] == ' ' {
		return "must not end with a space"
	}
	return ""
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// firstWord returns the leading run of letters and digits of s.
func firstWord(s string) string {
	i := 0
	for i < len(s) && isAlnum(s[i]) {
		i++
	}
	return s[:i]
}

// uaToken is a compiled user-agent token.
type uaToken struct {
	text string
	tmpl template
}

// addUAToken indexes a token under its first word; a word's tokens are
// kept longest first, so that the longest token at a position wins.
func (m *Matcher) addUAToken(t uaToken) {
	w := firstWord(t.text)
	list := append(m.uaIndex[w], int32(len(m.uaTokens)))
	m.uaTokens = append(m.uaTokens, t)
	sort.SliceStable(list, func(a, b int) bool { return len(m.uaTokens[list[a]].text) > len(m.uaTokens[list[b]].text) })
	m.uaIndex[w] = list
}

// matchUA returns the index of the token that decides ua, or -1: the
// token found first in the string, and at the same place the longest. It
// looks up each word of ua once in the index, whatever the number of
// tokens.
func (m *Matcher) matchUA(ua string) int32 {
	for i := 0; i < len(ua); {
		if !isAlnum(ua[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(ua) && isAlnum(ua[j]) {
			j++
		}
		// ua[i:j] is a whole word: preceded by a non-alphanumeric byte or
		// the start, so any token found here begins on a boundary.
		for _, k := range m.uaIndex[ua[i:j]] {
			t := m.uaTokens[k].text
			if !strings.HasPrefix(ua[i:], t) {
				continue
			}
			end := i + len(t)
			if !isAlnum(t[len(t)-1]) || end == len(ua) || !isAlnum(ua[end]) {
				return k
			}
		}
		i = j
	}
	return -1
}

// inApp returns the index of the token deciding ua, or -1, cached per
// user agent.
func (c *Classifier) inApp(ua string) int32 {
	if k, ok := c.uas.m[ua]; ok {
		return k
	}
	k := c.m.matchUA(ua)
	if len(ua) <= maxCachedUA {
		c.uas.put(strings.Clone(ua), k, len(ua)+32)
	}
	return k
}
