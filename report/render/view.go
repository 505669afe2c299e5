package render

import "slices"

// sourceView lays out a source page: the seed page's sections in order,
// each with the site's own figures that bear on it beside the words.
type sourceView struct {
	*SourcePage
	Summary  []claimView
	Sections []sectionView
	Leftover []string // data blocks whose section the page does not have
	Cited    []citeView
}

type claimView struct {
	Text     string
	Verified bool  // Verified, and a citation on the page supports it
	Refs     []int // numbers of the supporting citations
}

type sectionView struct {
	ID, Title string
	Claims    []claimView
	Missing   bool // nothing to say: "Data not yet verified"
	List      bool // claims read as a list ("Common mistakes")
	Blocks    []string
}

type citeView struct {
	N int
	Citation
}

// dataBlocks places the site's figures beside the section they illustrate:
// the hosts beside what a referrer represents, the tag spellings beside
// how to measure, how visits were recognised beside how the source
// appears in analytics, landing pages beside the diagnostic use, the rules
// beside what refreport detects.
var dataBlocks = []struct {
	block    string
	sections []string
}{
	{"hosts", []string{"represents"}},
	{"utm", []string{"measuring"}},
	{"recognised", []string{"in-analytics", "in_analytics", "analytics"}},
	{"landing", []string{"diagnostic"}},
	{"hidden", []string{"diagnostic"}},
	{"hygiene", []string{"mistakes"}},
	{"rules", []string{"detects"}},
}

// listSections read as a list of separate points.
var listSections = map[string]bool{"mistakes": true}

func newSourceView(p *SourcePage) *sourceView {
	v := &sourceView{SourcePage: p}
	num := map[string]int{}
	for i, c := range p.Citations {
		if _, dup := num[c.ID]; !dup {
			num[c.ID] = i + 1
		}
		v.Cited = append(v.Cited, citeView{i + 1, c})
	}
	claims := func(cs []Claim) []claimView {
		out := make([]claimView, 0, len(cs))
		for _, c := range cs {
			cv := claimView{Text: c.Text}
			for _, id := range c.Citations {
				if n, ok := num[id]; ok && !slices.Contains(cv.Refs, n) {
					cv.Refs = append(cv.Refs, n)
				}
			}
			slices.Sort(cv.Refs)
			cv.Verified = c.Verified && len(cv.Refs) > 0
			out = append(out, cv)
		}
		return out
	}
	v.Summary = claims(p.Summary)
	placed := map[string]int{}
	for i, s := range p.Sections {
		sv := sectionView{ID: s.ID, Title: s.Title, Claims: claims(s.Claims), List: listSections[s.ID]}
		sv.Missing = s.Missing || len(sv.Claims) == 0
		if sv.Title == "" {
			sv.Title = "Notes"
		}
		for _, b := range dataBlocks {
			for _, id := range b.sections {
				if _, done := placed[b.block]; !done && s.ID == id {
					sv.Blocks = append(sv.Blocks, b.block)
					placed[b.block] = i
				}
			}
		}
		v.Sections = append(v.Sections, sv)
	}
	for _, b := range dataBlocks {
		if _, done := placed[b.block]; !done {
			v.Leftover = append(v.Leftover, b.block)
		}
	}
	return v
}
