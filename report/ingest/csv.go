package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"
	"unsafe"
)

const (
	// csvReadSize is the usual size of the read buffer: big reads keep
	// system calls and decompressor calls rare.
	csvReadSize = 1 << 20
	// maxHeaderBytes bounds the header row, read before the number of
	// columns (and so the record limit) is known.
	maxHeaderBytes = 1 << 20
	// maxColumns bounds the header; wider files are not visit exports.
	maxColumns = 10000
	// maxRecordBytes bounds a record however many columns there are.
	maxRecordBytes = 64 << 20
)

// csvScanner reads one CSV file. It works on a buffer of raw bytes: a
// record is located and split in place, and only the columns the layout
// maps are converted, so unmapped columns cost a scan and no allocation.
//
// Records longer than maxRecord are never held whole: the rest of such a
// line is streamed past and the row reported, so memory stays bounded by
// the buffer whatever the input.
type csvScanner struct {
	name  string
	r     io.Reader
	opts  *Options
	stats *Stats

	maxField int

	buf        []byte
	start, end int   // unread input is buf[start:end]
	eof        bool  // r has returned io.EOF
	readErr    error // r's error, returned once the bytes read with it are parsed
	line       int64 // line number of buf[start], 1-based
	maxRecord  int   // longest record kept, in raw bytes without its line end

	// arena holds the bytes of the current batch's strings, which are
	// views of it. A new arena is made for every batch and never written
	// again once it is handed on, so the strings are as immutable as any
	// other: one allocation per batch instead of one per field. With
	// Options.ReuseStrings, the arena of the batch's buffer is written
	// over instead.
	arena      []byte
	arenaBytes int // bytes kept in the current batch, across arenas

	// Current record: its first keep fields in fields, nf fields in all.
	fields [][]byte
	spans  []span
	nf     int
	keep   int

	// Layout, set once the header is read. ncols == 0 while reading it.
	ncols     int
	header    []string
	colField  []int    // first field read from each column, -1 if none
	mapped    []colRef // columns read, in column order
	strCols   []colRef // the string fields among them
	timeCol   int      // -1 when the time comes from a partition key
	weightCol int      // -1 when there is no weight column

	// Values from partition keys, the same for every row.
	fixed          Visit
	fixedTimeBad   string // detail when the partition timestamp is unparseable
	fixedWeightBad string // detail when the partition weight is bad
	fixedUTF8      int    // field repaired in a partition value, -1 if none
}

type colRef struct{ col, field int }

// span is one field of a record that contains quotes: buf offsets of its
// content, and whether it needs unescaping ("" or CRLF inside quotes).
type span struct {
	start, end int
	esc        bool
}

func newCSVScanner(name string, r io.Reader, part [][2]string, opts *Options, stats *Stats) (fileScanner, error) {
	s := &csvScanner{
		name:      name,
		r:         r,
		opts:      opts,
		stats:     stats,
		maxField:  opts.MaxField,
		buf:       make([]byte, csvReadSize),
		line:      1,
		maxRecord: maxHeaderBytes,
		keep:      maxColumns + 1,
		fixedUTF8: -1,
	}
	if s.maxField <= 0 {
		s.maxField = DefaultMaxField
	}
	if err := s.stripBOM(); err != nil {
		return nil, err
	}
	if err := s.readHeader(part); err != nil {
		return nil, err
	}
	return s, nil
}

// stripBOM drops a UTF-8 byte-order mark, which Excel writes and which
// would otherwise become part of the first column's name. A UTF-16 one
// (Excel's "Unicode text") is an error that says so, rather than a
// header of mojibake.
func (s *csvScanner) stripBOM() error {
	for s.end-s.start < 3 && !s.eof {
		if err := s.fill(); err != nil {
			return err
		}
	}
	head := s.buf[s.start:s.end]
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		s.start += 3
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		return fmt.Errorf("%s: file is UTF-16 text; export it as UTF-8 CSV", s.name)
	}
	return nil
}

func (s *csvScanner) readHeader(part [][2]string) error {
	kind, line, p, err := s.next()
	if err != nil {
		return err
	}
	switch kind {
	case recEOF:
		return fmt.Errorf("%s: empty file: no header row", s.name)
	case recBad:
		return fmt.Errorf("%s:%d: header row: %s", s.name, line, p.Detail)
	}
	if s.nf > maxColumns {
		return fmt.Errorf("%s:%d: header row has %d columns, more than the %d supported", s.name, line, s.nf, maxColumns)
	}
	header := make([]string, s.nf)
	for i := range header {
		header[i] = string(s.fields[i])
	}
	l, err := resolve(s.name, header, part, s.opts.Columns)
	if err != nil {
		return err
	}
	l.keepOnly(s.opts.Fields)
	s.setLayout(header, l, part)
	return nil
}

