package report

import (
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/render"
	"github.com/webmasterid/refreport/report/rules"
)

// The estimate of visits a source sent that arrived as direct.
//
// App taps and redirects strip referrers, so some of a source's visits
// arrive as direct. Each source sends its recognised visits to its own mix
// of pages (a marketplace to the products it lists, a newsletter to the
// collection on sale), and its lost referrals are taken to land on the
// same mix, in the same proportions. The direct visits that land deep in
// the site are modelled as such a mixture: page by page, a source
// contributes its lost visits times the share of its recognised visits
// that landed on the page. The lost visits of every source (sources
// outside the catalog as one) are fitted at once, by maximum likelihood
// (Poisson counts, fitted by expectation-maximisation), which shares each
// page's direct visits out among the sources that link to it in
// proportion to what each is estimated to lose there. A source's estimate
// covers all its pages, the home page included, in proportion to its
// recognised visits, whose mix is read from every day up to the period's
// end. (Sharing each page's direct visits out by recognised visits alone,
// as a first version did, gives the big sources that rarely lose a
// referrer, search engines, most of the lost visits: on generated data
// its range held the true count in a third of cases.)
//
// Home pages, and pages whose other visits are mostly from search engines
// or from within the site, are left out of the fit: people reach them on
// purpose, typed or bookmarked, and their direct visits say nothing of
// lost referrals. So is a source with under hiddenMinReach of its
// recognised visits on the pages left in. The range is the 2.5th to
// 97.5th percentile of the fit over resampled counts (a parametric
// bootstrap: the direct and the recognised visits of every page drawn
// again as Poisson counts, each fit started from the point estimate, which
// a resample moves only a little, so that a few rounds of the fit do),
// widened by hiddenSlack for what resampling
// cannot know, and upwards by the share of the source's visits likely to
// land on pages it was never yet seen on (Good-Turing: the share of its
// visits on pages seen once), whose lost visits the fit gives to others.
const (
	hiddenMaxOwned  = 0.5 // pages with more search and internal visits than this share are left out
	hiddenPages     = 10
	hiddenMaxIter   = 2000
	hiddenTol       = 1e-5 // the fit stops when no estimate moves by more than this share
	hiddenLLTol     = 1e-3 // ... or when a round of the accelerated fit gains less log-likelihood than this
	hiddenBootstrap = 50   // resamples for the range
	hiddenBootIter  = 15
	hiddenSlack     = 0.15 // the range widened by this share of the estimate on each side
	hiddenMinReach  = 0.25 // sources with less of their recognised visits on the fit's pages are not estimated
	hiddenMaxUnseen = 0.5  // at most this share is taken as unseen
)

// otherSources is the part of the mixture for the sources outside the
// catalog; no catalog id is empty.
const otherSources = ""

// hiddenFit is the mixture over the deep pages a period's estimate uses.
type hiddenFit struct {
	ids    []string     // catalog sources, sorted
	pages  []hiddenPage // deep pages, sorted by path
	totals []float64    // recognised visits per source on every page
	unseen []float64    // per source, the share of its visits likely to land on pages it was never seen on
}

type hiddenPage struct {
	path   string
	direct float64
	srcs   []int     // sources with recognised visits on the page
	rec    []float64 // and their visits
}

// hiddenEstimates returns the estimate for every catalog source that sent
// recognised visits to an eligible page in the period.
func (v *view) hiddenEstimates() map[string]*render.HiddenEstimate {
	f := v.hiddenFit()
	if len(f.pages) == 0 {
		return map[string]*render.HiddenEstimate{}
	}
	q, reach := f.shares(f.totals, nil, nil)
	h := f.em(q, reach, f.direct(), nil, hiddenMaxIter, nil)

	boot := f.bootstrap(h)
	out := map[string]*render.HiddenEstimate{}
	for s, id := range f.ids {
		if id == otherSources || reach[s] < hiddenMinReach {
			// Too few of its visits land on deep pages: its lost visits
			// cannot be told from typed ones.
			continue
		}
		sort.Float64s(boot[s])
		lo := boot[s][int(0.025*float64(len(boot[s])))]
		hi := boot[s][int(math.Ceil(0.975*float64(len(boot[s]))))-1]
		e := &render.HiddenEstimate{
			Point: int64(math.Round(h[s])),
			Low:   int64(math.Floor(math.Min(lo, h[s]) * (1 - hiddenSlack))),
			High:  int64(math.Ceil(math.Max(hi, h[s]) * (1 + hiddenSlack) / (1 - f.unseen[s]))),
			Reach: reach[s],
		}
		// Each page's direct visits put down to the source.
		var deep float64
		for i, p := range f.pages {
			var lambda, own float64
			for k, t := range p.srcs {
				x := h[t] * q[i][k]
				lambda += x
				if t == s {
					own = x
				}
			}
			if own == 0 || p.direct == 0 {
				continue
			}
			share := own / lambda
			x := p.direct * share
			deep += x
			if math.Round(x) > 0 {
				e.Pages = append(e.Pages, render.HiddenPage{Path: p.path, Direct: int64(p.direct), Share: share, Point: int64(math.Round(x))})
			}
		}
		e.Deep = int64(math.Round(deep))
		sort.SliceStable(e.Pages, func(i, j int) bool {
			a, b := e.Pages[i], e.Pages[j]
			if a.Point != b.Point {
				return a.Point > b.Point
			}
			return a.Path < b.Path
		})
		if len(e.Pages) > hiddenPages {
			e.Pages = e.Pages[:hiddenPages]
		}
		out[id] = e
	}
	return out
}

