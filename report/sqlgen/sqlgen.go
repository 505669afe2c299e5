// Package sqlgen compiles a rules catalog into one SQL query that
// classifies a table of visits and sums it into a rollup, so that the
// heavy stage can run in DuckDB, Spark SQL or BigQuery over any volume;
// the result, exported as Parquet, is what `refreport render --rollups`
// reads.
//
// The query reproduces the classification order of package rules (UTM,
// click ids, referrer, in-app browser, direct). Host rules, path rules,
// excludes, spam and internal hosts become a constant rules table joined on
// the referrer host's last labels (an equi-join) and matched by whole-label
// suffix, once per distinct host; the longest match wins as in the Go
// matcher. UTM tags, click ids and the paid pattern are regular
// expressions over the URL's query and fragment, the click-id priority and
// the in-app tokens (of the user_agent column) ordered CASE expressions.
//
// The result is the rollup schema as one long table: kind, day,
// source, known, medium, evidence, no_referrer, tagged, value, other,
// visits, first_visit, last_visit. Per day (in UTC) it holds
//
//   - "visits" rows, one per (source, known, medium, evidence,
//     no_referrer, tagged): the core table of aggregate.Rollup.Groups;
//   - detail rows per (source, known) as aggregate.Rollup.AddPrepared
//     counts them: "host", "utm_source", "utm_medium", "utm_campaign" and
//     "landing_page" (direct and internal visits: only "landing_page";
//     unknown sources: no "host", and their landing pages are counted
//     together under the source "(outside the catalog)"), "referrer"
//     examples of unknown hosts and spam, and "tags" (which of utm_source,
//     utm_medium and utm_campaign a visit had, and the campaign). Values
//     are cut to 300 bytes as the Go path cuts them. Each breakdown keeps
//     its top 1000 values by visits (200 for an unknown source other than
//     direct and internal, 5000 for "(outside the catalog)"), ties by
//     value, and sums the rest into one row with other set and value "";
//     referrer examples are the 5 smallest values, and the rest is not
//     counted;
//   - "site_host" rows: the 64 landing hosts with the most visits;
//   - one "span" row: the day's first and last visit, in Unix seconds.
//
// The query keeps every unknown source apart: it never writes the
// "overflow" rows with which the Go path folds unknown sources beyond
// 10,000 a day, and does not hold the values of all unknown sources to
// 20,000 a day, as the Go path does.
//
// What SQL cannot say exactly is approximated, and Approximations lists
// it; on realistic data (the bundled sample and refreport gen) the query's
// rollup equals the Go path's, which the differential test in
// report/sqlgen/duckdbtest checks.
package sqlgen

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/webmasterid/refreport/report/rules"
)

// Approximations says, per dialect, where the query's classification can
// differ from the Go classifier's. `refreport sql -h` and the README print
// it.
const Approximations = `All dialects:
  - Non-ASCII referrer hosts are lowercased but not converted to punycode:
    such a host never matches a rule, and its unknown source is named in
    Unicode (Go: xn--...). IPv6 hosts are kept as written (lowercased), not
    canonicalised; only [::1], [::] and their long forms are localhost.
  - Public suffixes: "name.{}" patterns and the same-site check use the
    two-letter ICANN top-level domains and their common second levels
    (co.uk, com.br, ne.jp, ...) taken from golang.org/x/net/publicsuffix
    when the query is generated. Deeper suffixes (city.kawasaki.jp) and
    private suffixes (github.io, blogspot.com) are not known to the query:
    the same-site check counts foo.github.io and bar.github.io as one site.
  - A click id whose value is blank only by Unicode spaces (%C2%A0) counts
    as present; Go treats it as blank.
  - Unknown sources are not folded into "(other)" after 10,000 a day:
    the query writes no overflow rows. Nor do they share 20,000 values a
    day: each keeps its 200 per breakdown.
  - A breakdown with more values than its cap keeps its top values by
    visits, ties by value, where Go keeps the first values to arrive; and
    site_host rows are the 64 hosts of the day with the most visits, where
    Go keeps the first 64. The two agree while no breakdown is full.
  - Days and spans are calendar days in UTC (Go: in --tz, UTC by
    default).
duckdb: a tag value with an escape that decodes to invalid UTF-8 is kept
  as written (Go: decoded, invalid bytes as U+FFFD).
spark: needs Spark 4.0 (try_url_decode) and spark.sql.session.timeZone=UTC
  for days in UTC; a tag value with any malformed escape is kept as written
  as a whole. Regular expressions run as Java regexps.
bigquery: tags are decoded by a JavaScript function that the query
  defines; runs of escapes that are not valid UTF-8 are kept as written.`

// Optional input columns the query may read. Without them, the URL's tags
// and a weight of 1 are used.
var OptionalColumns = []string{"user_agent", "utm_source", "utm_medium", "utm_campaign", "visits"}

// DefaultColumns are the optional columns Generate assumes: the user agent,
// which in-app browser tokens are read from.
var DefaultColumns = []string{"user_agent"}

