package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/webmasterid/refreport/report/gen"
)

const genAbout = `Gen writes realistic synthetic visits, CSV or Parquet, for demos, tests
and benchmarks. The same flags give the same visits: as CSV, the same
bytes on amd64 and arm64 alike; as Parquet, the encoder may pack them a
little differently on another kind of CPU. The format follows -o's
extension (.parquet) unless --format says otherwise.`

func runGen(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "gen")
	rows := fs.Int64("rows", 100000, "number of `rows`")
	days := fs.Int("days", 90, "spread visits over this many `days`")
	end := dateFlag{t: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), set: true}
	fs.Var(&end, "end", "the last `date` of the data")
	seed := fs.Uint64("seed", 1, "random `seed`")
	format := fs.String("format", "", "csv or parquet (default from -o, else csv)")
	badRows := fs.Float64("bad-rows", 0, "`fraction` of malformed rows, 0 to 1")
	outPath := fs.String("o", "-", "write to `file` (- is standard output)")
	if err := parse(fs, genAbout, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("gen: unexpected argument %q", fs.Arg(0))
	}
	if *rows < 0 {
		return usageErr("--rows %d: want 0 or more", *rows)
	}
	if *days < 1 {
		return usageErr("--days %d: want 1 or more", *days)
	}
	if *badRows < 0 || *badRows > 1 || *badRows != *badRows {
		return usageErr("--bad-rows %v: want a fraction from 0 to 1", *badRows)
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = "csv"
		if strings.EqualFold(filepath.Ext(*outPath), ".parquet") {
			f = "parquet"
		}
	}
	if f != "csv" && f != "parquet" {
		return usageErr("--format %s: want csv or parquet", *format)
	}
	opts := gen.Options{Rows: *rows, Days: *days, End: end.t, Seed: *seed, Format: f, BadRows: *badRows}

	if *outPath == "-" {
		w := bufio.NewWriterSize(e.stdout, 1<<20)
		if err := gen.Write(w, opts); err != nil {
			return &exitError{ExitFailed, err}
		}
		return w.Flush()
	}
	// Write beside the target and rename, so that an interrupted run
	// leaves no half file under the real name.
	tmp, err := os.CreateTemp(filepath.Dir(*outPath), "."+filepath.Base(*outPath)+".tmp-")
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := gen.Write(w, opts); err != nil {
		tmp.Close()
		return &exitError{ExitFailed, err}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return &exitError{ExitFailed, err}
	}
	if err := tmp.Close(); err != nil {
		return &exitError{ExitFailed, err}
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return &exitError{ExitFailed, err}
	}
	if err := os.Rename(tmp.Name(), *outPath); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("-o %s: %v", *outPath, err)}
	}
	return nil
}
