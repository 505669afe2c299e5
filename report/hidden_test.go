package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/gen"
	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

// TestHiddenEstimateOnGen checks the estimate of lost referrals against
// gen's answer key. gen marks each direct visit it made from a stripped
// referrer with its true source (gen_true_source); the true hidden count
// of a source in a period is its visits that refreport read as direct.
// Over several 28-day periods, the true count must fall inside the stated
// range for most sources with enough traffic to judge.
func TestHiddenEstimateOnGen(t *testing.T) {
	const (
		periodDays = 28
		numPeriods = 4
		minHidden  = 40   // true hidden visits in a period for a pair to be judged
		minCover   = 0.80 // share of judged pairs whose true count is in the range
	)
	opts := gen.DefaultOptions()
	opts.Rows, opts.Days = 400_000, periodDays*numPeriods
	var data bytes.Buffer
	if err := gen.Write(&data, opts); err != nil {
		t.Fatal(err)
	}

	cat, m := shopRules(t)
	cl := m.NewClassifier()
	r := aggregate.New(time.UTC)

	// The answer key, read beside the visits: ingest ignores the column,
	// and the rows come in the same order.
	key := csv.NewReader(bytes.NewReader(data.Bytes()))
	head, err := key.Read()
	if err != nil {
		t.Fatal(err)
	}
	tsCol, srcCol := -1, -1
	for i, h := range head {
		switch h {
		case "ts":
			tsCol = i
		case gen.TrueSourceColumn:
			srcCol = i
		}
	}
	if tsCol < 0 || srcCol < 0 {
		t.Fatalf("no ts or %s column in %v", gen.TrueSourceColumn, head)
	}
	type pair struct {
		day aggregate.Day
		src string
	}
	truth := map[pair]int64{}
	in := ingest.NewReader(context.Background(), []ingest.Input{{Path: "-", Size: -1}},
		ingest.Options{Location: time.UTC, Stdin: bytes.NewReader(data.Bytes())})
	for in.Scan() {
		for i := range in.Batch() {
			v := &in.Batch()[i]
			rec, err := key.Read()
			if err != nil {
				t.Fatal(err)
			}
			if ts, err := time.Parse(time.RFC3339, rec[tsCol]); err != nil || ts.Unix() != v.Time {
				t.Fatalf("answer key out of step: %q, visit at %d", rec[tsCol], v.Time)
			}
			res := cl.Classify(v)
			r.Add(v, &res)
			if src := rec[srcCol]; src != "" && res.Evidence == rules.EvidenceDirect {
				if _, ok := cat.Source(src); !ok {
					t.Fatalf("gen_true_source %q of a direct visit is not a catalog source", src)
				}
				truth[pair{aggregate.DayOf(v.Time, time.UTC), src}]++
			}
		}
	}
	if err := in.Err(); err != nil {
		t.Fatal(err)
	}

	end := aggregate.DayFromDate(opts.End)
	var judged, covered, under, over, unstated int
	var sumTrue, sumPoint int64
	estimated := map[string]bool{}
	snap := r.Snapshot()
	groups := snap.Groups()
	for k := range numPeriods {
		asOf := end - aggregate.Day(k*periodDays)
		v := &view{cat: cat, r: snap, groups: groups, asOf: asOf}
		v.cur, v.prev = periods("28d", asOf)
		est := v.hiddenEstimates()
		hidden := map[string]int64{}
		for p, n := range truth {
			if v.cur.has(p.day) {
				hidden[p.src] += n
			}
		}
		ids := make([]string, 0, len(hidden))
		for id := range hidden {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			n, e := hidden[id], est[id]
			switch {
			case n < minHidden:
				t.Logf("%s %-10s true %5d: too few to judge", asOf, id, n)
				continue
			case e == nil:
				// The page says so and states no range.
				t.Logf("%s %-10s true %5d: not estimated", asOf, id, n)
				unstated++
				continue
			}
			estimated[id] = true
			verdict := "in range"
			switch {
			case n < e.Low:
				verdict = "under the range"
				under++
			case n > e.High:
				verdict = "over the range"
				over++
			default:
				covered++
			}
			judged++
			sumTrue += n
			sumPoint += e.Point
			t.Logf("%s %-10s true %5d  estimate %5d (%d–%d)  %s", asOf, id, n, e.Point, e.Low, e.High, verdict)
		}
	}
	if judged == 0 {
		t.Fatal("no source had enough hidden visits to judge")
	}
	cover := float64(covered) / float64(judged)
	t.Logf("true count inside the stated range in %d of %d (source, period) pairs (%.0f%%); %d under it, %d over it; points sum to %d against %d true; %d pairs not estimated",
		covered, judged, 100*cover, under, over, sumPoint, sumTrue, unstated)
	if cover < minCover {
		t.Errorf("true count inside the range in %.0f%% of pairs, want at least %.0f%%", 100*cover, 100*minCover)
	}
	if unstated > numPeriods {
		t.Errorf("%d (source, period) pairs not estimated, want at most one source's", unstated)
	}
	// The sources that lose most of their referrers must be estimated.
	for _, id := range []string{"aliexpress", "facebook", "instagram", "whatsapp"} {
		if !estimated[id] {
			t.Errorf("%s: never estimated", id)
		}
	}
}

