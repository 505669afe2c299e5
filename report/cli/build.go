package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/webmasterid/refreport/report"
	"github.com/webmasterid/refreport/report/ingest"
)

// SampleInput is what build reads when no input is named: the bundled
// sample, so that a fresh clone builds a report with no arguments.
const SampleInput = "testdata/sample.csv"

const buildAbout = `Build reads visit data (CSV or Parquet; files, globs, directories searched
recursively for *.csv, *.csv.gz, *.csv.zst and *.parquet, or - for CSV on
standard input), classifies every visit with the rules in sources.yaml,
and writes the report site to --out. With no INPUT it reads the bundled
sample, ` + SampleInput + `.

The site is written beside --out and swapped in only when complete: a
build that fails leaves the previous site as it was.

Exit status: 0 success; 1 the build failed (bad rows over --max-bad-rows,
an unreadable input); 2 bad flags or configuration.`

func runBuild(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "build")
	sources := fs.String("sources", "sources.yaml", "the source rules `file`")
	out := fs.String("out", "public", "write the site to `dir`")
	var siteHosts listFlag
	fs.Var(&siteHosts, "site-host", "a `host` of the site itself, counted as internal (repeatable)")
	columns := mapFlag{}
	fs.Var(columns, "column", "read `field=column` from the named column (repeatable); fields: "+strings.Join(ingest.FieldNames(), ", "))
	tz := fs.String("tz", "UTC", "time `zone` of timestamps written without one, and of the report's days")
	maxBad := shareFlag(0.01)
	fs.Var(&maxBad, "max-bad-rows", "fail when more than this `share` of rows is skipped as unreadable (1% or 0.01)")
	title := fs.String("title", "", "the site's `title` (default from the data)")
	force := fs.Bool("force", false, "replace an --out directory that refreport did not write")
	var asOf dateFlag
	fs.Var(&asOf, "as-of", "the report's last `date` (default the last complete day in the data)")
	period := fs.String("period", "28d", "the report's `period`: 7d, 28d, 90d, or month (the calendar month to date); compared with the one before")
	if err := parse(fs, buildAbout, args); err != nil {
		return err
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usageErr("--tz %s: unknown time zone", *tz)
	}
	if err := report.CheckPeriod(*period); err != nil {
		return usageErr("%v", err)
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		if _, err := os.Stat(SampleInput); err != nil {
			return usageErr("no INPUT given, and the bundled sample %s is not here (run from the repository root, or name the files to read)", SampleInput)
		}
		fmt.Fprintf(e.stderr, "refreport: no INPUT given; building the bundled sample %s\n", SampleInput)
		inputs = []string{SampleInput}
	}
	cfg := report.Config{
		Inputs:     inputs,
		Sources:    *sources,
		Out:        *out,
		SiteHosts:  siteHosts,
		Columns:    columns,
		Location:   loc,
		MaxBadRows: float64(maxBad),
		Title:      *title,
		Force:      *force,
		AsOf:       asOf.t,
		Period:     *period,
		Stdin:      e.stdin,
	}
	res, err := report.Build(ctx, cfg)
	if res != nil {
		printSummary(e.stderr, res)
	}
	var cerr *report.ConfigError
	if errors.As(err, &cerr) {
		return configErr(err)
	}
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	fmt.Fprintf(e.stderr, "refreport: wrote %s\n", res.Out)
	return nil
}

// printSummary says what was read: every build ends with it, failed or not.
func printSummary(w io.Writer, res *report.Result) {
	s := &res.Stats
	fmt.Fprintf(w, "refreport: read %s from %s (%s): %s; %s skipped\n",
		count(s.Rows, "row"), count(int64(s.Files), "file"), byteSize(s.Bytes), count(res.Visits, "visit"), count(s.SkippedRows(), "row"))
	for _, rc := range ingest.Sorted(s.Skipped) {
		fmt.Fprintf(w, "  skipped %d %s\n", rc.Rows, rc.Reason)
	}
	for _, rc := range ingest.Sorted(s.Repaired) {
		fmt.Fprintf(w, "  repaired %d %s\n", rc.Rows, rc.Reason)
	}
	if len(s.Examples) > 0 {
		more := ""
		if n := s.SkippedRows() + sum(s.Repaired); n > int64(len(s.Examples)) {
			more = fmt.Sprintf(" (first %d of %d)", len(s.Examples), n)
		}
		fmt.Fprintf(w, "refreport: problems%s:\n", more)
		for _, p := range s.Examples {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
}

func sum(m map[ingest.Reason]int64) int64 {
	var n int64
	for _, c := range m {
		n += c
	}
	return n
}

// count writes n and a noun, plural unless n is 1.
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
