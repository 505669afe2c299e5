package ingest

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
)

// inputHash is the SHA-256 of an input being read (Options.Hashed). A
// streamed input, CSV plain or compressed, is hashed by the
// countingReader it is read through; a Parquet file, which parquet-go
// reads here and there, by a goroutine reading it through beside the scan.
type inputHash struct {
	name   string
	stream *countingReader  // a streamed input's reader, hashing
	done   chan hashedInput // a Parquet file's hash, when ready
}

type hashedInput struct {
	sum [sha256.Size]byte
	n   int64
	err error
}

// hashAside starts hashing f on a goroutine of its own. A cancelled read
// stops it between blocks.
func hashAside(ctx context.Context, name string, f *os.File) *inputHash {
	h := &inputHash{name: name, done: make(chan hashedInput, 1)}
	go func() {
		var res hashedInput
		d := sha256.New()
		// Big blocks, as the scan's: with 32 KB the system calls cost a
		// tenth of the hashing.
		buf := make([]byte, 1<<20)
		for {
			if err := ctx.Err(); err != nil {
				res.err = err
				break
			}
			m, err := f.ReadAt(buf, res.n)
			d.Write(buf[:m])
			res.n += int64(m)
			if err == io.EOF {
				d.Sum(res.sum[:0])
				break
			}
			if err != nil {
				res.err = fmt.Errorf("%s: %v", name, err)
				break
			}
		}
		h.done <- res
	}()
	return h
}

// finish returns the hash of the whole input and its length in bytes. A
// streamed input is read on to its end first: a decompressor can stop
// short of the last bytes of the file, which the hash must cover.
func (h *inputHash) finish() (sum [sha256.Size]byte, n int64, err error) {
	if h.done != nil {
		res := <-h.done
		return res.sum, res.n, res.err
	}
	if _, err := io.Copy(io.Discard, h.stream); err != nil {
		return sum, 0, fmt.Errorf("%s: %v", h.name, err)
	}
	h.stream.h.Sum(sum[:0])
	return sum, h.stream.n.Load(), nil
}

// wait waits for the goroutine hashing a Parquet file, if any, after the
// read failed or was cancelled.
func (h *inputHash) wait() {
	if h.done != nil {
		<-h.done
	}
}