// The accelerated fit reaches the maximum of the likelihood in a fraction
// of the rounds plain EM takes. Direct visits here are exactly what the
// true losses would give on every page, and every source has pages of its
// own, so the maximum is at the true losses, one of them zero.
func TestAcceleratedFitFindsTheMaximum(t *testing.T) {
	truth := []float64{1200, 0, 350, 40, 5000, 800}
	f := &hiddenFit{totals: make([]float64, len(truth))}
	for s := range truth {
		f.ids = append(f.ids, string(rune('a'+s)))
	}
	rng := splitmix(7)
	for i := range 60 {
		var p hiddenPage
		for s := range truth {
			// A page of its own for every source; other pages shared by a few.
			if i%len(truth) == s || rng.next()%3 == 0 {
				p.srcs = append(p.srcs, s)
				p.rec = append(p.rec, float64(1+rng.next()%500))
			}
		}
		for k, s := range p.srcs {
			f.totals[s] += p.rec[k]
		}
		f.pages = append(f.pages, p)
	}
	q, reach := f.shares(f.totals, nil, nil)
	d := make([]float64, len(f.pages))
	for i, p := range f.pages {
		for k, s := range p.srcs {
			d[i] += truth[s] * q[i][k]
		}
	}
	var terms emTerms
	terms.reset(f, q, reach, d)
	loglik := func(h []float64) float64 { return terms.step(h, make([]float64, len(h)), true) }

	start := f.em(q, reach, d, nil, 0, nil) // the starting point alone
	h, rounds := terms.accelerated(slices.Clone(start), hiddenMaxIter)
	for s, want := range truth {
		if h[s] < 0 || math.Abs(h[s]-want) > 0.01*want+1 {
			t.Errorf("source %s: fit %.2f, want %.0f", f.ids[s], h[s], want)
		}
	}
	// The fit stops once a round gains under hiddenLLTol: a few rounds' worth short of the top.
	if got, want := loglik(h), loglik(truth); got < want-10*hiddenLLTol {
		t.Errorf("log-likelihood %.6f at the fit, %.6f at the truth", got, want)
	}
	if rounds > hiddenMaxIter/4 {
		t.Errorf("%d rounds of EM, want under %d", rounds, hiddenMaxIter/4)
	}

	// Plain EM, as many rounds.
	plain := slices.Clone(start)
	next := make([]float64, len(plain))
	for range rounds {
		terms.step(plain, next, false)
		copy(plain, next)
	}
	t.Logf("log-likelihood after %d rounds: %.4f accelerated, %.4f plain, %.4f at the truth", rounds, loglik(h), loglik(plain), loglik(truth))
	if loglik(plain) >= loglik(h) {
		t.Errorf("plain EM as good as the accelerated fit after %d rounds", rounds)
	}
}