// hiddenFit gathers the landing pages: the period's direct visits, and
// the sources' mixes of pages from every day up to the period's end, for
// a mix is a habit of the source, and a longer look sees more of it.
func (v *view) hiddenFit() *hiddenFit {
	inMix := func(d aggregate.Day) bool { return d <= v.cur.to }
	isDirect := func(s aggregate.Source) bool { return !s.Known && s.Name == rules.MediumDirect }
	// component names the part of the mixture a source's visits are in:
	// its catalog id, or otherSources for every source outside the
	// catalog, which may lose referrers too but cannot be named.
	component := func(s aggregate.Source) (string, bool) {
		switch {
		case s.Known:
			return s.Name, true
		case s.Name == rules.MediumDirect || s.Name == rules.MediumInternal:
			return "", false
		}
		return otherSources, true
	}
	// Pages are numbered as they are met, and components by their place
	// in f.ids. A page keeps the visits of each component on it in a
	// short list sorted by component: a million details go through here,
	// and a search of that list is a few times faster than a map keyed by
	// the pair, whose entries are spread over megabytes.
	type pageCounts struct {
		internal, search, all int64 // all: visits but direct ones
		direct                int64
		hasDirect             bool    // in direct visits' landing breakdown, on some day
		comps                 []int32 // sorted
		visits                []int64 // of comps[k]
	}
	var pageIDs valueIDs
	var pages []pageCounts
	// A source's recognised visits: all of them, also those on pages its
	// landing breakdown had no room for.
	totals := map[string]int64{}
	for _, g := range v.groups {
		if c, ok := component(g.Source); ok && inMix(g.Day) {
			totals[c] += g.Visits
		}
	}
	f := &hiddenFit{}
	for id := range totals {
		f.ids = append(f.ids, id)
	}
	sort.Strings(f.ids)
	index := map[string]int32{}
	for i, id := range f.ids {
		index[id] = int32(i)
	}
	// Details come sorted by day and source: the last source's part of
	// the mixture is remembered.
	var last aggregate.Source
	var lastComp int32
	var lastOK, lastSearch, seen bool
	// A page is on a day once for each source that landed there.
	for d, ref := range v.r.DetailsOf(aggregate.DimLanding) {
		if d.Value == aggregate.OtherValue {
			continue
		}
		direct := isDirect(d.Source)
		if !direct && !inMix(d.Day) {
			continue
		}
		pi := pageIDs.id(d.Value, ref)
		if int(pi) == len(pages) {
			pages = append(pages, pageCounts{})
		}
		p := &pages[pi]
		if direct {
			p.hasDirect = true
			if v.cur.has(d.Day) {
				p.direct += d.Visits
			}
			continue
		}
		p.all += d.Visits
		if !seen || d.Source != last {
			last, seen = d.Source, true
			var c string
			c, lastOK = component(d.Source)
			lastComp = index[c] // every source with visits has groups: it is in totals
			src, ok := v.cat.Source(d.Source.Name)
			lastSearch = ok && d.Source.Known && src.Medium == rules.MediumSearch
		}
		if !lastOK {
			p.internal += d.Visits
			continue
		}
		k, found := slices.BinarySearch(p.comps, lastComp)
		if !found {
			p.comps = slices.Insert(p.comps, k, lastComp)
			p.visits = slices.Insert(p.visits, k, 0)
		}
		p.visits[k] += d.Visits
		if lastSearch {
			p.search += d.Visits
		}
	}
	// When the direct visits' landing breakdown was full, only the pages
	// it kept have all their direct visits counted; the others are left
	// out of the fit.
	dropped, _ := v.r.Dropped()
	full := slices.ContainsFunc(dropped, func(x aggregate.Dropped) bool {
		return isDirect(x.Source) && x.Dim == aggregate.DimLanding
	})

	// Good-Turing: the share of a source's visits still to land on
	// unseen pages is about the share of pages seen once.
	once, all := make([]int64, len(f.ids)), make([]int64, len(f.ids))
	for _, p := range pages {
		for k, c := range p.comps {
			all[c] += p.visits[k]
			if p.visits[k] == 1 {
				once[c]++
			}
		}
	}
	for i, id := range f.ids {
		f.totals = append(f.totals, float64(totals[id]))
		u := 0.0
		if all[i] > 0 {
			u = math.Min(hiddenMaxUnseen, float64(once[i])/float64(all[i]))
		}
		f.unseen = append(f.unseen, u)
	}
	paths := pageIDs.names
	order := make([]int32, 0, len(paths))
	for pi, path := range paths {
		p := &pages[pi]
		if path == "/" || path == "" || len(p.comps) == 0 || full && !p.hasDirect ||
			float64(p.search+p.internal) > hiddenMaxOwned*float64(p.all) {
			continue
		}
		order = append(order, int32(pi))
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(paths[a], paths[b]) })
	for _, pi := range order {
		p := &pages[pi]
		hp := hiddenPage{path: paths[pi], direct: float64(p.direct)}
		for k, c := range p.comps {
			hp.srcs = append(hp.srcs, int(c))
			hp.rec = append(hp.rec, float64(p.visits[k]))
		}
		f.pages = append(f.pages, hp)
	}
	return f
}

