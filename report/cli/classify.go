package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

const classifyAbout = `Classify reads CSV on standard input, with a header row holding at least
url and referrer columns (and optionally utm_source, utm_medium,
utm_campaign, and user_agent, also named useragent or ua), and writes the
same rows to standard output with three columns added: source, medium, and
rule, what decided (utm:utm_source=aliexpress, referrer:aliexpress.com,
click_id:gclid, in_app:FBAN, direct:empty, ...). A user agent decides only
a visit that would otherwise be direct, when it names an app's in-app
browser. Rows keep their order. A row with the wrong number of fields is
reported on standard error and left out.`

func runClassify(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "classify")
	sources := fs.String("sources", "sources.yaml", "the source rules `file`")
	var siteHosts listFlag
	fs.Var(&siteHosts, "site-host", "a `host` of the site itself, counted as internal (repeatable)")
	if err := parse(fs, classifyAbout, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("classify reads standard input; unexpected argument %q", fs.Arg(0))
	}
	cat, err := rules.Load(*sources)
	if err != nil {
		return configErr(err)
	}
	m, err := rules.Compile(cat, siteHosts)
	if err != nil {
		return configErr(err)
	}
	return classifyCSV(ctx, m.NewClassifier(), e.stdin, e.stdout, e.stderr)
}

func classifyCSV(ctx context.Context, cl *rules.Classifier, in io.Reader, out, errw io.Writer) error {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1 // checked below, so that a bad row is reported, not fatal
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return usageErr("stdin: empty input: want a CSV header with url and referrer columns")
	}
	if err != nil {
		return &exitError{ExitFailed, fmt.Errorf("stdin: %v", err)}
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	find := func(field string) int { return ingest.Column(header, field) }
	iURL := find(ingest.FieldURL)
	iRef := find(ingest.FieldReferrer)
	if iURL < 0 || iRef < 0 {
		return usageErr("stdin: want url and referrer columns; found %s", strings.Join(header, ", "))
	}
	iSrc, iMed, iCamp, iUA := find(ingest.FieldUTMSource), find(ingest.FieldUTMMedium), find(ingest.FieldUTMCampaign), find(ingest.FieldUserAgent)

	w := csv.NewWriter(out)
	if err := w.Write(append(header, "source", "medium", "rule")); err != nil {
		return err
	}
	get := func(rec []string, i int) string {
		if i < 0 {
			return ""
		}
		return rec[i]
	}
	bad := 0
	for line := 2; ; line++ {
		if line%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			bad++
			fmt.Fprintf(errw, "stdin:%d: %v: row left out\n", perr.StartLine, perr.Err)
			continue
		}
		if err != nil {
			return &exitError{ExitFailed, fmt.Errorf("stdin: %v", err)}
		}
		if len(rec) != len(header) {
			bad++
			start, _ := r.FieldPos(0)
			fmt.Fprintf(errw, "stdin:%d: %d fields, header has %d: row left out\n", start, len(rec), len(header))
			continue
		}
		v := ingest.Visit{
			URL: get(rec, iURL), Referrer: get(rec, iRef),
			UTMSource: get(rec, iSrc), UTMMedium: get(rec, iMed), UTMCampaign: get(rec, iCamp),
			UserAgent: get(rec, iUA), Weight: 1,
		}
		res := cl.Classify(&v)
		if err := w.Write(append(rec, res.Source, res.Medium, res.Rule)); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(errw, "refreport: %s left out\n", count(int64(bad), "row"))
	}
	return nil
}
