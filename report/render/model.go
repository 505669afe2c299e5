package render

// The page models. Everything here is finished: sorted, summed, shares
// computed, strings ready to print. Strings that came from visit data
// (hosts, referrers, utm values, landing pages) are untrusted and reach
// the page only through html/template's escaping.

// Site is the whole report: every page's model.
type Site struct {
	Info        SiteInfo
	Index       IndexPage
	Sources     []SourcePage // one per page to write, sorted by ID
	Mediums     []MediumPage // one per medium with visits, in vocabulary order
	Unknown     UnrecognisedPage
	Quality     QualityPage
	Methodology MethodologyPage
	Hygiene     HygienePage
}

// SiteInfo is what every page shows in its header and footer.
type SiteInfo struct {
	Title        string
	AsOf         string // YYYY-MM-DD
	Period       Period
	Previous     Period
	Coverage     Period // first and last day with data
	RulesVersion string // first 12 hex digits of the sources.yaml sha256
	RulesHash    string // all of it
	Nav          []Link // the site's sections, for the nav on every page
}

// Period is a range of days, both ends included.
type Period struct {
	From, To string // YYYY-MM-DD
	Days     int
	Label    string // "28 days", "November 2026"
}

// Link is a link within the site. Href is relative to the site root; the
// renderer makes it relative to each page, so the site works under any
// URL prefix and from disk.
type Link struct {
	Href string // e.g. "sources/aliexpress.html"; never from visit data
	Text string
}

// Change compares a figure with the previous period.
type Change struct {
	Current, Previous int64
	New               bool    // no visits in the previous period: shown as "new"
	Ratio             float64 // Current/Previous - 1 when !New; 0.25 is +25%
}

// Row is a line of a ranking: a name, its visits and their share.
type Row struct {
	Link   *Link  // nil when the name has no page
	Name   string // display name, or the raw value for data rows
	Note   string // a short qualifier: "not in catalog", "spam", ...
	Visits int64
	Share  float64 // of the table's total, 0 to 1
	Change *Change // nil where there is no comparison
}

// Table is a ranking with a bounded number of rows; what did not fit is
// summed in Other.
type Table struct {
	Rows       []Row
	Other      int64 // visits in rows not shown ("other"), 0 if none
	OtherCount int   // how many values were summed into Other
	Total      int64
	Truncated  bool   // values were dropped while aggregating (a memory cap); Other includes them
	EmptyText  string // shown when there are no rows
	CSV, JSON  string // site-root-relative paths of the data files behind it
}

// Series is one named line or bar stack of a chart, one value per label.
type Series struct {
	Name   string
	Values []int64
}

// Chart is a chart and the table of the same numbers beside it. The
// renderer draws it with ECharts and also writes the table, so the figures
// are readable with JavaScript off and by screen readers.
type Chart struct {
	ID      string // fixed, e.g. "chart-daily-mediums"; unique on its page
	Title   string
	Kind    string   // "stacked-bar", "line", "bar"
	Labels  []string // x axis: days (YYYY-MM-DD) or names
	Series  []Series
	Caption string
	CSV     string // site-root-relative path of the data file
	JSON    string
}

// IndexPage is index.html.
type IndexPage struct {
	Visits       Change // all visits, internal included
	Internal     int64  // navigation within the site: counted, kept out of rankings and shares
	External     int64  // visits that rank: Visits.Current - Internal
	NoReferrer   Share  // visits with no referrer, of External
	Tagged       Share  // visits with a utm_source tag, of External
	Daily        Chart  // visits per day, stacked by medium
	TopSources   Table  // with Change
	Mediums      Table  // with Change, linked to medium pages
	Unrecognised Share  // visits from hosts no rule knows, of External
	Warnings     []string
	Directory    []LinkGroup // every source page, grouped by medium: the index links to every page
}

// LinkGroup is a titled list of links.
type LinkGroup struct {
	Title Link
	Links []Link
}

