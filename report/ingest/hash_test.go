package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReaderHashes checks Options.Hashed against sha256 of each whole
// file: plain CSV over several reads and ending mid-read, gzip and zstd
// (the hash is the compressed file's), standard input and Parquet.
func TestReaderHashes(t *testing.T) {
	dir := t.TempDir()
	big := bigCSV(20000) // about 1 MB: several reads of the scan's buffer
	var pq bytes.Buffer
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).UnixMilli()
	if err := encodeParquet(&pq, pqSpec{cols: []pqCol{
		{"ts", nodeMillis, vals(t0, t0+1000)},
		{"url", nodeString, strs("https://example.com/a", "https://example.com/b")},
		{"referrer", nodeString, strs("https://www.google.com/", "")},
	}}); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"small.csv":     []byte(sampleCSV),
		"big.csv":       big,
		"big.csv.gz":    gzipBytes(t, big),
		"big.csv.zst":   zstdBytes(t, big),
		"a.parquet":     pq.Bytes(),
		"empty-ish.csv": []byte("ts,url,referrer\n"),
	}
	var inputs []Input
	var want [][sha256.Size]byte
	for _, name := range []string{"small.csv", "big.csv", "big.csv.gz", "big.csv.zst", "a.parquet", "empty-ish.csv"} {
		inputs = append(inputs, Input{Path: writeFile(t, dir, name, files[name])})
		want = append(want, sha256.Sum256(files[name]))
	}
	inputs = append(inputs, Input{Path: "-", Size: -1})
	want = append(want, sha256.Sum256([]byte(sampleCSV)))

	got := make([][sha256.Size]byte, len(inputs))
	sizes := make([]int64, len(inputs))
	calls := 0
	res := readList(inputs, Options{Stdin: strings.NewReader(sampleCSV), Hashed: func(i int, sum [sha256.Size]byte, n int64) {
		got[i], sizes[i] = sum, n
		calls++
	}})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if calls != len(inputs) {
		t.Errorf("Hashed called %d times, want %d", calls, len(inputs))
	}
	for i, in := range inputs {
		wantSize := int64(len(sampleCSV))
		if in.Path != "-" {
			wantSize = int64(len(files[filepath.Base(in.Path)]))
		}
		if got[i] != want[i] || sizes[i] != wantSize {
			t.Errorf("%s: sha256 %x, %d bytes; want %x, %d bytes", in.Path, got[i], sizes[i], want[i], wantSize)
		}
	}
}

// A streamed input is hashed to its end even when its reader stopped
// short of it, as a decompressor may.
func TestHashFinishReadsOn(t *testing.T) {
	data := bigCSV(1000)
	cr := &countingReader{r: bytes.NewReader(data), h: sha256.New()}
	if _, err := io.ReadFull(cr, make([]byte, len(data)/3)); err != nil {
		t.Fatal(err)
	}
	sum, size, err := (&inputHash{name: "x", stream: cr}).finish()
	if err != nil || sum != sha256.Sum256(data) || size != int64(len(data)) {
		t.Errorf("finish: %x, %d bytes, %v; want %x, %d bytes", sum, size, err, sha256.Sum256(data), len(data))
	}
}

// A cancelled read stops hashing a Parquet file, and says why.
func TestHashAsideCancelled(t *testing.T) {
	path := writeFile(t, t.TempDir(), "a.parquet", bytes.Repeat([]byte("x"), 3<<20))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sum, _, err := hashAside(context.Background(), path, f).finish()
	if err != nil || sum != sha256.Sum256(bytes.Repeat([]byte("x"), 3<<20)) {
		t.Errorf("not cancelled: %x, %v", sum, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := hashAside(ctx, path, f).finish(); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}