func (s *csvScanner) setLayout(header []string, l layout, part [][2]string) {
	n := len(header)
	s.header = header
	s.ncols = n
	s.colField = make([]int, n)
	for i := range s.colField {
		s.colField[i] = -1
	}
	s.timeCol, s.weightCol = -1, -1
	s.fixed.Weight = 1
	for f, col := range l {
		switch {
		case col < 0:
		case col < n:
			s.mapped = append(s.mapped, colRef{col, f})
		default:
			s.setFixed(f, part[col-n][1])
		}
	}
	sort.Slice(s.mapped, func(i, j int) bool {
		a, b := s.mapped[i], s.mapped[j]
		if a.col != b.col {
			return a.col < b.col
		}
		return a.field < b.field
	})
	s.keep = 0
	for _, c := range s.mapped {
		if s.colField[c.col] < 0 {
			s.colField[c.col] = c.field
		}
		switch c.field {
		case fTime:
			s.timeCol = c.col
		case fWeight:
			s.weightCol = c.col
		default:
			s.strCols = append(s.strCols, c)
		}
		s.keep = c.col + 1
	}
	s.fields = make([][]byte, 0, s.keep)
	s.spans = make([]span, 0, s.keep)
	// A row of n fields each up to maxField, plus separators, quotes and
	// some slack, is the most kept in memory at once.
	s.maxRecord = maxRecordBytes
	if per := s.maxField + 3; n <= (maxRecordBytes-4096)/per {
		s.maxRecord = n*per + 4096
	}
}

// setFixed stores the value of a partition key, which every row shares.
func (s *csvScanner) setFixed(f int, val string) {
	switch f {
	case fTime:
		t, err := ParseTime(val, s.opts.Location)
		if err != nil {
			s.fixedTimeBad = "unparseable timestamp " + quoteTrunc([]byte(val), 40) + " (from the folder name)"
		}
		s.fixed.Time = t
	case fWeight:
		w, ok := parseCSVWeight([]byte(val))
		if !ok {
			s.fixedWeightBad = weightDetail([]byte(val)) + " (from the folder name)"
		}
		s.fixed.Weight = w
	default:
		if !utf8.ValidString(val) {
			val = strings.ToValidUTF8(val, "\uFFFD")
			if s.fixedUTF8 < 0 {
				s.fixedUTF8 = f
			}
		}
		s.fixed.set(f, val)
	}
}

func (s *csvScanner) read(dst []Visit, reuse *[]byte) (int, error) {
	// Sized by the last batch's: batches are much alike.
	size := max(s.arenaBytes+s.arenaBytes/8, 64<<10)
	switch {
	case reuse != nil:
		if cap(*reuse) < size {
			*reuse = make([]byte, 0, size)
		}
		s.arena, s.arenaBytes = (*reuse)[:0], 0
		// An arena outgrown during the batch is left to the strings
		// made in it, and the last one is kept for the next time.
		defer func() { *reuse = s.arena }()
	case s.arenaBytes > 0 || s.arena == nil:
		s.arena, s.arenaBytes = make([]byte, 0, size), 0
	}
	n := 0
	for n < len(dst) {
		kind, line, p, err := s.next()
		if err != nil {
			return n, err
		}
		switch kind {
		case recEOF:
			return n, io.EOF
		case recBad:
			s.stats.Rows++
			s.stats.Add(p)
		case recOK:
			s.stats.Rows++
			if s.nf != s.ncols {
				s.stats.Add(Problem{File: s.name, Line: line, Reason: ReasonFieldCount,
					Detail: fmt.Sprintf("%d fields, header has %d", s.nf, s.ncols)})
				continue
			}
			if s.emit(&dst[n], line) {
				n++
			}
		}
	}
	return n, nil
}