// Options says what to generate.
type Options struct {
	Dialect   string   // duckdb, spark or bigquery
	Table     string   // default "visits"
	SiteHosts []string // --site-host values
	Columns   []string // optional columns the table has, from OptionalColumns; nil is none
}

// Generate returns the query for cat in dialect over table, which has the
// columns ts, url and referrer.
func Generate(cat *rules.Catalog, siteHosts []string, dialect, table string) (string, error) {
	return GenerateOptions(cat, Options{Dialect: dialect, Table: table, SiteHosts: siteHosts, Columns: DefaultColumns})
}

// GenerateOptions is Generate with optional input columns.
func GenerateOptions(cat *rules.Catalog, o Options) (string, error) {
	if cat == nil {
		return "", errors.New("sqlgen: nil catalog")
	}
	// Compile checks everything Generate relies on.
	if _, err := rules.Compile(cat, o.SiteHosts); err != nil {
		return "", err
	}
	d, err := newDialect(o.Dialect)
	if err != nil {
		return "", err
	}
	if o.Table == "" {
		o.Table = "visits"
	}
	tbl, err := d.table(o.Table)
	if err != nil {
		return "", err
	}
	has := map[string]bool{}
	for _, c := range o.Columns {
		ok := false
		for _, k := range OptionalColumns {
			ok = ok || c == k
		}
		if !ok {
			return "", fmt.Errorf("column %q: want one of %s", c, strings.Join(OptionalColumns, ", "))
		}
		has[c] = true
	}
	g := &gen{d: d, cat: cat, has: has, table: tbl}
	if err := g.tables(o.SiteHosts); err != nil {
		return "", err
	}
	return g.query(), nil
}

type gen struct {
	d     *dialect
	cat   *rules.Catalog
	has   map[string]bool
	table string

	rules, utm, mediums, apps [][]string
	clicks                    []click
	tokens                    []uaToken
	paidRE                    string
}

type click struct{ param, source, medium string }

type uaToken struct{ text, source, medium string }

// q quotes a string from the catalog; errors are collected by the caller.
func (g *gen) q(s string, errs *[]error) string {
	v, err := g.d.quote(s)
	if err != nil {
		*errs = append(*errs, err)
	}
	return v
}

func b(v bool) string {
	if v {
		return "TRUE"
	}
	return "FALSE"
}

func labels(h string) int { return strings.Count(h, ".") + 1 }

// lastLabels returns the last n labels of h, or h when it has fewer.
func lastLabels(h string, n int) string {
	i := len(h)
	for ; n > 0; n-- {
		j := strings.LastIndexByte(h[:i], '.')
		if j < 0 {
			return h
		}
		i = j
	}
	return h[i+1:]
}

// tables builds the constant tables from the catalog.
func (g *gen) tables(siteHosts []string) error {
	var errs []error
	q := func(s string) string { return g.q(s, &errs) }
	// rule adds a row of the rules table: kind is host, path, exclude, spam
	// or internal.
	rule := func(kind, text, src, medium, evidence string, known bool) {
		host, path, _ := strings.Cut(text, "/")
		if path != "" {
			path = "/" + path
		}
		cc := strings.HasSuffix(host, ".{}")
		host = strings.TrimSuffix(host, ".{}")
		k, ccn := lastLabels(host, 2), "0"
		if cc {
			k, ccn = lastLabels(host, 1), "1"
		}
		g.rules = append(g.rules, []string{q(kind), q(host), ccn, strconv.Itoa(labels(host)), q(k), q(path),
			q(src), q(medium), q(evidence), b(known), strconv.Itoa(len(path))})
	}
	for _, s := range g.cat.Sources {
		for _, h := range s.Hosts {
			kind := "host"
			if strings.Contains(h, "/") {
				kind = "path"
			}
			rule(kind, h, s.ID, s.Medium, "referrer", true)
		}
		for _, r := range s.Redirects {
			md := r.Medium
			if md == "" {
				md = s.Medium
			}
			kind := "host"
			if strings.Contains(r.Host, "/") {
				kind = "path"
			}
			rule(kind, r.Host, s.ID, md, "redirect", true)
		}
		for _, e := range s.Exclude {
			rule("exclude", e, s.ID, "", "", false)
		}
	}
	for _, h := range g.cat.SpamHosts {
		rule("spam", h, h, rules.MediumSpam, "spam", false)
	}
	for _, h := range g.cat.InternalHosts {
		rule("internal", h, "internal", rules.MediumInternal, "internal", false)
	}
	for _, h := range siteHosts {
		nh, _ := rules.NormalizeHost(h) // Compile has checked it
		rule("internal", nh, "internal", rules.MediumInternal, "internal", false)
	}

	// utm_source values: ids and aliases.
	for _, s := range g.cat.Sources {
		vals := append([]string{s.ID}, s.UTMSources...)
		for _, v := range vals {
			g.utm = append(g.utm, []string{q(v), q(s.ID), q(s.Medium), q(rules.PaidMedium(s.Medium))})
		}
	}
	// utm_medium spellings, as Compile builds them.
	spell := map[string]string{}
	for _, v := range rules.Vocabulary() {
		if v != rules.MediumDirect && v != rules.MediumInternal && v != rules.MediumSpam {
			spell[v] = v
		}
	}
	for _, m := range g.cat.Mediums {
		for _, sp := range m.UTMMedium {
			spell[sp] = m.ID
		}
	}
	keys := make([]string, 0, len(spell))
	for k := range spell {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g.mediums = append(g.mediums, []string{q(k), q(spell[k])})
	}
	for _, s := range g.cat.Sources {
		for _, a := range s.Apps {
			g.apps = append(g.apps, []string{q(a), q(s.ID), q(s.Medium)})
		}
	}
	for _, c := range g.cat.ClickIDs {
		if !identPart.MatchString(c.Param) {
			errs = append(errs, fmt.Errorf("click id %q: not a plain parameter name", c.Param))
		}
		g.clicks = append(g.clicks, click{c.Param, c.Source, c.Medium})
	}
	for _, s := range g.cat.Sources {
		for _, t := range s.UserAgents {
			q(t)
			g.tokens = append(g.tokens, uaToken{t, s.ID, s.Medium})
		}
	}
	// At one place in the user agent the longest token wins.
	sort.SliceStable(g.tokens, func(i, j int) bool { return len(g.tokens[i].text) > len(g.tokens[j].text) })
	g.paidRE = rules.DefaultPaidPattern
	if g.cat.PaidPattern != nil {
		g.paidRE = g.cat.PaidPattern.String()
	}
	q(g.paidRE)
	return errors.Join(errs...)
}

