package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/webmasterid/refreport/report/rules"
	"github.com/webmasterid/refreport/report/sqlgen"
)

const sqlAbout = `Sql prints one query, generated from the rules, that classifies a table of
visits and sums it into the rollup refreport builds its report from, so
that the heavy stage can run in DuckDB, Spark SQL or BigQuery over any
volume. The table has the columns ts (a TIMESTAMP, in UTC), url and
referrer, and the optional ones named by --columns. The query returns the
rollup as one long table (kind, day, source, known, medium, evidence,
no_referrer, tagged, value, other, visits, first_visit, last_visit): per
day, the core "visits" rows; the per-source breakdowns "host",
"utm_source", "utm_medium", "utm_campaign", "landing_page", "referrer" and
"tags", each with its top values and an "other" row; the landing hosts
("site_host"); and the day's first and last visit ("span"). Exported as
Parquet, it is what render --rollups reads.

The query follows the classifier's rules, with these differences:

` + sqlgen.Approximations

func runSQL(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "sql")
	sources := fs.String("sources", "sources.yaml", "the source rules `file`")
	dialect := fs.String("dialect", "", "the SQL `dialect`: "+strings.Join(sqlgen.Dialects, ", ")+" (required)")
	table := fs.String("table", "visits", "the `table` to read: a name or a dotted name")
	columns := fs.String("columns", strings.Join(sqlgen.DefaultColumns, ","), "the optional `columns` the table has, comma-separated: "+strings.Join(sqlgen.OptionalColumns, ", ")+"; empty for none")
	var siteHosts listFlag
	fs.Var(&siteHosts, "site-host", "a `host` of the site itself, counted as internal (repeatable)")
	if err := parse(fs, sqlAbout, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("sql: unexpected argument %q", fs.Arg(0))
	}
	if *dialect == "" {
		return usageErr("sql: --dialect is required: %s", strings.Join(sqlgen.Dialects, ", "))
	}
	var cols []string
	for _, c := range strings.Split(*columns, ",") {
		if c = strings.TrimSpace(c); c != "" {
			cols = append(cols, c)
		}
	}
	cat, err := rules.Load(*sources)
	if err != nil {
		return configErr(err)
	}
	q, err := sqlgen.GenerateOptions(cat, sqlgen.Options{Dialect: *dialect, Table: *table, SiteHosts: siteHosts, Columns: cols})
	if err != nil {
		return usageErr("sql: %v", err)
	}
	_, err = fmt.Fprint(e.stdout, q)
	return err
}
