package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
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

const aggregateAbout = `Aggregate runs the first half of build: it reads visit data (inputs as for
build), classifies every visit, and writes the rollups to --out: one
Parquet file a day under days/ and index.json, which names the inputs and
the sources.yaml they were made from. Run again with more inputs, it reads
only the inputs it has not seen (a file is taken as seen while its path,
size and modification time are unchanged) and makes again only the days
they touch. A changed sources.yaml, --tz, --column or --site-host makes
every day again. 'refreport render --rollups DIR' turns the rollups into
the site; 'refreport build --cache DIR' does both in one run.

Exit status: 0 success; 1 failed (bad rows over --max-bad-rows, an
unreadable input); 2 bad flags or configuration.`

const renderAbout = `Render runs the second half of build: it writes the report site to --out
from rollup directories, made by 'refreport aggregate' or exported as
Parquet by the query of 'refreport sql'. Directories made on several
machines, one per day or shard, merge into one site; the same day in two
directories, or the same input, is an error, not a double count. Give the
same --sources and --site-host as the rollups were made with.

Exit status: 0 success; 1 the build failed; 2 bad flags or configuration.`

func runBuild(ctx context.Context, e *env, args []string) error {
	return runSite(ctx, e, args, "build")
}

func runAggregate(ctx context.Context, e *env, args []string) error {
	return runSite(ctx, e, args, "aggregate")
}

func runRender(ctx context.Context, e *env, args []string) error {
	return runSite(ctx, e, args, "render")
}

// runSite runs build, aggregate or render, which share most flags.
func runSite(ctx context.Context, e *env, args []string, cmd string) error {
	fs := newFlags(e, cmd)
	reads := cmd != "render" // reads visit data
	site := cmd != "aggregate"
	sources := fs.String("sources", "sources.yaml", "the source rules `file`")
	outDefault, outUsage := "public", "write the site to `dir`"
	if !site {
		outDefault, outUsage = "rollups", "write the rollups to `dir`"
	}
	out := fs.String("out", outDefault, outUsage)
	var siteHosts listFlag
	fs.Var(&siteHosts, "site-host", "a `host` of the site itself, counted as internal (repeatable)")
	columns := mapFlag{}
	maxBad := shareFlag(0.01)
	if reads {
		fs.Var(columns, "column", "read `field=column` from the named column (repeatable); fields: "+strings.Join(ingest.FieldNames(), ", "))
		fs.Var(&maxBad, "max-bad-rows", "fail when more than this `share` of rows is skipped as unreadable (1% or 0.01)")
	}
	tzUsage := "time `zone` of timestamps written without one, and of the report's days"
	if !reads {
		tzUsage = "time `zone` of the days of rollups that have no index.json (SQL exports)"
	}
	tz := fs.String("tz", "UTC", tzUsage)
	var cache string
	if cmd == "build" {
		fs.StringVar(&cache, "cache", "", "keep the rollups in `dir` and read only the inputs not in it (see 'refreport help aggregate')")
	}
	var rollups listFlag
	if cmd == "render" {
		fs.Var(&rollups, "rollups", "read the rollups in `dir` (repeatable)")
	}
	var title, baseURL, period *string
	var force, archive *bool
	var failOn checksFlag
	var asOf dateFlag
	if site {
		title = fs.String("title", "", "the site's `title` (default from the data)")
		force = fs.Bool("force", false, "replace an --out directory that refreport did not write")
		baseURL = fs.String("base-url", "", "the `URL` the site is published at, for absolute links in sitemap.xml")
		fs.Var(&failOn, "fail-on", "exit 1 after a good build when a `check` fails: stale-reviews, unrecognised-share>X, bad-rows>X, no-data-for-as-of (repeatable, or comma-separated)")
		archive = fs.Bool("archive", false, "keep each run under OUT/AS-OF/, with OUT/latest/ (a copy) and an archive index page")
		fs.Var(&asOf, "as-of", "the report's last `date` (default the last complete day in the data)")
		period = fs.String("period", "28d", "the report's `period`: 7d, 28d, 90d, or month (the calendar month to date); compared with the one before")
	}
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	jsonOut := fs.Bool("json", false, "print a machine-readable summary on standard output")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to `file`, for go tool pprof")
	about := map[string]string{"build": buildAbout, "aggregate": aggregateAbout, "render": renderAbout}[cmd]
	if err := parse(fs, about, args); err != nil {
		return err
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usageErr("--tz %s: unknown time zone", *tz)
	}
	cfg := report.Config{
		Sources:    *sources,
		Out:        *out,
		SiteHosts:  siteHosts,
		Columns:    columns,
		Location:   loc,
		MaxBadRows: float64(maxBad),
		Cache:      cache,
		Stdin:      e.stdin,
	}
	if site {
		if err := report.CheckPeriod(*period); err != nil {
			return usageErr("%v", err)
		}
		// The one stamp of build time, for reproducible builds: never the clock.
		if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
			sec, err := strconv.ParseInt(s, 10, 64)
			if err != nil || sec < 0 {
				return usageErr("SOURCE_DATE_EPOCH=%q: want Unix seconds", s)
			}
			cfg.BuildTime = time.Unix(sec, 0).UTC()
		}
		cfg.Title, cfg.Force, cfg.AsOf, cfg.Period, cfg.BaseURL, cfg.Archive = *title, *force, asOf.t, *period, *baseURL, *archive
	}
	if reads {
		cfg.Inputs = fs.Args()
		if len(cfg.Inputs) == 0 {
			if _, err := os.Stat(SampleInput); err != nil {
				return usageErr("no INPUT given, and the bundled sample %s is not here (run from the repository root, or name the files to read)", SampleInput)
			}
			fmt.Fprintf(e.stderr, "refreport: no INPUT given; reading the bundled sample %s\n", SampleInput)
			cfg.Inputs = []string{SampleInput}
		}
	} else {
		if fs.NArg() > 0 {
			return usageErr("render reads no INPUT, only --rollups directories: %q", fs.Arg(0))
		}
		if len(rollups) == 0 {
			return usageErr("render needs at least one --rollups DIR")
		}
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return usageErr("--cpuprofile: %v", err)
		}
		defer stop(e.stderr)
	}
	var prog *progress
	if f, ok := e.stderr.(*os.File); ok && reads && !*quiet && os.Getenv("CI") == "" && isTerminal(f) {
		prog = &progress{w: f}
		cfg.Progress = prog.update
	}
	var res *report.Result
	switch cmd {
	case "build":
		res, err = report.Build(ctx, cfg)
	case "aggregate":
		res, err = report.Aggregate(ctx, cfg, *out)
	default:
		res, err = report.Render(ctx, cfg, rollups)
	}
	prog.done()
	var failed []string
	if err == nil && site {
		failed = failOn.failed(res)
	}
	if *jsonOut {
		if jerr := writeJSON(e.stdout, res, err, failed); jerr != nil && err == nil {
			err = jerr
		}
	}
	if res != nil && !*quiet {
		printSummary(e.stderr, res)
	}
	var cerr *report.ConfigError
	if errors.As(err, &cerr) {
		return configErr(err)
	}
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	if !*quiet {
		if !site {
			fmt.Fprintf(e.stderr, "refreport: wrote rollups to %s (%s)\n", *out, res.Cache)
			return nil
		}
		if res.Cache != "" {
			fmt.Fprintf(e.stderr, "refreport: cache %s: %s\n", cache, res.Cache)
		}
		fmt.Fprintf(e.stderr, "refreport: wrote %s (%s, as of %s)\n", res.Out, count(int64(res.Files), "file"), res.AsOf)
		for _, w := range res.Warnings {
			fmt.Fprintf(e.stderr, "refreport: warning: %s\n", w)
		}
	}
	if len(failed) > 0 {
		return &exitError{ExitFailed, fmt.Errorf("--fail-on: %s", strings.Join(failed, "; "))}
	}
	return nil
}

