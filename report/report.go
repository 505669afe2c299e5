// Package report is refreport's whole job, top to bottom: load the rules,
// read the visits, classify and aggregate them, and publish the site.
package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/digest"
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
	BaseURL    string            // where the site is published, for absolute links in the sitemap; optional
	BuildTime  time.Time         // the build stamp in manifest.json, from SOURCE_DATE_EPOCH; zero for none
	Archive    bool              // keep each run under Out/<as-of>/, with Out/latest/ and an archive index
	Cache      string            // rollup directory: read only the inputs not in it (build --cache)
	Stdin      io.Reader
	Progress   func(bytes, rows int64) // called as input is read; may be nil
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

	// Set once the site is built: the figures --fail-on checks.
	AsOf              string
	Files             int
	Warnings          []string
	UnrecognisedShare float64 // of visits from outside the site, in the period
	StaleReviews      []string
	AsOfVisits        int64  // visits on the as-of day
	Cache             string // what the rollup cache did, for the log
}

// Build runs the whole job.
func Build(ctx context.Context, cfg Config) (*Result, error) {
	j, err := prepare(cfg, true)
	if err != nil {
		return nil, err
	}
	inputs, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	var agg *aggregated
	if cfg.Cache != "" {
		agg, err = j.aggregateCached(ctx, inputs, cfg.Cache)
	} else {
		agg, err = j.aggregateAll(ctx, inputs)
	}
	if agg == nil {
		return nil, err
	}
	res := &Result{Stats: agg.stats, Visits: agg.rollup.Visits(), Out: cfg.Out, Cache: agg.note}
	if err != nil {
		return res, err
	}
	if err := j.checkBadRows(&agg.stats); err != nil {
		return res, err
	}
	return res, j.render(agg, res)
}

// Aggregate runs the first half of a build: it reads the inputs not yet
// in the rollup directory dir and brings dir up to date, as build --cache
// does, without rendering.
func Aggregate(ctx context.Context, cfg Config, dir string) (*Result, error) {
	j, err := prepare(cfg, false)
	if err != nil {
		return nil, err
	}
	inputs, err := ingest.Expand(cfg.Inputs)
	if err != nil {
		return nil, err
	}
	agg, err := j.aggregateCached(ctx, inputs, dir)
	if agg == nil {
		return nil, err
	}
	res := &Result{Stats: agg.stats, Visits: agg.rollup.Visits(), Cache: agg.note}
	if err != nil {
		return res, err
	}
	return res, j.checkBadRows(&agg.stats)
}

// Render runs the second half of a build: it renders the site from
// rollup directories, written by Aggregate or exported by a SQL engine.
// The directories hold different days; a day in two is an error.
func Render(ctx context.Context, cfg Config, dirs []string) (*Result, error) {
	j, err := prepare(cfg, true)
	if err != nil {
		return nil, err
	}
	agg, err := j.readRollups(dirs, nil)
	if err != nil {
		return nil, err
	}
	res := &Result{Stats: agg.stats, Visits: agg.rollup.Visits(), Out: cfg.Out}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, j.render(agg, res)
}

// A job is a build's settings, checked, and what was made of them.
type job struct {
	cfg      Config
	cat      *rules.Catalog
	matcher  *rules.Matcher
	loc      *time.Location
	renderer *render.Renderer
	pub      *publisher
}

// prepare checks everything that can be checked without data: a bad
// sources.yaml, template or output path fails in milliseconds.
func prepare(cfg Config, site bool) (*job, error) {
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
	if err := checkBaseURL(cfg.BaseURL); err != nil {
		return nil, &ConfigError{err}
	}
	if err := ingest.CheckColumns(cfg.Columns); err != nil {
		return nil, &ConfigError{err}
	}
	j := &job{cfg: cfg, cat: cat, matcher: matcher, loc: cfg.Location}
	if j.loc == nil {
		j.loc = time.UTC
	}
	if !site {
		return j, nil
	}
	if j.renderer, err = render.New(); err != nil {
		return nil, err
	}
	if j.pub, err = newPublisher(cfg.Out, cfg.Force); err != nil {
		return nil, &ConfigError{err}
	}
	return j, nil
}

// aggregated is what the first half of a build hands the second.
type aggregated struct {
	rollup *aggregate.Snapshot
	stats  ingest.Stats
	inputs []InputHash
	note   string // what the cache did
}

// sortInputs puts inputs in the fixed order they are read in, whatever
// the command line's: the bounded breakdowns keep the values they meet
// first.
func sortInputs(inputs []ingest.Input) {
	sort.SliceStable(inputs, func(i, j int) bool { return inputs[i].Path < inputs[j].Path })
}

func (j *job) ingestOptions() ingest.Options {
	return ingest.Options{Columns: j.cfg.Columns, Location: j.loc, Stdin: j.cfg.Stdin, Progress: j.cfg.Progress}
}

