package ingest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Parquet files are read column by column and page by page: one row group at
// a time, only the mapped columns, and only the current page of each is in
// memory.
//
// parquet-go allocates whatever sizes a file's footer and page headers claim
// before it reads the bytes, and panics on some malformed input. So the
// scanner checks those structures itself first (checkFooter, checkChunk),
// within the limits below, and recovers from any panic that is left.

const (
	maxPageBytes    = 256 << 20 // compressed or uncompressed size of one page
	maxPageValues   = 64 << 20  // values (nulls included) in one page
	maxPageHeader   = 16 << 20  // a page header, statistics included
	pqReadBufSize   = 64 << 10
	maxDetailString = 40 // bytes of a bad value quoted in a problem
)

// pqKind says how the values of a column become a Visit field.
type pqKind uint8

const (
	pqString      pqKind = iota // BYTE_ARRAY into a string field
	pqTimeString                // BYTE_ARRAY read with ParseTime
	pqTimeUnix                  // INT32/INT64 without a time annotation: Unix time, unit by magnitude
	pqTimeStamp                 // INT64 TIMESTAMP(unit, isAdjustedToUTC)
	pqTimeInt96                 // legacy INT96: nanoseconds of the day, then the Julian day
	pqTimeDate                  // INT32 DATE: days since 1970-01-01, midnight in Options.Location
	pqWeightInt                 // INT32/INT64 weight
	pqWeightFloat               // FLOAT/DOUBLE weight
)

// Cached state of a dictionary entry.
const (
	dictUnseen   uint8 = iota
	dictOK             // converted, valid
	dictRepaired       // converted after replacing invalid UTF-8
	dictBad            // too long, or an unparseable timestamp
)

// A pqColumn reads one mapped field, either from a column of the file or, for
// a field the file lacks, from a partition folder name (konst).
type pqColumn struct {
	field int
	name  string // the column's name in the file
	kind  pqKind
	konst *pqConst

	leaf     int         // leaf column index in the file
	phys     format.Type // physical type
	div      int64       // TIMESTAMP units per second
	local    bool        // TIMESTAMP not adjusted to UTC, or DATE: wall time in Options.Location
	unsigned bool        // INT32 annotated as unsigned
	maxDef   byte

	pages parquet.Pages
	page  parquet.Page
	rows  int64  // rows of the current column chunk loaded so far
	def   []byte // definition levels of the page; nil when the column is required
	n     int    // rows in the page
	pos   int    // next row in the page
	vi    int    // next non-null value in the page
	idx   []int32
	dict  parquet.Dictionary

	// The values that vi or idx point into: the page's own, or its
	// dictionary's. nvals is how many there are.
	nvals int
	bytes []byte
	offs  []uint32
	i32   []int32
	i64   []int64
	i96   []deprecated.Int96
	f32   []float32
	f64   []float64

	// One entry per dictionary value, filled on first use, so that each
	// distinct string is converted, checked and parsed once per column
	// chunk. Classifying referrers per dictionary entry would plug in here
	// too: a rules result cached by dictionary index instead of per row.
	dstate []uint8
	dstr   []string
	dtime  []int64
	// keys is the dictionary's first Visit key, less one: entry j's key
	// is keys+j+1. 0 for a column whose field has no keys.
	keys uint64
	// text is a string column's dictionary values, or a plain page's, as
	// one string, of which dstr and the visits hold substrings: one
	// allocation a dictionary or page, where one a value kept the garbage
	// collector busy.
	text string
}

// A pqConst is a field's value taken from the file's path.
type pqConst struct {
	str    string
	time   int64
	weight int64
	prob   *pqProblem // set when the value is bad (or repaired) for every row
}

type pqProblem struct {
	row      int // in the current chunk of rows
	field    int
	reason   Reason
	detail   string
	repaired bool
}

type parquetScanner struct {
	name     string
	r        io.ReaderAt
	size     int64
	stats    *Stats
	maxField int
	loc      *time.Location
	wall     wallClock

	meta      *format.FileMetaData
	groups    []parquet.RowGroup
	fields    []*pqColumn // every mapped field, in field order
	cols      []*pqColumn // those read from the file
	group     int         // current row group, -1 before the first
	groupRows int64
	left      int64 // rows of the current row group not read yet
	row       int64 // rows of the file read so far

	probs []pqProblem
	hdr   []byte
	proto thrift.CompactProtocol
	err   error // sticky: io.EOF or the error that ended reading
}

// newParquetScanner opens a Parquet file and checks its schema against the
// fields, before any row is read.
func newParquetScanner(name string, f io.ReaderAt, size int64, part [][2]string, opts *Options, stats *Stats) (sc fileScanner, err error) {
	defer func() {
		if p := recover(); p != nil {
			sc, err = nil, fmt.Errorf("%s: corrupt Parquet file: %v", name, p)
		}
	}()
	s := &parquetScanner{name: name, r: f, size: size, stats: stats, maxField: opts.MaxField, loc: opts.Location, group: -1}
	if s.maxField <= 0 {
		s.maxField = DefaultMaxField
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	s.wall.loc = s.loc
	if err := s.checkFooter(); err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, size,
		parquet.SkipPageIndex(true),
		parquet.SkipBloomFilters(true),
		parquet.ReadBufferSize(pqReadBufSize),
	)
	if err != nil {
		return nil, fmt.Errorf("%s: corrupt Parquet file: %v", name, err)
	}
	s.meta, s.groups = pf.Metadata(), pf.RowGroups()
	if s.meta.EncryptionAlgorithm.Value != nil {
		return nil, fmt.Errorf("%s: encrypted Parquet files are not supported", name)
	}
	if len(s.groups) != len(s.meta.RowGroups) {
		return nil, s.corruptf("%d row groups, footer lists %d", len(s.groups), len(s.meta.RowGroups))
	}

	elems, err := topFields(s.meta.Schema)
	if err != nil {
		return nil, s.corruptf("schema: %v", err)
	}
	cols := pf.Root().Columns()
	if len(cols) != len(elems) {
		return nil, s.corruptf("schema: %d top-level columns, expected %d", len(cols), len(elems))
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		if c.Name() != elems[i].Name {
			return nil, s.corruptf("schema: column %d is %q, expected %q", i, c.Name(), elems[i].Name)
		}
		names[i] = c.Name()
	}
	l, err := resolve(name, names, part, opts.Columns)
	if err != nil {
		return nil, err
	}
	l.keepOnly(opts.Fields)
	for f, i := range l {
		var c *pqColumn
		switch {
		case i < 0:
			continue
		case i >= len(names):
			c = s.partColumn(f, part[i-len(names)])
		default:
			c, err = s.fileColumn(f, cols[i], elems[i])
			if err != nil {
				return nil, err
			}
			s.cols = append(s.cols, c)
		}
		s.fields = append(s.fields, c)
	}
	return s, nil
}