// progress draws one line on a terminal, at most a few times a second.
type progress struct {
	w     *os.File
	last  time.Time
	drawn bool
}

func (p *progress) update(bytes, rows int64) {
	now := time.Now() // the clock only paces the drawing; nothing written depends on it
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.drawn = true
	fmt.Fprintf(p.w, "\rrefreport: read %s, %d rows\033[K", byteSize(bytes), rows)
}

func (p *progress) done() {
	if p != nil && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// writeJSON prints the build's summary for machines.
func writeJSON(w io.Writer, res *report.Result, buildErr error, failed []string) error {
	type summary struct {
		OK       bool             `json:"ok"`
		Error    string           `json:"error,omitempty"`
		Out      string           `json:"out,omitempty"`
		AsOf     string           `json:"as_of,omitempty"`
		Files    int              `json:"files,omitempty"`
		Rows     int64            `json:"rows_read"`
		Skipped  map[string]int64 `json:"rows_skipped"`
		Repaired map[string]int64 `json:"rows_repaired"`
		Visits   int64            `json:"visits"`
		Warnings []string         `json:"warnings,omitempty"`
		FailedOn []string         `json:"failed_checks,omitempty"`
		Problems []string         `json:"problems,omitempty"`
	}
	s := summary{OK: buildErr == nil && len(failed) == 0, Skipped: map[string]int64{}, Repaired: map[string]int64{}, FailedOn: failed}
	if buildErr != nil {
		s.Error = buildErr.Error()
	}
	if res != nil {
		s.Out, s.AsOf, s.Files, s.Visits, s.Warnings = res.Out, res.AsOf, res.Files, res.Visits, res.Warnings
		s.Rows = res.Stats.Rows
		for r, n := range res.Stats.Skipped {
			s.Skipped[string(r)] = n
		}
		for r, n := range res.Stats.Repaired {
			s.Repaired[string(r)] = n
		}
		for _, p := range res.Stats.Examples {
			s.Problems = append(s.Problems, p.String())
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
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

// startCPUProfile starts profiling into a new file at path. The profile
// is what .ci/pgo merges into cmd/refreport/default.pgo, and what a slow
// build's report should bring.
func startCPUProfile(path string) (stop func(stderr io.Writer), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, ingest.CleanPathError(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func(stderr io.Writer) {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "refreport: --cpuprofile: %v\n", ingest.CleanPathError(err))
		}
	}, nil
}
