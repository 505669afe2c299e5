package rules

// The schema of sources.yaml: what each key means is in doc.go; here each
// is decoded and checked, and cross-references are resolved once the whole
// file is read.

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	idRE      = regexp.MustCompile(`^[a-z0-9_]+$`)
	citeIDRE  = regexp.MustCompile(`^[a-z0-9_-]+$`)
	paramRE   = regexp.MustCompile(`^[a-z0-9_]+$`)
	packageRE = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)
)

func (d *decoder) catalog(root *yaml.Node) {
	c := d.cat
	fs := d.fields(root, "", "version", "mediums", "paid_utm_medium", "internal_hosts", "click_ids", "spam_hosts", "sources")
	if fs == nil {
		return
	}
	d.require(root, "", fs, "version", "mediums", "sources")
	if f := fs["version"]; f.present() {
		if v, ok := d.integer(f, ""); ok {
			if v != 1 {
				d.add(f.val, "", "version: unsupported version %d; this refreport reads version 1", v)
			}
			c.Version = v
		}
	}
	// The paid pattern first: medium spellings are checked against it.
	c.PaidPattern = regexp.MustCompile(DefaultPaidPattern)
	if f := fs["paid_utm_medium"]; f.present() {
		if s, ok := d.str(f, ""); ok {
			re, err := regexp.Compile(s)
			switch {
			case len(s) > 1000:
				d.add(f.val, "", "paid_utm_medium: longer than 1000 bytes")
			case err != nil:
				d.add(f.val, "", "paid_utm_medium: %v", err)
			default:
				c.PaidPattern = re
			}
		}
	}
	if f := fs["mediums"]; f.present() {
		d.mediums(f)
	}
	if f := fs["internal_hosts"]; f.present() {
		ss, ns := d.strs(f, "")
		for i, s := range ss {
			p, msg := parsePattern(s, false, true)
			if msg != "" {
				d.add(ns[i], "internal_hosts", "%q: %s", s, msg)
				continue
			}
			d.claim(p.text, ns[i], "internal_hosts", "host", "internal_hosts")
			c.InternalHosts = append(c.InternalHosts, s)
		}
	}
	if f := fs["spam_hosts"]; f.present() {
		ss, ns := d.strs(f, "")
		for i, s := range ss {
			p, msg := parsePattern(s, false, false)
			if msg != "" {
				d.add(ns[i], "spam_hosts", "%q: %s", s, msg)
				continue
			}
			d.claim(p.text, ns[i], "spam_hosts", "host", "spam_hosts")
			c.SpamHosts = append(c.SpamHosts, s)
		}
	}
	if f := fs["sources"]; f.present() {
		for i, n := range d.list(f, "") {
			d.source(i, n)
		}
	}
	// Click ids name sources, so they are read after them whatever the
	// order in the file.
	if f := fs["click_ids"]; f.present() {
		d.params = make(map[string]int)
		for i, n := range d.list(f, "") {
			d.clickID(i, n)
		}
	}
}

func (d *decoder) mediums(f kv) {
	c := d.cat
	seen := make(map[string]int)        // medium id -> line
	spellings := make(map[string]owner) // utm_medium spelling -> medium
	for i, n := range d.list(f, "") {
		where := fmt.Sprintf("mediums[%d]", i)
		if id, ok := peek(n, "id"); ok {
			where = fmt.Sprintf("medium %q", id)
		}
		fs := d.fields(n, where, "id", "name", "utm_medium")
		if fs == nil {
			continue
		}
		d.require(n, where, fs, "id", "name")
		m := Medium{}
		if f := fs["id"]; f.present() {
			id, ok := d.str(f, where)
			if !ok {
				continue
			}
			switch line, dup := seen[id]; {
			case !IsMedium(id):
				d.add(f.val, where, "not in the medium vocabulary (%s)", strings.Join(vocabulary[:], ", "))
				continue
			case dup:
				d.add(f.val, where, "listed twice (first at line %d)", line)
				continue
			}
			seen[id] = f.val.Line
			m.ID = id
		}
		if f := fs["name"]; f.present() {
			m.Name, _ = d.text(f, where)
		}
		ss, ns := d.strs(fs["utm_medium"], where)
		for j, s := range ss {
			switch prev, dup := spellings[s]; {
			case s == "" || strings.TrimSpace(s) != s || strings.ToLower(s) != s:
				d.add(ns[j], where, "utm_medium %q: values are matched trimmed and lowercased, so write them so", s)
			case reservedMedium(m.ID):
				// A tagged link is a campaign someone made: it cannot
				// claim to be direct, internal or spam.
				d.add(ns[j], where, "utm_medium %q: %s takes no utm_medium spellings (a tagged visit is never %s)", s, m.ID, m.ID)
			case IsMedium(s) && s != m.ID:
				d.add(ns[j], where, "utm_medium %q is the id of another medium", s)
			case dup:
				d.add(ns[j], where, "utm_medium %q is already claimed by %s (line %d)", s, prev.who, prev.line)
			case c.PaidPattern.MatchString(s):
				d.add(ns[j], where, "utm_medium %q matches paid_utm_medium, so it is never read as this medium", s)
			default:
				spellings[s] = owner{where, ns[j].Line}
				m.UTMMedium = append(m.UTMMedium, s)
			}
		}
		if m.ID != "" {
			c.Mediums = append(c.Mediums, m)
		}
	}
	var missing []string
	for _, id := range vocabulary {
		if _, ok := seen[id]; !ok {
			missing = append(missing, strconv.Quote(id))
		}
	}
	if len(missing) > 0 {
		d.add(f.key, "", "mediums: missing %s; every medium of the vocabulary must be listed once", strings.Join(missing, ", "))
	}
	for i := range c.Mediums {
		c.mediumBy[c.Mediums[i].ID] = &c.Mediums[i]
	}
}