// Share is a count and its share of a total.
type Share struct {
	Visits int64
	Total  int64
	Share  float64
}

// Claim is one editorial statement with its verification.
type Claim struct {
	Text      string
	Verified  bool     // a citation supports it
	Citations []string // ids of the page's citations that support it
}

// Section is one editorial section of a source page.
type Section struct {
	ID     string // fragment id, fixed: "represents", "measuring", ...
	Title  string // "What an AliExpress referrer represents"
	Claims []Claim
	// Missing is set when the catalog has nothing for this section: the
	// page says "Data not yet verified" instead of an empty heading.
	Missing bool
}

// Citation is a source of a verified claim.
type Citation struct {
	ID       string
	URL      string // from sources.yaml, checked to be http(s)
	Title    string
	Accessed string
}

// Evidence is how a source's visits were recognised.
type Evidence struct {
	Kind   string // "utm", "referrer", "redirect", "click_id", "app"
	Label  string // "UTM tag", "Referrer", ...
	Visits int64
	Share  float64
}

// SourcePage is sources/<id>.html, laid out like the editorial pages it
// stands beside: summary, status, then the seed page's sections in order,
// with the site's own data alongside.
type SourcePage struct {
	ID, Name      string
	Medium        Link   // the source's medium page
	Status        string // "Verified", "Partially verified", "Not yet verified"
	StatusKind    string // "verified", "partial", "unverified": a CSS class
	LastReviewed  string // YYYY-MM-DD or "" (then "Data not yet verified")
	ReviewOverdue bool
	Recommended   string // recommended tags, "utm_source=x&utm_medium=y", from the catalog; "" if none
	Summary       []Claim
	Sections      []Section // in the seed page's order
	Related       []Link
	Citations     []Citation

	// The site's own data.
	Visits     Change
	LowVolume  bool  // under 30 visits in the period: "Data not yet verified: low volume"
	Daily      Chart // this period against the last, per day
	Recognised []Evidence
	Hosts      Table // referrer hosts that folded into the source
	Spellings  Table // utm_source values as seen, untrimmed
	UTMMediums Table
	Campaigns  Table
	Landing    Table // top landing pages
	ByMedium   Table // when a source appears under several mediums (paid and organic)

	Hygiene          []HygieneRow      // this source's rows of the hygiene page
	HygieneCampaigns []HygieneCampaign // and its campaigns seen with only some tags
	Hidden           *HiddenEstimate   // nil when there is nothing to estimate from

	// The rules that recognise it, for the methodology of this one source.
	Rules SourceRules
}

// tables returns p's tables, so that the renderer, which writes each one's
// CSV download, and the model's checks cannot miss one the other has.
func (p *SourcePage) tables() []*Table {
	return []*Table{&p.Hosts, &p.Spellings, &p.UTMMediums, &p.Campaigns, &p.Landing, &p.ByMedium}
}

// SourceRules lists a source's rules as written in sources.yaml.
type SourceRules struct {
	Hosts, Exclude, Apps, UTMSources, ClickIDs, UserAgents []string
	Redirects                                              []string // "s.click.aliexpress.com (affiliate)"
}

// MediumPage is mediums/<medium>.html.
type MediumPage struct {
	ID, Name string
	Visits   Change
	Daily    Chart // the medium's visits per day, this period against the last
	Sources  Table // with Change
}

// UnrecognisedPage is unrecognised.html: referrer hosts that matched no
// rule, most visits first, the candidates for new rules.
type UnrecognisedPage struct {
	Visits     Share // of external visits
	Hosts      []UnknownHost
	Other      int64 // visits of hosts not listed
	OtherCount int
	Truncated  bool
	CSV, JSON  string
}

// UnknownHost is one unrecognised referrer host.
type UnknownHost struct {
	Host     string
	Visits   int64
	Change   *Change
	Examples []string // referrers without query or fragment, most visits first
}