// topFields returns the schema elements of the top-level columns, passing
// over the elements nested in them.
func topFields(schema []format.SchemaElement) ([]*format.SchemaElement, error) {
	if len(schema) == 0 {
		return nil, errors.New("no root element")
	}
	n := 0
	if schema[0].NumChildren.Valid {
		n = int(schema[0].NumChildren.V)
	}
	if n < 0 || n > len(schema)-1 {
		return nil, fmt.Errorf("root claims %d columns, schema has %d elements", n, len(schema))
	}
	out := make([]*format.SchemaElement, 0, n)
	i := 1
	for range n {
		if i >= len(schema) {
			return nil, errors.New("schema ends early")
		}
		out = append(out, &schema[i])
		for pending := 1; pending > 0; pending-- {
			if i >= len(schema) {
				return nil, errors.New("schema ends early")
			}
			e := &schema[i]
			i++
			if !e.Type.Valid && e.NumChildren.Valid && e.NumChildren.V > 0 {
				pending += int(e.NumChildren.V)
			}
		}
	}
	return out, nil
}

const (
	wantString = "a string (BYTE_ARRAY)"
	wantTime   = "a timestamp (INT64 TIMESTAMP, INT96, INT32 DATE, INT64 or INT32 Unix time, or a string)"
	wantWeight = "a number (INT32, INT64, FLOAT or DOUBLE)"
)

// fileColumn checks that column col can be read as field f.
func (s *parquetScanner) fileColumn(f int, col *parquet.Column, e *format.SchemaElement) (*pqColumn, error) {
	want := wantString
	switch f {
	case fTime:
		want = wantTime
	case fWeight:
		want = wantWeight
	}
	bad := func() error {
		as := ""
		if !strings.EqualFold(col.Name(), fields[f].name) {
			as = " (read as " + fields[f].name + ")"
		}
		return fmt.Errorf("%s: column %q%s: type %s, want %s", s.name, col.Name(), as, typeDesc(col, e), want)
	}
	if !col.Leaf() || !e.Type.Valid || col.Repeated() || col.MaxRepetitionLevel() > 0 || col.MaxDefinitionLevel() > 1 {
		return nil, bad()
	}
	phys := e.Type.V
	if col.Type().Kind() != parquet.Kind(phys) {
		// An annotation that does not fit the physical type, such as
		// TIMESTAMP on a BYTE_ARRAY: parquet-go would decode by the
		// annotation.
		return nil, bad()
	}
	var lt format.LogicalTypeValue
	if t := col.Type().LogicalType(); t != nil {
		lt = t.Value
	}
	c := &pqColumn{field: f, name: col.Name(), leaf: col.Index(), phys: phys, maxDef: byte(col.MaxDefinitionLevel())}
	it, isInt := lt.(*format.IntType)
	plainInt := (phys == format.Int32 || phys == format.Int64) && (lt == nil || isInt)
	c.unsigned = isInt && !it.IsSigned && phys == format.Int32
	switch f {
	case fTime:
		switch t := lt.(type) {
		case *format.TimestampType:
			if phys != format.Int64 {
				return nil, bad()
			}
			switch t.Unit.Value.(type) {
			case *format.MilliSeconds:
				c.div = 1e3
			case *format.MicroSeconds:
				c.div = 1e6
			case *format.NanoSeconds:
				c.div = 1e9
			default:
				return nil, bad()
			}
			c.kind, c.local = pqTimeStamp, !t.IsAdjustedToUTC
		case *format.DateType:
			if phys != format.Int32 {
				return nil, bad()
			}
			c.kind, c.local = pqTimeDate, true
		default:
			switch {
			case plainInt:
				c.kind = pqTimeUnix
			case phys == format.Int96 && lt == nil:
				c.kind = pqTimeInt96
			case phys == format.ByteArray && textual(lt):
				c.kind = pqTimeString
			default:
				return nil, bad()
			}
		}
	case fWeight:
		switch {
		case plainInt:
			c.kind = pqWeightInt
		case (phys == format.Float || phys == format.Double) && lt == nil:
			c.kind = pqWeightFloat
		default:
			return nil, bad()
		}
	default:
		if phys != format.ByteArray || !textual(lt) {
			return nil, bad()
		}
		c.kind = pqString
	}
	return c, nil
}

// textual reports whether a BYTE_ARRAY with annotation lt holds text.
func textual(lt format.LogicalTypeValue) bool {
	switch lt.(type) {
	case nil, *format.StringType, *format.EnumType, *format.JsonType:
		return true
	}
	return false
}