// medium checks a medium id given to a source, redirect or click id.
func (d *decoder) medium(f kv, where string) (string, bool) {
	s, ok := d.str(f, where)
	if !ok {
		return "", false
	}
	switch {
	case !IsMedium(s):
		d.add(f.val, where, "%s: unknown medium %q", f.key.Value, s)
		return "", false
	case reservedMedium(s):
		d.add(f.val, where, "%s: medium %q is decided by the classifier and cannot be given", f.key.Value, s)
		return "", false
	}
	return s, true
}

func (d *decoder) clickID(i int, n *yaml.Node) {
	c := d.cat
	where := fmt.Sprintf("click_ids[%d]", i)
	if p, ok := peek(n, "param"); ok {
		where = fmt.Sprintf("click id %q", p)
	}
	fs := d.fields(n, where, "param", "source", "medium")
	if fs == nil {
		return
	}
	d.require(n, where, fs, "param", "source", "medium")
	var ci ClickID
	ok := true
	if f := fs["param"]; f.present() {
		p, good := d.str(f, where)
		if good {
			switch line, dup := d.params[p]; {
			case !paramRE.MatchString(p):
				d.add(f.val, where, "param must be lowercase letters, digits and '_'; it is matched case-insensitively")
				good = false
			case strings.HasPrefix(p, "utm_"):
				d.add(f.val, where, "param: utm_ parameters are read as UTM tags")
				good = false
			case dup:
				d.add(f.val, where, "param is listed twice (first at line %d)", line)
				good = false
			default:
				d.params[p] = f.val.Line
			}
		}
		ci.Param, ok = p, good
	}
	if f := fs["source"]; f.present() {
		s, good := d.str(f, where)
		if good {
			if _, known := c.byID[s]; !known {
				d.add(f.val, where, "source: unknown source %q", s)
				good = false
			}
		}
		ci.Source, ok = s, ok && good
	}
	if f := fs["medium"]; f.present() {
		m, good := d.medium(f, where)
		ci.Medium, ok = m, ok && good
	}
	if ok && ci.Param != "" && ci.Source != "" && ci.Medium != "" {
		c.ClickIDs = append(c.ClickIDs, ci)
	}
}