// Regular expressions shared by the stages. They are written for RE2 and
// mean the same in Java; \v and \s are avoided, which differ.
const (
	asciiSpace   = `[\t\n\x0B\x0C\r ]`
	unicodeSpace = `[\t\n\x0B\x0C\r \x{85}\x{A0}\p{Z}]`
	reHostChars  = `^(?:[a-z0-9_-]|[^\x00-\x7f]){1,63}(?:\.(?:[a-z0-9_-]|[^\x00-\x7f]){1,63})*$`
	reIPv4       = `^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$`
)

func (g *gen) trimASCII(s string) string {
	return g.d.remove(s, `^`+asciiSpace+`+|`+asciiSpace+`+$`)
}

func (g *gen) norm(s string) string {
	return "lower(" + g.d.remove(s, `^`+unicodeSpace+`+|`+unicodeSpace+`+$`) + ")"
}

func inList(vals []string, d *dialect) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = d.lit(v)
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// parse writes the stages that read a referrer or URL column (already
// trimmed, as x_s) into x_kind, x_host, x_path and the host's suffix
// columns. p is the column prefix.
func (g *gen) parseKind(p string) string {
	d, s := g.d, p+"_s"
	scheme := `^[A-Za-z][A-Za-z0-9+.\-]*:`
	return fmt.Sprintf(`CASE
      WHEN %[1]s = '' OR lower(%[1]s) IN ('null', 'undefined', '-', 'about:blank', '(direct)', '(none)', 'none') THEN 'empty'
      WHEN %[2]s THEN 'web'
      WHEN %[3]s AND NOT %[4]s THEN CASE
        WHEN %[5]s THEN 'unparseable'
        WHEN %[6]s THEN 'app'
        WHEN %[7]s THEN 'unparseable'
        ELSE 'scheme' END
      WHEN %[1]s LIKE '//%%' THEN 'web'
      WHEN substr(%[1]s, 1, 1) IN ('/', '?', '#') THEN 'unparseable'
      ELSE 'web' END`, s,
		d.matches(s, `^(?i)https?://`),
		d.matches(s, scheme),
		d.matches(s, scheme+`[0-9]+(?:[/?#]|$)`),
		d.matches(s, `^(?i)https?:`),
		d.matches(s, `^(?i)android-app://`),
		d.matches(s, `^(?i)android-app:`))
}

func (g *gen) parseRest(p string) string {
	d, s := g.d, p+"_s"
	return fmt.Sprintf(`CASE
      WHEN %[2]s THEN %[3]s
      WHEN %[4]s THEN %[5]s
      WHEN %[1]s LIKE '//%%' THEN substr(%[1]s, 3)
      ELSE %[1]s END`, s,
		d.matches(s, `^(?i)https?://`), d.remove(s, `^(?i)https?://`),
		d.matches(s, `^(?i)android-app://`), d.remove(s, `^(?i)android-app://`))
}