// aggregateAll reads, classifies and sums every input, and hashes them
// for the manifest.
func (j *job) aggregateAll(ctx context.Context, inputs []ingest.Input) (*aggregated, error) {
	sortInputs(inputs)
	rollup, stats, hashes, err := scanHashing(ctx, inputs, j.ingestOptions(), j.matcher)
	return &aggregated{rollup: rollup.Snapshot(), stats: stats, inputs: hashes}, err
}

// scanHashing is scan, hashing the inputs for the manifest as they are
// read.
func scanHashing(ctx context.Context, inputs []ingest.Input, opts ingest.Options, m *rules.Matcher) (*aggregate.Rollup, ingest.Stats, []InputHash, error) {
	hashes := make([]InputHash, len(inputs))
	for i, in := range inputs {
		hashes[i] = InputHash{Path: in.Path, Bytes: in.Size}
	}
	opts.Hashed = func(i int, sum [sha256.Size]byte, n int64) {
		hashes[i].SHA256, hashes[i].Bytes = hex.EncodeToString(sum[:]), n
	}
	rollup, stats, err := scan(ctx, inputs, opts, m)
	if err != nil {
		return rollup, stats, nil, err
	}
	return rollup, stats, hashes, nil
}

func (j *job) checkBadRows(stats *ingest.Stats) error {
	if skipped := stats.SkippedRows(); skipped > 0 && float64(skipped) > j.cfg.MaxBadRows*float64(stats.Rows) {
		return fmt.Errorf("%w: %d of %d rows (%.2f%%) skipped, over the limit of %.2f%% (--max-bad-rows)",
			ErrTooManyBadRows, skipped, stats.Rows, 100*float64(skipped)/float64(stats.Rows), 100*j.cfg.MaxBadRows)
	}
	return nil
}

// newView sets up the tabulation of agg: its days and periods.
func (j *job) newView(agg *aggregated) (*view, error) {
	cfg, rollup := j.cfg, agg.rollup
	v := &view{cat: j.cat, r: rollup, stats: &agg.stats, inputs: agg.inputs, title: cfg.Title, siteHosts: cfg.SiteHosts,
		hostSource: hostClassifier(j.matcher)}
	first, last, ok := rollup.Span()
	if !ok {
		return nil, errors.New("no visits in the input: nothing to report")
	}
	v.coverage = period{from: first, to: last}
	if cfg.AsOf.IsZero() {
		_, latest, _ := rollup.TimeRange()
		v.asOf = defaultAsOf(latest, rollup.Location())
	} else {
		v.asOf = aggregate.DayFromDate(cfg.AsOf)
	}
	v.cur, v.prev = periods(cfg.Period, v.asOf)
	return v, nil
}

// render tabulates the rollup, renders it into a new directory and
// publishes that whole.
func (j *job) render(agg *aggregated, res *Result) error {
	cfg := j.cfg
	v, err := j.newView(agg)
	if err != nil {
		return err
	}
	model := siteModel(v)
	res.AsOf = v.asOf.String()
	res.Warnings = model.Index.Warnings
	res.UnrecognisedShare = model.Index.Unrecognised.Share
	for _, r := range model.Quality.Overdue {
		res.StaleReviews = append(res.StaleReviews, r.Source.Text)
	}
	for _, g := range v.groups {
		if g.Day == v.asOf {
			res.AsOfVisits += g.Visits
		}
	}
	stats := &agg.stats
	manifest := &Manifest{
		Refreport:     Version,
		AsOf:          v.asOf.String(),
		Built:         buildStamp(cfg.BuildTime),
		Period:        manifestPeriod{v.cur.from.String(), v.cur.to.String()},
		SourcesSHA256: j.cat.Hash,
		Inputs:        agg.inputs,
		Rows:          stats.Rows,
		Skipped:       reasons(stats.Skipped),
		Repaired:      reasons(stats.Repaired),
	}
	baseURL := cfg.BaseURL
	if cfg.Archive && baseURL != "" {
		// The digest and sitemap link to the run's permanent pages.
		baseURL = strings.TrimSuffix(baseURL, "/") + "/" + res.AsOf + "/"
	}
	writeSite := func(dir string) error {
		if err := j.renderer.WriteSite(dir, model); err != nil {
			return err
		}
		if err := digest.Write(dir, digest.Build(model, baseURL)); err != nil {
			return err
		}
		if err := writeSitemap(dir, baseURL); err != nil {
			return err
		}
		if err := testHookBeforeManifest(dir); err != nil {
			return err
		}
		if err := writeManifest(dir, manifest); err != nil {
			return err
		}
		res.Files = len(manifest.Files) + 1
		return nil
	}
	if cfg.Archive {
		return j.pub.publishArchive(res.AsOf, writeSite)
	}
	return j.pub.publish(writeSite)
}