// resample is one draw of the counts the fit is made on.
type resample struct {
	d, totals []float64
	rec       [][]float64
}

// draw fills r with the counts of f, each drawn again as a Poisson count.
func (r *resample) draw(f *hiddenFit, rng *splitmix) {
	copy(r.totals, f.totals)
	for i, p := range f.pages {
		r.d[i] = poisson(rng, p.direct)
		for k, n := range p.rec {
			r.rec[i][k] = poisson(rng, n)
			r.totals[p.srcs[k]] += r.rec[i][k] - n
		}
	}
}

// bootstrap returns, per source, the fit over hiddenBootstrap resampled
// counts, each fit started from h. Resample b draws from a stream of its
// own, seeded from b, so that the resamples are drawn and fitted on every
// core and a build is the same whichever core makes which.
func (f *hiddenFit) bootstrap(h []float64) [][]float64 {
	fits := make([][]float64, hiddenBootstrap)
	var next atomic.Int32
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), hiddenBootstrap) {
		wg.Go(func() {
			r := &resample{d: make([]float64, len(f.pages)), totals: make([]float64, len(f.totals)), rec: make([][]float64, len(f.pages))}
			for i := range f.pages {
				r.rec[i] = make([]float64, len(f.pages[i].rec))
			}
			var s fitScratch
			for {
				b := int(next.Add(1)) - 1
				if b >= hiddenBootstrap {
					return
				}
				seed := splitmix(b)
				rng := splitmix(seed.next() ^ 0x5eed)
				r.draw(f, &rng)
				q, reach := f.shares(r.totals, r.rec, &s)
				fits[b] = f.em(q, reach, r.d, h, hiddenBootIter, &s) // from the point fit: a resample moves it a little
			}
		})
	}
	wg.Wait()
	boot := make([][]float64, len(f.ids))
	for _, fit := range fits {
		for s, x := range fit {
			boot[s] = append(boot[s], x)
		}
	}
	return boot
}

func (f *hiddenFit) direct() []float64 {
	d := make([]float64, len(f.pages))
	for i, p := range f.pages {
		d[i] = p.direct
	}
	return d
}

// fitScratch is the memory of one fit, for the next to reuse: the
// bootstrap fits hundreds of resamples, each over every deep page, and
// made anew each time their shares and terms were 64 MB of what a build
// of 10M generated rows allocated.
type fitScratch struct {
	q          [][]float64
	all, reach []float64
	terms      emTerms
}

