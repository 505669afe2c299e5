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
// report knows, tagged links that travelled to another source, and
// campaigns seen with only some of their tags (from partialCampaigns).
func (v *view) hygiene(campaigns []render.HygieneCampaign) render.HygienePage {
	type key struct {
		source aggregate.Source
		dim    aggregate.Dim
		value  string
	}
	counts := map[key]int64{}
	for d := range v.r.DetailsOf(aggregate.DimSpelling, aggregate.DimUTMMedium, aggregate.DimHost) {
		if !v.cur.has(d.Day) || d.Value == aggregate.OtherValue || d.Dim == aggregate.DimHost && !d.Source.Known {
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
	p.Campaigns = campaigns
	if len(campaigns) > topCampaigns {
		p.Campaigns = campaigns[:topCampaigns:topCampaigns]
		for _, c := range campaigns[topCampaigns:] {
			p.CampaignsOther++
			p.CampaignsOtherPartial += c.Partial
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

// Rows of partial campaigns shown on the hygiene page, and on a source page.
const (
	topCampaigns       = 30
	topSourceCampaigns = 10
)

// sourceCampaigns picks a source's partial campaigns out of all of them.
func sourceCampaigns(all []render.HygieneCampaign, id string) []render.HygieneCampaign {
	var out []render.HygieneCampaign
	href := "sources/" + id + ".html"
	for _, c := range all {
		if c.Source.Href == href && len(out) < topSourceCampaigns {
			out = append(out, c)
		}
	}
	return out
}

// tagMasks are the DimTags masks, all three tags first, then by how many
// are missing.
var tagMasks = []struct{ mask, label string }{
	{"smc", "all three tags"},
	{"sm-", "without utm_campaign"},
	{"s-c", "without utm_medium"},
	{"-mc", "without utm_source"},
	{"s--", "utm_source only"},
	{"-m-", "utm_medium only"},
	{"--c", "utm_campaign only"},
}

// partialCampaigns lists the campaigns seen with only some of utm_source,
// utm_medium and utm_campaign, by source, and each source's tagged visits
// without a campaign: most visits without all three tags first.
func (v *view) partialCampaigns() []render.HygieneCampaign {
	type key struct {
		source   aggregate.Source
		campaign string
	}
	sets := map[key]map[string]int64{}
	media := map[aggregate.Source]map[string]int64{} // utm_medium values in the vocabulary, by source
	known := knownMediums(v.cat)
	for d := range v.r.DetailsOf(aggregate.DimTags, aggregate.DimUTMMedium) {
		if !v.cur.has(d.Day) || d.Value == aggregate.OtherValue {
			continue
		}
		switch d.Dim {
		case aggregate.DimTags:
			mask, campaign, ok := strings.Cut(d.Value, ":")
			if !ok || len(mask) != 3 {
				continue
			}
			k := key{d.Source, campaign}
			if sets[k] == nil {
				sets[k] = map[string]int64{}
			}
			sets[k][mask] += d.Visits
		case aggregate.DimUTMMedium:
			if known(d.Value) {
				if media[d.Source] == nil {
					media[d.Source] = map[string]int64{}
				}
				media[d.Source][d.Value] += d.Visits
			}
		}
	}
	var out []render.HygieneCampaign
	for k, m := range sets {
		c := render.HygieneCampaign{Campaign: k.campaign}
		missing := [3]bool{}
		for _, tm := range tagMasks {
			n := m[tm.mask]
			if n == 0 {
				continue
			}
			c.Visits += n
			if tm.mask != "smc" {
				c.Partial += n
				for i := range missing {
					missing[i] = missing[i] || tm.mask[i] == '-'
				}
			}
			c.Sets = append(c.Sets, render.TagSet{Tags: tm.label, Visits: n})
		}
		if c.Partial == 0 {
			continue
		}
		// Most visits first; tagMasks' order among equals.
		sort.SliceStable(c.Sets, func(i, j int) bool { return c.Sets[i].Visits > c.Sets[j].Visits })
		c.Source = render.Link{Text: k.source.Name}
		if l := v.sourceLink(k.source); l != nil {
			c.Source = *l
		} else if name := v.medName[k.source.Name]; !k.source.Known && name != "" &&
			(k.source.Name == rules.MediumDirect || k.source.Name == rules.MediumInternal) {
			c.Source.Text = name
		}
		c.Advice = v.campaignAdvice(k.source, k.campaign, missing, m["smc"] > 0, aggregate.MostVisits(media[k.source]))
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		switch {
		case a.Partial != b.Partial:
			return a.Partial > b.Partial
		case a.Visits != b.Visits:
			return a.Visits > b.Visits
		case a.Source.Text != b.Source.Text:
			return a.Source.Text < b.Source.Text
		case a.Source.Href != b.Source.Href:
			return a.Source.Href < b.Source.Href
		}
		return a.Campaign < b.Campaign
	})
	return out
}

// campaignAdvice says what to add to the links of a campaign seen without
// some of its tags: missing says which of utm_source, utm_medium and
// utm_campaign some visits lacked, full whether others had all three,
// medium the source's most common utm_medium in the vocabulary ("" if none).
func (v *view) campaignAdvice(src aggregate.Source, campaign string, missing [3]bool, full bool, medium string) string {
	if !src.Known && src.Name == rules.MediumInternal {
		return "These visits came from links within your own site that carry UTM tags. Remove the tags from internal links: they restart the visit as a new campaign in most analytics tools."
	}
	cat, inCatalog := v.cat.Source(src.Name)
	inCatalog = inCatalog && src.Known
	name := src.Name
	if inCatalog {
		name = cat.Name
	}
	var add []string
	if missing[0] {
		if inCatalog {
			add = append(add, "utm_source="+v.recommendedSource(src.Name))
		} else {
			add = append(add, "a utm_source naming the site or app the link is placed on")
		}
	}
	if missing[1] {
		switch {
		case medium != "":
			add = append(add, fmt.Sprintf("utm_medium=%s (the medium most tagged visits from %s carry)", medium, name))
		case inCatalog:
			add = append(add, fmt.Sprintf("utm_medium=%s (recommended for %s)", v.recommendedMedium(cat), cat.Name))
		default:
			add = append(add, "a utm_medium from the vocabulary on the methodology page")
		}
	}
	if missing[2] {
		add = append(add, "a utm_campaign naming the campaign")
	}
	what := strings.Join(add, " and ")
	if campaign == "" {
		return fmt.Sprintf("Where the links are yours, add %s: without it, these visits cannot be told apart by campaign.", what)
	}
	s := fmt.Sprintf("Where the links are yours, add %s to the links of campaign %s", what, shortQuote(campaign))
	if full {
		s += ": some of its links already carry all three tags, the others should too."
	} else {
		s += "."
	}
	return s
}

// shortQuote quotes a campaign for a sentence, cut to a readable length;
// the page shows the whole value beside it.
func shortQuote(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return "“" + s + "”"
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