func (d *decoder) source(i int, n *yaml.Node) {
	c := d.cat
	where := fmt.Sprintf("sources[%d]", i)
	if id, ok := peek(n, "id"); ok {
		where = fmt.Sprintf("source %q", id)
	}
	fs := d.fields(n, where, "id", "name", "medium", "hosts", "exclude", "redirects", "apps", "user_agents", "utm_sources", "page")
	if fs == nil {
		return
	}
	d.require(n, where, fs, "id", "name", "medium")
	s := &Source{}
	if f := fs["id"]; f.present() {
		id, ok := d.str(f, where)
		if ok {
			switch line, dup := d.idLines[id]; {
			case !idRE.MatchString(id) || len(id) > 64:
				d.add(f.val, where, "id must be 1 to 64 lowercase letters, digits or '_' (it names files)")
				ok = false
			case id == MediumDirect || id == MediumInternal:
				d.add(f.val, where, "id %q is reserved for visits that are not from a source", id)
				ok = false
			case dup:
				d.add(f.val, where, "id is used twice (first at line %d)", line)
				ok = false
			}
		}
		if !ok {
			return
		}
		d.idLines[id] = f.val.Line
		s.ID = id
	} else {
		return
	}
	who := where
	if f := fs["name"]; f.present() {
		s.Name, _ = d.text(f, where)
	}
	if f := fs["medium"]; f.present() {
		s.Medium, _ = d.medium(f, where)
	}
	c.byID[s.ID] = s
	c.Sources = append(c.Sources, s)

	var hosts []pattern
	hs, hn := d.strs(fs["hosts"], where)
	for j, h := range hs {
		p, msg := parsePattern(h, true, true)
		if msg != "" {
			d.add(hn[j], where, "host %q: %s", h, msg)
			continue
		}
		d.claim(p.text, hn[j], where, "host", who)
		s.Hosts = append(s.Hosts, h)
		hosts = append(hosts, p)
	}
	es, en := d.strs(fs["exclude"], where)
	excluded := make(map[string]bool)
	for j, e := range es {
		p, msg := parsePattern(e, false, true)
		if msg == "" {
			under := false
			for _, h := range hosts {
				if h.path != "" {
					continue
				}
				if h.text == p.text {
					msg = "is a host of this source itself"
					break
				}
				under = under || covers(h, p)
			}
			if msg == "" && !under {
				msg = "is not under any host of this source"
			}
		}
		if msg == "" && excluded[e] {
			msg = "is listed twice"
		}
		if msg != "" {
			d.add(en[j], where, "exclude %q: %s", e, msg)
			continue
		}
		excluded[e] = true
		s.Exclude = append(s.Exclude, e)
	}
	for j, rn := range d.list(fs["redirects"], where) {
		rw := fmt.Sprintf("%s: redirects[%d]", where, j)
		rf := d.fields(rn, rw, "host", "medium")
		if rf == nil {
			continue
		}
		d.require(rn, rw, rf, "host")
		r := Redirect{Medium: s.Medium}
		ok := true
		if f := rf["medium"]; f.present() {
			r.Medium, ok = d.medium(f, rw)
		}
		if f := rf["host"]; f.present() {
			h, good := d.str(f, rw)
			if !good {
				continue
			}
			p, msg := parsePattern(h, true, true)
			if msg != "" {
				d.add(f.val, where, "redirect %q: %s", h, msg)
				continue
			}
			d.claim(p.text, f.val, where, "host", who)
			r.Host = h
		}
		if ok && r.Host != "" {
			s.Redirects = append(s.Redirects, r)
		}
	}
	as, an := d.strs(fs["apps"], where)
	for j, a := range as {
		if !packageRE.MatchString(a) || len(a) > 255 {
			d.add(an[j], where, "app %q: want a lowercase Android package name, as in com.google.android.gm", a)
			continue
		}
		if prev, dup := d.apps[a]; dup {
			if prev.who == who {
				d.add(an[j], where, "app %q is listed twice (first at line %d)", a, prev.line)
			} else {
				d.add(an[j], where, "app %q is already claimed by %s (line %d)", a, prev.who, prev.line)
			}
			continue
		}
		d.apps[a] = owner{who, an[j].Line}
		s.Apps = append(s.Apps, a)
	}
	ts, tn := d.strs(fs["user_agents"], where)
	for j, t := range ts {
		if msg := checkUAToken(t); msg != "" {
			d.add(tn[j], where, "user_agents %q: %s", t, msg)
			continue
		}
		if prev, dup := d.agents[t]; dup {
			if prev.who == who {
				d.add(tn[j], where, "user_agents %q is listed twice (first at line %d)", t, prev.line)
			} else {
				d.add(tn[j], where, "user_agents %q is already claimed by %s (line %d)", t, prev.who, prev.line)
			}
			continue
		}
		d.agents[t] = owner{who, tn[j].Line}
		s.UserAgents = append(s.UserAgents, t)
	}
	us, un := d.strs(fs["utm_sources"], where)
	for j, u := range us {
		node := un[j]
		if u == "" || strings.TrimSpace(u) != u || strings.ToLower(u) != u {
			d.add(node, where, "utm_sources %q: values are matched trimmed and lowercased, so write them so", u)
			continue
		}
		if u == s.ID {
			continue // the id always matches; listing it is harmless
		}
		if prev, dup := d.aliases[u]; dup {
			if prev.src == s {
				d.add(node, where, "utm_sources %q is listed twice (first at line %d)", u, prev.node.Line)
			} else {
				d.add(node, where, "utm_sources %q is already claimed by source %q (line %d)", u, prev.src.ID, prev.node.Line)
			}
			continue
		}
		d.aliases[u] = aliasClaim{s, node}
		s.UTMSources = append(s.UTMSources, u)
		d.later = append(d.later, func() {
			if other, ok := c.byID[u]; ok && other != s {
				d.add(node, where, "utm_sources %q is the id of source %q, which always matches it", u, u)
			}
		})
	}
	if f := fs["page"]; f.present() {
		s.Page = d.page(f.val, s, where)
	}
}