// emit converts the current record into v. It returns false, having
// recorded why, when the row is skipped.
func (s *csvScanner) emit(v *Visit, line int64) bool {
	f := s.fields
	for _, c := range s.mapped {
		if n := len(f[c.col]); n > s.maxField {
			s.stats.Add(Problem{File: s.name, Line: line, Field: fields[c.field].name, Reason: ReasonFieldTooLong,
				Detail: fmt.Sprintf("field too long (%d bytes)", n)})
			return false
		}
	}
	*v = s.fixed
	if s.timeCol >= 0 {
		b := f[s.timeCol]
		t, err := ParseTime(string(b), s.opts.Location)
		if err != nil {
			s.stats.Add(Problem{File: s.name, Line: line, Field: FieldTime, Reason: ReasonTimestamp,
				Detail: "unparseable timestamp " + quoteTrunc(b, 40)})
			return false
		}
		v.Time = t
	} else if s.fixedTimeBad != "" {
		s.stats.Add(Problem{File: s.name, Line: line, Field: FieldTime, Reason: ReasonTimestamp, Detail: s.fixedTimeBad})
		return false
	}
	if s.weightCol >= 0 {
		b := f[s.weightCol]
		w, ok := parseCSVWeight(b)
		if !ok {
			s.stats.Add(Problem{File: s.name, Line: line, Field: FieldWeight, Reason: ReasonWeight, Detail: weightDetail(b)})
			return false
		}
		v.Weight = w
	} else if s.fixedWeightBad != "" {
		s.stats.Add(Problem{File: s.name, Line: line, Field: FieldWeight, Reason: ReasonWeight, Detail: s.fixedWeightBad})
		return false
	}
	repaired := -1 // the first field repaired, in column order
	for _, c := range s.strCols {
		b := f[c.col]
		var str string
		if validUTF8(b) {
			str = s.keepString(b)
		} else {
			str = strings.ToValidUTF8(string(b), "\uFFFD")
			if repaired < 0 {
				repaired = c.field
			}
		}
		v.set(c.field, str)
	}
	if repaired < 0 {
		repaired = s.fixedUTF8
	}
	if repaired >= 0 {
		s.stats.Add(Problem{File: s.name, Line: line, Field: fields[repaired].name, Reason: ReasonInvalidUTF8,
			Detail: "invalid UTF-8", Repaired: true})
	}
	return true
}

// keepString copies b into the batch's arena and returns it as a string.
// When the arena is full a bigger one is made; strings already made keep
// the old one alive, unchanged.
func (s *csvScanner) keepString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(s.arena)-len(s.arena) < len(b) {
		s.arena = make([]byte, 0, max(2*cap(s.arena), len(b)))
	}
	off := len(s.arena)
	s.arena = append(s.arena, b...)
	s.arenaBytes += len(b)
	return unsafe.String(&s.arena[off], len(b))
}

// parseCSVWeight reads a count of visits: a whole number, written as an
// integer or as a float with a zero fraction ("12.0", as some engines
// export counts). Empty means 1.
func parseCSVWeight(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 1, true
	}
	var n int64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := int64(b[i] - '0')
		if n > (1<<63-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	if i == 0 {
		return 0, false
	}
	if i < len(b) {
		if b[i] != '.' {
			return 0, false
		}
		for i++; i < len(b); i++ {
			if b[i] != '0' {
				return 0, false
			}
		}
	}
	return n, true
}

func weightDetail(b []byte) string {
	return "bad weight " + quoteTrunc(b, 40) + ": want a whole number >= 0"
}

// quoteTrunc quotes untrusted bytes for a message, cut to about max bytes
// on a character boundary so one bad cell cannot flood a log.
func quoteTrunc(b []byte, max int) string {
	if len(b) <= max {
		return fmt.Sprintf("%q", b)
	}
	i := max
	for j := 0; j < 3 && i > 0 && !utf8.RuneStart(b[i]); j++ {
		i--
	}
	return fmt.Sprintf("%q...", b[:i])
}

const (
	recEOF = iota
	recOK  // s.fields holds the record
	recBad // the record is skipped; the Problem says why
)

