package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// DefaultMaxField is the longest field kept; a row with a longer one is
// skipped as field_too_long.
const DefaultMaxField = 64 << 10

// Options says how to read inputs.
type Options struct {
	// Columns maps a field name (or alias) to the column that holds it,
	// overriding the aliases. See FieldNames.
	Columns map[string]string
	// Location is the zone of timestamps written without one; nil is UTC.
	Location *time.Location
	// Fields, if not nil, names the fields the caller uses (see
	// FieldNames; an unknown name is an error from the first Scan). The columns of the others are not read: they cost
	// nothing and cannot make a row bad. The timestamp and visits
	// columns are read whatever Fields says, since they decide whether a
	// row counts and how much.
	Fields []string
	// MaxField is the longest field in bytes; 0 is DefaultMaxField.
	MaxField int
	// BatchSize is the number of visits per batch; 0 is 4096.
	BatchSize int
	// Batches is how many batches stay valid at once: the batch of one
	// Scan is overwritten by the Batches-th Scan after it, so that a
	// reading goroutine can run ahead of the one using the visits. 0 is 1.
	Batches int
	// ReuseStrings lets a batch's strings be overwritten with the batch:
	// the bytes behind a CSV batch's strings are then reused for the
	// batch read into the same buffer, instead of being left to the
	// garbage collector, which on a large file is most of what a build
	// allocates. Set it only where nothing keeps a visit's string, or a
	// part of one, past its batch without copying it.
	ReuseStrings bool
	// Stdin is read for the input "-".
	Stdin io.Reader
	// Progress, if set, is called after every batch with the bytes and
	// rows read so far. It runs on the reading goroutine: keep it cheap.
	Progress func(bytes, rows int64)
	// InputDone, if set, is called with an input's index and its own
	// counts when it has been read, or reading it failed. It runs on the
	// reading goroutine.
	InputDone func(i int, s Stats)
	// Hashed, if set, is called with an input's index, the SHA-256 of its
	// bytes and their number, when it has been read to its end. The hash
	// is taken as the input is read, not in a second pass: it is the hash
	// of the bytes counted even if the file changes meanwhile, and
	// standard input has one too. It runs on the reading goroutine.
	Hashed func(i int, sum [sha256.Size]byte, n int64)
}

// An Input is one file to read, as Expand found it.
type Input struct {
	Path string // "-" is standard input
	Size int64  // -1 for standard input
	// Partition holds key=value folder names on the path (hive-style
	// partitions such as day=2026-11-24), outermost first. A field that
	// the file itself lacks is read from them.
	Partition [][2]string
}

// dataExts are the file names a directory walk picks up.
var dataExts = []string{".csv", ".csv.gz", ".csv.zst", ".csv.zstd", ".parquet"}

// Expand turns command-line inputs (files, globs, directories, "-") into the
// files to read. Directories are walked recursively for data files, in
// lexical order; names starting with "." or "_" (Spark's _SUCCESS and
// _temporary, editors' dot files) are passed over. A pattern or directory
// that yields nothing is an error, so that a nightly job whose export went
// missing fails instead of reporting an empty site. A file named twice is
// read once.
func Expand(args []string) ([]Input, error) {
	var out []Input
	seen := make(map[string]bool)
	add := func(path string, size int64) {
		key := path
		if abs, err := filepath.Abs(path); err == nil {
			key = abs
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, Input{Path: path, Size: size, Partition: partitions(path)})
	}
	for _, arg := range args {
		if arg == "-" {
			if !seen["-"] {
				seen["-"] = true
				out = append(out, Input{Path: "-", Size: -1})
			}
			continue
		}
		paths := []string{arg}
		if strings.ContainsAny(arg, "*?[") {
			m, err := filepath.Glob(arg)
			if err != nil {
				return nil, fmt.Errorf("%s: bad pattern: %v", arg, err)
			}
			// A pattern over an export folder should not pick up Spark's
			// _SUCCESS or an editor's dot files, as a directory walk does not.
			paths = paths[:0]
			for _, p := range m {
				if b := filepath.Base(p); !strings.HasPrefix(b, ".") && !strings.HasPrefix(b, "_") {
					paths = append(paths, p)
				}
			}
			if len(paths) == 0 {
				return nil, fmt.Errorf("%s: no file matches", arg)
			}
		}
		for _, p := range paths {
			st, err := os.Stat(p)
			if err != nil {
				return nil, CleanPathError(err)
			}
			if !st.IsDir() {
				add(p, st.Size())
				continue
			}
			found := 0 // data files seen, even ones already named
			err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				name := d.Name()
				if path != p && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if d.IsDir() || !isDataFile(name) {
					return nil
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				if info.Mode().IsRegular() {
					found++
					add(path, info.Size())
				}
				return nil
			})
			if err != nil {
				return nil, CleanPathError(err)
			}
			if found == 0 {
				return nil, fmt.Errorf("%s: no data files in directory (looked for %s)", p, strings.Join(dataExts, ", "))
			}
		}
	}
	return out, nil
}