// query writes the whole query.
func (g *gen) query() string {
	d := g.d
	var w strings.Builder
	w.WriteString("-- refreport rollup query (" + d.name + "), generated from " + baseName(g.cat.File) + " sha256:" + g.cat.Hash + ".\n")
	w.WriteString("-- The rollup as one long table: kind, day, source, known, medium, evidence,\n")
	w.WriteString("-- no_referrer, tagged, value, other, visits, first_visit, last_visit.\n")
	w.WriteString(d.prelude())
	w.WriteString("WITH\n")
	ruleCols := []string{"kind", "host", "cc", "labels", "k", "path", "src", "medium", "evidence", "known", "plen"}
	// A row that matches nothing keeps every constant table non-empty.
	none := func(n int) []string {
		r := make([]string, n)
		for i := range r {
			r[i] = "''"
		}
		return r
	}
	rulesRows := g.rules
	if len(rulesRows) == 0 {
		rulesRows = [][]string{{"''", "''", "0", "0", "''", "''", "''", "''", "''", "FALSE", "0"}}
	}
	utm := g.utm
	if len(utm) == 0 {
		utm = [][]string{none(4)}
	}
	apps := g.apps
	if len(apps) == 0 {
		apps = [][]string{none(3)}
	}
	ctes := []string{
		d.values("rules", ruleCols, rulesRows),
		d.values("utm_sources", []string{"value", "src", "medium", "paid"}, utm),
		d.values("utm_mediums", []string{"spelling", "medium"}, g.mediums),
		d.values("apps", []string{"pkg", "src", "medium"}, apps),
	}

	// 1. The input, with referrer and URL trimmed.
	col := func(name string) string {
		if g.has[name] {
			return "COALESCE(CAST(" + name + " AS STRING), '')"
		}
		return "''"
	}
	if d.name == "duckdb" {
		col = func(name string) string {
			if g.has[name] {
				return "COALESCE(CAST(" + name + " AS VARCHAR), '')"
			}
			return "''"
		}
	}
	weight := "1"
	if g.has["visits"] {
		weight = "COALESCE(CAST(visits AS BIGINT), 1)"
	}
	ctes = append(ctes, fmt.Sprintf(`input AS (
  SELECT %s AS day, %s AS t, COALESCE(url, '') AS url, COALESCE(referrer, '') AS referrer,
    %s AS c_src, %s AS c_med, %s AS c_camp, %s AS ua, %s AS w
  FROM %s
)`, d.day("ts"), d.unixSeconds("ts"), col("utm_source"), col("utm_medium"), col("utm_campaign"), col("user_agent"), weight, g.table))
	ctes = append(ctes, fmt.Sprintf(`s1 AS (
  SELECT *, %s AS r_s, %s AS p_s FROM input WHERE %s <> 0
)`, g.trimASCII("referrer"), g.trimASCII("url"), "w"))
	ctes = append(ctes, fmt.Sprintf(`s2 AS (
  SELECT *,
    %s AS r_kind0,
    %s AS r_rest,
    %s AS p_kind0,
    %s AS p_rest
  FROM s1
)`, g.parseKind("r"), g.parseRest("r"), g.parseKind("p"), g.parseRest("p")))
	auth := func(p string) string {
		rest := p + "_rest"
		af := d.extract(rest, `^([^/?#\\]*)`)
		return fmt.Sprintf("%s AS %s_af", af, p)
	}
	ctes = append(ctes, fmt.Sprintf(`s3 AS (
  SELECT *, %s, %s FROM s2
)`, auth("r"), auth("p")))
	host := func(p string) string {
		a := d.remove(p+"_af", `(?s)^.*@`)
		return fmt.Sprintf("%s AS %s_auth, substr(%s_rest, length(%s_af) + 1) AS %s_path", a, p, p, p, p)
	}
	ctes = append(ctes, fmt.Sprintf(`s4 AS (
  SELECT *, %s, %s FROM s3
)`, host("r"), host("p")))
	raw := func(p string) string {
		a := p + "_auth"
		return fmt.Sprintf(`lower(CASE WHEN %[1]s LIKE '[%%' THEN %[2]s ELSE %[3]s END) AS %[4]s_raw`, a,
			d.extract(a, `^(\[[^\]]*\])(?::[0-9]*)?$`), d.extract(a, `^([^:]*)(?::[0-9]*)?$`), p)
	}
	ctes = append(ctes, fmt.Sprintf(`s5 AS (
  SELECT *, %s, %s FROM s4
)`, raw("r"), raw("p")))
	norm := func(p string) string {
		h := d.remove(p+"_raw", `\.$`)
		return fmt.Sprintf("%s AS %s_h1", h, p)
	}
	ctes = append(ctes, fmt.Sprintf(`s6 AS (
  SELECT *, %s, %s FROM s5
)`, norm("r"), norm("p")))
	kind := func(p string) string {
		h := p + "_h1"
		return fmt.Sprintf(`CASE WHEN %[1]s_kind0 = 'web' THEN CASE
      WHEN %[1]s_raw = '' OR length(%[1]s_auth) > 1024 THEN 'unparseable'
      WHEN %[2]s LIKE '[%%' THEN CASE
        WHEN NOT %[3]s THEN 'unparseable'
        WHEN %[2]s IN ('[::1]', '[::]', '[0:0:0:0:0:0:0:1]', '[0:0:0:0:0:0:0:0]', '[::ffff:127.0.0.1]') THEN 'localhost'
        ELSE 'web' END
      WHEN length(%[2]s) > 253 OR NOT %[4]s THEN 'unparseable'
      WHEN %[2]s IN ('null', 'undefined', 'none', '-') THEN 'empty'
      WHEN %[2]s = 'localhost' OR %[2]s LIKE '%%.localhost' THEN 'localhost'
      WHEN %[5]s AND (%[2]s LIKE '127.%%' OR %[2]s = '0.0.0.0') THEN 'localhost'
      ELSE 'web' END
    WHEN %[1]s_kind0 = 'app' THEN CASE WHEN %[6]s THEN 'app' ELSE 'unparseable' END
    ELSE %[1]s_kind0 END AS %[1]s_kind`, p, h,
			d.matches(h, `^\[[0-9a-f:.]+\]$`), d.matches(h, reHostChars), d.matches(h, reIPv4),
			d.matches(p+"_rest", `^[A-Za-z0-9_.]{1,255}(?:[/?#]|$)`))
	}
	ctes = append(ctes, fmt.Sprintf(`s7 AS (
  SELECT *, %s, %s,
    lower(%s) AS r_pkg
  FROM s6
)`, kind("r"), kind("p"), d.extract("r_rest", `^([^/?#]*)`)))

	// Suffix columns of the referrer and page hosts.
	cc1, wild, cc2 := suffixes()
	sfx := func(p string) string {
		h := p + "_host"
		n := fmt.Sprintf("(length(%[1]s) - length(replace(%[1]s, '.', '')) + 1)", h)
		l1 := d.extract(h, `([^.]+)$`)
		l2 := d.extract(h, `([^.]+\.[^.]+)$`)
		l3 := d.extract(h, `([^.]+\.[^.]+\.[^.]+)$`)
		return fmt.Sprintf(`CASE WHEN %[1]s LIKE '[%%' THEN ''
      WHEN %[3]s IN %[5]s OR %[4]s IN %[9]s THEN CASE WHEN %[2]s > 2 THEN %[3]s ELSE '' END
      WHEN %[4]s IN %[6]s THEN CASE WHEN %[2]s > 1 THEN %[4]s ELSE '' END
      ELSE '' END AS %[7]s_ccs,
    CASE WHEN %[1]s LIKE '[%%' THEN %[1]s
      WHEN %[3]s IN %[5]s OR %[4]s IN %[9]s THEN CASE WHEN %[2]s > 2 THEN %[8]s ELSE %[1]s END
      WHEN %[2]s > 1 THEN %[3]s ELSE %[1]s END AS %[7]s_reg,
    CASE WHEN %[2]s > 1 THEN %[3]s ELSE %[1]s END AS %[7]s_k2`,
			h, n, l2, l1, inList(cc2, d), inList(cc1, d), p, l3, inList(wild, d))
	}
	ctes = append(ctes, `s8 AS (
  SELECT *,
    CASE WHEN r_kind = 'web' THEN r_h1 ELSE '' END AS r_host,
    CASE WHEN p_kind = 'web' THEN p_h1 ELSE '' END AS p_host
  FROM s7
)`)
	ctes = append(ctes, fmt.Sprintf(`parsed AS (
  SELECT *,
    %s,
    %s
  FROM s8
)`, sfx("r"), sfx("p")))

	// 2. Host rules, once per distinct referrer host.
	ctes = append(ctes, `hosts AS (
  SELECT DISTINCT r_host AS host, r_k2 AS k2,
    CASE WHEN r_ccs = '' THEN '' ELSE substr(r_host, 1, length(r_host) - length(r_ccs) - 1) END AS cc_rest,
    CASE WHEN r_ccs = '' THEN 0 ELSE length(r_ccs) - length(replace(r_ccs, '.', '')) + 1 END AS cc_labels
  FROM parsed WHERE r_kind = 'web'
)`)
	ctes = append(ctes, fmt.Sprintf(`hosts_cc AS (
  SELECT *, %s AS ck FROM hosts WHERE cc_rest <> ''
)`, d.extract("cc_rest", `([^.]+)$`)))
	// ord orders the matches as the Go matcher walks them: deepest first,
	// and at equal depth a literal host before a {} one.
	ctes = append(ctes, fmt.Sprintf(`matched AS (
  SELECT h.host, r.kind, r.labels * 2 + 1 AS ord, r.path, r.plen, r.src, r.medium, r.evidence, r.known
  FROM hosts h JOIN rules r ON r.cc = 0 AND r.k = h.k2
  WHERE h.host = r.host OR %s
  UNION ALL
  SELECT h.host, r.kind, (r.labels + h.cc_labels) * 2 AS ord, r.path, r.plen, r.src, r.medium, r.evidence, r.known
  FROM hosts_cc h JOIN rules r ON r.cc = 1 AND r.k = h.ck
  WHERE h.cc_rest = r.host OR %s
)`, d.endsWith("h.host", "'.' || r.host"), d.endsWith("h.cc_rest", "'.' || r.host")))
	// A source's exclude hides its rules at and above the excluded host.
	ctes = append(ctes, `excluded AS (
  SELECT host, src, MAX(ord) AS xord FROM matched WHERE kind = 'exclude' GROUP BY host, src
)`)
	ctes = append(ctes, `live AS (
  SELECT m.* FROM matched m LEFT JOIN excluded x ON x.host = m.host AND x.src = m.src
  WHERE m.kind IN ('host', 'path', 'spam') AND (x.xord IS NULL OR x.xord < m.ord)
)`)
	ctes = append(ctes, `base AS (
  SELECT host, src, medium, evidence, known, ord FROM (
    SELECT live.*, ROW_NUMBER() OVER (PARTITION BY host ORDER BY ord DESC) AS rn
    FROM live WHERE kind IN ('host', 'spam')) x
  WHERE rn = 1
)`)
	// Path rules count on their host and on hosts longer than the base's.
	ctes = append(ctes, `path_rules AS (
  SELECT p.host, p.path, p.plen, p.ord, p.src, p.medium, p.evidence, p.known
  FROM live p LEFT JOIN base b ON b.host = p.host
  WHERE p.kind = 'path' AND (b.host IS NULL OR p.ord >= b.ord)
)`)
	ctes = append(ctes, `host_info AS (
  SELECT h.host, i.host IS NOT NULL AS internal, b.src, b.medium, b.evidence, b.known
  FROM hosts h
  LEFT JOIN base b ON b.host = h.host
  LEFT JOIN (SELECT DISTINCT host FROM matched WHERE kind = 'internal') i ON i.host = h.host
)`)
	// Path rules, once per distinct referrer host and path.
	ctes = append(ctes, `path_hits AS (
  SELECT host, rpath, src, medium, evidence, known FROM (
    SELECT v.host, v.rpath, p.src, p.medium, p.evidence, p.known,
      ROW_NUMBER() OVER (PARTITION BY v.host, v.rpath ORDER BY p.ord DESC, p.plen DESC) AS rn
    FROM (SELECT DISTINCT r_host AS host, r_path AS rpath FROM parsed
          WHERE r_kind = 'web' AND r_host IN (SELECT host FROM path_rules)) v
    JOIN path_rules p ON p.host = v.host
    WHERE lower(substr(v.rpath, 1, p.plen)) = p.path
      AND (length(v.rpath) = p.plen OR substr(v.rpath, p.plen + 1, 1) IN ('/', '?', '#'))) x
  WHERE rn = 1
)`)

	// 3. Tags and click ids from the URL's query and fragment.
	ctes = append(ctes, fmt.Sprintf(`u1 AS (
  SELECT *, %s AS q, %s AS f0 FROM parsed
)`, d.extract("url", `^[^?#]*\?([^#]*)`), d.extract("url", `(?s)^[^#]*#(.*)$`)))
	ctes = append(ctes, fmt.Sprintf(`u2 AS (
  SELECT *, %s AS f FROM u1
)`, d.remove("f0", `^[^?]*\?`)))
	param := func(s, name string) string {
		return d.extract(s, `(?i)(?:^|&)`+name+`=([^&]+)`)
	}
	var cl []string
	for i, c := range g.clicks {
		re := clickRE(c.param)
		cl = append(cl, fmt.Sprintf("(%s OR %s) AS c%d", d.matches("q", re), d.matches("f", re), i))
	}
	clickCols := ""
	if len(cl) > 0 {
		clickCols = ",\n    " + strings.Join(cl, ",\n    ")
	}
	ctes = append(ctes, fmt.Sprintf(`u3 AS (
  SELECT *,
    %s AS src_q, %s AS src_f, %s AS med_q, %s AS med_f,
    %s AS camp_q, %s AS camp_f,
    %s AS ua_cap%s
  FROM u2
)`, param("q", "utm_source"), param("f", "utm_source"), param("q", "utm_medium"), param("f", "utm_medium"),
		param("q", "utm_campaign"), param("f", "utm_campaign"), g.uaCapture(), clickCols))
	placeholder := func(n string) string {
		return fmt.Sprintf("CASE WHEN %[1]s IN ('null', 'undefined', '-', 'none', '(none)', '(direct)', 'about:blank', '(not set)', '(not provided)') THEN '' ELSE %[1]s END", n)
	}
	ctes = append(ctes, fmt.Sprintf(`u4 AS (
  SELECT *,
    CASE WHEN %[1]s <> '' THEN %[2]s ELSE '' END AS n_col,
    CASE WHEN src_q <> '' THEN %[3]s ELSE '' END AS n_q,
    CASE WHEN src_f <> '' THEN %[4]s ELSE '' END AS n_f,
    CASE WHEN %[5]s <> '' THEN %[6]s
      WHEN med_q <> '' THEN %[7]s
      WHEN med_f <> '' THEN %[8]s
      ELSE '' END AS med_norm,
    CASE WHEN %[9]s <> '' THEN %[10]s
      WHEN camp_q <> '' THEN %[11]s
      WHEN camp_f <> '' THEN %[12]s
      ELSE '' END AS camp_norm,
    c_src <> '' OR src_q <> '' OR src_f <> '' AS tagged
  FROM u3
)`, g.trimASCII("c_src"), g.norm("c_src"), g.norm(d.decode("src_q")), g.norm(d.decode("src_f")),
		g.trimASCII("c_med"), g.norm("c_med"), g.norm(d.decode("med_q")), g.norm(d.decode("med_f")),
		g.trimASCII("c_camp"), g.norm("c_camp"), g.norm(d.decode("camp_q")), g.norm(d.decode("camp_f"))))
	ctes = append(ctes, fmt.Sprintf(`u5 AS (
  SELECT *,
    %s AS pn_col, %s AS pn_q, %s AS pn_f,
    med_norm <> '' AND %s AS med_paid,
    %s AS ua_src, %s AS ua_medium
  FROM u4
)`, placeholder("n_col"), placeholder("n_q"), placeholder("n_f"),
		d.matches("med_norm", g.paidRE), g.inApp(true), g.inApp(false)))
	// utm_source as the classifier keeps it (Result.UTMSource): the value
	// that decided, else the first one written, decoded but not trimmed.
	ctes = append(ctes, fmt.Sprintf(`u6 AS (
  SELECT *,
    CASE WHEN pn_col <> '' THEN pn_col WHEN pn_q <> '' THEN pn_q ELSE pn_f END AS src_norm,
    CASE
      WHEN pn_col <> '' THEN c_src
      WHEN pn_q <> '' THEN %[1]s
      WHEN pn_f <> '' THEN %[2]s
      WHEN %[3]s <> '' THEN c_src
      WHEN src_q <> '' AND (%[4]s <> '' OR src_f = '') THEN %[1]s
      WHEN src_f <> '' THEN %[2]s
      ELSE c_src END AS spelling
  FROM u5
)`, d.decode("src_q"), d.decode("src_f"), g.trimASCII("c_src"), g.trimASCII("src_q")))

	// 4. The decision, in the classifier's order.
	anyClick, clickSrc, clickMed, utmClick := "FALSE", "''", "''", "NULL"
	if len(g.clicks) > 0 {
		var any, srcs, meds, uc []string
		for i, c := range g.clicks {
			any = append(any, fmt.Sprintf("c%d", i))
			srcs = append(srcs, fmt.Sprintf("WHEN c%d THEN %s", i, d.lit(c.source)))
			meds = append(meds, fmt.Sprintf("WHEN c%d THEN %s", i, d.lit(c.medium)))
			uc = append(uc, fmt.Sprintf("WHEN us.src = %s AND c%d THEN %s", d.lit(c.source), i, d.lit(c.medium)))
		}
		anyClick = "(" + strings.Join(any, " OR ") + ")"
		clickSrc = "CASE " + strings.Join(srcs, " ") + " END"
		clickMed = "CASE " + strings.Join(meds, " ") + " END"
		utmClick = "CASE " + strings.Join(uc, " ") + " END"
	}
	ctes = append(ctes, fmt.Sprintf(`decided AS (
  SELECT v.day, v.t, v.w, v.tagged, v.url, v.referrer, v.r_host, v.spelling, v.med_norm, v.camp_norm,
    CASE
      WHEN v.src_norm <> '' THEN 'utm'
      WHEN %[1]s THEN 'click_id'
      WHEN v.r_kind = 'web' THEN CASE
        WHEN (v.p_kind = 'web' AND (v.r_host = v.p_host OR v.r_reg = v.p_reg)) OR hi.internal THEN 'internal'
        WHEN ph.src IS NOT NULL THEN ph.evidence
        WHEN hi.src IS NOT NULL THEN hi.evidence
        ELSE 'unknown_referrer' END
      WHEN v.r_kind = 'app' THEN 'app'
      WHEN v.ua_src <> '' THEN 'in_app'
      ELSE 'direct' END AS evidence,
    CASE
      WHEN v.src_norm <> '' THEN COALESCE(us.src, v.src_norm)
      WHEN %[1]s THEN %[2]s
      WHEN v.r_kind = 'web' THEN CASE
        WHEN (v.p_kind = 'web' AND (v.r_host = v.p_host OR v.r_reg = v.p_reg)) OR hi.internal THEN 'internal'
        WHEN ph.src IS NOT NULL THEN ph.src
        WHEN hi.src IS NOT NULL THEN hi.src
        WHEN %[5]s THEN substr(v.r_host, 5)
        ELSE v.r_host END
      WHEN v.r_kind = 'app' THEN COALESCE(a.src, v.r_pkg)
      WHEN v.ua_src <> '' THEN v.ua_src
      ELSE 'direct' END AS source,
    CASE
      WHEN v.src_norm <> '' THEN us.src IS NOT NULL
      WHEN %[1]s THEN TRUE
      WHEN v.r_kind = 'web' THEN CASE
        WHEN (v.p_kind = 'web' AND (v.r_host = v.p_host OR v.r_reg = v.p_reg)) OR hi.internal THEN FALSE
        WHEN ph.src IS NOT NULL THEN ph.known
        WHEN hi.src IS NOT NULL THEN hi.known
        ELSE FALSE END
      WHEN v.r_kind = 'app' THEN a.src IS NOT NULL
      WHEN v.ua_src <> '' THEN TRUE
      ELSE FALSE END AS known,
    CASE
      WHEN v.src_norm <> '' THEN CASE
        WHEN v.med_paid THEN COALESCE(us.paid, 'paid_other')
        WHEN um.medium IS NOT NULL THEN um.medium
        WHEN us.src IS NOT NULL THEN COALESCE(%[4]s, us.medium)
        ELSE 'campaign' END
      WHEN %[1]s THEN %[3]s
      WHEN v.r_kind = 'web' THEN CASE
        WHEN (v.p_kind = 'web' AND (v.r_host = v.p_host OR v.r_reg = v.p_reg)) OR hi.internal THEN 'internal'
        WHEN ph.src IS NOT NULL THEN ph.medium
        WHEN hi.src IS NOT NULL THEN hi.medium
        ELSE 'referral' END
      WHEN v.r_kind = 'app' THEN COALESCE(a.medium, 'referral')
      WHEN v.ua_src <> '' THEN v.ua_medium
      ELSE 'direct' END AS medium,
    v.r_kind <> 'web' AS no_ref
  FROM u6 v
  LEFT JOIN host_info hi ON hi.host = v.r_host
  LEFT JOIN path_hits ph ON ph.host = v.r_host AND ph.rpath = v.r_path
  LEFT JOIN utm_sources us ON us.value = v.src_norm
  LEFT JOIN utm_mediums um ON um.spelling = v.med_norm
  LEFT JOIN apps a ON a.pkg = v.r_pkg AND v.r_kind = 'app'
)`, anyClick, clickSrc, clickMed, utmClick, d.matches("v.r_host", `^www\..*\.`)))

	ctes = append(ctes, `classified AS (
  SELECT day, t, w, source, known, medium, evidence, no_ref AND evidence <> 'app' AS no_referrer, tagged,
    url, referrer, r_host, spelling, med_norm, camp_norm
  FROM decided
)`)
	ctes = append(ctes, g.details()...)
	w.WriteString(strings.Join(ctes, ",\n"))
	w.WriteString(`
SELECT kind, day, source, known, medium, evidence, no_referrer, tagged, value, other,
  CAST(SUM(visits) AS BIGINT) AS visits,
  CAST(MIN(first_visit) AS BIGINT) AS first_visit,
  CAST(MAX(last_visit) AS BIGINT) AS last_visit
FROM capped
GROUP BY kind, day, source, known, medium, evidence, no_referrer, tagged, value, other
ORDER BY day, kind, source, known, medium, evidence, no_referrer, tagged, other, value
`)
	out := w.String()
	if d.name == "bigquery" {
		out = strings.TrimRight(out, "\n") + ";\n"
	}
	return out
}

