package report

import (
	"fmt"
	"time"

	"github.com/webmasterid/refreport/report/aggregate"
)

// A period is a range of days, both ends included.
type period struct {
	from, to aggregate.Day
	label    string
}

func (p period) days() int { return int(p.to-p.from) + 1 }

func (p period) has(d aggregate.Day) bool { return d >= p.from && d <= p.to }

// Periods are named by --period.
var periodNames = []string{"7d", "28d", "90d", "month"}

// CheckPeriod reports whether name is a --period value.
func CheckPeriod(name string) error {
	for _, n := range periodNames {
		if n == name {
			return nil
		}
	}
	return fmt.Errorf("--period %s: want one of 7d, 28d, 90d, month", name)
}

// periods returns the period of the report ending at asOf and the one it
// is compared with. A period of N days is compared with the N days before
// it; "month" is the calendar month up to asOf, compared with the same
// days of the month before (cut at that month's end).
func periods(name string, asOf aggregate.Day) (cur, prev period) {
	n := 28
	switch name {
	case "7d":
		n = 7
	case "90d":
		n = 90
	case "month":
		t := asOf.Date()
		first := aggregate.DayFromDate(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC))
		prevFirst := aggregate.DayFromDate(time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, time.UTC))
		prevTo := prevFirst + (asOf - first)
		if prevTo >= first {
			prevTo = first - 1
		}
		return period{first, asOf, t.Format("January 2006") + " to date"},
			period{prevFirst, prevTo, prevFirst.Date().Format("January 2006") + ", same days"}
	}
	cur = period{asOf - aggregate.Day(n) + 1, asOf, fmt.Sprintf("%d days", n)}
	prev = period{cur.from - aggregate.Day(n), cur.from - 1, fmt.Sprintf("the %d days before", n)}
	return cur, prev
}

// defaultAsOf is the last complete day in the data: the day of the latest
// visit when that visit came in the last hour of its day, else the day
// before. A nightly export taken at 02:00 holds two hours of today, which
// is not a day to report on.
func defaultAsOf(latest int64, loc *time.Location) aggregate.Day {
	d := aggregate.DayOf(latest, loc)
	if aggregate.DayOf(latest+3600, loc) == d {
		return d - 1
	}
	return d
}