// typeDesc describes a column's type for an error message, with the
// annotation the file gives it.
func typeDesc(col *parquet.Column, e *format.SchemaElement) string {
	var ann string
	switch {
	case e.LogicalType.Value != nil:
		ann = e.LogicalType.Value.String()
		if it, ok := e.LogicalType.Value.(*format.IntType); ok && it.IsSigned && e.Type.Valid &&
			(it.BitWidth == 64 && e.Type.V == format.Int64 || it.BitWidth == 32 && e.Type.V == format.Int32) {
			ann = "" // says no more than the physical type; parquet-go writes it
		}
	case e.ConvertedType.Valid: // a legacy annotation, as parquet-go maps it
		if t := col.Type().LogicalType(); t != nil && t.Value != nil {
			ann = t.Value.String()
		}
	}
	if !col.Leaf() || !e.Type.Valid {
		if ann != "" {
			return "nested group (" + ann + ")"
		}
		return "nested group"
	}
	s := e.Type.V.String()
	if ann != "" {
		s += " " + ann
	}
	if col.Repeated() {
		s = "repeated " + s
	}
	return s
}

// partColumn reads field f from a partition folder name (key=value) for
// every row. The value is checked once, as the CSV reader checks it.
func (s *parquetScanner) partColumn(f int, kv [2]string) *pqColumn {
	k := &pqConst{weight: 1}
	v := kv[1]
	switch f {
	case fTime:
		t, err := ParseTime(v, s.loc)
		if err != nil {
			k.prob = &pqProblem{field: f, reason: ReasonTimestamp, detail: "unparseable timestamp " + quoteTrunc([]byte(v), maxDetailString) + " (from the folder name)"}
		}
		k.time = t
	case fWeight:
		w, ok := parseCSVWeight([]byte(v))
		if !ok {
			k.prob = &pqProblem{field: f, reason: ReasonWeight, detail: weightDetail([]byte(v)) + " (from the folder name)"}
		}
		k.weight = w
	default:
		switch {
		case len(v) > s.maxField:
			k.prob = &pqProblem{field: f, reason: ReasonFieldTooLong, detail: fmt.Sprintf("field too long (%d bytes)", len(v))}
		case !utf8.ValidString(v):
			v = strings.ToValidUTF8(v, "\uFFFD")
			k.prob = &pqProblem{field: f, reason: ReasonInvalidUTF8, detail: "invalid UTF-8", repaired: true}
		}
		k.str = v
	}
	return &pqColumn{field: f, name: fields[f].name, konst: k, leaf: -1}
}

// floatWeight accepts a FLOAT or DOUBLE weight that is a whole number >= 0.
func floatWeight(f float64) (int64, bool) {
	if !(f >= 0 && f < 1<<63) || f != math.Trunc(f) { // NaN fails the first test
		return 0, false
	}
	return int64(f), true
}

func (s *parquetScanner) corruptf(format string, args ...any) error {
	return fmt.Errorf("%s: corrupt Parquet file: %s", s.name, fmt.Sprintf(format, args...))
}

func (s *parquetScanner) chunkErr(c *pqColumn, format string, args ...any) error {
	return fmt.Errorf("%s: corrupt Parquet file: row group %d, column %q: %s", s.name, s.group+1, c.name, fmt.Sprintf(format, args...))
}

// read fills dst with the next visits. Rows are read in chunks that do not
// cross row groups; a chunk's bad rows are recorded and dropped.
func (s *parquetScanner) read(dst []Visit, _ *[]byte) (n int, err error) {
	if s.err != nil {
		return 0, s.err
	}
	defer func() {
		if p := recover(); p != nil {
			func() {
				defer func() { recover() }() // the pages may be as broken as what panicked
				s.closeGroup()
			}()
			n, err = 0, s.corruptf("%v", p)
			s.err = err
		}
	}()
	for n < len(dst) {
		if s.left == 0 {
			if err := s.nextGroup(); err != nil {
				s.closeGroup()
				s.err = err
				if err != io.EOF {
					n = 0
				}
				return n, err
			}
			continue
		}
		k := len(dst) - n
		if int64(k) > s.left {
			k = int(s.left)
		}
		got, err := s.fill(dst[n : n+k])
		if err != nil {
			s.closeGroup()
			s.err = err
			return 0, err
		}
		n += got
	}
	return n, nil
}

// fill reads the next len(dst) rows of the current row group into dst and
// returns how many of them were kept.
func (s *parquetScanner) fill(dst []Visit) (int, error) {
	for i := range dst {
		dst[i] = Visit{Weight: 1}
	}
	s.probs = s.probs[:0]
	for _, c := range s.fields {
		var err error
		switch {
		case c.konst != nil:
			s.fillConst(c, dst)
		case c.kind == pqString:
			err = s.fillString(c, dst)
		case c.kind == pqTimeString:
			err = s.fillTimeString(c, dst)
		case c.kind == pqWeightInt || c.kind == pqWeightFloat:
			err = s.fillWeight(c, dst)
		default:
			err = s.fillTime(c, dst)
		}
		if err != nil {
			return 0, err
		}
	}
	base := s.row
	s.row += int64(len(dst))
	s.left -= int64(len(dst))
	s.stats.Rows += int64(len(dst))
	if len(s.probs) == 0 {
		return len(dst), nil
	}

	// Fields were filled in field order, so a stable sort by row keeps
	// each row's problems in field order: the first bad field is the
	// one reported.
	slices.SortStableFunc(s.probs, func(a, b pqProblem) int { return a.row - b.row })
	out, pi := 0, 0
	for r := range dst {
		if pi < len(s.probs) && s.probs[pi].row == r {
			var skip, fix *pqProblem
			for ; pi < len(s.probs) && s.probs[pi].row == r; pi++ {
				p := &s.probs[pi]
				switch {
				case !p.repaired && skip == nil:
					skip = p
				case p.repaired && fix == nil:
					fix = p
				}
			}
			p := fix
			if skip != nil {
				p = skip
			}
			s.stats.Add(Problem{File: s.name, Line: base + int64(r) + 1, Field: fields[p.field].name, Reason: p.reason, Detail: p.detail, Repaired: p.repaired})
			if skip != nil {
				continue
			}
		}
		dst[out] = dst[r]
		out++
	}
	return out, nil
}

