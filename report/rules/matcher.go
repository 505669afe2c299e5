package rules

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// A Matcher is a catalog compiled for classification. It is immutable after
// Compile and safe for concurrent use; each goroutine classifies through its
// own Classifier.
type Matcher struct {
	cat *Catalog

	// Host patterns are indexed by their labels from the right, so matching
	// a host costs one map step per label whatever the number of rules.
	// "name.{}" patterns live in a second tree entered below the host's
	// country-code public suffix.
	lit, cc *node

	ids       []string // by source index
	mediums   []string
	paid      []string          // the paid_ medium of each source
	utm       map[string]int    // utm_source value (alias or id) -> source index
	utmRule   []string          // "utm:utm_source=<id>", by source index
	utmMedium map[string]string // utm_medium spelling or medium id -> medium
	paidRE    *regexp.Regexp
	clicks    []clickRule // priority order
	clickLens uint64      // bit n set when some click id param has length n
	apps      map[string]template

	// User-agent tokens, indexed by their first word (the leading run of
	// letters and digits), so that a user agent costs one map lookup per
	// word whatever the number of tokens.
	uaIndex  map[string][]int32
	uaTokens []uaToken
}

// template is the part of a Result a rule fixes.
type template struct {
	source, medium, rule string
	evidence             Evidence
	known                bool
}

type clickRule struct {
	param string
	src   int
	tmpl  template
}

// rule is a host rule or path rule of a source.
type rule struct {
	src  int
	path string
	tmpl template
}

type node struct {
	children map[string]*node
	host     *rule  // the host rule or redirect for exactly this host
	paths    []rule // path rules, longest path first
	spam     *template
	internal string // Result.Rule when this host is internal
	exclude  []int  // sources that do not match here and below
}

func (n *node) child(label string) *node {
	if n.children == nil {
		n.children = make(map[string]*node)
	}
	c := n.children[label]
	if c == nil {
		c = &node{}
		n.children[label] = c
	}
	return c
}

// insert returns the node for host, creating it.
func (n *node) insert(host string) *node {
	for host != "" {
		dot := strings.LastIndexByte(host, '.')
		n = n.child(host[dot+1:])
		if dot < 0 {
			break
		}
		host = host[:dot]
	}
	return n
}

func (m *Matcher) root(p pattern) *node {
	if p.cc {
		return m.cc.insert(p.host)
	}
	return m.lit.insert(p.host)
}