// inApp writes the source (or medium) of the in-app browser token that
// decides the user agent, or ”: the token found first in the string,
// beginning where a word begins and, when it ends in a letter or digit,
// ending where the word ends; at one place the longest token wins.
func (g *gen) inApp(source bool) string {
	if len(g.tokens) == 0 || !g.has["user_agent"] {
		return "''"
	}
	d := g.d
	var b strings.Builder
	b.WriteString("CASE")
	for _, t := range g.tokens {
		v := t.source
		if !source {
			v = t.medium
		}
		fmt.Fprintf(&b, "\n      WHEN substr(ua_cap, 1, %d) = %s THEN %s", len(t.text), d.lit(t.text), d.lit(v))
	}
	b.WriteString("\n      ELSE '' END")
	return b.String()
}

// uaCapture is the text of the in-app token that decides the user agent.
func (g *gen) uaCapture() string {
	if len(g.tokens) == 0 || !g.has["user_agent"] {
		return "''"
	}
	var alts []string
	for _, t := range g.tokens {
		a := regexp.QuoteMeta(t.text)
		if isAlnum(t.text[len(t.text)-1]) {
			a += `(?:[^A-Za-z0-9]|$)`
		}
		alts = append(alts, a)
	}
	// The capture is the token, or the token and the byte after it.
	return g.d.extract("ua", `(?:^|[^A-Za-z0-9])(`+strings.Join(alts, "|")+`)`)
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// clickRE matches a click id parameter with a value that is not blank once
// decoded and trimmed: blank are '+', ASCII spaces and their escapes.
func clickRE(param string) string {
	blank := `(?:[+\t\n\x0B\x0C\r ]|%(?:09|0[a-dA-D]|20))`
	sig := `(?:[^&+\t\n\x0B\x0C\r %]|%(?:[13-9a-fA-F][0-9a-fA-F]|0[0-8eEfF]|2[1-9a-fA-F])|%(?:[^0-9a-fA-F&]|[0-9a-fA-F](?:[^0-9a-fA-F&]|&|$)|&|$))`
	return `(?i)(?:^|&)` + param + `=` + blank + `*` + sig
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	// The name goes into a -- comment: nothing may end the line.
	p = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return '_'
		}
		return r
	}, p)
	if p == "" {
		return "a catalog"
	}
	return p
}
