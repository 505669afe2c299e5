package aggregate

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/webmasterid/refreport/report/rules"
)

// Row is one row of a rollup file: one group of one day. The README's
// "Running at scale" section documents the columns; Kind says which of
// them a row uses.
type Row struct {
	Kind       string `parquet:"kind,dict"`
	Day        int32  `parquet:"day,date"`
	Source     string `parquet:"source,dict"`
	Known      bool   `parquet:"known"`
	Medium     string `parquet:"medium,dict"`
	Evidence   string `parquet:"evidence,dict"`
	NoReferrer bool   `parquet:"no_referrer"`
	Tagged     bool   `parquet:"tagged"`
	Value      string `parquet:"value,dict"`
	Other      bool   `parquet:"other"`
	Visits     int64  `parquet:"visits"`
	FirstVisit int64  `parquet:"first_visit"`
	LastVisit  int64  `parquet:"last_visit"`
}

// Kinds of rows besides the breakdowns, which are named by Dim.String.
const (
	KindVisits   = "visits"    // a core group
	KindSiteHost = "site_host" // visits that landed on a host
	KindSpan     = "span"      // the day's first and last visit
	KindOverflow = "overflow"  // visits of unknown sources beyond MaxUnknownSources
)

// DayRows returns the rows of day, in a fixed order: core groups and
// breakdowns in the order of Groups and Details (so that reading them
// back needs no sorting), then the other rows, site hosts, the span and
// the overflow.
func (r *Rollup) DayRows(day Day) []Row {
	r.flushSiteHost()
	t := r.days[day]
	if t == nil {
		return nil
	}
	groups := make([]Group, 0, t.core.len())
	for k, n := range t.core.all {
		src, med, ev, flags := k.unpack()
		groups = append(groups, Group{Key{day, Source{r.strs[src.name], src.known}, mediums[med], ev,
			flags&flagNoReferrer != 0, flags&flagTagged != 0}, n})
	}
	slices.SortFunc(groups, func(a, b Group) int { return compareGroups(&a, &b) })
	details := make([]Detail, 0, t.numDetails())
	for i, j := range t.detail.all {
		c := r.cellKeys[i]
		details = append(details, Detail{DetailKey{Source{r.strs[c.source], c.dim&1 != 0}, r.strs[c.value], day, Dim(c.dim >> 1)}, t.counts[j]})
	}
	for src, e := range t.allExamples {
		details = append(details, Detail{DetailKey{Source{r.strs[src], false}, string(t.exampleValue(e)), day, DimReferrer}, e.visits})
	}
	slices.SortFunc(details, func(a, b Detail) int { return compareDetails(&a, &b) })
	rows := make([]Row, 0, len(groups)+len(details)+len(t.dropped)+len(t.siteHosts)+2)
	for _, g := range groups {
		rows = append(rows, Row{Kind: KindVisits, Day: int32(day), Source: g.Source.Name, Known: g.Source.Known,
			Medium: g.Medium, Evidence: g.Evidence.String(), NoReferrer: g.NoReferrer, Tagged: g.Tagged, Visits: g.Visits})
	}
	for _, d := range details {
		rows = append(rows, Row{Kind: d.Dim.String(), Day: int32(day), Source: d.Source.Name, Known: d.Source.Known,
			Value: d.Value, Visits: d.Visits})
	}
	rest := len(rows)
	for sd, n := range t.dropped {
		rows = append(rows, Row{Kind: sd.dim.String(), Day: int32(day), Source: r.strs[sd.source.name],
			Known: sd.source.known, Other: true, Visits: n})
	}
	for h, n := range t.siteHosts {
		rows = append(rows, Row{Kind: KindSiteHost, Day: int32(day), Value: h, Visits: n})
	}
	slices.SortFunc(rows[rest:], compareRows)
	rows = append(rows, Row{Kind: KindSpan, Day: int32(day), FirstVisit: t.first, LastVisit: t.last})
	if t.otherSources > 0 {
		rows = append(rows, Row{Kind: KindOverflow, Day: int32(day), Visits: t.otherSources})
	}
	return rows
}