// next finds the next record, skipping blank lines, and reports the line
// it starts on. While the header is read (ncols == 0) every field is kept;
// afterwards only the first keep fields are, and nf counts them all.
func (s *csvScanner) next() (kind int, line int64, p Problem, err error) {
	for {
		data := s.buf[s.start:s.end]
		view := data
		if len(view) > s.maxRecord+1 {
			view = view[:s.maxRecord+1]
		}
		nl := bytes.IndexByte(view, '\n')
		quote := -1 // the first quote on the line, once looked for
		if nl < 0 && !s.eof && len(view) <= s.maxRecord {
			if err := s.fill(); err != nil {
				return 0, 0, p, err
			}
			continue
		}
		if len(data) == 0 {
			return recEOF, 0, p, nil
		}
		line = s.line
		if nl < 0 && len(view) > s.maxRecord {
			// The physical line is longer than any record kept.
			if s.ncols == 0 {
				return 0, 0, p, fmt.Errorf("%s:%d: header row longer than %d bytes; is this a CSV file?", s.name, line, s.maxRecord)
			}
			if bytes.IndexByte(view, '"') < 0 {
				p, err := s.discardLine(line, true)
				return recBad, line, p, err
			}
		} else {
			ln := view
			if nl >= 0 {
				ln = view[:nl]
			}
			if len(ln) > 0 && ln[len(ln)-1] == '\r' {
				ln = ln[:len(ln)-1]
			}
			if len(ln) == 0 {
				s.consume(len(view), nl) // a blank line is not a row
				continue
			}
			if quote = bytes.IndexByte(ln, '"'); quote < 0 {
				s.splitFast(ln)
				s.consume(len(view), nl)
				return recOK, line, p, nil
			}
		}
		// The line has a quote: the record may span lines.
		r := s.scan(view, nl, quote, s.eof && len(view) == len(data))
		switch r.status {
		case scanNeed:
			if !s.eof && len(view) <= s.maxRecord {
				if err := s.fill(); err != nil {
					return 0, 0, p, err
				}
				continue
			}
			if s.ncols == 0 {
				return 0, 0, p, fmt.Errorf("%s:%d: header row longer than %d bytes; is this a CSV file?", s.name, line, s.maxRecord)
			}
			if nl < 0 {
				p, err := s.discardLine(line, false)
				return recBad, line, p, err
			}
			s.advance(nl + 1)
			return recBad, line, Problem{File: s.name, Line: line, Reason: ReasonFieldTooLong,
				Detail: fmt.Sprintf("row too long (over %d bytes)", s.maxRecord)}, nil
		case scanOK:
			s.splitQuoted(r.nf)
			s.advance(r.end)
			return recOK, line, p, nil
		}
		p = s.problem(line, r.col, ReasonQuoting, r.detail)
		if r.resync >= 0 {
			s.advance(r.resync)
			return recBad, line, p, nil
		}
		// Resynchronise at the line end after the fault.
		if i := bytes.IndexByte(data[r.skipFrom:], '\n'); i >= 0 {
			s.advance(r.skipFrom + i + 1)
			return recBad, line, p, nil
		}
		s.advance(r.skipFrom)
		_, err := s.discardLine(line, false)
		return recBad, line, p, err
	}
}

// consume passes a complete physical line: n bytes of view, ending at nl
// (or at the end of input when nl < 0).
func (s *csvScanner) consume(n, nl int) {
	if nl >= 0 {
		s.start += nl + 1
		s.line++
		return
	}
	s.start += n
}

// advance passes n bytes of buffered input, counting the lines in them.
func (s *csvScanner) advance(n int) {
	s.line += int64(bytes.Count(s.buf[s.start:s.start+n], []byte{'\n'}))
	s.start += n
}

// splitFast splits a line that has no quote: every comma separates.
func (s *csvScanner) splitFast(ln []byte) {
	f := s.fields[:0]
	nf := 1
	rest := ln
	split := true
	for len(f) < s.keep {
		i := bytes.IndexByte(rest, ',')
		if i < 0 {
			f = append(f, rest)
			split = false
			break
		}
		f = append(f, rest[:i])
		rest = rest[i+1:]
		nf++
	}
	if split {
		// Columns after the last one read are only counted.
		nf += bytes.Count(rest, []byte{','})
	}
	s.fields, s.nf = f, nf
}

const (
	scanOK = iota
	scanNeed
	scanBad
)

type scanResult struct {
	status int
	end    int // scanOK: bytes in the record, with its line end
	nf     int // scanOK: number of fields

	// scanBad: the column at fault and what is wrong; then where to go
	// on: resync if >= 0, else the line end after skipFrom.
	col      int
	detail   string
	resync   int
	skipFrom int
}

