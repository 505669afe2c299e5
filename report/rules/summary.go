package rules

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Summary describes a catalog for `refreport validate`: what it covers and
// how much of its editorial content is verified.
type Summary struct {
	File string
	Hash string
	AsOf time.Time // the day reviews are judged overdue on

	Sources   int
	PerMedium []MediumCount // vocabulary order; mediums no source has are left out

	Hosts         int // host and {} patterns, path rules excluded
	PathRules     int
	Excludes      int
	Redirects     int
	Apps          int
	UTMAliases    int // utm_sources entries, ids not counted
	ClickIDs      int
	InternalHosts int
	SpamHosts     int

	WithPage          int // sources with editorial content
	Verified          int // of those with a page
	PartiallyVerified int
	Unverified        int
	Overdue           []string // ids of pages past their review date, sorted
}

// MediumCount is how many sources have a medium.
type MediumCount struct {
	Medium  string
	Sources int
}

// Summary counts the catalog's contents as of a day.
func (c *Catalog) Summary(asOf time.Time) Summary {
	s := Summary{File: c.File, Hash: c.Hash, AsOf: asOf, Sources: len(c.Sources)}
	perMedium := make(map[string]int)
	for _, src := range c.Sources {
		perMedium[src.Medium]++
		for _, h := range src.Hosts {
			if strings.Contains(h, "/") {
				s.PathRules++
			} else {
				s.Hosts++
			}
		}
		s.Excludes += len(src.Exclude)
		s.Redirects += len(src.Redirects)
		s.Apps += len(src.Apps)
		s.UTMAliases += len(src.UTMSources)
		if p := src.Page; p != nil {
			s.WithPage++
			switch p.Status {
			case Verified:
				s.Verified++
			case PartiallyVerified:
				s.PartiallyVerified++
			default:
				s.Unverified++
			}
			if p.Overdue(asOf) {
				s.Overdue = append(s.Overdue, src.ID)
			}
		}
	}
	for _, m := range vocabulary {
		if n := perMedium[m]; n > 0 {
			s.PerMedium = append(s.PerMedium, MediumCount{m, n})
		}
	}
	sort.Strings(s.Overdue)
	s.ClickIDs = len(c.ClickIDs)
	s.InternalHosts = len(c.InternalHosts)
	s.SpamHosts = len(c.SpamHosts)
	return s
}

// WriteTo prints the summary as the validate command shows it.
func (s Summary) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: valid (sha256 %s)\n", s.File, s.Hash)
	fmt.Fprintf(&b, "sources: %d\n", s.Sources)
	for _, m := range s.PerMedium {
		fmt.Fprintf(&b, "  %-18s %d\n", m.Medium, m.Sources)
	}
	fmt.Fprintf(&b, "hosts: %d (path rules %d, excludes %d, redirects %d)\n", s.Hosts, s.PathRules, s.Excludes, s.Redirects)
	fmt.Fprintf(&b, "apps: %d\n", s.Apps)
	fmt.Fprintf(&b, "utm_source aliases: %d\n", s.UTMAliases)
	fmt.Fprintf(&b, "click ids: %d\n", s.ClickIDs)
	fmt.Fprintf(&b, "internal hosts: %d\n", s.InternalHosts)
	fmt.Fprintf(&b, "spam hosts: %d\n", s.SpamHosts)
	fmt.Fprintf(&b, "editorial pages: %d of %d sources (%s)\n", s.WithPage, s.Sources, percent(s.WithPage, s.Sources))
	fmt.Fprintf(&b, "  verified:           %d (%s)\n", s.Verified, percent(s.Verified, s.WithPage))
	fmt.Fprintf(&b, "  partially verified: %d (%s)\n", s.PartiallyVerified, percent(s.PartiallyVerified, s.WithPage))
	fmt.Fprintf(&b, "  unverified:         %d (%s)\n", s.Unverified, percent(s.Unverified, s.WithPage))
	fmt.Fprintf(&b, "reviews overdue on %s: %d\n", s.AsOf.UTC().Format(time.DateOnly), len(s.Overdue))
	for _, id := range s.Overdue {
		fmt.Fprintf(&b, "  %s\n", id)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

func (s Summary) String() string {
	var b strings.Builder
	s.WriteTo(&b)
	return b.String()
}

func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}