// scanAhead is how many batches may wait for the summing stage of scan,
// and scanBatch the visits in a batch: enough to keep every stage busy,
// few enough that the buffers going round stay small (a few MB) beside
// the rollup. scanClassifiers is how many goroutines classify: two, so
// that on two cores the stages share them evenly, whichever is slowest.
const (
	scanAhead       = 4
	scanBatch       = 1024
	scanClassifiers = 2
)

// scan reads every input, classifies each visit and sums it into a rollup.
// The three run on goroutines of their own, a batch at a time: reading
// (decompressing, parsing), classifying (and the part of summing that
// needs no rollup, aggregate.Prepare) and summing. Batches are summed in
// the order they were read, so the rollup is the one a single goroutine
// would make.
func scan(ctx context.Context, inputs []ingest.Input, opts ingest.Options, m *rules.Matcher) (*aggregate.Rollup, ingest.Stats, error) {
	return scanDays(ctx, inputs, opts, m, nil)
}

// scanFields are the fields that classifying and counting a visit read.
// Countries, visitor ids and the utm_term and utm_content tags are not
// counted, so a build does not read their columns.
var scanFields = []string{
	ingest.FieldTime, ingest.FieldURL, ingest.FieldReferrer,
	ingest.FieldUTMSource, ingest.FieldUTMMedium, ingest.FieldUTMCampaign,
	ingest.FieldUserAgent, ingest.FieldWeight,
}

// ScanFields returns the fields a build reads from its inputs; a column
// read as no other field is left unread.
func ScanFields() []string { return slices.Clone(scanFields) }

// scanDays is scan, counting only visits on the given days (all days if
// only is nil). The rollup knows which days each input had visits on.
func scanDays(ctx context.Context, inputs []ingest.Input, opts ingest.Options, m *rules.Matcher, only map[aggregate.Day]bool) (*aggregate.Rollup, ingest.Stats, error) {
	// A batch is read into a buffer while at most scanAhead wait to be
	// summed and one is being summed: no buffer is refilled while in use.
	n := scanAhead + 2
	opts.Batches = n
	opts.Fields = scanFields
	// The classifier and the rollup copy what they keep, and a batch's
	// results and preps go round with its buffer.
	opts.ReuseStrings = true
	if opts.BatchSize == 0 {
		opts.BatchSize = scanBatch
	}
	r := ingest.NewReader(ctx, inputs, opts)
	type batch struct {
		visits     []ingest.Visit
		results    []rules.Result
		preps      []aggregate.Prepared // the part of summing that needs no rollup
		input      int
		classified chan struct{} // closed when results and preps are filled
	}
	toSum := make(chan *batch, scanAhead)      // in the order read
	toClassify := make(chan *batch, scanAhead) // taken by whichever classifier is free
	go func() {
		defer close(toSum)
		defer close(toClassify)
		results := make([][]rules.Result, n)
		preps := make([][]aggregate.Prepared, n)
		for i := 0; r.Scan(); i = (i + 1) % n {
			v := r.Batch()
			if cap(results[i]) < len(v) {
				results[i] = make([]rules.Result, len(v))
				preps[i] = make([]aggregate.Prepared, len(v))
			}
			b := &batch{v, results[i][:len(v)], preps[i][:len(v)], r.Input(), make(chan struct{})}
			toSum <- b
			toClassify <- b
		}
	}()
	for range scanClassifiers {
		go func() {
			classifier := m.NewClassifier()
			var preparer aggregate.Preparer
			for b := range toClassify {
				for i := range b.visits {
					b.results[i] = classifier.Classify(&b.visits[i])
					b.preps[i] = preparer.Prepare(&b.visits[i], &b.results[i])
				}
				close(b.classified)
			}
		}()
	}
	rollup := aggregate.New(opts.Location)
	rollup.Only(only)
	input := -1
	for b := range toSum {
		<-b.classified
		if b.input != input {
			input = b.input
			rollup.Input(input)
		}
		for i := range b.visits {
			rollup.AddPrepared(&b.visits[i], &b.results[i], &b.preps[i])
		}
	}
	// toSum is closed after the reader's last Scan, and every batch sent
	// was classified: the reader's stats and error are final, and no
	// classifier is left with work.
	return rollup, *r.Stats(), r.Err()
}

// testHookBeforeManifest lets tests fail a build after the pages are
// written, to show that a failed build leaves the previous site.
var testHookBeforeManifest = func(dir string) error { return nil }

// checkBaseURL accepts an absolute http(s) URL without query or fragment.
func checkBaseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("--base-url %s: want an absolute http or https URL such as https://example.com/reports/", s)
	}
	return nil
}

func buildStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// hostClassifier classifies a bare referrer host, as if a visit had come
// from its home page.
func hostClassifier(m *rules.Matcher) func(string) rules.Result {
	cl := m.NewClassifier()
	return func(host string) rules.Result {
		v := ingest.Visit{Referrer: "https://" + host + "/", Weight: 1}
		return cl.Classify(&v)
	}
}