// wantDetail reports whether a problem's detail could still be kept as an
// example; past that, only counts matter and formatting is skipped.
func (s *parquetScanner) wantDetail() bool {
	return len(s.stats.Examples)+len(s.probs) < MaxExamples
}

func (s *parquetScanner) addProb(row int, c *pqColumn, reason Reason, detail string, repaired bool) {
	s.probs = append(s.probs, pqProblem{row: row, field: c.field, reason: reason, detail: detail, repaired: repaired})
}

func (s *parquetScanner) tooLong(row int, c *pqColumn, n int) {
	d := ""
	if s.wantDetail() {
		d = fmt.Sprintf("field too long (%d bytes)", n)
	}
	s.addProb(row, c, ReasonFieldTooLong, d, false)
}

func (s *parquetScanner) badTime(row int, c *pqColumn, b []byte) {
	d := ""
	if s.wantDetail() {
		d = "unparseable timestamp " + quoteTrunc(b, maxDetailString)
	}
	s.addProb(row, c, ReasonTimestamp, d, false)
}

func (s *parquetScanner) fillConst(c *pqColumn, dst []Visit) {
	k := c.konst
	for r := range dst {
		switch c.field {
		case fTime:
			dst[r].Time = k.time
		case fWeight:
			dst[r].Weight = k.weight
		default:
			dst[r].set(c.field, k.str)
		}
		if k.prob != nil {
			p := *k.prob
			p.row = r
			s.probs = append(s.probs, p)
		}
	}
}

// take moves to the next row of c's page and returns the index of its value
// (into the dictionary or the page), or false for a null.
func (c *pqColumn) take() (int, bool) {
	p := c.pos
	c.pos++
	if c.def != nil && c.def[p] != c.maxDef {
		return 0, false
	}
	i := c.vi
	c.vi++
	if c.idx != nil {
		return int(c.idx[i]), true
	}
	return i, true
}

// run returns the end of the rows of dst, from r, that c's current page
// holds, loading the next page when the current one is used up.
func (s *parquetScanner) run(c *pqColumn, r, n int) (int, error) {
	for c.pos == c.n {
		if err := s.nextPage(c); err != nil {
			return 0, err
		}
	}
	return min(n, r+c.n-c.pos), nil
}

func (s *parquetScanner) fillString(c *pqColumn, dst []Visit) error {
	for r := 0; r < len(dst); {
		end, err := s.run(c, r, len(dst))
		if err != nil {
			return err
		}
		for ; r < end; r++ {
			j, ok := c.take()
			if !ok {
				continue // null: empty
			}
			var str string
			if c.idx != nil {
				st := c.dstate[j]
				if st == dictUnseen {
					st = c.cacheString(j, s.maxField)
				}
				switch st {
				case dictBad:
					s.tooLong(r, c, int(c.offs[j+1]-c.offs[j]))
					continue
				case dictRepaired:
					s.addProb(r, c, ReasonInvalidUTF8, "invalid UTF-8", true)
				}
				str = c.dstr[j]
				if c.keys != 0 {
					dst[r].setKey(c.field, c.keys+uint64(j)+1)
				}
			} else {
				b := c.bytes[c.offs[j]:c.offs[j+1]]
				if len(b) > s.maxField {
					s.tooLong(r, c, len(b))
					continue
				}
				str = c.text[c.offs[j]:c.offs[j+1]]
				if !validUTF8(b) {
					str = strings.ToValidUTF8(str, "\uFFFD")
					s.addProb(r, c, ReasonInvalidUTF8, "invalid UTF-8", true)
				}
			}
			dst[r].set(c.field, str)
		}
	}
	return nil
}

func (c *pqColumn) cacheString(j, maxField int) uint8 {
	b := c.bytes[c.offs[j]:c.offs[j+1]]
	st := dictOK
	switch {
	case len(b) > maxField:
		st = dictBad
	case !validUTF8(b):
		c.dstr[j] = strings.ToValidUTF8(string(b), "\uFFFD")
		st = dictRepaired
	default:
		c.dstr[j] = c.text[c.offs[j]:c.offs[j+1]]
	}
	c.dstate[j] = st
	return st
}

func (s *parquetScanner) fillTimeString(c *pqColumn, dst []Visit) error {
	for r := 0; r < len(dst); {
		end, err := s.run(c, r, len(dst))
		if err != nil {
			return err
		}
		for ; r < end; r++ {
			j, ok := c.take()
			if !ok {
				s.addProb(r, c, ReasonTimestamp, "null timestamp", false)
				continue
			}
			b := c.bytes[c.offs[j]:c.offs[j+1]]
			if c.idx != nil {
				st := c.dstate[j]
				if st == dictUnseen {
					st = dictBad
					if t, err := ParseTime(string(b), s.loc); err == nil {
						c.dtime[j], st = t, dictOK
					}
					c.dstate[j] = st
				}
				if st == dictBad {
					s.badTime(r, c, b)
					continue
				}
				dst[r].Time = c.dtime[j]
				continue
			}
			t, err := ParseTime(string(b), s.loc)
			if err != nil {
				s.badTime(r, c, b)
				continue
			}
			dst[r].Time = t
		}
	}
	return nil
}

