package report

import (
	"math"
	"sort"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/render"
	"github.com/webmasterid/refreport/report/rules"
)

// The estimate of visits a source sent that arrived as direct.
//
// App taps and redirects strip referrers, so some of a source's visits
// arrive as direct. A direct visit that lands deep in the site, on a page
// the source also sends recognised visits to, is likely such a lost
// referral. For each such page the estimate takes the share of the page's
// recognised visits that came from the source and applies it to the
// page's direct visits; the range is that share's 95% Wilson interval,
// applied the same way. Home pages, and pages whose visits are mostly from
// search engines or from within the site, are left out: people reach them
// on purpose, typed or bookmarked. The estimate assumes a deep page's lost
// referrals come from its sources in the proportions its recognised visits
// do; it is shown as an estimate, never added into measured figures.
const (
	hiddenZ        = 1.96 // 95%
	hiddenMaxOwned = 0.5  // pages with more search and internal visits than this share are left out
	hiddenPages    = 10
)

type pageCounts struct {
	direct, internal, search, recognised int64
	bySource                             map[string]int64 // catalog source id -> visits
}

// hiddenEstimates returns the estimate for every catalog source that sent
// recognised visits to an eligible page in the period.
func (v *view) hiddenEstimates() map[string]*render.HiddenEstimate {
	pages := map[string]*pageCounts{}
	get := func(path string) *pageCounts {
		p := pages[path]
		if p == nil {
			p = &pageCounts{bySource: map[string]int64{}}
			pages[path] = p
		}
		return p
	}
	for _, d := range v.details {
		if d.Dim != aggregate.DimLanding || !v.cur.has(d.Day) || d.Value == aggregate.OtherValue {
			continue
		}
		p := get(d.Value)
		switch {
		case !d.Source.Known && d.Source.Name == rules.MediumDirect:
			p.direct += d.Visits
		case !d.Source.Known && d.Source.Name == rules.MediumInternal:
			p.internal += d.Visits
		default:
			p.recognised += d.Visits
			if d.Source.Known {
				p.bySource[d.Source.Name] += d.Visits
				if src, ok := v.cat.Source(d.Source.Name); ok && src.Medium == rules.MediumSearch {
					p.search += d.Visits
				}
			}
		}
	}
	paths := make([]string, 0, len(pages))
	for path, p := range pages {
		total := p.direct + p.internal + p.recognised
		if path == "/" || path == "" || p.direct == 0 || p.recognised == 0 ||
			float64(p.search+p.internal) > hiddenMaxOwned*float64(total) {
			continue
		}
		paths = append(paths, path)
	}
	sort.Strings(paths)

	out := map[string]*render.HiddenEstimate{}
	for _, path := range paths {
		p := pages[path]
		for id, n := range p.bySource {
			share := float64(n) / float64(p.recognised)
			lo, hi := wilson(n, p.recognised)
			e := out[id]
			if e == nil {
				e = &render.HiddenEstimate{}
				out[id] = e
			}
			hp := render.HiddenPage{
				Path: path, Direct: p.direct, Share: share,
				Low:   int64(math.Floor(lo * float64(p.direct))),
				Point: int64(math.Round(share * float64(p.direct))),
				High:  int64(math.Ceil(hi * float64(p.direct))),
			}
			e.Low += hp.Low
			e.Point += hp.Point
			e.High += hp.High
			e.Direct += p.direct
			e.Pages = append(e.Pages, hp)
		}
	}
	for _, e := range out {
		sort.SliceStable(e.Pages, func(i, j int) bool {
			if e.Pages[i].Point != e.Pages[j].Point {
				return e.Pages[i].Point > e.Pages[j].Point
			}
			return e.Pages[i].Path < e.Pages[j].Path
		})
		if len(e.Pages) > hiddenPages {
			e.Pages = e.Pages[:hiddenPages]
		}
	}
	return out
}

// wilson returns the 95% Wilson score interval of a share k/n.
func wilson(k, n int64) (lo, hi float64) {
	if n == 0 {
		return 0, 0
	}
	p, nf, z := float64(k)/float64(n), float64(n), hiddenZ
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}
