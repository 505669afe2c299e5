package cli

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/webmasterid/refreport/report"
)

// A check is one --fail-on condition: after a build that succeeded, CI can
// still be made to fail on what the report found.
type check struct {
	name  string
	limit float64 // for name>X checks, a share from 0 to 1
}

func (c check) String() string {
	if c.name == "unrecognised-share" || c.name == "bad-rows" {
		return fmt.Sprintf("%s>%s", c.name, strconv.FormatFloat(c.limit*100, 'g', -1, 64)+"%")
	}
	return c.name
}

// checksFlag is the repeatable, comma-separated --fail-on.
type checksFlag []check

func (c *checksFlag) String() string {
	var s []string
	for _, x := range *c {
		s = append(s, x.String())
	}
	return strings.Join(s, ",")
}

func (c *checksFlag) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		name, limit, hasLimit := strings.Cut(part, ">")
		switch name {
		case "stale-reviews", "no-data-for-as-of":
			if hasLimit {
				return fmt.Errorf("%s takes no limit", name)
			}
			*c = append(*c, check{name: name})
		case "unrecognised-share", "bad-rows":
			if !hasLimit {
				return fmt.Errorf("%s needs a limit, as in %s>5%%", name, name)
			}
			var s shareFlag
			if err := s.Set(limit); err != nil {
				return fmt.Errorf("%s: %v", name, err)
			}
			*c = append(*c, check{name: name, limit: float64(s)})
		default:
			return fmt.Errorf("unknown check %q (want stale-reviews, unrecognised-share>X, bad-rows>X, no-data-for-as-of)", part)
		}
	}
	return nil
}

// failed returns what each failing check found.
func (c checksFlag) failed(res *report.Result) []string {
	var out []string
	for _, x := range c {
		switch x.name {
		case "stale-reviews":
			if n := len(res.StaleReviews); n > 0 {
				out = append(out, fmt.Sprintf("stale-reviews: %s overdue (%s)", count(int64(n), "editorial review"), strings.Join(res.StaleReviews, ", ")))
			}
		case "no-data-for-as-of":
			if res.AsOfVisits == 0 {
				out = append(out, fmt.Sprintf("no-data-for-as-of: no visits on %s", res.AsOf))
			}
		case "unrecognised-share":
			if res.UnrecognisedShare > x.limit {
				out = append(out, fmt.Sprintf("%s: %.1f%% of visits came from unrecognised hosts", x, 100*res.UnrecognisedShare))
			}
		case "bad-rows":
			if share := badShare(res); share > x.limit {
				out = append(out, fmt.Sprintf("%s: %.2f%% of rows were skipped", x, 100*share))
			}
		}
	}
	return out
}

func badShare(res *report.Result) float64 {
	if res.Stats.Rows == 0 {
		return 0
	}
	return float64(res.Stats.SkippedRows()) / float64(res.Stats.Rows)
}

// isTerminal reports whether f is a terminal: progress lines are for
// people watching, not for logs.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
