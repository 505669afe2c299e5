package ingest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/parquet-go/parquet-go"
)

var benchParquet = sync.OnceValues(func() ([]byte, error) {
	const n = 200_000
	rng := rand.New(rand.NewSource(1))
	pages := make([]string, 2000)
	for i := range pages {
		pages[i] = fmt.Sprintf("https://www.example.com/blog/%d/post-about-things-%d", i%40, i)
	}
	refs := make([]string, 300)
	for i := range refs {
		refs[i] = fmt.Sprintf("https://site%d.example.org/some/path?q=%d", i, i*7)
	}
	refs[0], refs[1], refs[2] = "https://www.google.com/", "https://t.co/", "https://www.bing.com/"
	agents := make([]string, 50)
	for i := range agents {
		agents[i] = fmt.Sprintf("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36", 100+i)
	}
	sources := []string{"newsletter", "facebook", "twitter", "partner"}
	countries := []string{"DE", "FR", "US", "GB", "NL", "PL", "ES", "IT", "SE", "JP"}

	cols := []pqCol{
		{"ts", parquet.Timestamp(parquet.Millisecond), make([]any, n)},
		{"url", nodeDict, make([]any, n)},
		{"referrer", parquet.Optional(nodeDict), make([]any, n)},
		{"utm_source", parquet.Optional(nodeDict), make([]any, n)},
		{"utm_medium", parquet.Optional(nodeDict), make([]any, n)},
		{"user_agent", nodeDict, make([]any, n)},
		{"country", nodeDict, make([]any, n)},
		{"visitor_id", nodeString, make([]any, n)}, // high cardinality: writers keep it plain
	}
	t := int64(1_764_000_000_000)
	for i := range n {
		t += int64(rng.Intn(900))
		cols[0].vals[i] = t
		url := pages[rng.Intn(len(pages))]
		var src, med any
		if rng.Intn(8) == 0 {
			s := sources[rng.Intn(len(sources))]
			url += "?utm_source=" + s + "&utm_medium=email"
			src, med = s, "email"
		}
		cols[1].vals[i] = url
		if rng.Intn(10) < 6 {
			cols[2].vals[i] = refs[rng.Intn(len(refs))]
		}
		cols[3].vals[i], cols[4].vals[i] = src, med
		cols[5].vals[i] = agents[rng.Intn(len(agents))]
		cols[6].vals[i] = countries[rng.Intn(len(countries))]
		cols[7].vals[i] = fmt.Sprintf("%016x", rng.Uint64())
	}
	var buf bytes.Buffer
	err := encodeParquet(&buf, pqSpec{cols: cols, groupRows: 65536, opts: []parquet.WriterOption{parquet.Compression(&parquet.Zstd)}})
	return buf.Bytes(), err
})

// BenchmarkIngestParquet reads 200k visits from a zstd Parquet file with
// dictionary-encoded strings through a Reader.
func BenchmarkIngestParquet(b *testing.B) {
	data, err := benchParquet()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "visits.parquet")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	in, err := Expand([]string{path})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var rows, weight int64
	for b.Loop() {
		r := NewReader(context.Background(), in, Options{})
		for r.Scan() {
			for _, v := range r.Batch() {
				weight += v.Weight + int64(len(v.Referrer))
			}
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		rows += r.Stats().Rows
	}
	if weight == 0 {
		b.Fatal("read nothing")
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
