package ingest

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"
)

// stingyReader returns at most max bytes a read, then err instead of
// io.EOF, and counts its reads.
type stingyReader struct {
	data  []byte
	max   int
	err   error
	reads int
}

func (s *stingyReader) Read(p []byte) (int, error) {
	s.reads++
	if len(s.data) == 0 {
		return 0, s.err
	}
	n := copy(p[:min(len(p), s.max)], s.data)
	s.data = s.data[n:]
	return n, nil
}

// readAhead passes on every byte in order, in reads of any size, and then
// its source's error, whether the source ends on a buffer's edge or not.
func TestReadAhead(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	boom := errors.New("boom")
	for _, size := range []int{0, 1, readAheadSize - 1, readAheadSize, readAheadSize + 1, 3*readAheadSize + 12345, 2 * readAheadBuffers * readAheadSize} {
		for _, end := range []error{io.EOF, boom} {
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(rng.Uint32())
			}
			ra := newReadAhead(&stingyReader{data: data, max: 1 + rng.IntN(200000), err: end})
			var got []byte
			var err error
			for err == nil {
				p := make([]byte, 1+rng.IntN(300000))
				var n int
				n, err = ra.Read(p)
				got = append(got, p[:n]...)
			}
			if err != end {
				t.Errorf("size %d: error %v, want %v", size, err, end)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("size %d, ending with %v: read %d bytes unlike the %d written", size, end, len(got), len(data))
			}
			if _, err := ra.Read(make([]byte, 10)); err != end {
				t.Errorf("size %d: read after the end gave %v, want %v", size, err, end)
			}
			ra.Close()
		}
	}
}

// Close stops the goroutine before the source ends: once it returns,
// the source is not read again (the race detector checks the count).
func TestReadAheadClose(t *testing.T) {
	src := &stingyReader{data: make([]byte, 100*readAheadSize), max: 4096, err: io.EOF}
	ra := newReadAhead(src)
	if _, err := io.ReadFull(ra, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	ra.Close()
	reads := src.reads
	if reads == 0 || len(src.data) == 0 {
		t.Fatalf("%d reads and %d bytes left: the source was not read ahead, or read to its end", reads, len(src.data))
	}
	runtime.Gosched()
	if src.reads != reads {
		t.Errorf("the source was read %d times after Close", src.reads-reads)
	}
	ra.Close() // a second Close does nothing
}

// A gzip file whose CSV is unreadable fails with its name and leaves no
// goroutine reading it ahead; one read to its end leaves none either.
func TestReaderGzipNoGoroutineLeft(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.csv.gz", gzipBytes(t, append([]byte("\xff\xfe"), bigCSV(20000)...)))
	good := writeFile(t, dir, "good.csv.gz", gzipBytes(t, bigCSV(20000)))
	before := runtime.NumGoroutine()
	if res := readArgs(t, Options{}, good); res.err != nil || len(res.visits) != 20000 {
		t.Fatalf("good.csv.gz: %d visits, %v", len(res.visits), res.err)
	}
	if res := readArgs(t, Options{}, bad); res.err == nil {
		t.Fatal("bad.csv.gz read without an error")
	}
	for range 50 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
}

// Only regular files are read ahead: a pipe's Close could wait on a
// writer that never writes.
func TestRegular(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	if regular(pr) {
		t.Fatal("a pipe taken for a regular file")
	}
	pw.Close()
	f, err := os.Open(writeFile(t, t.TempDir(), "a.csv", []byte(sampleCSV)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !regular(f) {
		t.Error("a file not taken for a regular file")
	}
	if regular(nil) {
		t.Error("standard input (nil) taken for a regular file")
	}
}
