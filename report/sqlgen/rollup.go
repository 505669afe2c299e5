package sqlgen

import (
	"fmt"
	"strings"

	"github.com/webmasterid/refreport/report/aggregate"
)

// Kinds are the values of the query's kind column, in the order the
// constant kinds table lists them: the core rows, the detail breakdowns of
// package aggregate, the landing hosts and the day's span. "overflow", the
// fold of unknown sources beyond aggregate.MaxUnknownSources, is never
// produced: the query keeps every unknown source apart.
var Kinds = func() []string {
	k := []string{aggregate.KindVisits}
	for d := range aggregate.NumDims {
		k = append(k, d.String())
	}
	return append(k, aggregate.KindSiteHost, aggregate.KindSpan)
}()

// clip cuts the column c, as aggregate's clip does, to the longest prefix
// of whole characters within aggregate.MaxValueLen bytes, marked with "…". Engines
// count characters, not bytes: each character of the first
// MaxValueLen+1 is written as one 'L' and a 'c' per further byte, so that
// the 'L's among the first MaxValueLen+1 letters, less the one that
// crosses the limit, are the characters kept.
func (g *gen) clip(c string) string {
	d := g.d
	n := aggregate.MaxValueLen + 1
	shadow := fmt.Sprintf("substr(%s, 1, %d)", c, n)
	for _, r := range [][2]string{
		{`[\x{0}-\x{7F}]`, "L"},
		{`[\x{80}-\x{7FF}]`, "Lc"},
		{`[\x{800}-\x{FFFF}]`, "Lcc"},
		{`[\x{10000}-\x{10FFFF}]`, "Lccc"},
	} {
		shadow = d.replace(shadow, r[0], r[1])
	}
	return fmt.Sprintf(`CASE WHEN %[1]s <= %[2]d THEN %[3]s
      ELSE substr(%[3]s, 1, length(replace(substr(%[4]s, 1, %[5]d), 'c', '')) - 1) || %[6]s END`,
		d.byteLen(c), aggregate.MaxValueLen, c, shadow, n, d.lit("…"))
}

