package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/render"
	"github.com/webmasterid/refreport/report/rules"
)

// hygiene lists what to change in the links a site tags itself: spellings
// of utm_source that only refreport folds together, utm_medium values no
// report knows, and tagged links that travelled to another source.
func (v *view) hygiene() render.HygienePage {
	type key struct {
		source aggregate.Source
		dim    aggregate.Dim
		value  string
	}
	counts := map[key]int64{}
	for _, d := range v.details {
		if !v.cur.has(d.Day) || d.Value == aggregate.OtherValue {
			continue
		}
		switch d.Dim {
		case aggregate.DimSpelling, aggregate.DimUTMMedium:
		case aggregate.DimHost:
			if !d.Source.Known {
				continue
			}
		default:
			continue
		}
		counts[key{d.Source, d.Dim, d.Value}] += d.Visits
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	// Sources by name, then most visits first, then by value.
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.source != b.source {
			return lessSource(a.source, b.source)
		}
		if a.dim != b.dim {
			return a.dim < b.dim
		}
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return a.value < b.value
	})

	known := knownMediums(v.cat)
	spellings := map[aggregate.Source]int{}
	for _, k := range keys {
		if k.dim == aggregate.DimSpelling && k.source.Known {
			spellings[k.source]++
		}
	}
	var p render.HygienePage
	for _, k := range keys {
		n := counts[k]
		link := v.sourceLink(k.source)
		src := render.Link{Text: k.source.Name}
		if link != nil {
			src = *link
		}
		switch k.dim {
		case aggregate.DimSpelling:
			if !k.source.Known {
				continue
			}
			want := v.recommendedSource(k.source.Name)
			if k.value == want && spellings[k.source] == 1 {
				continue // one spelling, the right one: nothing to change
			}
			advice := fmt.Sprintf("Keep: utm_source=%s is the spelling to use.", want)
			if k.value != want {
				advice = fmt.Sprintf("Where the link is yours, write utm_source=%s: refreport folds this spelling into %s, but most analytics tools count it as a source of its own.", want, src.Text)
			}
			p.Spellings = append(p.Spellings, render.HygieneRow{Source: src, Value: k.value, Visits: n, Advice: advice})
		case aggregate.DimUTMMedium:
			if known(k.value) {
				continue
			}
			advice := "Use a utm_medium from the vocabulary on the methodology page."
			if s, ok := v.cat.Source(k.source.Name); ok && k.source.Known {
				advice = fmt.Sprintf("Use a utm_medium from the vocabulary, such as utm_medium=%s for %s.", v.recommendedMedium(s), s.Name)
			}
			p.Mediums = append(p.Mediums, render.HygieneRow{Source: src, Value: k.value, Visits: n, Advice: advice})
		case aggregate.DimHost:
			other := v.hostSource(k.value)
			if !other.Known || other.Source == k.source.Name || other.Medium == rules.MediumEmail {
				// A mailbox is where tagged e-mail is read, not a place a
				// link travelled to.
				continue
			}
			otherName := other.Source
			if s, ok := v.cat.Source(other.Source); ok {
				otherName = s.Name
			}
			p.Travelled = append(p.Travelled, render.HygieneRow{Source: src, Value: k.value, Visits: n,
				Advice: fmt.Sprintf("A link tagged for %s was followed from %s. If you placed it there, tag it utm_source=%s; if it was shared there, the tag is working as meant.", src.Text, otherName, v.recommendedSource(other.Source))})
		}
	}
	return p
}

// sourceHygiene picks a source's rows out of the hygiene page.
func sourceHygiene(p *render.HygienePage, id string) []render.HygieneRow {
	var out []render.HygieneRow
	href := "sources/" + id + ".html"
	for _, rows := range [][]render.HygieneRow{p.Spellings, p.Mediums, p.Travelled} {
		for _, r := range rows {
			if r.Source.Href == href {
				out = append(out, r)
			}
		}
	}
	return out
}

// recommendedSource is the utm_source to write for a source: its page's
// recommendation, else its id.
func (v *view) recommendedSource(id string) string {
	if s, ok := v.cat.Source(id); ok && s.Page != nil && s.Page.Measuring != nil && s.Page.Measuring.UTMSource != "" {
		return s.Page.Measuring.UTMSource
	}
	return id
}

func (v *view) recommendedMedium(s *rules.Source) string {
	if s.Page != nil && s.Page.Measuring != nil && s.Page.Measuring.UTMMedium != "" {
		return s.Page.Measuring.UTMMedium
	}
	return s.Medium
}

// knownMediums reports whether a normalised utm_medium means something to
// the catalog: a medium id, one of its spellings, or a paid spelling.
func knownMediums(cat *rules.Catalog) func(string) bool {
	set := map[string]bool{}
	for _, m := range cat.Mediums {
		set[m.ID] = true
		for _, s := range m.UTMMedium {
			set[s] = true
		}
	}
	return func(s string) bool {
		s = strings.ToLower(strings.TrimSpace(s))
		return set[s] || cat.PaidPattern.MatchString(s)
	}
}
