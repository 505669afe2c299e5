package rules

import (
	"regexp"
	"time"
)

// The medium vocabulary is closed: these are the only mediums a Result can
// carry, so reports, colours and charts can be designed for exactly them.
const (
	MediumDirect          = "direct"
	MediumInternal        = "internal"
	MediumSearch          = "search"
	MediumPaidSearch      = "paid_search"
	MediumSocial          = "social"
	MediumPaidSocial      = "paid_social"
	MediumEmail           = "email"
	MediumMarketplace     = "marketplace"
	MediumPaidMarketplace = "paid_marketplace"
	MediumVideo           = "video"
	MediumPaidVideo       = "paid_video"
	MediumAIAssistant     = "ai_assistant"
	MediumDisplay         = "display"
	MediumAffiliate       = "affiliate"
	MediumReferral        = "referral"
	MediumSMS             = "sms"
	MediumPush            = "push"
	MediumCampaign        = "campaign"
	MediumSpam            = "spam"
	MediumPaidOther       = "paid_other"
)

var vocabulary = [...]string{
	MediumDirect, MediumInternal, MediumSearch, MediumPaidSearch, MediumSocial,
	MediumPaidSocial, MediumEmail, MediumMarketplace, MediumPaidMarketplace,
	MediumVideo, MediumPaidVideo, MediumAIAssistant, MediumDisplay,
	MediumAffiliate, MediumReferral, MediumSMS, MediumPush, MediumCampaign,
	MediumSpam, MediumPaidOther,
}

// Vocabulary returns the medium ids, in the schema's order.
func Vocabulary() []string {
	return append([]string(nil), vocabulary[:]...)
}

// IsMedium reports whether id is in the medium vocabulary.
func IsMedium(id string) bool {
	for _, m := range vocabulary {
		if m == id {
			return true
		}
	}
	return false
}

// reservedMedium reports whether a medium is decided by the classifier
// itself and so cannot be given to a source, redirect or click id.
func reservedMedium(id string) bool {
	return id == MediumDirect || id == MediumInternal || id == MediumSpam
}

// DefaultPaidPattern is used when sources.yaml has no paid_utm_medium.
const DefaultPaidPattern = `^(.*cp.*|ppc|retargeting|paid.*)$`

// DefaultReviewDays is how long a reviewed page stays fresh when its page
// does not say.
const DefaultReviewDays = 180

// A Catalog is a checked sources.yaml. Treat it as read-only: Compile and
// the report pages read it.
type Catalog struct {
	File    string // as given to Load or Parse; used in messages
	Hash    string // sha256 of the file bytes, hex: reports say which catalog made them
	Version int

	Mediums       []Medium // file order; exactly the vocabulary
	PaidPattern   *regexp.Regexp
	InternalHosts []string
	ClickIDs      []ClickID // priority order
	SpamHosts     []string
	Sources       []*Source // file order

	byID     map[string]*Source
	mediumBy map[string]*Medium
}

// Medium is a vocabulary entry with its display name and the utm_medium
// spellings that map to it.
type Medium struct {
	ID        string
	Name      string
	UTMMedium []string
}

// ClickID is an ad-click URL parameter that identifies its source.
type ClickID struct {
	Param  string
	Source string
	Medium string
}

// A Source is one traffic source: a site, app or service whose visits are
// grouped under one id.
type Source struct {
	ID         string // [a-z0-9_]+; stable, used as a file name
	Name       string
	Medium     string
	Hosts      []string // host patterns: a host, a host.{} or a host/path rule
	Exclude    []string
	Redirects  []Redirect
	Apps       []string
	UserAgents []string // in-app browser tokens, matched as whole tokens, case-sensitively
	UTMSources []string
	Page       *Page // nil when the source has no editorial content
}

// Redirect is a redirect or link-wrapper host of a source. Medium is the
// source's medium unless the catalog overrides it.
type Redirect struct {
	Host   string
	Medium string
}

// Status says how much of a page has been checked against sources.
type Status uint8

const (
	Unverified Status = iota
	PartiallyVerified
	Verified
)

func (s Status) String() string {
	switch s {
	case Verified:
		return "verified"
	case PartiallyVerified:
		return "partially_verified"
	}
	return "unverified"
}

// Page is a source's editorial content; sections follow the published
// page's order.
type Page struct {
	Status       Status
	LastReviewed time.Time // zero when never reviewed
	ReviewDays   int

	Summary     []Claim
	Represents  []Claim
	Measuring   *Measuring
	InAnalytics []Claim
	Diagnostic  []Claim
	Detects     []Claim
	Mistakes    []Claim
	Privacy     []Claim
	Related     []string // source ids
	Citations   []Citation
}

// ReviewDue returns the day after which the page's review is overdue, or
// the zero time when it was never reviewed.
func (p *Page) ReviewDue() time.Time {
	if p.LastReviewed.IsZero() {
		return time.Time{}
	}
	return p.LastReviewed.AddDate(0, 0, p.ReviewDays)
}

// Overdue reports whether a reviewed page is past its review date on the
// day of asOf (UTC).
func (p *Page) Overdue(asOf time.Time) bool {
	due := p.ReviewDue()
	if due.IsZero() {
		return false
	}
	y, m, d := asOf.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).After(due)
}

// A Claim is one statement on a page. Without citations it was written
// from general knowledge and is rendered as not yet verified.
type Claim struct {
	Text string
	Cite []string // citation ids
}

// Cited reports whether the claim is backed by a citation.
func (c Claim) Cited() bool { return len(c.Cite) > 0 }

// Measuring is the page's tagging advice.
type Measuring struct {
	UTMSource string
	UTMMedium string
	Text      []Claim
}

// A Citation is a document whose content was read on Accessed.
type Citation struct {
	ID       string
	URL      string
	Title    string
	Accessed time.Time
}

// Source returns the source with the given id.
func (c *Catalog) Source(id string) (*Source, bool) {
	s, ok := c.byID[id]
	return s, ok
}

// Medium returns the vocabulary entry with the given id.
func (c *Catalog) Medium(id string) (*Medium, bool) {
	m, ok := c.mediumBy[id]
	return m, ok
}