// section is a page field holding claims.
type section struct {
	key    string
	claims *[]Claim
}

func (d *decoder) page(n *yaml.Node, s *Source, where string) *Page {
	fs := d.fields(n, where+": page", "status", "last_reviewed", "review_days", "summary", "represents", "measuring",
		"in_analytics", "diagnostic", "detects", "mistakes", "privacy", "related", "citations")
	if fs == nil {
		return nil
	}
	pw := where + ": page"
	p := &Page{ReviewDays: DefaultReviewDays}
	statusOK := true
	if f := fs["status"]; f.present() {
		st, ok := d.str(f, pw)
		switch {
		case !ok:
			statusOK = false
		case st == "verified":
			p.Status = Verified
		case st == "partially_verified":
			p.Status = PartiallyVerified
		case st == "unverified":
			p.Status = Unverified
		default:
			d.add(f.val, pw, "status: %q is not verified, partially_verified or unverified", st)
			statusOK = false
		}
	}
	lastOK := true
	if f := fs["last_reviewed"]; f.present() {
		p.LastReviewed, lastOK = d.date(f, pw)
	}
	if f := fs["review_days"]; f.present() {
		if v, ok := d.integer(f, pw); ok {
			if v < 1 || v > 3650 {
				d.add(f.val, pw, "review_days: %d is not between 1 and 3650", v)
			} else {
				p.ReviewDays = v
			}
		}
	}

	// Citations first, so that claims can be checked against them.
	cites := make(map[string]*yaml.Node)
	used := make(map[string]bool)
	for j, cn := range d.list(fs["citations"], pw) {
		cw := fmt.Sprintf("%s.citations[%d]", pw, j)
		cf := d.fields(cn, cw, "id", "url", "title", "accessed")
		if cf == nil {
			continue
		}
		d.require(cn, cw, cf, "id", "url", "title", "accessed")
		var ci Citation
		ok := true
		if f := cf["id"]; f.present() {
			id, good := d.str(f, cw)
			switch prev, dup := cites[id]; {
			case !good:
				ok = false
			case !citeIDRE.MatchString(id):
				d.add(f.val, cw, "id %q: want lowercase letters, digits, '-' and '_'", id)
				ok = false
			case dup:
				d.add(f.val, cw, "id %q is used twice (first at line %d)", id, prev.Line)
				ok = false
			default:
				cites[id] = f.val
				ci.ID = id
			}
		}
		if f := cf["url"]; f.present() {
			u, good := d.str(f, cw)
			if good {
				pu, err := url.Parse(u)
				if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
					d.add(f.val, cw, "url %q: want an absolute http or https URL", u)
					good = false
				}
			}
			ci.URL, ok = u, ok && good
		}
		if f := cf["title"]; f.present() {
			t, good := d.text(f, cw)
			ci.Title, ok = t, ok && good
		}
		if f := cf["accessed"]; f.present() {
			t, good := d.date(f, cw)
			ci.Accessed, ok = t, ok && good
		}
		if ok && ci.ID != "" && ci.URL != "" && ci.Title != "" && !ci.Accessed.IsZero() {
			p.Citations = append(p.Citations, ci)
		}
	}

	claims := func(f kv, key string) []Claim {
		var out []Claim
		for j, cn := range d.list(f, pw) {
			cw := fmt.Sprintf("%s.%s[%d]", pw, key, j)
			cl, ok := d.claim1(cn, cw, cites, used)
			if !ok {
				continue
			}
			if p.Status == Verified && !cl.Cited() {
				d.add(cn, cw, "the page is verified but this claim cites nothing; cite what supports it or lower the status")
			}
			out = append(out, cl)
		}
		return out
	}
	for _, sec := range []section{
		{"summary", &p.Summary}, {"represents", &p.Represents}, {"in_analytics", &p.InAnalytics},
		{"diagnostic", &p.Diagnostic}, {"detects", &p.Detects}, {"mistakes", &p.Mistakes}, {"privacy", &p.Privacy},
	} {
		*sec.claims = claims(fs[sec.key], sec.key)
	}
	if f := fs["measuring"]; f.present() {
		mw := pw + ".measuring"
		mf := d.fields(f.val, mw, "utm_source", "utm_medium", "text")
		if mf != nil {
			m := &Measuring{}
			if f := mf["utm_source"]; f.present() {
				if u, ok := d.str(f, mw); ok {
					m.UTMSource = u
					node := f.val
					d.later = append(d.later, func() {
						if got, ok := d.resolveUTM(u); !ok || got != s {
							d.add(node, mw, "utm_source %q would not be classified as source %q; use its id or one of its utm_sources", u, s.ID)
						}
					})
				}
			}
			if f := mf["utm_medium"]; f.present() {
				if u, ok := d.str(f, mw); ok {
					if u == "" || strings.TrimSpace(u) != u || strings.ToLower(u) != u {
						d.add(f.val, mw, "utm_medium %q: write it trimmed and lowercase", u)
					}
					m.UTMMedium = u
				}
			}
			m.Text = claims(mf["text"], "measuring.text")
			p.Measuring = m
		}
	}
	rs, rn := d.strs(fs["related"], pw)
	seen := make(map[string]bool)
	for j, r := range rs {
		node := rn[j]
		switch {
		case r == s.ID:
			d.add(node, pw, "related %q is this source itself", r)
		case seen[r]:
			d.add(node, pw, "related %q is listed twice", r)
		default:
			seen[r] = true
			p.Related = append(p.Related, r)
			d.later = append(d.later, func() {
				if _, ok := d.cat.byID[r]; !ok {
					d.add(node, pw, "related: unknown source %q", r)
				}
			})
		}
	}

	if statusOK && p.Status != Unverified {
		sf := fs["status"]
		if !fs["last_reviewed"].present() && lastOK {
			d.add(sf.val, pw, "status %s needs last_reviewed", p.Status)
		}
		if len(cites) == 0 {
			d.add(sf.val, pw, "status %s needs citations", p.Status)
		}
	}
	// Citations are only listed when something rests on them.
	ids := make([]string, 0, len(cites))
	for id := range cites {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !used[id] {
			d.add(cites[id], pw, "citation %q is not cited by any claim", id)
		}
	}
	return p
}