func isDataFile(name string) bool {
	name = strings.ToLower(name)
	for _, ext := range dataExts {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// partitions reads key=value folder names on path.
func partitions(path string) [][2]string {
	var out [][2]string
	dir := filepath.Dir(path)
	for _, seg := range strings.Split(filepath.ToSlash(dir), "/") {
		if k, v, ok := strings.Cut(seg, "="); ok && k != "" && !strings.HasPrefix(k, ".") {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

// CleanPathError keeps the path and the reason and drops the Go operation
// name ("stat", "lstat") that means nothing to a user.
func CleanPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// A fileScanner reads the visits of one file.
type fileScanner interface {
	// read fills dst from the start and returns how many visits it
	// stored. At the end of the file it returns io.EOF, with n >= 0.
	// Bad rows are recorded in the Stats the scanner was made with and
	// passed over; an error other than io.EOF ends the whole read.
	// Unless arena is nil, the visits' strings may be made in *arena,
	// which is dst's own (see Options.ReuseStrings).
	read(dst []Visit, arena *[]byte) (n int, err error)
}

// Reader reads a list of inputs one file at a time, in batches.
//
//	r := ingest.NewReader(ctx, inputs, opts)
//	for r.Scan() {
//		for _, v := range r.Batch() { ... }
//	}
//	if err := r.Err(); err != nil { ... }
type Reader struct {
	ctx    context.Context
	inputs []Input
	opts   Options
	stats  Stats // of the inputs done
	file   Stats // of the input being read
	// counted counts the bytes of a streamed input, on the goroutine
	// that reads it ahead if it has one; file.Bytes is set from it when
	// the input is done.
	counted *countingReader

	next   int
	cur    fileScanner
	closer io.Closer
	hash   *inputHash // of the input being read; nil unless Options.Hashed
	bufs   [][]Visit  // Options.Batches buffers, filled in turn
	arenas [][]byte   // with Options.ReuseStrings, the bytes of each buffer's strings
	slot   int        // the buffer of the current batch
	n      int
	err    error
}

// NewReader returns a Reader over inputs. Nothing is opened until Scan.
func NewReader(ctx context.Context, inputs []Input, opts Options) *Reader {
	if opts.MaxField <= 0 {
		opts.MaxField = DefaultMaxField
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 4096
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Batches <= 0 {
		opts.Batches = 1
	}
	bufs := make([][]Visit, opts.Batches)
	for i := range bufs {
		bufs[i] = make([]Visit, opts.BatchSize)
	}
	var arenas [][]byte
	if opts.ReuseStrings {
		arenas = make([][]byte, opts.Batches)
	}
	r := &Reader{ctx: ctx, inputs: inputs, opts: opts, bufs: bufs, arenas: arenas}
	// A misspelt field would otherwise go unread without a word, and a
	// report would count its column as empty.
	for _, name := range opts.Fields {
		if fieldByName(name) < 0 {
			r.err = fmt.Errorf("ingest: Options.Fields: unknown field %q (fields: %s)", name, strings.Join(FieldNames(), ", "))
			break
		}
	}
	return r
}

// Scan reads the next batch. It returns false at the end of the last input
// or on an error, which Err then returns.
func (r *Reader) Scan() bool {
	for r.err == nil {
		if err := r.ctx.Err(); err != nil {
			r.fail(err)
			break
		}
		if r.cur == nil {
			if r.next == len(r.inputs) {
				r.n = 0
				return false
			}
			in := r.inputs[r.next]
			r.next++
			if err := r.open(in); err != nil {
				r.doneFile() // what was read of it still counts
				r.fail(err)
				break
			}
		}
		if r.n > 0 {
			r.slot = (r.slot + 1) % len(r.bufs)
			r.n = 0
		}
		var arena *[]byte
		if r.arenas != nil {
			arena = &r.arenas[r.slot]
		}
		n, err := r.cur.read(r.bufs[r.slot], arena)
		r.n = n
		if err == io.EOF {
			err = r.closeCur()
		}
		if err != nil {
			r.fail(err)
			break
		}
		if n > 0 {
			if r.opts.Progress != nil {
				r.opts.Progress(r.stats.Bytes+r.fileBytes(), r.stats.Rows+r.file.Rows)
			}
			return true
		}
	}
	r.n = 0
	return false
}

// Batch returns the visits read by the last Scan. It is overwritten by a
// later Scan (the next one, unless Options.Batches says otherwise): copy
// what you keep.
func (r *Reader) Batch() []Visit { return r.bufs[r.slot][:r.n] }

// Err returns the error that ended reading, if any. Bad rows are not
// errors; they are in Stats.
func (r *Reader) Err() error { return r.err }

// Stats returns the counts of the inputs read so far. An input's counts
// are added when it has been read to its end, or reading failed.
func (r *Reader) Stats() *Stats { return &r.stats }

// Input returns the index in the Reader's inputs of the input the last
// batch came from. A batch holds visits of one input only.
func (r *Reader) Input() int { return r.next - 1 }

func (r *Reader) fail(err error) {
	r.err = err
	if r.closer != nil {
		r.closer.Close()
		r.closer = nil
	}
	if r.hash != nil {
		r.hash.wait() // no goroutine outlives a failed read
		r.hash = nil
	}
	if r.cur != nil {
		r.doneFile()
	}
	r.cur = nil
}

// doneFile adds the counts of the input just read to the total, and
// passes them to Options.InputDone.
func (r *Reader) doneFile() {
	r.file.Bytes = r.fileBytes()
	r.counted = nil
	r.stats.Merge(&r.file)
	if r.opts.InputDone != nil {
		r.opts.InputDone(r.next-1, r.file)
	}
	r.file = Stats{}
}

func (r *Reader) closeCur() error {
	r.cur = nil
	if h := r.hash; h != nil {
		r.hash = nil
		sum, n, err := h.finish()
		if err != nil {
			r.doneFile()
			return err
		}
		r.opts.Hashed(r.next-1, sum, n)
	}
	r.doneFile()
	if r.closer == nil {
		return nil
	}
	err := r.closer.Close()
	r.closer = nil
	return err
}

var (
	magicGzip    = []byte{0x1f, 0x8b}
	magicZstd    = []byte{0x28, 0xb5, 0x2f, 0xfd}
	magicParquet = []byte("PAR1")
)

// open sniffs the input by its first bytes, not its name: exports are often
// misnamed, and a .csv that is really gzip should still be read.
func (r *Reader) open(in Input) error {
	r.file = Stats{Files: 1}
	name := in.Path
	var src io.Reader
	var f *os.File
	if in.Path == "-" {
		name = "stdin"
		if r.opts.Stdin == nil {
			return errors.New("stdin: no standard input")
		}
		src = r.opts.Stdin
	} else {
		var err error
		f, err = os.Open(in.Path)
		if err != nil {
			return CleanPathError(err)
		}
		r.closer = f
		src = f
	}
	cr := &countingReader{r: src}
	r.counted = cr
	if r.opts.Hashed != nil {
		cr.h = sha256.New()
	}
	br := bufio.NewReaderSize(cr, 256<<10)
	head, _ := br.Peek(4)
	if bytes.HasPrefix(head, magicParquet) {
		if f == nil {
			return fmt.Errorf("%s: Parquet cannot be read from standard input; name the file", name)
		}
		st, err := f.Stat()
		if err != nil {
			return CleanPathError(err)
		}
		r.file.Bytes, r.counted = st.Size(), nil // parquet-go reads through f itself
		if r.opts.Hashed != nil {
			r.hash = hashAside(r.ctx, name, f)
		}
		sc, err := newParquetScanner(name, f, st.Size(), in.Partition, &r.opts, &r.file)
		if err != nil {
			return err
		}
		r.cur = sc
		return nil
	}
	if cr.h != nil {
		r.hash = &inputHash{name: name, stream: cr}
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: gzip: %v", name, err)
		}
		var src io.Reader = &decompressed{name: name, kind: "gzip", r: zr}
		if regular(f) {
			// Inflating costs more than parsing what comes out: the
			// two run on separate cores. zstd is cheaper to decode,
			// and on two cores reading it ahead measured no gain.
			ra := newReadAhead(src)
			r.closer = multiCloser{ra, r.closer} // its goroutine reads the file
			src = ra
		}
		return r.openDecompressed(name, in, src)
	case bytes.HasPrefix(head, magicZstd):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(1<<30), zstd.WithDecoderMaxWindow(256<<20))
		if err != nil {
			return fmt.Errorf("%s: zstd: %v", name, err)
		}
		r.closer = multiCloser{zr.IOReadCloser(), r.closer}
		return r.openDecompressed(name, in, &decompressed{name: name, kind: "zstd", r: zr})
	}
	return r.openCSV(name, in, br)
}

// openDecompressed opens the CSV that src decompresses.
func (r *Reader) openDecompressed(name string, in Input, src io.Reader) error {
	br := bufio.NewReaderSize(src, 256<<10)
	if head, _ := br.Peek(4); bytes.HasPrefix(head, magicParquet) {
		return fmt.Errorf("%s: compressed Parquet file: decompress it first (Parquet compresses its pages itself)", name)
	}
	return r.openCSV(name, in, br)
}

func (r *Reader) openCSV(name string, in Input, src io.Reader) error {
	sc, err := newCSVScanner(name, src, in.Partition, &r.opts, &r.file)
	if err != nil {
		return err
	}
	r.cur = sc
	return nil
}

// decompressed names the file and the codec in decompression errors: a
// truncated download should say so, not "unexpected EOF".
type decompressed struct {
	name, kind string
	r          io.Reader
}

func (d *decompressed) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%s: %s stream is truncated (the file ends mid-stream)", d.name, d.kind)
		} else {
			err = fmt.Errorf("%s: %s: %v", d.name, d.kind, err)
		}
	}
	return n, err
}

// fileBytes returns the bytes read so far of the input being read.
func (r *Reader) fileBytes() int64 {
	if r.counted != nil {
		return r.counted.n.Load()
	}
	return r.file.Bytes
}

// countingReader counts the bytes of an input as they are read, and
// hashes them if h is set. The count may be read while another goroutine
// reads.
type countingReader struct {
	r io.Reader
	n atomic.Int64
	h hash.Hash
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if c.h != nil {
		c.h.Write(p[:n])
	}
	return n, err
}

// regular reports whether f is a regular file: not nil, not a pipe.
func regular(f *os.File) bool {
	if f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular()
}

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for _, c := range m {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