func (s *parquetScanner) fillTime(c *pqColumn, dst []Visit) error {
	for r := 0; r < len(dst); {
		end, err := s.run(c, r, len(dst))
		if err != nil {
			return err
		}
		for ; r < end; r++ {
			j, ok := c.take()
			if !ok {
				s.addProb(r, c, ReasonTimestamp, "null timestamp", false)
				continue
			}
			var t int64
			switch c.kind {
			case pqTimeStamp:
				t = floorDiv(c.i64[j], c.div)
				if c.local {
					t = s.wall.unix(t)
				}
			case pqTimeUnix:
				if c.phys == format.Int64 {
					t = unixByMagnitude(c.i64[j])
				} else if c.unsigned {
					t = int64(uint32(c.i32[j]))
				} else {
					t = int64(c.i32[j])
				}
			case pqTimeDate:
				t = s.wall.unix(int64(c.i32[j]) * 86400)
			case pqTimeInt96:
				v := c.i96[j]
				nanos := int64(uint64(v[0]) | uint64(v[1])<<32)
				t = (int64(v[2])-julianUnixEpoch)*86400 + floorDiv(nanos, 1e9)
			}
			dst[r].Time = t
		}
	}
	return nil
}

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2440588

// unixByMagnitude reads an integer as Unix seconds, milliseconds,
// microseconds or nanoseconds by its size, as ParseTime does.
func unixByMagnitude(n int64) int64 {
	abs := n
	if abs < 0 {
		abs = -abs
	}
	switch {
	case abs < 0: // math.MinInt64
		return floorDiv(n, 1e9)
	case abs < 1e11:
		return n
	case abs < 1e14:
		return floorDiv(n, 1e3)
	case abs < 1e17:
		return floorDiv(n, 1e6)
	default:
		return floorDiv(n, 1e9)
	}
}

func (s *parquetScanner) fillWeight(c *pqColumn, dst []Visit) error {
	for r := 0; r < len(dst); {
		end, err := s.run(c, r, len(dst))
		if err != nil {
			return err
		}
		for ; r < end; r++ {
			j, ok := c.take()
			if !ok {
				continue // null: 1
			}
			var w int64
			switch {
			case c.phys == format.Int64:
				w, ok = c.i64[j], c.i64[j] >= 0
			case c.phys == format.Int32 && c.unsigned:
				w = int64(uint32(c.i32[j]))
			case c.phys == format.Int32:
				w, ok = int64(c.i32[j]), c.i32[j] >= 0
			case c.phys == format.Double:
				w, ok = floatWeight(c.f64[j])
			default:
				w, ok = floatWeight(float64(c.f32[j]))
			}
			if !ok {
				d := ""
				if s.wantDetail() {
					d = "bad weight " + c.numberText(j) + ": want a whole number >= 0"
				}
				s.addProb(r, c, ReasonWeight, d, false)
				continue
			}
			dst[r].Weight = w
		}
	}
	return nil
}

// numberText formats value j of a numeric column for a message.
func (c *pqColumn) numberText(j int) string {
	switch c.phys {
	case format.Int64:
		return strconv.FormatInt(c.i64[j], 10)
	case format.Int32:
		return strconv.FormatInt(int64(c.i32[j]), 10)
	case format.Double:
		return strconv.FormatFloat(c.f64[j], 'g', -1, 64)
	case format.Float:
		return strconv.FormatFloat(float64(c.f32[j]), 'g', -1, 32)
	}
	return "?"
}

// nextGroup finishes the current row group and starts the next one; io.EOF
// after the last.
func (s *parquetScanner) nextGroup() error {
	if s.group >= 0 {
		if err := s.endGroup(); err != nil {
			return err
		}
	}
	s.group++
	if s.group >= len(s.groups) {
		return io.EOF
	}
	rows := s.groups[s.group].NumRows()
	if rows < 0 {
		return s.corruptf("row group %d has %d rows", s.group+1, rows)
	}
	s.groupRows, s.left = rows, rows
	chunks := s.groups[s.group].ColumnChunks()
	for _, c := range s.cols {
		if c.leaf >= len(chunks) || c.leaf >= len(s.meta.RowGroups[s.group].Columns) {
			return s.chunkErr(c, "no column chunk")
		}
		if err := s.checkChunk(c, &s.meta.RowGroups[s.group].Columns[c.leaf], rows); err != nil {
			return err
		}
		c.pages = chunks[c.leaf].Pages()
		c.rows, c.n, c.pos, c.vi, c.def, c.idx, c.dict = 0, 0, 0, 0, nil, nil, nil
	}
	return nil
}

// endGroup checks that no column holds more rows than the row group.
func (s *parquetScanner) endGroup() error {
	for _, c := range s.cols {
		if c.pages == nil {
			continue
		}
		for {
			p, err := c.pages.ReadPage()
			if err == io.EOF {
				break
			}
			if err != nil {
				return s.chunkErr(c, "%v", err)
			}
			n := p.NumRows()
			parquet.Release(p)
			if n > 0 {
				return s.chunkErr(c, "more rows than the %d the footer declares", s.groupRows)
			}
		}
	}
	s.closeGroup()
	return nil
}

// closeGroup lets go of the pages of the current row group.
func (s *parquetScanner) closeGroup() {
	for _, c := range s.cols {
		if c.page != nil {
			parquet.Release(c.page)
			c.page = nil
		}
		if c.pages != nil {
			c.pages.Close()
			c.pages = nil
		}
		c.def, c.idx, c.dict, c.bytes, c.offs, c.i32, c.i64, c.i96, c.f32, c.f64 = nil, nil, nil, nil, nil, nil, nil, nil, nil, nil
		c.n, c.pos, c.vi, c.nvals = 0, 0, 0, 0
		clear(c.dstr) // let the strings of the old dictionary go
		c.text = ""
	}
}