// claim1 reads one claim: a plain string, or {text, cite}.
func (d *decoder) claim1(n *yaml.Node, where string, cites map[string]*yaml.Node, used map[string]bool) (Claim, bool) {
	if n.Kind == yaml.ScalarNode {
		t, ok := d.text(kv{&yaml.Node{Value: "claim"}, n}, where)
		return Claim{Text: t}, ok
	}
	if n.Kind != yaml.MappingNode {
		d.add(n, where, "want a claim (a string, or text with cite), got %s", kindName(n))
		return Claim{}, false
	}
	fs := d.fields(n, where, "text", "cite")
	if fs == nil {
		return Claim{}, false
	}
	d.require(n, where, fs, "text", "cite")
	var cl Claim
	ok := fs["text"].present() && fs["cite"].present()
	if f := fs["text"]; f.present() {
		t, good := d.text(f, where)
		cl.Text, ok = t, ok && good
	}
	ids, nodes := d.strs(fs["cite"], where)
	if fs["cite"].present() && len(ids) == 0 && fs["cite"].val.Kind == yaml.SequenceNode {
		d.add(fs["cite"].val, where, "cite: empty; write an uncited claim as a plain string")
		ok = false
	}
	for j, id := range ids {
		if _, known := cites[id]; !known {
			d.add(nodes[j], where, "cite: %q is not a citation of this page", id)
			ok = false
			continue
		}
		used[id] = true
		cl.Cite = append(cl.Cite, id)
	}
	return cl, ok
}

// resolveUTM returns the source a normalised utm_source value names.
func (d *decoder) resolveUTM(v string) (*Source, bool) {
	if a, ok := d.aliases[v]; ok {
		return a.src, true
	}
	s, ok := d.cat.byID[v]
	return s, ok
}
