package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/gen"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

// benchRows is the size of the files BenchmarkPipeline reads: big enough
// that the caches are warm and the maps have their real size, small
// enough to write in a few seconds.
const benchRows = 500_000

var benchFiles struct {
	once sync.Once
	dir  string
	err  error
}

// benchFile returns a gen file of benchRows rows in format, written once
// per process into a temporary directory.
func benchFile(b *testing.B, format string) string {
	benchFiles.once.Do(func() {
		benchFiles.dir, benchFiles.err = os.MkdirTemp("", "refreport-bench")
		for _, f := range []string{"csv", "parquet"} {
			if benchFiles.err != nil {
				return
			}
			benchFiles.err = writeGen(filepath.Join(benchFiles.dir, "visits."+f), f)
		}
	})
	if benchFiles.err != nil {
		b.Fatal(benchFiles.err)
	}
	return filepath.Join(benchFiles.dir, "visits."+format)
}

func writeGen(path, format string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	opts := gen.DefaultOptions()
	opts.Rows, opts.Format = benchRows, format
	if err := gen.Write(f, opts); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestMain removes the benchmark's files, which outlive any one benchmark.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchFiles.dir != "" {
		os.RemoveAll(benchFiles.dir)
	}
	os.Exit(code)
}

// BenchmarkPipeline times the hot loop of a build, ingest + classify +
// aggregate (scan), over a gen file of each format, and reports rows/s.
// Rendering is left out: it is a fixed cost, whatever the input's size.
func BenchmarkPipeline(b *testing.B) {
	m := matcher(b)
	for _, format := range []string{"csv", "parquet"} {
		b.Run(format, func(b *testing.B) {
			path := benchFile(b, format)
			inputs, err := ingest.Expand([]string{path})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(inputs[0].Size)
			b.ReportAllocs()
			var rows int64
			b.ResetTimer()
			for b.Loop() {
				r, stats, err := scan(context.Background(), inputs, ingest.Options{Location: time.UTC}, m)
				if err != nil {
					b.Fatal(err)
				}
				if r.Visits() == 0 {
					b.Fatal("no visits")
				}
				rows += stats.Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkClassify times the classify stage alone, per visit: Classify
// and Prepare, over the Parquet gen file's visits, as read, with the keys
// of their dictionary entries, and with the keys taken off, as a CSV
// file's visits come.
func BenchmarkClassify(b *testing.B) {
	m := matcher(b)
	inputs, err := ingest.Expand([]string{benchFile(b, "parquet")})
	if err != nil {
		b.Fatal(err)
	}
	r := ingest.NewReader(context.Background(), inputs, ingest.Options{Location: time.UTC})
	var keyed []ingest.Visit
	for r.Scan() {
		keyed = append(keyed, r.Batch()...)
	}
	if r.Err() != nil || len(keyed) == 0 {
		b.Fatalf("read %d visits: %v", len(keyed), r.Err())
	}
	if keyed[0].URLKey == 0 {
		b.Fatal("the gen file's URLs have no keys")
	}
	plain := slices.Clone(keyed)
	for i := range plain {
		plain[i].URLKey, plain[i].ReferrerKey, plain[i].UserAgentKey = 0, 0, 0
	}
	for _, tc := range []struct {
		name   string
		visits []ingest.Visit
	}{{"keys", keyed}, {"no-keys", plain}} {
		b.Run(tc.name, func(b *testing.B) {
			cl := m.NewClassifier()
			var pr aggregate.Preparer
			for b.Loop() {
				for i := range tc.visits {
					res := cl.Classify(&tc.visits[i])
					pr.Prepare(&tc.visits[i], &res)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tc.visits)), "ns/visit")
		})
	}
}

// BenchmarkAdd times the aggregate stage alone: Rollup.Add over visits
// read and classified beforehand, per visit.
func BenchmarkAdd(b *testing.B) {
	m := matcher(b)
	inputs, err := ingest.Expand([]string{benchFile(b, "parquet")})
	if err != nil {
		b.Fatal(err)
	}
	r := ingest.NewReader(context.Background(), inputs, ingest.Options{Location: time.UTC})
	c := m.NewClassifier()
	var visits []ingest.Visit
	var results []rules.Result
	for r.Scan() {
		for _, v := range r.Batch() {
			visits = append(visits, v)
			results = append(results, c.Classify(&visits[len(visits)-1]))
		}
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		rollup := aggregate.New(time.UTC)
		for i := range visits {
			rollup.Add(&visits[i], &results[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(visits)), "ns/visit")
}

// benchRollup scans the benchmark's Parquet file into a rollup.
func benchRollup(b *testing.B) *aggregate.Rollup {
	inputs, err := ingest.Expand([]string{benchFile(b, "parquet")})
	if err != nil {
		b.Fatal(err)
	}
	r, _, err := scan(context.Background(), inputs, ingest.Options{Location: time.UTC}, matcher(b))
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkDetails times sorting the detail table of the benchmark file,
// which the site model does once per build.
func BenchmarkDetails(b *testing.B) {
	r := benchRollup(b)
	b.ResetTimer()
	for b.Loop() {
		r.Details()
	}
}

// BenchmarkRenderSite times the second half of a build, from rollup to
// published site, for 300 sources with traffic: the site model, every
// page, chart and data file, the digest and the manifest. The rollup is
// the benchmark file's plus 90 days of visits from 300 catalog sources.
// The site is about 4,600 files, written under $TMPDIR: on a disk where
// creating a file is slow, that is most of the time, so TMPDIR=/dev/shm
// times refreport apart from the disk.
func BenchmarkRenderSite(b *testing.B) {
	j, agg := renderBench(b)
	b.ResetTimer()
	for b.Loop() {
		var res Result
		if err := j.render(agg, &res); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	files, _ := filepath.Glob(filepath.Join(j.cfg.Out, "sources", "*.html"))
	b.ReportMetric(float64(len(files)), "source-pages")
}

// renderBench returns a job and the rollup of the benchmark file plus 90
// days of visits from 300 catalog sources.
func renderBench(b *testing.B) (*job, *aggregated) {
	cfg := sampleConfig(filepath.Join(b.TempDir(), "public"))
	cfg.AsOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	j, err := prepare(cfg, true)
	if err != nil {
		b.Fatal(err)
	}
	inputs, err := ingest.Expand([]string{benchFile(b, "parquet")})
	if err != nil {
		b.Fatal(err)
	}
	rollup, stats, err := scan(context.Background(), inputs, j.ingestOptions(), j.matcher)
	if err != nil {
		b.Fatal(err)
	}
	sources := 0
	for _, src := range j.cat.Sources {
		if sources == 300 {
			break
		}
		if len(src.Hosts) == 0 {
			continue
		}
		sources++
		host, _, _ := strings.Cut(strings.ReplaceAll(src.Hosts[0], "{}", "com"), "/")
		res := rules.Result{Source: src.ID, Medium: src.Medium, Evidence: rules.EvidenceReferrer, Known: true, Host: host}
		for d := range 90 {
			ts := cfg.AsOf.AddDate(0, 0, -d).Add(time.Duration(sources) * time.Minute).Unix()
			for k := range 3 {
				v := ingest.Visit{Time: ts, URL: fmt.Sprintf("https://shop.example.com/p/%d", (d+k)%7), Referrer: "https://" + host + "/", Weight: int64(1 + (d*k+sources)%5)}
				rollup.Add(&v, &res)
			}
		}
	}
	if sources < 300 {
		b.Fatalf("only %d sources with hosts", sources)
	}
	return j, &aggregated{rollup: rollup.Snapshot(), stats: stats}
}

// BenchmarkRenderModel is BenchmarkRenderSite without the file system:
// the site model and every file rendered in memory. Writing a few
// thousand files costs what the machine's file system makes it cost.
func BenchmarkRenderModel(b *testing.B) {
	j, agg := renderBench(b)
	b.ResetTimer()
	for b.Loop() {
		v, err := j.newView(agg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := j.renderer.Files(siteModel(v)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadSnapshot times reading rollup files back, as render and a
// cached build do every night: the benchmark file's rollup, written a
// file a day, read into a snapshot.
func BenchmarkReadSnapshot(b *testing.B) {
	r := benchRollup(b)
	dir := b.TempDir()
	var paths []string
	for _, day := range r.Days() {
		p := filepath.Join(dir, day.String()+".parquet")
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := r.WriteDay(f, day); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	var rows int
	for d := range r.Snapshot().Details() {
		if d.Visits > 0 {
			rows++
		}
	}
	b.ResetTimer()
	for b.Loop() {
		s, err := aggregate.ReadSnapshot([][]string{paths}, time.UTC)
		if err != nil {
			b.Fatal(err)
		}
		if s.Visits() == 0 {
			b.Fatal("no visits")
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "details/s")
}
