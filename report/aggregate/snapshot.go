package aggregate

import (
	"cmp"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Snapshot is a rollup's tables as a report reads them: sorted, done
// adding. It is made from a Rollup, or read from rollup files, which hold
// a day's groups in this order, so that reading them needs neither maps
// nor sorting.
type Snapshot struct {
	loc              *time.Location
	groups           []Group
	details          []detailChunk // in key order, chunk after chunk
	dropped          []Dropped
	otherSources     int64
	siteHost         string
	visits           int64
	minTime, maxTime int64
	any              bool
}

// Snapshot returns r's tables. It takes r's memory as it goes: each day's
// table is let go once its detail groups are made, so that the two are
// never held whole at once. r must not be used after.
func (r *Rollup) Snapshot() *Snapshot {
	s := &Snapshot{loc: r.loc, siteHost: r.SiteHost(),
		visits: r.visits, minTime: r.minTime, maxTime: r.maxTime, any: r.any}
	s.dropped, s.otherSources = r.Dropped()
	// The core groups are made and sorted on another core while the
	// examples are interned and every string ranked, which the build
	// would otherwise wait for one after the other. The two share only
	// the interned strings, which interning appends to and never changes.
	groups := make(chan []Group, 1)
	strs := r.strs
	go func() { groups <- r.groupsOf(strs) }()
	for _, t := range r.days {
		r.flushExamples(t)
		t.exampleText = nil // the examples are read by id from here on
	}
	r.ids, r.cells = hashIndex{}, hashIndex{} // nothing is looked up any more
	rank := r.ranks()
	s.groups = <-groups
	// Days are sorted on every core: the build waits for this, with
	// nothing else to do.
	days := r.Days()
	tables := make([]*dayTable, len(days))
	for i, day := range days {
		tables[i] = r.days[day]
	}
	clear(r.days)
	rows := make([][]detailRow, len(days))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(days)) {
		wg.Go(func() {
			d := detailSorter{rank: rank}
			for {
				i := int(next.Add(1)) - 1
				if i >= len(days) {
					return
				}
				rows[i] = d.appendDay(make([]detailRow, 0, tables[i].numDetails()), r, tables[i], days[i])
				tables[i] = nil
			}
		})
	}
	wg.Wait()
	for _, day := range rows {
		if len(day) > 0 {
			s.details = append(s.details, detailChunk{r.strs, day})
		}
	}
	return s
}

// detailRow is a detail group whose strings are indexes into its chunk's
// table: a build holds a million, and rows without pointers are neither
// traced by the collector nor slowed by its write barriers.
type detailRow struct {
	visits        int64
	source, value uint32
	day           Day
	dim           Dim
	known         bool
}

// detailChunk is detail groups in key order, with the table of strings
// their rows index.
type detailChunk struct {
	strs []string
	rows []detailRow
}

// at returns row i as a Detail.
func (c *detailChunk) at(i int) Detail {
	r := &c.rows[i]
	return Detail{DetailKey{Source{c.strs[r.source], r.known}, c.strs[r.value], r.day, r.dim}, r.visits}
}

// compare is compareDetails of rows i and j. Equal indexes are equal
// strings, which spares most string comparisons.
func (c *detailChunk) compare(i, j int) int {
	a, b := &c.rows[i], &c.rows[j]
	if n := cmp.Compare(a.day, b.day); n != 0 {
		return n
	}
	if a.source != b.source {
		if n := strings.Compare(c.strs[a.source], c.strs[b.source]); n != 0 {
			return n
		}
	}
	if n := cmp.Or(compareBool(a.known, b.known), cmp.Compare(a.dim, b.dim)); n != 0 {
		return n
	}
	if a.value == b.value {
		return 0
	}
	return strings.Compare(c.strs[a.value], c.strs[b.value])
}

