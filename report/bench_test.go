package report

import (
	"context"
	"os"
	"path/filepath"
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

// BenchmarkDetails times sorting the detail table of the benchmark file,
// which the site model does once per build.
func BenchmarkDetails(b *testing.B) {
	inputs, err := ingest.Expand([]string{benchFile(b, "parquet")})
	if err != nil {
		b.Fatal(err)
	}
	r, _, err := scan(context.Background(), inputs, ingest.Options{Location: time.UTC}, matcher(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r.Details()
	}
}
