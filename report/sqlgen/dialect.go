package sqlgen

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Dialects are the SQL dialects Generate writes.
var Dialects = []string{"bigquery", "duckdb", "spark"}

// dialect writes the few constructs the three engines spell differently.
type dialect struct {
	name string
}

func newDialect(name string) (*dialect, error) {
	for _, d := range Dialects {
		if d == name {
			return &dialect{name}, nil
		}
	}
	return nil, fmt.Errorf("unknown dialect %q: want one of %s", name, strings.Join(Dialects, ", "))
}

// quote writes s as a string literal. DuckDB follows the standard (a quote
// is doubled, a backslash is itself); BigQuery and Spark read backslash
// escapes. Control characters and invalid UTF-8 are refused: nothing in a
// checked catalog needs them, and they would be read differently by each
// engine.
func (d *dialect) quote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%q: not valid UTF-8", s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			return "", fmt.Errorf("%q: control character %U in a string", s, r)
		}
	}
	if d.name == "duckdb" {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'", nil
}

// lit is quote for the query's own constants, which are known to be fine.
func (d *dialect) lit(s string) string {
	q, err := d.quote(s)
	if err != nil {
		panic(err)
	}
	return q
}

var identPart = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
var bqProject = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)

// table checks and quotes a plain or dotted table name: catalog.schema.table
// in DuckDB and Spark, project.dataset.table in BigQuery (whose project ids
// may hold hyphens).
func (d *dialect) table(name string) (string, error) {
	parts := strings.Split(name, ".")
	if name == "" || len(parts) > 3 {
		return "", fmt.Errorf("table %q: want a name or a dotted name of up to three parts", name)
	}
	for i, p := range parts {
		if identPart.MatchString(p) && len(p) <= 128 {
			continue
		}
		if d.name == "bigquery" && i == 0 && len(parts) == 3 && bqProject.MatchString(p) && len(p) <= 63 {
			continue
		}
		return "", fmt.Errorf("table %q: %q is not a plain identifier (letters, digits, '_')", name, p)
	}
	switch d.name {
	case "bigquery":
		return "`" + name + "`", nil
	case "spark":
		return "`" + strings.Join(parts, "`.`") + "`", nil
	}
	return `"` + strings.Join(parts, `"."`) + `"`, nil
}

// matches is a regular-expression test anywhere in s. The patterns written
// here are RE2 (DuckDB, BigQuery) and mean the same in Java (Spark).
func (d *dialect) matches(s, re string) string {
	switch d.name {
	case "bigquery":
		return "REGEXP_CONTAINS(" + s + ", " + d.lit(re) + ")"
	case "spark":
		return "(" + s + " RLIKE " + d.lit(re) + ")"
	}
	return "regexp_matches(" + s + ", " + d.lit(re) + ")"
}

// extract returns the first group of re's first match in s, or ”.
func (d *dialect) extract(s, re string) string {
	switch d.name {
	case "bigquery":
		return "COALESCE(REGEXP_EXTRACT(" + s + ", " + d.lit(re) + "), '')"
	}
	return "regexp_extract(" + s + ", " + d.lit(re) + ", 1)"
}

// remove deletes every match of re from s.
func (d *dialect) remove(s, re string) string {
	switch d.name {
	case "bigquery":
		return "REGEXP_REPLACE(" + s + ", " + d.lit(re) + ", '')"
	case "spark":
		return "regexp_replace(" + s + ", " + d.lit(re) + ", '')"
	}
	return "regexp_replace(" + s + ", " + d.lit(re) + ", '', 'g')"
}

// replace rewrites every match of re in s as repl, which holds no group
// references.
func (d *dialect) replace(s, re, repl string) string {
	switch d.name {
	case "bigquery":
		return "REGEXP_REPLACE(" + s + ", " + d.lit(re) + ", " + d.lit(repl) + ")"
	case "spark":
		return "regexp_replace(" + s + ", " + d.lit(re) + ", " + d.lit(repl) + ")"
	}
	return "regexp_replace(" + s + ", " + d.lit(re) + ", " + d.lit(repl) + ", 'g')"
}

// byteLen is the length of s in bytes of UTF-8; length() counts
// characters in all three.
func (d *dialect) byteLen(s string) string {
	switch d.name {
	case "bigquery":
		return "BYTE_LENGTH(" + s + ")"
	case "spark":
		return "octet_length(" + s + ")"
	}
	return "strlen(" + s + ")"
}

// unixSeconds is the timestamp column's Unix time in whole seconds,
// rounded down as Go's time.Time.Unix.
func (d *dialect) unixSeconds(ts string) string {
	switch d.name {
	case "bigquery":
		return "UNIX_SECONDS(" + ts + ")"
	case "spark":
		return "unix_seconds(" + ts + ")"
	}
	return "CAST(floor(epoch_us(" + ts + ") / 1000000) AS BIGINT)"
}

// decode percent-decodes a tag value from a URL, '+' read as a space.
func (d *dialect) decode(s string) string {
	switch d.name {
	case "bigquery":
		return "refreport_url_decode(" + s + ")"
	case "spark":
		// try_url_decode (Spark 4.0) is null on a malformed escape; the
		// value is then kept as written, as a whole.
		return "coalesce(try_url_decode(" + s + "), " + s + ")"
	}
	// url_decode keeps '+' and malformed escapes; it fails on invalid
	// UTF-8, and the value is then kept as written.
	return "coalesce(try(url_decode(replace(" + s + ", '+', ' '))), " + s + ")"
}

// day is the calendar day of the timestamp column, in UTC.
func (d *dialect) day(ts string) string {
	switch d.name {
	case "bigquery":
		return "DATE(" + ts + ", 'UTC')"
	case "spark":
		return "to_date(" + ts + ")"
	}
	return "CAST(" + ts + " AS DATE)"
}

// endsWith tests whether s ends with suffix.
func (d *dialect) endsWith(s, suffix string) string {
	switch d.name {
	case "bigquery":
		return "ENDS_WITH(" + s + ", " + suffix + ")"
	case "spark":
		return "endswith(" + s + ", " + suffix + ")"
	}
	return "ends_with(" + s + ", " + suffix + ")"
}

// values writes a constant table as a CTE. rows must not be empty.
func (d *dialect) values(name string, cols []string, rows [][]string) string {
	var b strings.Builder
	if d.name == "bigquery" {
		// BigQuery has no VALUES lists: an array of structs instead.
		fmt.Fprintf(&b, "%s AS (\n  SELECT * FROM UNNEST([\n", name)
		for i, r := range rows {
			b.WriteString("    STRUCT(")
			for j, v := range r {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(v)
				if i == 0 {
					b.WriteString(" AS " + cols[j])
				}
			}
			b.WriteString(")")
			if i < len(rows)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("  ])\n)")
		return b.String()
	}
	fmt.Fprintf(&b, "%s(%s) AS (\n  VALUES\n", name, strings.Join(cols, ", "))
	for i, r := range rows {
		b.WriteString("    (" + strings.Join(r, ", ") + ")")
		if i < len(rows)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(")")
	return b.String()
}

// prelude is what the query needs before its WITH: BigQuery has no
// percent-decoding function, so the query brings one.
func (d *dialect) prelude() string {
	if d.name != "bigquery" {
		return ""
	}
	return `CREATE TEMP FUNCTION refreport_url_decode(s STRING) RETURNS STRING LANGUAGE js AS r"""
  if (s === null) return null;
  s = s.replace(/\+/g, ' ');
  return s.replace(/(%[0-9A-Fa-f]{2})+/g, function (run) {
    try { return decodeURIComponent(run); } catch (e) { return run; }
  });
""";
`
}