// compareRows orders rows by their key columns.
func compareRows(a, b Row) int {
	return cmp.Or(
		strings.Compare(a.Kind, b.Kind),
		strings.Compare(a.Source, b.Source),
		compareBool(a.Known, b.Known),
		strings.Compare(a.Medium, b.Medium),
		strings.Compare(a.Evidence, b.Evidence),
		compareBool(a.NoReferrer, b.NoReferrer),
		compareBool(a.Tagged, b.Tagged),
		compareBool(a.Other, b.Other),
		strings.Compare(a.Value, b.Value),
	)
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// codec compresses rollup files. Snappy, not zstd: a cached build reads
// every day's file back, and does so about 15% faster
// (BenchmarkReadSnapshot), for files about a third larger.
var codec = &snappy.Codec{}

// WriteDay writes the rows of day to w as a Parquet file. The same rows
// give the same bytes.
func (r *Rollup) WriteDay(w io.Writer, day Day) error {
	pw := parquet.NewGenericWriter[Row](w, parquet.Compression(codec),
		// parquet-go's default names its build; a fixed name keeps files
		// reproducible.
		&parquet.WriterConfig{CreatedBy: "refreport"})
	if _, err := pw.Write(r.DayRows(day)); err != nil {
		return err
	}
	return pw.Close()
}

func readFile(path string, buf []fileRow) (*fileTable, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readRows(f, st.Size(), buf)
}

// fileTable is a rollup file as read: its rows, whose strings are
// indexes into strs. Rows of integers hold no pointers: decoding them
// pays no write barriers, and the collector does not scan them.
type fileTable struct {
	rows []fileRow
	strs []string // strs[0] is "", what a null or a missing column reads as
}

// fileRow is a Row as read, its strings indexes into fileTable.strs.
type fileRow struct {
	kind, source, medium, evidence, value int32
	day                                   int32
	known, noReferrer, tagged, other      bool
	visits, firstVisit, lastVisit         int64
}

// readRows reads every row of a rollup file, decoding into buf if it is
// big enough. Files written by other tools may have optional columns: a
// null reads as the zero value, as does a column the file lacks, but for
// kind, day and visits, which every rollup file has.
//
// It reads column by column through the page API: decoding rows into
// structs costs several microseconds a row, and a nightly render reads
// every day of the rollups. Integers are read from the pages' own slices,
// a dictionary's strings are made once, not once a row, and required
// booleans are read as bits.
func readRows(f io.ReaderAt, size int64, buf []fileRow) (t *fileTable, err error) {
	defer func() {
		// parquet-go panics on some malformed files.
		if p := recover(); p != nil {
			t, err = nil, fmt.Errorf("malformed Parquet file: %v", p)
		}
	}()
	pf, err := parquet.OpenFile(f, size)
	if err != nil {
		return nil, err
	}
	columns := []rollupColumn{
		{name: "kind", kind: parquet.ByteArray, i32: func(r *fileRow, v int32) { r.kind = v }},
		{name: "day", kind: parquet.Int32, i32: func(r *fileRow, v int32) { r.day = v }},
		{name: "source", kind: parquet.ByteArray, i32: func(r *fileRow, v int32) { r.source = v }},
		{name: "known", kind: parquet.Boolean, bool: func(r *fileRow, v bool) { r.known = v }},
		{name: "medium", kind: parquet.ByteArray, i32: func(r *fileRow, v int32) { r.medium = v }},
		{name: "evidence", kind: parquet.ByteArray, i32: func(r *fileRow, v int32) { r.evidence = v }},
		{name: "no_referrer", kind: parquet.Boolean, bool: func(r *fileRow, v bool) { r.noReferrer = v }},
		{name: "tagged", kind: parquet.Boolean, bool: func(r *fileRow, v bool) { r.tagged = v }},
		{name: "value", kind: parquet.ByteArray, i32: func(r *fileRow, v int32) { r.value = v }},
		{name: "other", kind: parquet.Boolean, bool: func(r *fileRow, v bool) { r.other = v }},
		{name: "visits", kind: parquet.Int64, i64: func(r *fileRow, v int64) { r.visits = v }},
		{name: "first_visit", kind: parquet.Int64, i64: func(r *fileRow, v int64) { r.firstVisit = v }},
		{name: "last_visit", kind: parquet.Int64, i64: func(r *fileRow, v int64) { r.lastVisit = v }},
	}
	schema := pf.Schema()
	for i := range columns {
		c := &columns[i]
		leaf, ok := schema.Lookup(c.name)
		switch {
		case !ok && (c.name == "kind" || c.name == "day" || c.name == "visits"):
			return nil, fmt.Errorf("not a rollup file: no column %q", c.name)
		case !ok:
			c.index = -1
			continue
		case leaf.Node.Type().Kind() != c.kind || leaf.MaxRepetitionLevel > 0:
			return nil, fmt.Errorf("column %s: type %s, want %s", c.name, leaf.Node.Type(), c.kind)
		}
		c.index, c.maxDef = leaf.ColumnIndex, byte(leaf.MaxDefinitionLevel)
	}
	if pf.NumRows() > maxFileRows {
		return nil, fmt.Errorf("%d rows: more than a rollup file of one day can hold", pf.NumRows())
	}
	t = &fileTable{strs: []string{""}}
	if n := int(pf.NumRows()); cap(buf) >= n {
		t.rows = buf[:n]
		clear(t.rows) // a column the file lacks leaves its zero value
	} else {
		t.rows = make([]fileRow, n)
	}
	d := &rowDecoder{t: t, vals: make([]parquet.Value, 1024)}
	base := 0
	for _, rg := range pf.RowGroups() {
		n := int(rg.NumRows())
		if base+n > len(t.rows) {
			return nil, errors.New("row groups hold more rows than the file says")
		}
		chunks := rg.ColumnChunks()
		for ci := range columns {
			c := &columns[ci]
			if c.index < 0 {
				continue
			}
			pages := chunks[c.index].Pages()
			d.dict = nil // a chunk's dictionary may reuse an earlier one's memory
			i := base
			for {
				page, err := pages.ReadPage()
				if err == io.EOF {
					break
				}
				if err == nil {
					var k int
					k, err = d.page(c, page, t.rows[i:base+n])
					i += k
					parquet.Release(page)
				}
				if err != nil {
					pages.Close()
					return nil, fmt.Errorf("column %s: %w", c.name, err)
				}
			}
			pages.Close()
			if i != base+n {
				return nil, fmt.Errorf("column %s: %d values for %d rows", c.name, i-base, n)
			}
		}
		base += n
	}
	t.rows = t.rows[:base]
	return t, nil
}

// rollupColumn is a column of the rollup schema, and where its values go:
// a string column's are indexes into the table's strings.
type rollupColumn struct {
	name   string
	kind   parquet.Kind
	index  int  // in the file; -1 when the file lacks it
	maxDef byte // 0 for a required column
	i32    func(*fileRow, int32)
	i64    func(*fileRow, int64)
	bool   func(*fileRow, bool)
}

// rowDecoder reads the pages of one rollup file.
type rowDecoder struct {
	t        *fileTable
	index    map[string]int32 // a plain page's strings in t.strs
	dict     parquet.Dictionary
	dictBase int32 // where dict's strings start in t.strs
	dictLen  int
	pageStrs []int32
	vals     []parquet.Value
	bools    []bool
}

// page reads a page of column c into rows, which has room for the rest of
// the row group, and returns the rows read.
func (d *rowDecoder) page(c *rollupColumn, page parquet.Page, rows []fileRow) (int, error) {
	n := int(page.NumRows())
	if n < 0 || n > len(rows) {
		return 0, errors.New("more values than rows")
	}
	if c.bool != nil {
		return d.values(c, page, rows)
	}
	def := page.DefinitionLevels()
	if c.maxDef > 0 && len(def) != n {
		return 0, fmt.Errorf("%d definition levels for %d rows", len(def), n)
	}
	data := page.Data()
	var idx []int32
	dict := page.Dictionary()
	if dict != nil {
		if data.Kind() != encoding.Int32 {
			return 0, fmt.Errorf("dictionary page holds %s values", data.Kind())
		}
		idx = data.Int32()
		data = dict.Page().Data()
	}
	// A row's value j indexes i32 or i64, or for a dictionary's strings
	// counts from the dictionary's first string in the table.
	var i32 []int32 // a plain page's strings' indexes in the table, or an int32 column's values
	var i64 []int64
	var nvals int
	dictBase := int32(-1)
	switch {
	case c.kind == parquet.ByteArray && dict != nil:
		if dict != d.dict {
			d.dictBase = int32(len(d.t.strs))
			if err := d.strings(data, true); err != nil {
				return 0, err
			}
			d.dict, d.dictLen = dict, len(d.t.strs)-int(d.dictBase)
		}
		dictBase, nvals = d.dictBase, d.dictLen
	case c.kind == parquet.ByteArray:
		if err := d.strings(data, false); err != nil {
			return 0, err
		}
		i32, nvals = d.pageStrs, len(d.pageStrs)
	case c.i32 != nil:
		i32 = data.Int32()
		nvals = len(i32)
	default:
		i64 = data.Int64()
		nvals = len(i64)
	}
	v := 0 // the next value, of the non-null ones
	for r := range n {
		if c.maxDef > 0 && def[r] != c.maxDef {
			continue // null: the zero value
		}
		j := v
		if idx != nil {
			if v >= len(idx) {
				return 0, errors.New("fewer values than rows")
			}
			j = int(idx[v])
		}
		if j < 0 || j >= nvals {
			return 0, fmt.Errorf("value %d of %d out of range", j, nvals)
		}
		v++
		switch {
		case dictBase >= 0:
			c.i32(&rows[r], dictBase+int32(j))
		case c.i32 != nil:
			c.i32(&rows[r], i32[j])
		default:
			c.i64(&rows[r], i64[j])
		}
	}
	return n, nil
}

// values reads a page of column c value by value.
func (d *rowDecoder) values(c *rollupColumn, page parquet.Page, rows []fileRow) (int, error) {
	vr := page.Values()
	if br, ok := vr.(parquet.BooleanReader); ok && c.maxDef == 0 {
		return d.booleans(c, br, rows)
	}
	i := 0
	for {
		k, err := vr.ReadValues(d.vals)
		if i+k > len(rows) {
			return i, errors.New("more values than rows")
		}
		for _, v := range d.vals[:k] {
			if !v.IsNull() {
				c.bool(&rows[i], v.Boolean())
			}
			i++
		}
		if err == io.EOF {
			return i, nil
		}
		if err != nil {
			return i, err
		}
	}
}

// booleans reads a required boolean column's page without making a
// parquet.Value of every cell.
func (d *rowDecoder) booleans(c *rollupColumn, br parquet.BooleanReader, rows []fileRow) (int, error) {
	if d.bools == nil {
		d.bools = make([]bool, len(d.vals))
	}
	i := 0
	for {
		k, err := br.ReadBooleans(d.bools)
		if i+k > len(rows) {
			return i, errors.New("more values than rows")
		}
		for _, b := range d.bools[:k] {
			c.bool(&rows[i], b)
			i++
		}
		if err == io.EOF {
			return i, nil
		}
		if err != nil {
			return i, err
		}
	}
}

// strings adds the strings of a page's or a dictionary's values to the
// table, after checking their offsets. A dictionary's are distinct: they
// are cut from one copy of them all and appended. A plain page's repeat:
// each is looked up, added if new, and its index kept in d.pageStrs.
func (d *rowDecoder) strings(v encoding.Values, dict bool) error {
	b, offs := v.ByteArray()
	for e := 1; e < len(offs); e++ {
		if offs[e] < offs[e-1] || int(offs[e]) > len(b) {
			return errors.New("bad string offsets")
		}
	}
	if dict {
		var all string
		if len(offs) > 0 {
			all = string(b[offs[0]:offs[len(offs)-1]])
		}
		for e := 1; e < len(offs); e++ {
			d.t.strs = append(d.t.strs, all[offs[e-1]-offs[0]:offs[e]-offs[0]])
		}
		return nil
	}
	if d.index == nil {
		d.index = map[string]int32{}
	}
	d.pageStrs = d.pageStrs[:0]
	for e := 1; e < len(offs); e++ {
		s := b[offs[e-1]:offs[e]]
		i, ok := d.index[string(s)]
		if !ok {
			i = int32(len(d.t.strs))
			d.t.strs = append(d.t.strs, string(s))
			d.index[d.t.strs[i]] = i
		}
		d.pageStrs = append(d.pageStrs, i)
	}
	return nil
}

// maxFileRows bounds a rollup file: a day holds at most a few million
// groups even when every breakdown is full.
const maxFileRows = 50 << 20

var evidenceByName = func() map[string]rules.Evidence {
	m := map[string]rules.Evidence{}
	for e := range rules.NumEvidence {
		m[e.String()] = e
	}
	return m
}()

var dimByName = func() map[string]Dim {
	m := map[string]Dim{}
	for d := range NumDims {
		m[d.String()] = d
	}
	return m
}()

// The days a rollup file may hold: 1900 to 2200, far beyond any export,
// so that a corrupt day cannot make a report of a million empty days.
const (
	minFileDay = -25567 // 1900-01-01
	maxFileDay = 84006  // 2200-01-01
)

var errNegative = errors.New("visits: negative")

// checkRow checks a row of t whose kind names a breakdown if isDim.
func checkRow(t *fileTable, row *fileRow, isDim bool) error {
	if row.day < minFileDay || row.day > maxFileDay {
		return fmt.Errorf("day: %d is not between 1900 and 2200", row.day)
	}
	if row.visits < 0 {
		return errNegative
	}
	if isDim {
		if t.strs[row.source] == "" {
			return errors.New("source: empty")
		}
		return nil
	}
	switch kind := t.strs[row.kind]; kind {
	case KindVisits:
		if _, ok := mediumIndex[t.strs[row.medium]]; !ok {
			return fmt.Errorf("medium: %q is not in the vocabulary", clip(t.strs[row.medium]))
		}
		if _, ok := evidenceByName[t.strs[row.evidence]]; !ok {
			return fmt.Errorf("evidence: unknown %q", clip(t.strs[row.evidence]))
		}
	case KindSiteHost, KindOverflow:
	case KindSpan:
		if row.firstVisit > row.lastVisit {
			return fmt.Errorf("span: first_visit %d after last_visit %d", row.firstVisit, row.lastVisit)
		}
		if DayOf(row.firstVisit, time.UTC) < Day(row.day)-1 || DayOf(row.lastVisit, time.UTC) > Day(row.day)+1 {
			return fmt.Errorf("span: %d..%d is not on %s", row.firstVisit, row.lastVisit, Day(row.day))
		}
	default:
		return fmt.Errorf("kind: unknown %q", clip(kind))
	}
	return nil
}
