// Package ingest reads exported visit data, CSV or Parquet, from one file or
// many, and hands it on in batches so that memory does not grow with the
// size of the input.
package ingest

// Visit is one row of visit data. Every string in it was written by a
// stranger (a browser, a referring site, a link someone tagged) and must be
// treated as untrusted.
type Visit struct {
	Time     int64  // Unix seconds, UTC
	URL      string // the landing page
	Referrer string

	// UTM tags from their own columns. Empty when the export has no such
	// column or the cell is empty; the rules then read them from URL.
	UTMSource   string
	UTMMedium   string
	UTMCampaign string
	UTMTerm     string
	UTMContent  string

	UserAgent string
	Country   string
	VisitorID string // visitor_id or session_id; never used to follow anyone

	// Weight is how many visits the row stands for: 1 unless the export is
	// already aggregated and has a visits, count or sessions column.
	Weight int64

	// Keys of URL, Referrer and UserAgent, 0 when unknown: two visits with
	// the same non-zero key hold the same value, read once. The Parquet
	// reader gives each dictionary entry a key of its own, so that what
	// is worked out from a value is worked out once per entry, not per
	// row. Keys are not reused within a process.
	URLKey, ReferrerKey, UserAgentKey uint64
}

// Field names, as used in --column overrides and in error messages.
const (
	FieldTime        = "timestamp"
	FieldURL         = "url"
	FieldReferrer    = "referrer"
	FieldUTMSource   = "utm_source"
	FieldUTMMedium   = "utm_medium"
	FieldUTMCampaign = "utm_campaign"
	FieldUTMTerm     = "utm_term"
	FieldUTMContent  = "utm_content"
	FieldUserAgent   = "user_agent"
	FieldCountry     = "country"
	FieldVisitorID   = "visitor_id"
	FieldWeight      = "visits"
)

// field numbers, in the order of fields below.
const (
	fTime = iota
	fURL
	fReferrer
	fUTMSource
	fUTMMedium
	fUTMCampaign
	fUTMTerm
	fUTMContent
	fUserAgent
	fCountry
	fVisitorID
	fWeight
	numFields
)

// fields lists, for each field, the column names that are read as it, in
// order of preference. Matching is case-insensitive.
var fields = [numFields]struct {
	name    string
	aliases []string
}{
	fTime:        {FieldTime, []string{"ts", "timestamp", "time", "date", "event_time", "day", "event_date"}},
	fURL:         {FieldURL, []string{"url", "page", "page_url", "landing_page"}},
	fReferrer:    {FieldReferrer, []string{"referrer", "referer", "document_referrer"}},
	fUTMSource:   {FieldUTMSource, []string{"utm_source"}},
	fUTMMedium:   {FieldUTMMedium, []string{"utm_medium"}},
	fUTMCampaign: {FieldUTMCampaign, []string{"utm_campaign"}},
	fUTMTerm:     {FieldUTMTerm, []string{"utm_term"}},
	fUTMContent:  {FieldUTMContent, []string{"utm_content"}},
	fUserAgent:   {FieldUserAgent, []string{"user_agent", "useragent", "ua"}},
	fCountry:     {FieldCountry, []string{"country", "country_code"}},
	fVisitorID:   {FieldVisitorID, []string{"visitor_id", "session_id"}},
	fWeight:      {FieldWeight, []string{"visits", "count", "sessions"}},
}

// setKey stores k as the key of field f of v, for the fields that have
// keys.
func (v *Visit) setKey(f int, k uint64) {
	switch f {
	case fURL:
		v.URLKey = k
	case fReferrer:
		v.ReferrerKey = k
	case fUserAgent:
		v.UserAgentKey = k
	}
}

// set stores value in field f of v.
func (v *Visit) set(f int, value string) {
	switch f {
	case fURL:
		v.URL = value
	case fReferrer:
		v.Referrer = value
	case fUTMSource:
		v.UTMSource = value
	case fUTMMedium:
		v.UTMMedium = value
	case fUTMCampaign:
		v.UTMCampaign = value
	case fUTMTerm:
		v.UTMTerm = value
	case fUTMContent:
		v.UTMContent = value
	case fUserAgent:
		v.UserAgent = value
	case fCountry:
		v.Country = value
	case fVisitorID:
		v.VisitorID = value
	}
}