// scan finds the end of the record that begins data, which contains a
// quote, and records its fields' spans. lineEnd is the index of the first
// line feed in data, -1 if none; quote is that of the first quote, -1 if
// not known. It changes no bytes, so that it can run again when more
// input has arrived.
//
// A quoted field may hold line breaks only while it is at most maxField
// bytes long: an unterminated quote then costs one row, not the rest of
// the file, and reading goes on at the line after the one it opened on.
func (s *csvScanner) scan(data []byte, lineEnd, quote int, atEOF bool) scanResult {
	s.spans = s.spans[:0]
	nf := 0
	add := func(sp span) {
		if len(s.spans) < s.keep {
			s.spans = append(s.spans, sp)
		}
		nf++
	}
	bad := func(col int, detail string, resync, skipFrom int) scanResult {
		return scanResult{status: scanBad, col: col, detail: detail, resync: resync, skipFrom: skipFrom}
	}
	indexFrom := func(i int, c byte) int {
		if j := bytes.IndexByte(data[i:], c); j >= 0 {
			return i + j
		}
		return -1
	}
	pos, col := 0, 0
	// nq is where the next quote at or after pos is, or the line end if
	// none is before it: one search covers the unquoted fields up to the
	// next quoted one, which in an export with quoted user agents is most
	// of the record.
	nq := quote
	for {
		if pos < len(data) && data[pos] == '"' {
			q := pos
			p := q + 1
			esc, closed := false, false
			for {
				i := bytes.IndexByte(data[p:], '"')
				if i < 0 {
					p = len(data)
					break
				}
				p += i
				if p+1 < len(data) && data[p+1] == '"' {
					esc = true
					p += 2
					continue
				}
				// A quote that ends the data may yet be the first of
				// "": taken as closing, the field then asks for more.
				closed = true
				break
			}
			firstNL := -1
			if lineEnd > q && lineEnd < p {
				firstNL = lineEnd
			}
			if firstNL >= 0 && p-q > s.maxField {
				return bad(col, fmt.Sprintf("unterminated quoted field (no closing quote within %d bytes)", s.maxField), firstNL+1, 0)
			}
			if !closed {
				if !atEOF {
					return scanResult{status: scanNeed}
				}
				if firstNL >= 0 {
					return bad(col, "unterminated quoted field (no closing quote before end of file)", firstNL+1, 0)
				}
				return bad(col, "unterminated quoted field (no closing quote before end of file)", len(data), 0)
			}
			add(span{q + 1, p, esc || firstNL >= 0})
			pos = p + 1
			if firstNL >= 0 {
				lineEnd = indexFrom(pos, '\n')
			}
			if pos == len(data) {
				if atEOF {
					return scanResult{status: scanOK, end: pos, nf: nf}
				}
				return scanResult{status: scanNeed}
			}
			switch data[pos] {
			case ',':
				pos++
				col++
				continue
			case '\n':
				return scanResult{status: scanOK, end: pos + 1, nf: nf}
			case '\r':
				if pos+1 == len(data) {
					if atEOF {
						return scanResult{status: scanOK, end: pos + 1, nf: nf}
					}
					return scanResult{status: scanNeed}
				}
				if data[pos+1] == '\n' {
					return scanResult{status: scanOK, end: pos + 2, nf: nf}
				}
			}
			return bad(col, "text after closing quote", -1, pos)
		}
		le := lineEnd
		if le < 0 {
			le = len(data)
		}
		fe := le
		if i := bytes.IndexByte(data[pos:le], ','); i >= 0 {
			fe = pos + i
		}
		if nq < pos {
			nq = le
			if i := bytes.IndexByte(data[pos:le], '"'); i >= 0 {
				nq = pos + i
			}
		}
		if nq < fe {
			return bad(col, `bare " in unquoted field (quote the field and double the quote)`, -1, nq)
		}
		if fe < le {
			add(span{pos, fe, false})
			pos = fe + 1
			col++
			continue
		}
		if lineEnd < 0 && !atEOF {
			return scanResult{status: scanNeed}
		}
		end := fe
		if end > pos && data[end-1] == '\r' {
			end--
		}
		add(span{pos, end, false})
		if lineEnd < 0 {
			return scanResult{status: scanOK, end: len(data), nf: nf}
		}
		return scanResult{status: scanOK, end: lineEnd + 1, nf: nf}
	}
}

// splitQuoted turns the spans that scan found into fields, unescaping
// quoted ones in place: the bytes are passed over afterwards anyway.
func (s *csvScanner) splitQuoted(nf int) {
	data := s.buf[s.start:]
	f := s.fields[:0]
	for _, sp := range s.spans {
		b := data[sp.start:sp.end]
		if sp.esc {
			b = unescape(b)
		}
		f = append(f, b)
	}
	s.fields, s.nf = f, nf
}

