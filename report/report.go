// Package report is refreport's whole job, top to bottom: load the rules,
// read the visits, classify and aggregate them, and publish the site.
package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/render"
	"github.com/webmasterid/refreport/report/rules"
)

// Config is a build's settings, checked before any data is read.
type Config struct {
	Inputs     []string          // files, globs, directories, "-"
	Sources    string            // path of sources.yaml
	Out        string            // the site's directory
	SiteHosts  []string          // the site's own hosts, counted as internal
	Columns    map[string]string // field=column overrides
	Location   *time.Location    // zone of timestamps without one, and of days
	MaxBadRows float64           // share of rows that may be skipped before the build fails
	Force      bool              // replace an --out that refreport did not write
	Title      string            // site title; default from the data
	AsOf       time.Time         // the report's last day; zero: the last complete day in the data
	Period     string            // 7d, 28d, 90d or month; "" is 28d
	Stdin      io.Reader
	Log        io.Writer // where the summary and problems go
}

// ConfigError is a problem with flags or configuration, found before any
// data was read.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// ErrTooManyBadRows is returned, wrapped, when skipped rows pass
// Config.MaxBadRows. The site is not written.
var ErrTooManyBadRows = errors.New("too many bad rows")

// Result says what a build read and wrote.
type Result struct {
	Stats  ingest.Stats
	Visits int64
	Out    string
}

// Build runs the whole job.
func Build(ctx context.Context, cfg Config) (*Result, error) {
	// Everything that can be checked without data, first: a bad
	// sources.yaml, template or output path fails in milliseconds.
	cat, err := rules.Load(cfg.Sources)
	if err != nil {
		return nil, &ConfigError{err}
	}
	matcher, err := rules.Compile(cat, cfg.SiteHosts)
	if err != nil {
		return nil, &ConfigError{err}
	}
	if cfg.Period == "" {
		cfg.Period = "28d"
	}
	if err := CheckPeriod(cfg.Period); err != nil {
		return nil, &ConfigError{err}
	}
	if err := ingest.CheckColumns(cfg.Columns); err != nil {
		return nil, &ConfigError{err}
	}
	renderer, err := render.New()
	if err != nil {
		return nil, err
	}
	pub, err := newPublisher(cfg.Out, cfg.Force)
	if err != nil {
		return nil, &ConfigError{err}
	}
	inputs, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	// Read in a fixed order, whatever the command line's: the bounded
	// breakdowns keep the values they meet first.
	sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].Path < inputs[j].Path })
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}

	// Read, classify, aggregate.
	rollup, stats, err := scan(ctx, inputs, ingest.Options{Columns: cfg.Columns, Location: loc, Stdin: cfg.Stdin}, matcher)
	res := &Result{Stats: stats, Visits: rollup.Visits(), Out: cfg.Out}
	if err != nil {
		return res, err
	}
	if skipped := stats.SkippedRows(); skipped > 0 && float64(skipped) > cfg.MaxBadRows*float64(stats.Rows) {
		return res, fmt.Errorf("%w: %d of %d rows (%.2f%%) skipped, over the limit of %.2f%% (--max-bad-rows)",
			ErrTooManyBadRows, skipped, stats.Rows, 100*float64(skipped)/float64(stats.Rows), 100*cfg.MaxBadRows)
	}

	// Tabulate, render into a new directory and publish it whole.
	v := &view{cat: cat, r: rollup, stats: &stats, inputs: inputs, title: cfg.Title, siteHosts: cfg.SiteHosts}
	first, last, ok := rollup.Span()
	if !ok {
		return res, errors.New("no visits in the input: nothing to report")
	}
	v.coverage = period{from: first, to: last}
	if cfg.AsOf.IsZero() {
		_, latest, _ := rollup.TimeRange()
		v.asOf = defaultAsOf(latest, loc)
	} else {
		v.asOf = aggregate.DayFromDate(cfg.AsOf)
	}
	v.cur, v.prev = periods(cfg.Period, v.asOf)
	model := siteModel(v)
	err = pub.publish(func(dir string) error { return renderer.WriteSite(dir, model) })
	if err != nil {
		return res, err
	}
	return res, nil
}

// scan reads every input, classifies each visit and sums it into a rollup.
func scan(ctx context.Context, inputs []ingest.Input, opts ingest.Options, m *rules.Matcher) (*aggregate.Rollup, ingest.Stats, error) {
	r := ingest.NewReader(ctx, inputs, opts)
	classifier := m.NewClassifier()
	rollup := aggregate.New(opts.Location)
	for r.Scan() {
		batch := r.Batch()
		for i := range batch {
			res := classifier.Classify(&batch[i])
			rollup.Add(&batch[i], &res)
		}
	}
	return rollup, *r.Stats(), r.Err()
}
