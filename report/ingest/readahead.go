package ingest

import (
	"io"
	"sync"
)

// Read-ahead buffers: enough that the decompressor seldom waits for the
// parser, or the parser for it.
const (
	readAheadBuffers = 4
	readAheadSize    = 1 << 20
)

// readAhead reads r on a goroutine of its own, a buffer ahead of the
// reader. Inflating a gzip file costs more CPU than parsing the CSV in
// it, and both sat on the one goroutine that reads; now they run on two
// cores.
//
// It is used for regular files only: Close waits for the goroutine,
// which is between reads at most one read of r away, and a read of a
// regular file does not block for long.
type readAhead struct {
	full  chan chunk  // filled buffers, in order
	free  chan []byte // buffers the reader is done with
	done  chan struct{}
	ended chan struct{} // closed when the goroutine has returned

	cur  []byte // the unread part of buf
	buf  []byte
	err  error // r's error after cur, io.EOF at the end
	once sync.Once
}

type chunk struct {
	b   []byte
	err error
}

func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{
		full:  make(chan chunk, readAheadBuffers),
		free:  make(chan []byte, readAheadBuffers),
		done:  make(chan struct{}),
		ended: make(chan struct{}),
	}
	for range readAheadBuffers {
		ra.free <- make([]byte, readAheadSize)
	}
	go ra.fill(r)
	return ra
}

// fill reads r into free buffers until r fails or ends, or Close.
func (ra *readAhead) fill(r io.Reader) {
	defer close(ra.ended)
	for {
		var b []byte
		select {
		case b = <-ra.free:
		case <-ra.done:
			return
		}
		n, err := 0, error(nil)
		for n < len(b) && err == nil {
			var m int
			m, err = r.Read(b[n:])
			n += m
		}
		select {
		case ra.full <- chunk{b[:n], err}:
		case <-ra.done:
			return
		}
		if err != nil {
			return
		}
	}
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)] // never blocks: free has room for every buffer
			ra.buf = nil
		}
		c := <-ra.full
		ra.buf, ra.cur, ra.err = c.b, c.b, c.err
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the goroutine and waits for it, so that what it reads can
// be closed after.
func (ra *readAhead) Close() error {
	ra.once.Do(func() { close(ra.done) })
	<-ra.ended
	return nil
}