// QualityPage is quality.html.
type QualityPage struct {
	Rows, Skipped, Repaired int64
	SkippedBy, RepairedBy   []ReasonCount
	Problems                []string // the first problems, file:line: field: reason
	Files                   []InputFile
	Gaps                    []DayNote // days without data or with unusual volume
	Direct, Internal        Share     // of all visits
	Overdue                 []Review  // sources whose editorial review is overdue
	Caps                    []string  // memory caps that were reached while aggregating
	RulesHash               string
	Daily                   Chart // all visits per day over the whole coverage
}

// ReasonCount is a count of rows for one reason.
type ReasonCount struct {
	Reason string
	Rows   int64
}

// InputFile is one input that was read. Paths come from the command line,
// not from the data.
type InputFile struct {
	Path  string
	Bytes int64
}

// DayNote is a day worth a look on the quality page.
type DayNote struct {
	Day    string
	Last   string // the last day of a run of days without data; "" for one day
	Visits int64
	Note   string // "no data", "under half the median of Mondays (412)"
}

// Review is a source whose editorial review is overdue.
type Review struct {
	Source       Link
	LastReviewed string // "" when never reviewed
	Due          string
}

// MethodologyPage is methodology.html: how classification works,
// generated from the rules themselves.
type MethodologyPage struct {
	Steps       []string // the classification order, in words
	Mediums     []MediumRule
	ClickIDs    []ClickIDRule
	Internal    []string // hosts internal for every site
	SiteHosts   []string // --site-host values
	SpamHosts   int      // how many spam domains are listed
	Sources     int
	PaidPattern string
}

// MediumRule is a medium and the utm_medium spellings that map to it.
type MediumRule struct {
	Link      Link
	Spellings []string
}

// ClickIDRule is a click-id parameter and what it means.
type ClickIDRule struct {
	Param  string
	Source Link
	Medium string
}

// HygieneRow is one thing to change in the links a site controls.
type HygieneRow struct {
	Source Link   // the source's page
	Value  string // the spelling, utm_medium value or referrer host, as seen
	Visits int64
	Advice string // what to change
}

// HygienePage is hygiene.html: how the site's own tagged links could be
// tagged better. Each source page shows its own rows too.
type HygienePage struct {
	Spellings []HygieneRow      // utm_source spellings that fold into one source
	Mediums   []HygieneRow      // utm_medium values outside the medium vocabulary
	Travelled []HygieneRow      // tagged or click-id visits whose referrer is another known source
	Campaigns []HygieneCampaign // campaigns seen with only some of utm_source, utm_medium, utm_campaign
	// Campaigns not listed, and their visits without all three tags.
	CampaignsOther        int
	CampaignsOtherPartial int64
}

// HygieneCampaign is a campaign, or a source's tagged visits without a
// campaign, seen with only some of the three tags.
type HygieneCampaign struct {
	Source   Link   // the visits' source; no Href for direct and sources outside the catalog
	Campaign string // utm_campaign as seen; "" for tagged visits without one
	Sets     []TagSet
	Visits   int64 // all its tagged visits
	Partial  int64 // those without all three tags
	Advice   string
}

// TagSet is the visits that came with one set of tags.
type TagSet struct {
	Tags   string // "all three tags", "without utm_medium", ...
	Visits int64
}

// HiddenEstimate is a range for the visits a source probably sent that
// arrived as direct: an estimate, never added into measured totals.
type HiddenEstimate struct {
	Low, Point, High int64
	Measured         int64        // the source's measured visits in the period
	Reach            float64      // the share of its recognised visits that landed on the deep pages the fit uses
	Deep             int64        // the part of Point that landed on them
	Pages            []HiddenPage // the pages contributing most, most first
}

// HiddenPage is one landing page's part of an estimate.
type HiddenPage struct {
	Path   string  // from visit data
	Direct int64   // direct visits that landed on it
	Share  float64 // of them, the share put down to the source
	Point  int64
}