// Compile builds a Matcher from a catalog returned by Load or Parse.
// siteHosts are the --site-host values: hosts (or URLs) of the site itself,
// internal together with their subdomains.
func Compile(c *Catalog, siteHosts []string) (*Matcher, error) {
	if c == nil {
		return nil, errors.New("rules: Compile: nil catalog")
	}
	m := &Matcher{
		cat:       c,
		lit:       &node{},
		cc:        &node{},
		utm:       make(map[string]int),
		utmMedium: make(map[string]string),
		apps:      make(map[string]template),
		uaIndex:   make(map[string][]int32),
		paidRE:    c.PaidPattern,
	}
	if m.paidRE == nil {
		m.paidRE = regexp.MustCompile(DefaultPaidPattern)
	}
	for _, v := range vocabulary {
		// A medium id is its own spelling, except for the mediums the
		// classifier decides: a link cannot make a visit direct.
		if !reservedMedium(v) {
			m.utmMedium[v] = v
		}
	}
	// Compile re-checks what it relies on, so that a Catalog built by hand
	// fails here and not while classifying.
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	for _, md := range c.Mediums {
		for _, sp := range md.UTMMedium {
			m.utmMedium[sp] = md.ID
		}
	}
	index := make(map[string]int)
	for i, s := range c.Sources {
		if _, dup := index[s.ID]; dup || s.ID == "" {
			bad("source %q: empty or duplicate id", s.ID)
		}
		if !IsMedium(s.Medium) {
			bad("source %q: unknown medium %q", s.ID, s.Medium)
		}
		index[s.ID] = i
		m.ids = append(m.ids, s.ID)
		m.mediums = append(m.mediums, s.Medium)
		m.paid = append(m.paid, PaidMedium(s.Medium))
		m.utmRule = append(m.utmRule, "utm:utm_source="+s.ID)
	}
	uaSeen := make(map[string]bool)
	for i, s := range c.Sources {
		m.utm[s.ID] = i
		for _, u := range s.UTMSources {
			if j, dup := m.utm[u]; dup && j != i {
				bad("source %q: utm_sources %q is claimed twice", s.ID, u)
			}
			m.utm[u] = i
		}
		for _, a := range s.Apps {
			if _, dup := m.apps[a]; dup {
				bad("source %q: app %q is claimed twice", s.ID, a)
			}
			m.apps[a] = template{s.ID, s.Medium, "app:" + a, EvidenceApp, true}
		}
		for _, t := range s.UserAgents {
			if msg := checkUAToken(t); msg != "" {
				bad("source %q: user_agents %q: %s", s.ID, t, msg)
				continue
			}
			if _, dup := uaSeen[t]; dup {
				bad("source %q: user_agents %q is claimed twice", s.ID, t)
				continue
			}
			uaSeen[t] = true
			m.addUAToken(uaToken{t, template{s.ID, s.Medium, "in_app:" + t, EvidenceInApp, true}})
		}
		add := func(text, medium string, ev Evidence) {
			p, msg := parsePattern(text, true, true)
			if msg != "" {
				bad("source %q: host %q: %s", s.ID, text, msg)
				return
			}
			if !IsMedium(medium) {
				bad("source %q: host %q: unknown medium %q", s.ID, text, medium)
			}
			prefix := "referrer:"
			if ev == EvidenceRedirect {
				prefix = "redirect:"
			}
			r := rule{src: i, path: p.path, tmpl: template{s.ID, medium, prefix + text, ev, true}}
			n := m.root(p)
			if p.path == "" {
				if n.host != nil {
					bad("source %q: host %q is claimed twice", s.ID, text)
					return
				}
				n.host = &r
				return
			}
			for _, q := range n.paths {
				if q.path == p.path {
					bad("source %q: path rule %q is claimed twice", s.ID, text)
					return
				}
			}
			n.paths = append(n.paths, r)
			sort.SliceStable(n.paths, func(a, b int) bool { return len(n.paths[a].path) > len(n.paths[b].path) })
		}
		for _, h := range s.Hosts {
			add(h, s.Medium, EvidenceReferrer)
		}
		for _, r := range s.Redirects {
			md := r.Medium
			if md == "" {
				md = s.Medium
			}
			add(r.Host, md, EvidenceRedirect)
		}
		for _, e := range s.Exclude {
			p, msg := parsePattern(e, false, true)
			if msg != "" {
				bad("source %q: exclude %q: %s", s.ID, e, msg)
				continue
			}
			n := m.root(p)
			n.exclude = append(n.exclude, i)
		}
	}
	for _, h := range c.SpamHosts {
		p, msg := parsePattern(h, false, false)
		if msg != "" {
			bad("spam_hosts: %q: %s", h, msg)
			continue
		}
		n := m.root(p)
		n.spam = &template{h, MediumSpam, "spam:" + h, EvidenceSpam, false}
	}
	for _, h := range c.InternalHosts {
		p, msg := parsePattern(h, false, true)
		if msg != "" {
			bad("internal_hosts: %q: %s", h, msg)
			continue
		}
		m.root(p).internal = "internal:" + h
	}
	for _, h := range siteHosts {
		nh, ok := NormalizeHost(h)
		if !ok {
			bad("--site-host %q: not a web host name", h)
			continue
		}
		m.lit.insert(nh).internal = "internal:site"
	}
	if len(c.ClickIDs) > 64 {
		bad("more than 64 click ids")
	}
	for _, ck := range c.ClickIDs {
		i, ok := index[ck.Source]
		if !ok {
			bad("click id %q: unknown source %q", ck.Param, ck.Source)
			continue
		}
		if !IsMedium(ck.Medium) || ck.Param == "" || len(ck.Param) >= 64 {
			bad("click id %q: bad param or medium %q", ck.Param, ck.Medium)
			continue
		}
		m.clickLens |= 1 << len(ck.Param)
		m.clicks = append(m.clicks, clickRule{ck.Param, i, template{ck.Source, ck.Medium, "click_id:" + ck.Param, EvidenceClickID, true}})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// PaidMedium returns the medium of a paid visit from a source of medium
// m: its paid_ form when the vocabulary has one, else paid_other.
func PaidMedium(m string) string {
	if strings.HasPrefix(m, "paid_") && IsMedium(m) {
		return m
	}
	if IsMedium("paid_" + m) {
		return "paid_" + m
	}
	return MediumPaidOther
}

// hit is a node on a host's path through the index, with the number of the
// host's labels it covers.
type hit struct {
	n     *node
	depth int
	cc    bool
}

func (n *node) hasRules() bool {
	return n.host != nil || len(n.paths) > 0 || n.spam != nil || n.internal != "" || len(n.exclude) > 0
}

// walk appends the index nodes host passes through, deepest first; at
// equal depth a literal host comes before a "name.{}" one.
func (m *Matcher) walk(host string, hits []hit) []hit {
	start := len(hits)
	hits = walkTree(m.lit, host, 0, false, hits)
	if rest, ok := ccSplit(host); ok {
		suffixLabels := strings.Count(host[len(rest)+1:], ".") + 1
		hits = walkTree(m.cc, rest, suffixLabels, true, hits)
	}
	h := hits[start:]
	sort.SliceStable(h, func(i, j int) bool {
		if h[i].depth != h[j].depth {
			return h[i].depth > h[j].depth
		}
		return !h[i].cc && h[j].cc
	})
	return hits
}

func walkTree(n *node, host string, depth int, cc bool, hits []hit) []hit {
	for host != "" {
		dot := strings.LastIndexByte(host, '.')
		n = n.children[host[dot+1:]]
		if n == nil {
			break
		}
		depth++
		if n.hasRules() {
			hits = append(hits, hit{n, depth, cc})
		}
		if dot < 0 {
			break
		}
		host = host[:dot]
	}
	return hits
}

// hostEntry is everything about a referrer host that does not depend on
// the visit: it is computed once per host and cached.
type hostEntry struct {
	kind     refKind // refWeb, or why the host makes the visit direct
	host     string
	reg      string // registrable domain, for the same-site check
	internal string // Result.Rule when a configured internal host, else ""
	paths    []rule // path rules to try, in order, before base
	base     template
}

// classifyHost computes the entry for a raw host from splitReferrer.
func (m *Matcher) classifyHost(raw string) *hostEntry {
	h, kind := normalizeHost(raw)
	e := &hostEntry{kind: kind}
	if kind != refWeb {
		return e
	}
	e.host = h
	e.reg = registrable(h)
	var buf [16]hit
	hits := m.walk(h, buf[:0])
	for _, x := range hits {
		if x.n.internal != "" {
			e.internal = x.n.internal
			break
		}
	}
	var excluded []int
	isExcluded := func(src int) bool {
		for _, x := range excluded {
			if x == src {
				return true
			}
		}
		return false
	}
	for _, x := range hits {
		excluded = append(excluded, x.n.exclude...)
		for _, r := range x.n.paths {
			if !isExcluded(r.src) {
				e.paths = append(e.paths, r)
			}
		}
		if r := x.n.host; r != nil && !isExcluded(r.src) {
			e.base = r.tmpl
			return e
		}
		if x.n.spam != nil {
			e.base = *x.n.spam
			return e
		}
	}
	src := h
	if strings.HasPrefix(h, "www.") && strings.Contains(h[4:], ".") {
		src = h[4:]
	}
	e.base = template{src, MediumReferral, "unknown:" + src, EvidenceUnknown, false}
	return e
}
