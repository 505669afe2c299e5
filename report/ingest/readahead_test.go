package ingest

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stingyReader returns at most max bytes a read, then err instead of
// io.EOF.
type stingyReader struct {
	data []byte
	max  int
	err  error
}

func (s *stingyReader) Read(p []byte) (int, error) {
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

// slowReader is an endless source whose reads each take a while; it
// says when the first starts and how many are under way.
type slowReader struct {
	started chan struct{}
	once    sync.Once
	reading atomic.Int32
}

func (s *slowReader) Read(p []byte) (int, error) {
	s.reading.Add(1)
	defer s.reading.Add(-1)
	s.once.Do(func() { close(s.started) })
	time.Sleep(20 * time.Millisecond)
	return len(p), nil
}

// Close stops the goroutine before the source ends, and returns only
// once the goroutine is done reading: what it reads is closed after.
func TestReadAheadClose(t *testing.T) {
	src := &slowReader{started: make(chan struct{})}
	ra := newReadAhead(src)
	<-src.started
	ra.Close()
	if n := src.reading.Load(); n != 0 {
		t.Errorf("Close returned with %d reads of the source under way", n)
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

// FuzzGzip reads arbitrary bytes after gzip's magic number, from a file
// (inflated on the read-ahead goroutine) and from standard input (inflated
// inline). It must not panic, and the two must give the same visits,
// rows, problems and error.
func FuzzGzip(f *testing.F) {
	csv := []byte("timestamp,url,referrer\n2026-11-24T10:00:00Z,https://a/,https://r/\n2026-11-24,\"b,c\",x\n")
	whole := gzipBytes(f, csv)
	f.Add(whole[2:])
	f.Add(whole[2 : len(whole)/2])
	f.Add(append(whole[2:len(whole):len(whole)], gzipBytes(f, csv)...))
	f.Add(append(whole[2:len(whole):len(whole)], "garbage after the stream"...))
	f.Add(gzipBytes(f, bigCSV(3000))[2:])
	f.Fuzz(func(t *testing.T, data []byte) {
		data = append([]byte{0x1f, 0x8b}, data...)
		dir := t.TempDir()
		path := writeFile(t, dir, "x.csv.gz", data)
		file := readList([]Input{{Path: path}}, Options{BatchSize: 7})
		stdin := readList([]Input{{Path: "-", Size: -1}}, Options{Stdin: bytes.NewReader(data), BatchSize: 7})
		fileErr, stdinErr := "", ""
		if file.err != nil {
			fileErr = strings.ReplaceAll(file.err.Error(), path, "stdin")
		}
		if stdin.err != nil {
			stdinErr = stdin.err.Error()
		}
		for i, p := range file.problems {
			file.problems[i] = strings.ReplaceAll(p, path, "stdin")
		}
		if fileErr != stdinErr || !reflect.DeepEqual(file.visits, stdin.visits) || !reflect.DeepEqual(file.problems, stdin.problems) || file.stats.Rows != stdin.stats.Rows {
			t.Errorf("read ahead and inline differ:\n%q %d rows %q\n%q %d rows %q", fileErr, file.stats.Rows, file.problems, stdinErr, stdin.stats.Rows, stdin.problems)
		}
	})
}