// nextPage loads c's next page and checks that its values and levels agree
// with each other and with the row group.
func (s *parquetScanner) nextPage(c *pqColumn) error {
	if c.page != nil {
		parquet.Release(c.page)
		c.page = nil
	}
	p, err := c.pages.ReadPage()
	if err == io.EOF {
		return s.chunkErr(c, "column ends after %d of the %d rows the footer declares", c.rows, s.groupRows)
	}
	if err != nil {
		return s.chunkErr(c, "%v", err)
	}
	c.page = p
	n := p.NumRows()
	if n < 0 || n > s.groupRows-c.rows {
		return s.chunkErr(c, "more rows than the %d the footer declares", s.groupRows)
	}
	def := p.DefinitionLevels()
	nonNull := int(n)
	if c.maxDef > 0 {
		if int64(len(def)) != n {
			return s.chunkErr(c, "%d definition levels for %d rows", len(def), n)
		}
		nonNull = 0
		for _, d := range def {
			if d == c.maxDef {
				nonNull++
			}
		}
	} else {
		def = nil
	}
	data := p.Data()
	if d := p.Dictionary(); d != nil {
		if data.Kind() != encoding.Int32 {
			return s.chunkErr(c, "dictionary page holds %s values", data.Kind())
		}
		idx := data.Int32()
		if len(idx) < nonNull {
			return s.chunkErr(c, "%d values for %d non-null rows", len(idx), nonNull)
		}
		if d != c.dict {
			if err := s.setValues(c, d.Page().Data()); err != nil {
				return err
			}
			c.dict = d
			c.resetCache()
		}
		for _, ix := range idx[:nonNull] {
			if uint32(ix) >= uint32(c.nvals) {
				return s.chunkErr(c, "dictionary index %d out of range (%d entries)", ix, c.nvals)
			}
		}
		c.idx = idx
	} else {
		c.dict, c.idx = nil, nil
		if err := s.setValues(c, data); err != nil {
			return err
		}
		if c.kind == pqString {
			c.text = string(c.bytes)
		}
		if c.nvals < nonNull {
			return s.chunkErr(c, "%d values for %d non-null rows", c.nvals, nonNull)
		}
	}
	c.def, c.n, c.pos, c.vi = def, int(n), 0, 0
	c.rows += n
	return nil
}

// setValues points c at the values of a page or dictionary, after checking
// their kind and, for strings, their offsets.
func (s *parquetScanner) setValues(c *pqColumn, v encoding.Values) error {
	if want := valueKind(c.phys); v.Kind() != want {
		return s.chunkErr(c, "page holds %s values, column is %s", v.Kind(), c.phys)
	}
	switch c.phys {
	case format.ByteArray:
		b, offs := v.ByteArray()
		c.bytes, c.offs, c.nvals = b, offs, 0
		if len(offs) > 0 {
			c.nvals = len(offs) - 1
			prev := offs[0]
			for _, o := range offs[1:] {
				if o < prev || int(o) > len(b) {
					return s.chunkErr(c, "bad string offsets")
				}
				prev = o
			}
		}
	case format.Int32:
		c.i32 = v.Int32()
		c.nvals = len(c.i32)
	case format.Int64:
		c.i64 = v.Int64()
		c.nvals = len(c.i64)
	case format.Int96:
		c.i96 = v.Int96()
		c.nvals = len(c.i96)
	case format.Float:
		c.f32 = v.Float()
		c.nvals = len(c.f32)
	case format.Double:
		c.f64 = v.Double()
		c.nvals = len(c.f64)
	}
	return nil
}

func valueKind(t format.Type) encoding.Kind {
	switch t {
	case format.Int32:
		return encoding.Int32
	case format.Int64:
		return encoding.Int64
	case format.Int96:
		return encoding.Int96
	case format.Float:
		return encoding.Float
	case format.Double:
		return encoding.Double
	case format.ByteArray:
		return encoding.ByteArray
	}
	return encoding.Undefined
}

// visitKeys is the last Visit key handed out.
var visitKeys atomic.Uint64

// keyedField reports whether field f has Visit keys.
func keyedField(f int) bool { return f == fURL || f == fReferrer || f == fUserAgent }

// resetCache empties the per-dictionary-entry cache for a new dictionary.
func (c *pqColumn) resetCache() {
	n := c.nvals
	if cap(c.dstate) < n {
		c.dstate = make([]uint8, n)
	} else {
		c.dstate = c.dstate[:n]
		clear(c.dstate)
	}
	switch c.kind {
	case pqString:
		clear(c.dstr)
		if cap(c.dstr) < n {
			c.dstr = make([]string, n)
		}
		c.dstr = c.dstr[:n]
		c.text = string(c.bytes)
		if keyedField(c.field) {
			c.keys = visitKeys.Add(uint64(n)+1) - uint64(n)
		}
	case pqTimeString:
		if cap(c.dtime) < n {
			c.dtime = make([]int64, n)
		}
		c.dtime = c.dtime[:n]
	}
}