// unescape turns "" into " and, like encoding/csv, CRLF into LF inside a
// quoted field.
func unescape(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); r++ {
		c := b[r]
		if c == '"' && r+1 < len(b) && b[r+1] == '"' {
			r++
		} else if c == '\r' && r+1 < len(b) && b[r+1] == '\n' {
			continue
		}
		b[w] = c
		w++
	}
	return b[:w]
}

// discardLine streams past the rest of a physical line too long to hold,
// and says what was wrong with it. With track (the line's start has no
// quote) it counts fields, so it can name the first field over the limit
// with its exact size, the same message a shorter line would get.
func (s *csvScanner) discardLine(line int64, track bool) (Problem, error) {
	var (
		nf, cur, total int64 = 1, 0, 0
		long, longCol  int64 = -1, 0
		last           byte
	)
	for {
		data := s.buf[s.start:s.end]
		nl := bytes.IndexByte(data, '\n')
		seg := data
		if nl >= 0 {
			seg = data[:nl]
		}
		if len(seg) > 0 {
			last = seg[len(seg)-1]
		}
		total += int64(len(seg))
		for track {
			i := bytes.IndexByte(seg, ',')
			if i < 0 {
				cur += int64(len(seg))
				break
			}
			cur += int64(i)
			if long < 0 && cur > int64(s.maxField) {
				long, longCol = cur, nf-1
			}
			nf++
			cur = 0
			seg = seg[i+1:]
		}
		if nl >= 0 {
			s.start += nl + 1
			s.line++
			break
		}
		s.start = s.end
		if s.eof {
			break
		}
		if err := s.fill(); err != nil {
			return Problem{}, err
		}
	}
	if last == '\r' {
		total--
		cur--
	}
	if track && long < 0 && cur > int64(s.maxField) {
		long, longCol = cur, nf-1
	}
	switch {
	case track && long >= 0:
		return s.problem(line, int(longCol), ReasonFieldTooLong, fmt.Sprintf("field too long (%d bytes)", long)), nil
	case track && nf != int64(s.ncols):
		return Problem{File: s.name, Line: line, Reason: ReasonFieldCount, Detail: fmt.Sprintf("%d fields, header has %d", nf, s.ncols)}, nil
	}
	return Problem{File: s.name, Line: line, Reason: ReasonFieldTooLong, Detail: fmt.Sprintf("row too long (%d bytes)", total)}, nil
}

// problem describes a fault in column col of the record on line: by field
// name when the column is read, else by column number and header.
func (s *csvScanner) problem(line int64, col int, reason Reason, detail string) Problem {
	p := Problem{File: s.name, Line: line, Reason: reason, Detail: detail}
	switch {
	case col < s.ncols && s.colField[col] >= 0:
		p.Field = fields[s.colField[col]].name
	case col < len(s.header):
		p.Detail = fmt.Sprintf("column %d (%s): %s", col+1, quoteTrunc([]byte(s.header[col]), 40), detail)
	default:
		p.Detail = fmt.Sprintf("column %d: %s", col+1, detail)
	}
	return p
}

// fill reads more input after the unread part, moving it to the front of
// the buffer and growing the buffer up to the record limit if it is full.
func (s *csvScanner) fill() error {
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.start, s.end = 0, n
	}
	if s.end == len(s.buf) {
		size := min(2*len(s.buf), s.maxRecord+1)
		if size <= len(s.buf) {
			return fmt.Errorf("%s:%d: internal error: record buffer full", s.name, s.line)
		}
		nb := make([]byte, size)
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	if s.readErr != nil {
		return s.readError(s.readErr)
	}
	for tries := 0; ; tries++ {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			if n > 0 {
				// The rows before a truncated stream's end count,
				// however the decompressor split what it gave.
				s.readErr = err
				return nil
			}
			return s.readError(err)
		}
		if n > 0 {
			return nil
		}
		if tries == 100 {
			return s.readError(io.ErrNoProgress)
		}
	}
}

// readError names the file in an I/O error, unless the decompressor
// wrapper in reader.go already has.
func (s *csvScanner) readError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: read error: %w", s.name, pe.Err)
	}
	if strings.HasPrefix(err.Error(), s.name+":") {
		return err
	}
	return fmt.Errorf("%s: read error: %w", s.name, err)
}