// details writes the stages from the classified visits to the rollup's
// rows: each visit's values, one row per visit and kind, the groups, and
// the caps.
func (g *gen) details() []string {
	d := g.d
	var ctes []string
	rows := make([][]string, len(Kinds))
	for i, k := range Kinds {
		rows[i] = []string{d.lit(k)}
	}
	ctes = append(ctes, d.values("kinds", []string{"kind"}, rows))

	// The values behind each visit, as aggregate.AddPrepared finds them.
	// landingPath: the URL trimmed, without query and fragment, from the
	// first '/' after the first "://" (or a leading "//"). referrerExample:
	// the referrer trimmed, without query and fragment. pageHost: the
	// authority after the first "://", without user and port.
	trim := func(s string) string {
		return d.remove(s, `^`+unicodeSpace+`+|`+unicodeSpace+`+$`)
	}
	ctes = append(ctes, fmt.Sprintf(`v1 AS (
  SELECT *,
    %s AS lp,
    %s AS example,
    %s AS page_host,
    (spelling <> '' OR med_norm <> '' OR camp_norm <> '') AS any_tag
  FROM classified
)`, d.extract(trim("url"), `^([^?#]*)`), d.extract(trim("referrer"), `^([^?#]*)`),
		d.extract(d.remove(d.extract("url", `(?s)^.*?://([^/?#]*)`), `(?s)^.*@`), `^([^:]*)`)))
	ctes = append(ctes, fmt.Sprintf(`v2 AS (
  SELECT *,
    CASE
      WHEN lp LIKE '%%://%%' THEN COALESCE(NULLIF(%s, ''), '/')
      WHEN lp LIKE '//%%' THEN COALESCE(NULLIF(%s, ''), '/')
      WHEN lp = '' THEN '/'
      ELSE lp END AS landing,
    CASE WHEN spelling <> '' THEN 's' ELSE '-' END ||
      CASE WHEN med_norm <> '' THEN 'm' ELSE '-' END ||
      CASE WHEN camp_norm <> '' THEN 'c' ELSE '-' END || ':' || camp_norm AS tag_value
  FROM v1
)`, d.extract("lp", `(?s)^.*?://[^/]*(/.*)$`), d.extract("lp", `(?s)^//[^/]*(/.*)$`)))

	// Each breakdown's value, or NULL where the Go path adds none: direct
	// and internal visits keep only their landing pages; catalog sources
	// keep the referrer host; unknown hosts and spam keep examples.
	// Unknown sources' names are cut as the Go path cuts them, values
	// once they are rows of their own.
	perSource := "evidence NOT IN ('direct', 'internal')"
	ctes = append(ctes, fmt.Sprintf(`v3 AS (
  SELECT day, t, w, known, medium, evidence, no_referrer, tagged,
    CASE WHEN known THEN source ELSE %[1]s END AS source,
    CASE WHEN known AND %[2]s AND r_host <> '' THEN r_host END AS v_host,
    CASE WHEN %[2]s AND spelling <> '' THEN spelling END AS v_utm_source,
    CASE WHEN %[2]s AND med_norm <> '' THEN med_norm END AS v_utm_medium,
    CASE WHEN %[2]s AND camp_norm <> '' THEN camp_norm END AS v_utm_campaign,
    landing AS v_landing_page,
    CASE WHEN NOT known AND evidence IN ('unknown_referrer', 'spam') THEN example END AS v_referrer,
    CASE WHEN any_tag THEN tag_value END AS v_tags,
    CASE WHEN page_host <> '' AND %[3]s <= 253 THEN lower(page_host) END AS v_site_host
  FROM v2
)`, g.clip("source"), perSource, d.byteLen("page_host")))

	// One row per visit and kind: a cross join with the ten kinds reads
	// the visits once, where a UNION of ten selects would classify them
	// ten times in engines that inline CTEs (Spark, BigQuery).
	var vals []string
	for _, k := range Kinds[1:] {
		if k == "span" {
			continue
		}
		vals = append(vals, fmt.Sprintf("WHEN %s THEN v.v_%s", d.lit(k), k))
	}
	ctes = append(ctes, fmt.Sprintf(`exploded AS (
  SELECT k.kind, v.day,
    CASE WHEN k.kind IN ('site_host', 'span') THEN ''
      WHEN k.kind = 'landing_page' AND NOT v.known AND v.%s THEN %s
      ELSE v.source END AS source,
    CASE WHEN k.kind IN ('site_host', 'span') THEN FALSE ELSE v.known END AS known,
    CASE WHEN k.kind = 'visits' THEN v.medium ELSE '' END AS medium,
    CASE WHEN k.kind = 'visits' THEN v.evidence ELSE '' END AS evidence,
    CASE WHEN k.kind = 'visits' THEN v.no_referrer ELSE FALSE END AS no_referrer,
    CASE WHEN k.kind = 'visits' THEN v.tagged ELSE FALSE END AS tagged,
    CASE k.kind
      %s
      ELSE '' END AS value,
    v.w, v.t
  FROM v3 v CROSS JOIN kinds k
)`, perSource, d.lit(aggregate.Outside), strings.Join(vals, "\n      ")))
	ctes = append(ctes, fmt.Sprintf(`cut AS (
  SELECT kind, day, source, known, medium, evidence, no_referrer, tagged,
    %s AS value,
    w, t
  FROM exploded
  WHERE value IS NOT NULL
)`, g.clip("value")))
	ctes = append(ctes, `grouped AS (
  SELECT kind, day, source, known, medium, evidence, no_referrer, tagged, value,
    SUM(w) AS visits, MIN(t) AS first_visit, MAX(t) AS last_visit
  FROM cut
  GROUP BY kind, day, source, known, medium, evidence, no_referrer, tagged, value
)`)
	// The caps: the top values by visits, ties by value (the Go path keeps
	// the first to arrive; the two agree while no breakdown is full), and
	// the referrer examples with the smallest values. What is beyond a
	// breakdown's cap becomes its other row; beyond the examples' and the
	// landing hosts' caps it is left out, as in the Go path.
	ctes = append(ctes, fmt.Sprintf(`ranked AS (
  SELECT *,
    ROW_NUMBER() OVER (PARTITION BY kind, day, source, known
      ORDER BY CASE WHEN kind = 'referrer' THEN 0 ELSE visits END DESC, value) AS rn,
    CASE
      WHEN kind IN ('visits', 'span') THEN 0
      WHEN kind = 'referrer' THEN %d
      WHEN kind = 'site_host' THEN %d
      WHEN kind = 'landing_page' AND NOT known AND source = %s THEN %d
      WHEN known OR source IN ('direct', 'internal') THEN %d
      ELSE %d END AS cap
  FROM grouped
)`, aggregate.MaxExamples, aggregate.MaxSiteHosts, d.lit(aggregate.Outside), aggregate.MaxOutsideValues, aggregate.MaxValues, aggregate.MaxUnknownValues))
	ctes = append(ctes, `capped AS (
  SELECT kind, day, source, known, medium, evidence, no_referrer, tagged,
    CASE WHEN cap > 0 AND rn > cap THEN '' ELSE value END AS value,
    cap > 0 AND rn > cap AS other,
    CASE WHEN kind = 'span' THEN 0 ELSE visits END AS visits,
    CASE WHEN kind = 'span' THEN first_visit ELSE 0 END AS first_visit,
    CASE WHEN kind = 'span' THEN last_visit ELSE 0 END AS last_visit
  FROM ranked
  WHERE NOT (kind IN ('referrer', 'site_host') AND rn > cap)
)`)
	return ctes
}