// zeroed returns s resized to n elements, all zero, reusing its memory
// where it is large enough.
func zeroed[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// shares returns, page by page, each source's share of its recognised
// visits that landed there (rec overrides the pages' own counts), and
// each source's share over all the deep pages. They are made in
// scratch's memory, if scratch is not nil, and valid until its next use.
func (f *hiddenFit) shares(totals []float64, rec [][]float64, scratch *fitScratch) (q [][]float64, reach []float64) {
	s := scratch
	if s == nil {
		s = new(fitScratch)
	}
	n := 0
	for _, p := range f.pages {
		n += len(p.rec)
	}
	s.q, s.all, s.reach = zeroed(s.q, len(f.pages)), zeroed(s.all, n), zeroed(s.reach, len(f.ids))
	q, reach, all := s.q, s.reach, s.all // q's rows, in one piece
	for i, p := range f.pages {
		r := p.rec
		if rec != nil {
			r = rec[i]
		}
		q[i], all = all[:len(r):len(r)], all[len(r):]
		for k, n := range r {
			if t := totals[p.srcs[k]]; t > 0 {
				q[i][k] = n / t
				reach[p.srcs[k]] += q[i][k]
			}
		}
	}
	return q, reach
}

// em fits every source's lost visits to the pages' direct visits d, in at
// most iters rounds. From start it runs plain rounds, as a resample's fit
// does; without, it starts from each page's direct visits shared out by
// recognised visits and runs the accelerated fit to convergence. Its
// terms are made in scratch's memory, if scratch is not nil.
func (f *hiddenFit) em(q [][]float64, reach, d, start []float64, iters int, scratch *fitScratch) []float64 {
	h := make([]float64, len(f.ids))
	if start != nil {
		copy(h, start)
	} else {
		for i, p := range f.pages {
			var all float64
			for k := range p.srcs {
				all += q[i][k] * f.totals[p.srcs[k]]
			}
			if all == 0 {
				continue
			}
			for k, s := range p.srcs {
				h[s] += d[i] * q[i][k] * f.totals[s] / all
			}
		}
		for s := range h {
			if reach[s] > 0 {
				h[s] /= reach[s]
			}
		}
	}
	// A source with no deep page in a resample still starts from
	// something, or it could never get back in.
	for s := range h {
		if reach[s] > 0 && h[s] == 0 && start != nil {
			h[s] = 1e-3
		}
	}
	if scratch == nil {
		scratch = new(fitScratch)
	}
	t := &scratch.terms
	t.reset(f, q, reach, d)
	if start == nil {
		h, _ = t.accelerated(h, iters)
		return h
	}
	next := make([]float64, len(h))
	for range iters {
		t.step(h, next, false)
		moved := movement(h, next)
		copy(h, next)
		if moved < hiddenTol {
			break
		}
	}
	return h
}

// emTerms is what a round of the fit reads: the pages with direct
// visits, their sources and shares laid end to end, for a loop that runs
// over them many times.
type emTerms struct {
	d     []float64 // direct visits per page
	off   []int     // page i's terms are srcs[off[i]:off[i+1]]
	srcs  []int
	q     []float64
	reach []float64

	scratch []float64 // a page's terms, h[s]*q, as long as the longest page's
}

// reset makes t the terms of q, reach and d, reusing t's memory.
func (t *emTerms) reset(f *hiddenFit, q [][]float64, reach, d []float64) {
	n := 0
	for _, p := range f.pages {
		n += len(p.srcs)
	}
	t.d, t.reach = t.d[:0], reach
	t.off = append(slices.Grow(t.off[:0], len(f.pages)+1), 0)
	t.srcs, t.q = slices.Grow(t.srcs[:0], n), slices.Grow(t.q[:0], n)
	for i, p := range f.pages {
		if d[i] == 0 {
			continue
		}
		t.d = append(t.d, d[i])
		t.srcs = append(t.srcs, p.srcs...)
		t.q = append(t.q, q[i]...)
		t.off = append(t.off, len(t.srcs))
		if len(p.srcs) > len(t.scratch) {
			t.scratch = make([]float64, len(p.srcs))
		}
	}
}

// step is one round of EM: next from h. If asked, it returns the
// log-likelihood of h (up to a constant), which no round lowers.
func (t *emTerms) step(h, next []float64, loglik bool) float64 {
	clear(next)
	var ll float64
	x := t.scratch
	for i, d := range t.d {
		ss, qq := t.srcs[t.off[i]:t.off[i+1]], t.q[t.off[i]:t.off[i+1]]
		qq, x = qq[:len(ss)], x[:len(ss)]
		var lambda float64
		for k, s := range ss {
			x[k] = h[s] * qq[k]
			lambda += x[k]
		}
		if lambda == 0 {
			continue
		}
		if loglik {
			ll += d * math.Log(lambda)
		}
		r := d / lambda
		for k, s := range ss {
			next[s] += x[k] * r
		}
	}
	for s := range next {
		ll -= h[s] * t.reach[s]
		if t.reach[s] > 0 {
			next[s] /= t.reach[s]
		} else {
			next[s] = 0
		}
	}
	return ll
}

// accelerated runs the fit from h to convergence with SQUAREM (Varadhan
// and Roland, 2008): two rounds of EM give a direction, a step along it
// goes as far as many rounds would, and one more round steadies it. Plain
// EM crawls on this fit: 2,000 rounds of it did not reach hiddenTol on
// 90 days of a shop's traffic, for estimates that head for zero, or drift
// between sources alike, move a little each round for ever. So the fit
// also stops when the likelihood no longer rises by hiddenLLTol: what is
// left is movement the data cannot tell from none. A step that would
// make an estimate negative is shortened, and one that lowers the
// likelihood is dropped for the two plain rounds. iters bounds the rounds
// of EM; it returns the fit and the rounds it took.
func (t *emTerms) accelerated(h []float64, iters int) ([]float64, int) {
	n := len(h)
	x1, x2, x, next := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	prev := math.Inf(-1)
	it := 0
	for ; it+3 <= iters; it += 3 {
		ll0 := t.step(h, x1, true)
		if ll0-prev < hiddenLLTol {
			break
		}
		prev = ll0
		t.step(x1, x2, false)
		var rr, vv float64
		for s := range h {
			r, v := x1[s]-h[s], x2[s]-2*x1[s]+h[s]
			rr += r * r
			vv += v * v
		}
		alpha := -1.0
		if vv > 0 {
			alpha = math.Min(-1, -math.Sqrt(rr/vv))
		}
		for k := 0; ; k++ {
			ok := true
			for s := range h {
				r, v := x1[s]-h[s], x2[s]-2*x1[s]+h[s]
				x[s] = h[s] - 2*alpha*r + alpha*alpha*v
				ok = ok && x[s] >= 0
			}
			if ok || alpha == -1 {
				break
			}
			alpha = (alpha - 1) / 2
			if k == 10 {
				alpha = -1 // x is then x2
			}
		}
		if t.step(x, next, true) < ll0 {
			copy(next, x2)
		}
		moved := movement(h, next)
		copy(h, next)
		if moved < hiddenTol {
			it += 3
			break
		}
	}
	return h, it
}

// movement is the largest change from h to next, as a share of the
// estimate (of one visit, for estimates under one).
func movement(h, next []float64) float64 {
	var moved float64
	for s := range h {
		moved = math.Max(moved, math.Abs(next[s]-h[s])/math.Max(h[s], 1))
	}
	return moved
}

// splitmix is a small deterministic random source for the bootstrap.
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// float returns a number in [0, 1).
func (s *splitmix) float() float64 { return float64(s.next()>>11) / (1 << 53) }

// poissonCDF holds, for each whole mean up to 30, the cumulative
// distribution poisson walks, summed as the walk would sum it: counts are
// whole numbers, and a resample draws millions of them.
var poissonCDF = func() (t [31][]float64) {
	for m := 1; m <= 30; m++ {
		p := math.Exp(-float64(m))
		cdf := p
		t[m] = append(t[m], cdf)
		for k := 1.0; k <= poissonMaxWalk; k++ {
			p *= float64(m) / k
			cdf += p
			t[m] = append(t[m], cdf)
		}
	}
	return t
}()

// poissonMaxWalk stops the walk when rounding leaves the sum short of u,
// for u within a rounding error of one.
const poissonMaxWalk = 200

// poisson draws a Poisson count of mean m: by inversion for small means
// (one uniform number, walked up the cumulative distribution), else from
// the normal approximation.
func poisson(s *splitmix, m float64) float64 {
	if m <= 0 {
		return 0
	}
	if m > 30 {
		// Box-Muller.
		u1, u2 := s.float(), s.float()
		z := math.Sqrt(-2*math.Log(1-u1)) * math.Cos(2*math.Pi*u2)
		return math.Max(0, math.Round(m+z*math.Sqrt(m)))
	}
	u := s.float()
	if k := int(m); float64(k) == m {
		cdf := poissonCDF[k]
		i := 0
		for i < len(cdf)-1 && u > cdf[i] {
			i++
		}
		return float64(i)
	}
	p := math.Exp(-m) // P(0)
	cdf := p
	k := 0.0
	for u > cdf && k < poissonMaxWalk {
		k++
		p *= m / k
		cdf += p
	}
	return k
}