// checkFooter checks the footer's framing and walks its Thrift encoding
// before parquet-go decodes it: a list length in a corrupt footer would
// otherwise be allocated as claimed.
func (s *parquetScanner) checkFooter() error {
	if s.size < 12 {
		return fmt.Errorf("%s: truncated Parquet file (%d bytes; too short to hold a footer)", s.name, s.size)
	}
	var tail [8]byte
	if _, err := s.r.ReadAt(tail[:], s.size-8); err != nil {
		return fmt.Errorf("%s: reading Parquet footer: %v", s.name, err)
	}
	switch string(tail[4:]) {
	case "PAR1":
	case "PARE":
		return fmt.Errorf("%s: encrypted Parquet files are not supported", s.name)
	default:
		return fmt.Errorf("%s: truncated or corrupt Parquet file: it does not end with the \"PAR1\" footer marker (was the file cut short?)", s.name)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > s.size-12 {
		return fmt.Errorf("%s: truncated or corrupt Parquet file: footer of %d bytes in a file of %d bytes", s.name, n, s.size)
	}
	footer := make([]byte, n)
	if _, err := s.r.ReadAt(footer, s.size-8-n); err != nil {
		return fmt.Errorf("%s: reading Parquet footer: %v", s.name, err)
	}
	if _, err := thriftSize(footer); err != nil {
		return s.corruptf("footer: %v", err)
	}
	return nil
}

// checkChunk walks the page headers of one column chunk before parquet-go
// reads it, which trusts the sizes and counts in them.
func (s *parquetScanner) checkChunk(c *pqColumn, cc *format.ColumnChunk, rows int64) error {
	if cc.FilePath != "" {
		return fmt.Errorf("%s: column %q is stored in another file (%q), which is not supported", s.name, c.name, cc.FilePath)
	}
	if cc.CryptoMetadata.Value != nil || len(cc.EncryptedColumnMetadata) > 0 {
		return fmt.Errorf("%s: column %q is encrypted, which is not supported", s.name, c.name)
	}
	md := &cc.MetaData
	if md.Type != c.phys {
		return s.chunkErr(c, "chunk holds %s, schema says %s", md.Type, c.phys)
	}
	base := md.DataPageOffset
	if md.DictionaryPageOffset != 0 {
		base = md.DictionaryPageOffset // as parquet-go reads it
	}
	end := base + md.TotalCompressedSize
	if base < 4 || md.TotalCompressedSize < 0 || end < base || end > s.size-8 {
		return s.chunkErr(c, "data at bytes %d to %d lies outside the file (%d bytes); truncated?", base, end, s.size)
	}
	maxValues := min(rows, maxPageValues)
	for off := base; off < end; {
		h, hlen, err := s.pageHeader(off, end)
		if err != nil {
			return s.chunkErr(c, "page header at byte %d: %v", off, err)
		}
		body := off + int64(hlen)
		if h.CompressedPageSize < 0 || int64(h.CompressedPageSize) > end-body || h.CompressedPageSize > maxPageBytes {
			return s.chunkErr(c, "page at byte %d claims %d bytes; its column chunk has %d left", off, h.CompressedPageSize, end-body)
		}
		if h.UncompressedPageSize < 0 || h.UncompressedPageSize > maxPageBytes {
			return s.chunkErr(c, "page at byte %d claims %d bytes uncompressed", off, h.UncompressedPageSize)
		}
		comp := body // where the compressed bytes start
		switch h.Type {
		case format.DictionaryPage:
			if !h.DictionaryPageHeader.Valid {
				return s.chunkErr(c, "dictionary page at byte %d has no header", off)
			}
			if nv := int64(h.DictionaryPageHeader.V.NumValues); nv < 0 || nv > int64(h.UncompressedPageSize)/minValueSize(c.phys) {
				return s.chunkErr(c, "dictionary page at byte %d claims %d values in %d bytes", off, nv, h.UncompressedPageSize)
			}
		case format.DataPage:
			if !h.DataPageHeader.Valid {
				return s.chunkErr(c, "data page at byte %d has no header", off)
			}
			if nv := int64(h.DataPageHeader.V.NumValues); nv < 0 || nv > maxValues {
				return s.chunkErr(c, "data page at byte %d claims %d values; the row group has %d rows", off, nv, rows)
			}
		case format.DataPageV2:
			if !h.DataPageHeaderV2.Valid {
				return s.chunkErr(c, "data page at byte %d has no header", off)
			}
			v := &h.DataPageHeaderV2.V
			nv := int64(v.NumValues)
			levels := int64(v.RepetitionLevelsByteLength) + int64(v.DefinitionLevelsByteLength)
			if nv < 0 || nv > maxValues || v.NumNulls < 0 || v.NumNulls > v.NumValues || v.NumRows < 0 || v.NumRows > v.NumValues ||
				v.RepetitionLevelsByteLength < 0 || v.DefinitionLevelsByteLength < 0 || levels > int64(h.CompressedPageSize) {
				return s.chunkErr(c, "data page at byte %d has inconsistent counts", off)
			}
			if v.IsCompressed.Valid && !v.IsCompressed.V {
				comp = -1
			} else {
				comp = body + levels
			}
		}
		if comp >= 0 && comp < body+int64(h.CompressedPageSize) {
			if err := s.checkCompressed(md.Codec, comp, body+int64(h.CompressedPageSize), h.UncompressedPageSize); err != nil {
				return s.chunkErr(c, "page at byte %d: %v", off, err)
			}
		}
		off = body + int64(h.CompressedPageSize)
	}
	return nil
}

func minValueSize(t format.Type) int64 {
	switch t {
	case format.Int64, format.Double:
		return 8
	case format.Int96:
		return 12
	}
	return 4 // INT32, FLOAT, and a BYTE_ARRAY's length prefix
}

// pageHeader reads the page header at off, in a buffer that grows only as
// far as the header needs.
func (s *parquetScanner) pageHeader(off, end int64) (*format.PageHeader, int, error) {
	n := min(4096, end-off)
	for {
		if int64(cap(s.hdr)) < n {
			s.hdr = make([]byte, n)
		}
		buf := s.hdr[:n]
		if _, err := s.r.ReadAt(buf, off); err != nil {
			return nil, 0, err
		}
		hlen, err := thriftSize(buf)
		if err == errThriftShort && n < end-off && n < maxPageHeader {
			n = min(n*16, end-off, maxPageHeader)
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		h := new(format.PageHeader)
		if err := thrift.Unmarshal(&s.proto, buf[:hlen], h); err != nil {
			return nil, 0, err
		}
		return h, hlen, nil
	}
}

// checkCompressed checks the decompressed size a page's codec frame
// declares, where the codec declares one, against the page header: the
// decoders allocate what the frame says.
func (s *parquetScanner) checkCompressed(codec format.CompressionCodec, off, end int64, size int32) error {
	var b [18]byte
	n := min(int64(len(b)), end-off)
	if _, err := s.r.ReadAt(b[:n], off); err != nil {
		return err
	}
	var declared uint64
	switch codec {
	case format.Snappy:
		v, k := binary.Uvarint(b[:n])
		if k <= 0 {
			return errors.New("bad snappy block header")
		}
		declared = v
	case format.Zstd:
		fcs, ok := zstdContentSize(b[:n])
		if !ok {
			return nil // no size declared, or not a frame: the decoder decides
		}
		declared = fcs
	default:
		return nil
	}
	if declared > uint64(size) {
		return fmt.Errorf("compressed data declares %d bytes, page header %d", declared, size)
	}
	return nil
}

// zstdContentSize reads the Frame_Content_Size of a zstd frame header (RFC
// 8878, 3.1.1.1), if the frame declares one.
func zstdContentSize(b []byte) (uint64, bool) {
	if len(b) < 5 || binary.LittleEndian.Uint32(b) != 0xFD2FB528 {
		return 0, false
	}
	fhd := b[4]
	single := fhd>>5&1 == 1
	i := 5
	if !single {
		i++ // window descriptor
	}
	i += [4]int{0, 1, 2, 4}[fhd&3] // dictionary ID
	var size int
	switch fhd >> 6 {
	case 0:
		if single {
			size = 1
		}
	case 1:
		size = 2
	case 2:
		size = 4
	case 3:
		size = 8
	}
	if size == 0 || i+size > len(b) {
		return 0, false
	}
	var v uint64
	for k := size - 1; k >= 0; k-- {
		v = v<<8 | uint64(b[i+k])
	}
	if size == 2 {
		v += 256
	}
	return v, true
}

var (
	errThriftShort = errors.New("thrift structure runs past the end of its bytes")
	errThriftBad   = errors.New("malformed thrift structure")
)

// thriftSize returns the length of the Thrift compact-protocol struct at the
// start of b. It checks that no list, set, map or string claims more
// elements than the bytes left could hold, which is what would make a
// decoder allocate without bound.
func thriftSize(b []byte) (int, error) {
	w := thriftWalker{b: b}
	if err := w.skipStruct(0); err != nil {
		return 0, err
	}
	return w.i, nil
}

type thriftWalker struct {
	b []byte
	i int
}

func (w *thriftWalker) byte() (byte, error) {
	if w.i >= len(w.b) {
		return 0, errThriftShort
	}
	c := w.b[w.i]
	w.i++
	return c, nil
}

func (w *thriftWalker) uvarint() (uint64, error) {
	var v uint64
	for shift := 0; shift < 70; shift += 7 {
		c, err := w.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errThriftBad
}

func (w *thriftWalker) skip(n uint64) error {
	if n > uint64(len(w.b)-w.i) {
		return errThriftShort
	}
	w.i += int(n)
	return nil
}

func (w *thriftWalker) skipStruct(depth int) error {
	if depth > 64 {
		return errThriftBad
	}
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		if h == 0 { // stop
			return nil
		}
		if h>>4 == 0 { // field id not a delta: a zigzag varint follows
			if _, err := w.uvarint(); err != nil {
				return err
			}
		}
		if err := w.skipValue(h&0x0f, depth); err != nil {
			return err
		}
	}
}

// skipValue skips a value of compact type t in a struct field; bools are
// then held in the type itself.
func (w *thriftWalker) skipValue(t byte, depth int) error {
	switch t {
	case 1, 2: // true, false
		return nil
	case 3: // byte
		return w.skip(1)
	case 4, 5, 6: // i16, i32, i64
		_, err := w.uvarint()
		return err
	case 7: // double
		return w.skip(8)
	case 8: // binary
		n, err := w.uvarint()
		if err != nil {
			return err
		}
		return w.skip(n)
	case 9, 10: // list, set
		h, err := w.byte()
		if err != nil {
			return err
		}
		n, et := uint64(h>>4), h&0x0f
		if n == 15 {
			if n, err = w.uvarint(); err != nil {
				return err
			}
		}
		if n > uint64(len(w.b)-w.i) { // every element takes a byte at least
			return errThriftShort
		}
		for ; n > 0; n-- {
			if err := w.skipElem(et, depth+1); err != nil {
				return err
			}
		}
		return nil
	case 11: // map
		n, err := w.uvarint()
		if err != nil || n == 0 {
			return err
		}
		kv, err := w.byte()
		if err != nil {
			return err
		}
		if n > uint64(len(w.b)-w.i)/2 {
			return errThriftShort
		}
		for ; n > 0; n-- {
			if err := w.skipElem(kv>>4, depth+1); err != nil {
				return err
			}
			if err := w.skipElem(kv&0x0f, depth+1); err != nil {
				return err
			}
		}
		return nil
	case 12: // struct
		return w.skipStruct(depth + 1)
	case 13: // uuid
		return w.skip(16)
	}
	return errThriftBad
}

// skipElem skips a container element, where a bool takes a byte.
func (w *thriftWalker) skipElem(t byte, depth int) error {
	if t == 1 || t == 2 {
		return w.skip(1)
	}
	return w.skipValue(t, depth)
}

// wallClock turns wall-clock seconds (a civil time counted as if it were
// UTC) into Unix seconds in loc, caching the offset of the last hour seen:
// time.Date per row would dominate reading local timestamps.
type wallClock struct {
	loc   *time.Location
	hour  int64
	shift int64
	ok    bool
}

func (w *wallClock) unix(wall int64) int64 {
	if w.loc == nil || w.loc == time.UTC {
		return wall
	}
	h := floorDiv(wall, 3600)
	if w.ok && h == w.hour {
		return wall + w.shift
	}
	start := h * 3600
	u0 := inLocation(start, w.loc)
	if inLocation(start+3600, w.loc)-u0 != 3600 {
		w.ok = false // a zone transition within the hour
		return inLocation(wall, w.loc)
	}
	w.hour, w.shift, w.ok = h, u0-start, true
	return wall + w.shift
}

// inLocation reads wall-clock seconds in loc as ParseTime does.
func inLocation(wall int64, loc *time.Location) int64 {
	t := time.Unix(wall, 0).UTC()
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, 0, loc).Unix()
}