// sortSum sorts c's rows by key and sums the visits of equal keys.
func (c *detailChunk) sortSum() {
	sorted := true
	for i := 1; i < len(c.rows); i++ {
		if c.compare(i-1, i) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	details := make([]Detail, len(c.rows))
	for i := range details {
		details[i] = c.at(i)
	}
	*c = packDetails(sortSum(details, compareDetails, addDetail))
}

// packDetails turns details into a chunk with a table of its own.
func packDetails(details []Detail) detailChunk {
	var c detailChunk
	ids := map[string]uint32{}
	id := func(s string) uint32 {
		i, ok := ids[s]
		if !ok {
			i = uint32(len(c.strs))
			c.strs = append(c.strs, s)
			ids[s] = i
		}
		return i
	}
	c.rows = make([]detailRow, len(details))
	for i, d := range details {
		c.rows[i] = detailRow{d.Visits, id(d.Source.Name), id(d.Value), d.Day, d.Dim, d.Source.Known}
	}
	return c
}

// Location returns the zone days are bucketed in.
func (s *Snapshot) Location() *time.Location { return s.loc }

// Groups returns every core group, sorted by key.
func (s *Snapshot) Groups() []Group { return s.groups }

// Details yields every detail group, sorted by key. A build holds
// millions: they are kept in a compact form and made into Details one at
// a time.
func (s *Snapshot) Details() iter.Seq[Detail] {
	return func(yield func(Detail) bool) {
		for d := range s.DetailsOf(allDims[:]...) {
			if !yield(d) {
				return
			}
		}
	}
}

var allDims = func() (all [NumDims]Dim) {
	for d := range NumDims {
		all[d] = d
	}
	return all
}()

// A ValueRef stands for a detail group's value in a pass over details:
// groups with equal refs have equal values, and Index is below the
// number of strings the snapshot holds, so that a pass can remember what
// it worked out for a value in a slice instead of looking up its string
// again. Equal values may have different refs: a day read from a rollup
// file has a table of its own.
type ValueRef struct {
	Table, Index uint32
}

// DetailsOf yields the detail groups of the breakdowns dims, sorted by
// key, each with its value's ref. Groups of other breakdowns are passed
// over before they are made into Details: most are landing pages, which
// many passes have no use for.
func (s *Snapshot) DetailsOf(dims ...Dim) iter.Seq2[Detail, ValueRef] {
	var want [NumDims]bool
	for _, d := range dims {
		want[d] = true
	}
	return func(yield func(Detail, ValueRef) bool) {
		table := uint32(0)
		for k := range s.details {
			c := &s.details[k]
			if k > 0 && !sameTable(c.strs, s.details[k-1].strs) {
				table++
			}
			for i := range c.rows {
				if want[c.rows[i].dim] && !yield(c.at(i), ValueRef{table, c.rows[i].value}) {
					return
				}
			}
		}
	}
}

// sameTable reports whether a and b are the same table of strings, as
// the chunks of a Rollup's Snapshot share one.
func sameTable(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Dropped is Rollup.Dropped.
func (s *Snapshot) Dropped() ([]Dropped, int64) { return s.dropped, s.otherSources }

// SiteHost is Rollup.SiteHost.
func (s *Snapshot) SiteHost() string { return s.siteHost }

// Visits returns the total of all visits.
func (s *Snapshot) Visits() int64 { return s.visits }

// TimeRange is Rollup.TimeRange.
func (s *Snapshot) TimeRange() (min, max int64, ok bool) { return s.minTime, s.maxTime, s.any }

// Span is Rollup.Span.
func (s *Snapshot) Span() (first, last Day, ok bool) {
	if !s.any {
		return 0, 0, false
	}
	return DayOf(s.minTime, s.loc), DayOf(s.maxTime, s.loc), true
}

func compareSource(a, b Source) int {
	return cmp.Or(strings.Compare(a.Name, b.Name), compareBool(a.Known, b.Known))
}

func sortDropped(d []Dropped) {
	slices.SortFunc(d, func(a, b Dropped) int {
		return cmp.Or(compareSource(a.Source, b.Source), cmp.Compare(a.Dim, b.Dim))
	})
}

func compareGroups(a, b *Group) int {
	return cmp.Or(cmp.Compare(a.Day, b.Day), compareSource(a.Source, b.Source), strings.Compare(a.Medium, b.Medium),
		cmp.Compare(a.Evidence, b.Evidence), compareBool(a.NoReferrer, b.NoReferrer), compareBool(a.Tagged, b.Tagged))
}

func compareDetails(a, b *Detail) int {
	return cmp.Or(cmp.Compare(a.Day, b.Day), compareSource(a.Source, b.Source), cmp.Compare(a.Dim, b.Dim),
		strings.Compare(a.Value, b.Value))
}

// filePart is what one rollup file holds, in a Snapshot's terms.
type filePart struct {
	groups    []Group
	details   detailChunk
	dropped   map[Dropped]int64 // by Source and Dim; Visits is 0
	siteHosts map[string]int64
	spans     map[Day][2]int64
	overflow  int64
}

// part checks the rows of t and turns them into a filePart. An error
// names the row.
func part(t *fileTable) (*filePart, error) {
	p := &filePart{dropped: map[Dropped]int64{}, siteHosts: map[string]int64{}, spans: map[Day][2]int64{}}
	// A file's rows come kind by kind, each kind one string of the
	// column's dictionary: the last kind's breakdown is remembered.
	lastKind := int32(-1)
	var lastDim Dim
	var lastOK bool
	dimOf := func(kind int32) (Dim, bool) {
		if kind != lastKind {
			lastKind = kind
			lastDim, lastOK = dimByName[t.strs[kind]]
		}
		return lastDim, lastOK
	}
	// The details are kept as they are made here: at their exact size.
	n := 0
	for i := range t.rows {
		row := &t.rows[i]
		_, isDim := dimOf(row.kind)
		if err := checkRow(t, row, isDim); err != nil {
			return nil, fmt.Errorf("row %d: %w", i+1, err)
		}
		if isDim && !row.other {
			n++
		}
	}
	p.details = detailChunk{t.strs, make([]detailRow, 0, n)}
	for i := range t.rows {
		row := &t.rows[i]
		day := Day(row.day)
		src := Source{t.strs[row.source], row.known}
		dim, isDim := dimOf(row.kind)
		if isDim {
			if row.other {
				p.dropped[Dropped{Source: src, Dim: dim}] += row.visits
				continue
			}
			p.details.rows = append(p.details.rows, detailRow{row.visits, uint32(row.source), uint32(row.value), day, dim, row.known})
			continue
		}
		switch t.strs[row.kind] {
		case KindVisits:
			p.groups = append(p.groups, Group{Key{day, src, t.strs[row.medium], evidenceByName[t.strs[row.evidence]], row.noReferrer, row.tagged}, row.visits})
		case KindSiteHost:
			p.siteHosts[t.strs[row.value]] += row.visits
		case KindSpan:
			if sp, ok := p.spans[day]; ok {
				p.spans[day] = [2]int64{min(sp[0], row.firstVisit), max(sp[1], row.lastVisit)}
			} else {
				p.spans[day] = [2]int64{row.firstVisit, row.lastVisit}
			}
		case KindOverflow:
			p.overflow += row.visits
		}
	}
	return p, nil
}

// sortSum sorts s by cmp and sums the visits of equal keys, in place.
func sortSum[T any](s []T, compare func(a, b *T) int, add func(to, from *T)) []T {
	sorted := true
	for i := 1; i < len(s); i++ {
		if compare(&s[i-1], &s[i]) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return s
	}
	slices.SortStableFunc(s, func(a, b T) int { return compare(&a, &b) })
	out := s[:0]
	for i := range s {
		if len(out) > 0 && compare(&out[len(out)-1], &s[i]) == 0 {
			add(&out[len(out)-1], &s[i])
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func addGroup(to, from *Group)   { to.Visits += from.Visits }
func addDetail(to, from *Detail) { to.Visits += from.Visits }

// ReadSnapshot reads sets of rollup files into a Snapshot whose days are
// in loc. Within a set, rows with the same key are summed: a SQL engine's
// export may spread a day over files. A day in two sets is an error: a
// set is a rollup made on its own, and two of one day would count its
// visits twice. Each file is checked row by row; an error names the file
// and the row. Files are decoded on several goroutines at once.
func ReadSnapshot(sets [][]string, loc *time.Location) (*Snapshot, error) {
	return (*Prefetched)(nil).ReadSnapshot(sets, loc)
}

// decoded is a rollup file read, checked, and cut into its parts.
type decoded struct {
	p   *filePart
	err error
}

// decodeFile reads the rollup file at path, decoding into buf if it is
// big enough; it returns the rows it decoded into, for the next file.
func decodeFile(path string, buf []fileRow) (decoded, []fileRow) {
	t, err := readFile(path, buf)
	if err != nil {
		return decoded{err: err}, buf
	}
	p, err := part(t)
	if err == nil {
		p.groups = sortSum(p.groups, compareGroups, addGroup)
		p.details.sortSum()
	}
	return decoded{p, err}, t.rows[:0]
}

// Prefetched is rollup files being decoded ahead of the ReadSnapshot
// that reads them, on every core: a cached build decodes the days it
// keeps while it reads the new inputs.
type Prefetched struct {
	mu    sync.Mutex
	parts map[string]*prefetch // not yet taken nor forgotten
	stop  chan struct{}
	wg    sync.WaitGroup
}

// prefetch is a file being decoded ahead.
type prefetch struct {
	path      string
	forgotten bool // guarded by Prefetched.mu
	done      chan decoded
}

// Prefetch starts decoding the files at paths. Call Stop when done.
func Prefetch(paths []string) *Prefetched {
	p := &Prefetched{parts: map[string]*prefetch{}, stop: make(chan struct{})}
	work := make(chan *prefetch)
	all := make([]*prefetch, len(paths))
	for i, path := range paths {
		all[i] = &prefetch{path: path, done: make(chan decoded, 1)}
		p.parts[path] = all[i]
	}
	for range runtime.GOMAXPROCS(0) {
		p.wg.Go(func() {
			var buf []fileRow
			for f := range work {
				p.mu.Lock()
				skip := f.forgotten
				p.mu.Unlock()
				if skip {
					continue
				}
				var d decoded
				d, buf = decodeFile(f.path, buf)
				f.done <- d
			}
		})
	}
	p.wg.Go(func() {
		defer close(work)
		for _, f := range all {
			select {
			case work <- f:
			case <-p.stop:
				return
			}
		}
	})
	return p
}

// Forget drops path: the file was written again, or removed, after it
// was prefetched.
func (pre *Prefetched) Forget(path string) {
	pre.mu.Lock()
	if f := pre.parts[path]; f != nil {
		f.forgotten = true
		delete(pre.parts, path)
	}
	pre.mu.Unlock()
}

// take returns the channel path's decoding comes on, or nil if path is
// not prefetched. A file is taken once.
func (pre *Prefetched) take(path string) chan decoded {
	if pre == nil {
		return nil
	}
	pre.mu.Lock()
	defer pre.mu.Unlock()
	f := pre.parts[path]
	if f == nil {
		return nil
	}
	delete(pre.parts, path)
	return f.done
}

// Stop ends the prefetch: files not yet started are left, and Stop waits
// for those being decoded.
func (pre *Prefetched) Stop() {
	close(pre.stop)
	pre.wg.Wait()
}

// ReadSnapshot is ReadSnapshot, taking what was prefetched of its files
// instead of reading them again. pre may be nil.
func (pre *Prefetched) ReadSnapshot(sets [][]string, loc *time.Location) (*Snapshot, error) {
	var paths []string
	var setOf []int
	for i, set := range sets {
		paths = append(paths, set...)
		for range set {
			setOf = append(setOf, i)
		}
	}
	results := make([]chan decoded, len(paths))
	for i := range results {
		results[i] = make(chan decoded, 1)
	}
	sem := make(chan struct{}, max(runtime.GOMAXPROCS(0), 2))
	// A file's rows are turned into groups and details that keep none of
	// their memory: each decoding reuses the rows of an earlier one.
	bufs := make(chan []fileRow, cap(sem))
	for range cap(sem) {
		bufs <- nil
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for i, path := range paths {
			select {
			case sem <- struct{}{}:
			case <-done:
				return
			}
			go func() {
				if ch := pre.take(path); ch != nil {
					results[i] <- <-ch
					return
				}
				d, buf := decodeFile(path, <-bufs)
				bufs <- buf
				results[i] <- d
			}()
		}
	}()

	s := &Snapshot{loc: loc}
	dropped := map[Dropped]int64{}
	siteHosts := map[string]int64{}
	spans := map[Day][2]int64{}
	owner := map[Day]int{} // the set a day is in
	sorted := true
	// Parts are joined once at the end, at their final size: growing one
	// slice of millions of groups file by file costs more than reading.
	var groups [][]Group
	var details []detailChunk
	var lastGroup *Group
	var lastDetail Detail
	ng, nd := 0, 0
	for i, path := range paths {
		d := <-results[i]
		<-sem
		if d.err != nil {
			return nil, fmt.Errorf("%s: %w", path, d.err)
		}
		p := d.p
		if len(p.groups) > 0 {
			if lastGroup != nil && compareGroups(lastGroup, &p.groups[0]) >= 0 {
				sorted = false
			}
			lastGroup = &p.groups[len(p.groups)-1]
		}
		if n := len(p.details.rows); n > 0 {
			if first := p.details.at(0); len(details) > 0 && compareDetails(&lastDetail, &first) >= 0 {
				sorted = false
			}
			lastDetail = p.details.at(n - 1)
			details = append(details, p.details)
		}
		groups = append(groups, p.groups)
		ng, nd = ng+len(p.groups), nd+len(p.details.rows)
		for k, n := range p.dropped {
			dropped[k] += n
		}
		for h, n := range p.siteHosts {
			siteHosts[h] += n
		}
		for day, sp := range p.spans {
			if o, ok := owner[day]; ok && o != setOf[i] {
				return nil, fmt.Errorf("%s: day %s is also in %s", path, day, sets[o][0])
			}
			owner[day] = setOf[i]
			if old, ok := spans[day]; ok {
				sp = [2]int64{min(old[0], sp[0]), max(old[1], sp[1])}
			}
			spans[day] = sp
		}
		s.otherSources += p.overflow
	}
	s.groups = make([]Group, 0, ng)
	for _, g := range groups {
		s.groups = append(s.groups, g...)
	}
	if !sorted {
		all := make([]Detail, 0, nd)
		for _, c := range details {
			for i := range c.rows {
				all = append(all, c.at(i))
			}
		}
		s.groups = sortSum(s.groups, compareGroups, addGroup)
		details = []detailChunk{packDetails(sortSum(all, compareDetails, addDetail))}
	}
	s.details = details
	if err := s.finish(dropped, siteHosts, spans); err != nil {
		return nil, err
	}
	return s, nil
}

// finish sets what is summed over the groups: visits, the time range, the
// dropped breakdowns and the site host. Every day with visits must have
// its span.
func (s *Snapshot) finish(dropped map[Dropped]int64, siteHosts map[string]int64, spans map[Day][2]int64) error {
	for _, g := range s.groups {
		s.visits += g.Visits
		if _, ok := spans[g.Day]; !ok {
			return fmt.Errorf("day %s has visits but no span row", g.Day)
		}
	}
	for _, sp := range spans {
		if !s.any || sp[0] < s.minTime {
			s.minTime = sp[0]
		}
		if !s.any || sp[1] > s.maxTime {
			s.maxTime = sp[1]
		}
		s.any = true
	}
	for k, n := range dropped {
		k.Visits = n
		s.dropped = append(s.dropped, k)
	}
	sortDropped(s.dropped)
	s.siteHost = MostVisits(siteHosts)
	return nil
}