// The resamples' counts have the mean and variance of a Poisson count,
// and, below the normal approximation, its chance of zero.
func TestPoissonDraws(t *testing.T) {
	const n = 200_000
	rng := splitmix(1)
	for _, m := range []float64{0.5, 3, 12, 29, 45, 400} {
		var sum, sq, zeros float64
		for range n {
			x := poisson(&rng, m)
			if x < 0 || x != math.Trunc(x) {
				t.Fatalf("mean %g: drew %g", m, x)
			}
			sum += x
			sq += x * x
			if x == 0 {
				zeros++
			}
		}
		mean := sum / n
		variance := sq/n - mean*mean
		if math.Abs(mean-m) > 0.01*m {
			t.Errorf("mean %g: draws average %.4f", m, mean)
		}
		if math.Abs(variance-m) > 0.03*m {
			t.Errorf("mean %g: draws vary by %.4f", m, variance)
		}
		if want := math.Exp(-m); m <= 30 && math.Abs(zeros/n-want) > 0.002+0.02*want {
			t.Errorf("mean %g: %.4f of draws zero, want %.4f", m, zeros/n, want)
		}
	}
}

// TestHiddenFitFullDirectBreakdown checks that when the direct visits'
// landing breakdown was full, a page it had no room for is left out of
// the fit, since its direct visits are not known, and a page it kept on
// another day, even one after the period, stays in.
func TestHiddenFitFullDirectBreakdown(t *testing.T) {
	cat, m := shopRules(t)
	cl := m.NewClassifier()
	r := aggregate.New(time.UTC)
	add := func(date, path, referrer string, n int) {
		ts, err := time.Parse(time.DateOnly, date)
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			v := ingest.Visit{Time: ts.Unix() + 3600, URL: "https://shop.example.com" + path, Referrer: referrer, Weight: 1}
			res := cl.Classify(&v)
			r.Add(&v, &res)
		}
	}
	const fb = "https://www.facebook.com/"
	for i := range aggregate.MaxValues {
		add("2026-11-10", fmt.Sprintf("/d%d", i), "", 1)
	}
	add("2026-11-10", "/x", "", 1)     // no room: counted under Other
	add("2026-11-25", "/later", "", 1) // after the period, with room
	for _, p := range []string{"/x", "/d1", "/later"} {
		add("2026-11-10", p, fb, 3)
	}
	snap := r.Snapshot()
	asOf := aggregate.DayFromDate(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	v := &view{cat: cat, r: snap, groups: snap.Groups(), asOf: asOf}
	v.cur, v.prev = periods("28d", asOf)
	var paths []string
	for _, p := range v.hiddenFit().pages {
		paths = append(paths, p.path)
	}
	if want := []string{"/d1", "/later"}; !slices.Equal(paths, want) {
		t.Errorf("pages fitted %q, want %q", paths, want)
	}
}

// TestValueIDs checks that a value has one number whichever table its
// ref is in, and that values are numbered in the order they are met.
func TestValueIDs(t *testing.T) {
	var n valueIDs
	steps := []struct {
		value string
		ref   aggregate.ValueRef
		want  int32
	}{
		{"/a", aggregate.ValueRef{Table: 0, Index: 5}, 0},
		{"/b", aggregate.ValueRef{Table: 0, Index: 2}, 1},
		{"/a", aggregate.ValueRef{Table: 0, Index: 5}, 0},
		{"/b", aggregate.ValueRef{Table: 1, Index: 5}, 1}, // another table: index 5 is /b there
		{"/c", aggregate.ValueRef{Table: 1, Index: 2}, 2},
		{"/a", aggregate.ValueRef{Table: 1, Index: 9}, 0},
		{"/b", aggregate.ValueRef{Table: 1, Index: 5}, 1},
	}
	for i, s := range steps {
		if got := n.id(s.value, s.ref); got != s.want {
			t.Errorf("step %d: %s at %v numbered %d, want %d", i, s.value, s.ref, got, s.want)
		}
	}
	if want := []string{"/a", "/b", "/c"}; !slices.Equal(n.names, want) {
		t.Errorf("names %q, want %q", n.names, want)
	}
}
