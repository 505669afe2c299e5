package gen

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// rng draws from a PCG stream. Only PCG's Uint64 is used, never the
// math/rand helpers (IntN, Float64, ...), whose algorithms Go does not
// promise to keep; nor any floating point, which some architectures fuse
// differently. So the bytes for a seed are the same on every platform and
// Go release, and the committed sample files stay reproducible.
type rng struct{ p rand.PCG }

// Stream numbers keep the parts of the generator independent, so that, for
// example, turning on bad rows does not change the visits themselves.
const (
	streamPlan   = 0x9e3779b97f4a7c15 // the calendar: visits per day, spikes
	streamClock  = 0xbf58476d1ce4e5b9 // times within a day
	streamVisit  = 0x94d049bb133111eb // everything else about a visit
	streamBad    = 0xd6e8feb86659fd93 // which rows are malformed, and how
	streamTables = 0x2545f4914f6cdd1d // fixed seed: the long tail, products
)

func newRNG(seed, stream uint64) rng {
	var r rng
	r.p.Seed(seed, stream)
	return r
}

func (r *rng) u64() uint64 { return r.p.Uint64() }

// below returns an integer in [0, n) by Lemire's multiply-shift; the bias,
// under n/2^64, is irrelevant here. n must be > 0.
func (r *rng) below(n uint64) uint64 {
	hi, _ := bits.Mul64(r.p.Uint64(), n)
	return hi
}

func (r *rng) intn(n int) int { return int(r.below(uint64(n))) }

// pm reports true with probability permille/1000.
func (r *rng) pm(permille uint64) bool { return r.below(1000) < permille }

// between returns an integer in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// A table picks an index with probability proportional to its weight,
// in constant time: Vose's alias method, in integers so that it is exact
// and the same everywhere. One random number gives both the bucket (its
// high bits, times n) and the coin for the bucket (the low bits).
type table struct {
	thr   []uint64 // keep bucket i if the coin is below thr[i]
	alias []int32  // else take alias[i]
}

func newTable(weights []uint64) table {
	n := uint64(len(weights))
	var sum uint64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		panic("gen: table with no weight")
	}
	// Each bucket holds sum; weight i is worth w*n of it.
	t := table{thr: make([]uint64, n), alias: make([]int32, n)}
	p := make([]uint64, n)
	var small, large []int32
	for i, w := range weights {
		p[i] = w * n
		t.alias[i] = int32(i)
		if p[i] < sum {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small, large = small[:len(small)-1], large[:len(large)-1]
		t.thr[s], _ = bits.Div64(p[s], 0, sum) // p[s]/sum as a 64-bit fraction
		t.alias[s] = l
		p[l] -= sum - p[s]
		if p[l] < sum {
			small = append(small, l)
		} else {
			large = append(large, l)
		}
	}
	// What is left is full (the arithmetic is exact): always kept.
	for _, i := range append(small, large...) {
		t.thr[i] = math.MaxUint64
	}
	return t
}

func (t *table) pick(r *rng) int {
	hi, lo := bits.Mul64(r.u64(), uint64(len(t.thr)))
	if lo < t.thr[hi] {
		return int(hi)
	}
	return int(t.alias[hi])
}

// zipfTable weights rank k (from 0) by 1/(k+1).
func zipfTable(n int) table {
	w := make([]uint64, n)
	for k := range w {
		w[k] = (1 << 32) / uint64(k+1)
	}
	return newTable(w)
}

// A wstr is a string with a weight; strs picks among them.
type wstr struct {
	s string
	w uint64
}

type strs struct {
	items []wstr
	t     table
}

func newStrs(items ...wstr) *strs {
	w := make([]uint64, len(items))
	for i, it := range items {
		w[i] = it.w
	}
	return &strs{items: items, t: newTable(w)}
}

func (s *strs) pick(r *rng) string { return s.items[s.t.pick(r)].s }

const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// appendToken appends n URL-safe characters, the alphabet of click ids and
// short links.
func (r *rng) appendToken(b []byte, n int) []byte {
	for n > 0 {
		x := r.u64()
		for i := 0; i < 10 && n > 0; i++ {
			b = append(b, tokenChars[x&63])
			x >>= 6
			n--
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

func (r *rng) appendHex(b []byte, n int) []byte {
	for n > 0 {
		x := r.u64()
		for i := 0; i < 16 && n > 0; i++ {
			b = append(b, hexDigits[x&15])
			x >>= 4
			n--
		}
	}
	return b
}

func (r *rng) appendDigits(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, byte('0'+r.intn(10)))
	}
	return b
}
