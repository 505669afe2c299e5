package gen

import (
	"math/bits"
	"slices"
)

const secondsPerDay = 86400

// Relative traffic by weekday, Sunday first: shops see less on weekends.
var weekdayWeight = [7]uint64{640, 1000, 1030, 1010, 990, 930, 700}

// Relative traffic by UTC hour: the audience is mostly European, with an
// evening peak and a night trough.
var hourWeight = [24]uint64{
	18, 12, 9, 7, 6, 7, 12, 22, 35, 45, 52, 56,
	58, 57, 55, 54, 56, 60, 66, 72, 74, 68, 52, 32,
}

// A spike is a day with extra traffic from one source: a newsletter sent,
// a post that took off. The extra visits come from that source, so that a
// report over the sample shows a spike with a cause.
type spike uint8

const (
	spikeNone spike = iota
	spikeNewsletter
	spikeReddit
	spikeHackerNews
	spikeFacebook
)

type dayPlan struct {
	n        int64 // visits on the day
	midnight int64 // Unix seconds
	date     [11]byte
	spike    spike
	spikePM  uint64 // permille of the day's visits that the spike brought
}

// clock hands out visit times in order: Days days ending at End, visits
// per day from the plan, and within a day a diurnal shape. It keeps counts
// per minute of the current day only, so its memory does not depend on the
// number of rows.
type clock struct {
	r       rng
	days    []dayPlan
	minutes table // diurnal weights by minute of the day

	day     int // current day, -1 before the first
	perMin  [1440]uint32
	min     int
	perSec  [60]uint32
	sec     int
	left    uint32 // visits still to hand out in the current second
	pending int64  // visits still to hand out on the current day
}

// newClock plans rows visits over days days, the last starting at
// lastMidnight (Unix seconds).
func newClock(seed uint64, rows int64, days int, lastMidnight int64) *clock {
	c := &clock{r: newRNG(seed, streamClock), day: -1}
	mw := make([]uint64, 1440)
	for m := range mw {
		h, j := m/60, uint64(m%60)
		mw[m] = hourWeight[h]*(60-j) + hourWeight[(h+1)%24]*j
	}
	c.minutes = newTable(mw)

	plan := newRNG(seed, streamPlan)
	c.days = make([]dayPlan, days)
	weights := make([]uint64, days)
	for d := range c.days {
		p := &c.days[d]
		p.midnight = lastMidnight - int64(days-1-d)*secondsPerDay
		unixDay := p.midnight / secondsPerDay
		p.date = dateString(unixDay)
		wd := (unixDay + 4) % 7 // 1970-01-01 was a Thursday
		trend := uint64(1000)
		if days > 1 {
			trend += uint64(120 * d / (days - 1)) // a mild rise over the period
		}
		weights[d] = weekdayWeight[wd] * trend * uint64(plan.between(920, 1080))
		if plan.pm(30) {
			c.spike(&plan, d, weights)
		}
	}
	// A period of a few weeks without a spike looks too tidy for a demo.
	if days >= 14 && !slices.ContainsFunc(c.days, func(p dayPlan) bool { return p.spike != spikeNone }) {
		c.spike(&plan, plan.intn(days), weights)
	}
	var total uint64
	for _, w := range weights {
		total += w
	}
	// Each day gets its share of rows, rounded so that the days add up to
	// exactly rows: day d ends at rows*cum(d)/total.
	var cum uint64
	var prev int64
	for d := range c.days {
		cum += weights[d]
		hi, lo := bits.Mul64(uint64(rows), cum)
		end, _ := bits.Div64(hi, lo, total)
		c.days[d].n = int64(end) - prev
		prev = int64(end)
	}
	return c
}

// spike makes day d a spiky day: more visits, the extra ones from one
// source.
func (c *clock) spike(plan *rng, d int, weights []uint64) {
	p := &c.days[d]
	wd := (p.midnight/secondsPerDay + 4) % 7
	factor := uint64(plan.between(150, 300)) // percent
	weights[d] = weights[d] * factor / 100
	p.spikePM = 1000 - 100000/factor
	if wd >= 1 && wd <= 5 && plan.pm(500) {
		p.spike = spikeNewsletter // sent on a weekday
	} else {
		p.spike = spikeReddit + spike(plan.intn(3))
	}
}

// next returns the next visit's time and its day's plan, or ok false when
// all rows have been handed out.
func (c *clock) next() (ts int64, p *dayPlan, ok bool) {
	for c.left == 0 {
		if c.pending == 0 {
			if !c.nextDay() {
				return 0, nil, false
			}
		}
		c.sec++
		if c.sec == 60 {
			c.nextMinute()
		}
		c.left = c.perSec[c.sec]
	}
	c.left--
	c.pending--
	p = &c.days[c.day]
	return p.midnight + int64(c.min*60+c.sec), p, true
}

// nextDay moves to the next day with visits and spreads them over its
// minutes.
func (c *clock) nextDay() bool {
	for {
		c.day++
		if c.day >= len(c.days) {
			c.day = len(c.days) - 1
			return false
		}
		if n := c.days[c.day].n; n > 0 {
			c.pending = n
			break
		}
	}
	clear(c.perMin[:])
	for i := c.pending; i > 0; i-- {
		c.perMin[c.minutes.pick(&c.r)]++
	}
	c.min = -1
	c.sec = 59 // so that next moves straight on to the first minute
	return true
}

// nextMinute moves to the next minute with visits and spreads them over
// its seconds.
func (c *clock) nextMinute() {
	c.min++
	for c.min < len(c.perMin)-1 && c.perMin[c.min] == 0 {
		c.min++
	}
	clear(c.perSec[:])
	for i := c.perMin[c.min]; i > 0; i-- {
		c.perSec[c.r.intn(60)]++
	}
	c.sec = 0
}

// dateString formats a day since 1970-01-01 as "YYYY-MM-DDT" (Howard
// Hinnant's civil_from_days; days are never negative here).
func dateString(days int64) [11]byte {
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	var b [11]byte
	b[0] = byte('0' + y/1000%10)
	b[1] = byte('0' + y/100%10)
	b[2] = byte('0' + y/10%10)
	b[3] = byte('0' + y%10)
	b[4] = '-'
	b[5] = byte('0' + m/10)
	b[6] = byte('0' + m%10)
	b[7] = '-'
	b[8] = byte('0' + d/10)
	b[9] = byte('0' + d%10)
	b[10] = 'T'
	return b
}

// appendTime appends ts as RFC 3339 UTC, "2026-11-24T10:15:03Z", using the
// day's precomputed date.
func appendTime(b []byte, p *dayPlan, ts int64) []byte {
	b = append(b, p.date[:]...)
	s := int(ts - p.midnight)
	h, m, sec := s/3600, s/60%60, s%60
	return append(b,
		byte('0'+h/10), byte('0'+h%10), ':',
		byte('0'+m/10), byte('0'+m%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), 'Z')
}
