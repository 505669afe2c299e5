// Package gen writes synthetic website visit data, CSV or Parquet, for
// demos, tests and benchmarks. The same Options always give the same
// visits: as CSV, the same bytes on amd64 and arm64 alike. As Parquet, the
// bytes can differ between kinds of CPU: parquet-go packs dictionary
// indexes with code of its own for amd64's vector instructions, and packs
// them a little differently there. The values read back the same.
//
// The visits land on https://shop.example.com and are shaped like a real
// export: about a third without a referrer; search engines on their
// regional domains; social networks and their redirect hosts; AliExpress,
// Amazon and other marketplaces; webmail, AI assistants and android-app://
// referrers; self-referrals from shop.example.com and www.shop.example.com;
// a Zipf-distributed long tail of a few thousand invented blogs under the
// reserved .example and .test names; referrer spam; junk ("null", "-",
// "about:blank", whitespace). About 15% of landing URLs carry UTM tags, with
// the messy case and spacing people type, sometimes in the #fragment;
// Google, Facebook, Microsoft and TikTok clicks carry their click ids.
// Traffic follows a weekly cycle and a diurnal curve, rises mildly over the
// period and has a few spiky days, each caused by one source (a newsletter,
// a post that took off). User agents include in-app browsers (Facebook,
// Instagram, LinkedIn, TikTok, ...). Rows are in time order.
//
// # Columns
//
//	ts               RFC 3339 UTC in CSV (2026-11-24T10:15:03Z); INT64
//	                 TIMESTAMP(MILLIS, UTC) in Parquet
//	url              the landing page
//	referrer         as the browser sent it; empty for none
//	user_agent
//	country          ISO 3166 alpha-2, empty when unknown
//	visitor_id       16 random hex digits; return visits reuse one
//	gen_true_source  where the visit really came from, see below
//
// gen_true_source is gen's own answer key, for measuring what a report
// gets right; readers of visit data ignore it. It is empty for truly
// direct visits and for junk referrers. Otherwise it is a short id:
// google, bing, duckduckgo, yahoo, yandex, baidu, ecosia, brave, qwant,
// startpage, naver, seznam, so; facebook, instagram, x, reddit, linkedin,
// pinterest, youtube, tiktok, vk, hackernews, linktree, snapchat, whatsapp,
// telegram, slack; aliexpress, amazon, ebay, etsy; gmail, outlook,
// yahoo_mail, gmx, webde, yandex_mail, mailru; chatgpt, perplexity, gemini,
// copilot, claude; newsletter, qr; paypal, stripe; self for the shop's own
// pages; and the host name itself for long-tail blogs and referrer spam.
// About 7% of visits are stripped referrals: no referrer and no tags, but
// a gen_true_source (an app tap, a redirect that lost the referrer); many
// of them come with the app's in-app user agent.
//
// Each source sends its visits to its own mix of pages (a marketplace
// mostly to products, a newsletter to collections, each with favourites
// of its own), and its stripped referrals land on the same mix in the
// same proportions; truly direct visits land mostly on the home page, the
// account and cart pages and a few best sellers. So the landing pages of
// direct visits carry the signal an estimate of lost referrals reads, and
// gen_true_source is the answer to check it against.
//
// # Determinism
//
// Randomness comes from PCG streams seeded with Options.Seed, used through
// integer arithmetic only: no math/rand helpers, no floating point, no map
// iteration, no clock. So the output is the same on every platform and Go
// release (Parquet: as long as parquet-go encodes the same way).
package gen

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// Options says what to generate.
type Options struct {
	Rows int64     // number of visits (rows), 0 to MaxRows; 0 writes the header or schema only
	Days int       // number of days, 1 to MaxDays
	End  time.Time // the last day; only its UTC date is used
	Seed uint64

	// Format is "csv" or "parquet".
	Format string

	// BadRows is the fraction, 0 to 1, of rows made malformed, to exercise
	// readers. In CSV a bad row has the wrong number of fields, broken
	// quoting, an unparseable timestamp, an overlong field (over 64 KiB) or
	// invalid UTF-8. Parquet cannot hold most of those, so there a bad row
	// has a null or garbage timestamp or invalid UTF-8 in url, referrer or
	// user_agent; and when BadRows > 0 the Parquet ts column is an optional
	// string (RFC 3339 in good rows) instead of a timestamp, so that it can
	// hold garbage. Bad rows replace good ones: the other rows are the same
	// visits as with BadRows 0.
	BadRows float64
}

// Bounds on Options: about 100 years, and a trillion rows (so that counts
// per minute fit the generator's counters).
const (
	MaxDays = 36600
	MaxRows = 1 << 40
)

// TrueSourceColumn is the column with gen's answer key.
const TrueSourceColumn = "gen_true_source"

// columns are the columns, in order, of both formats.
var columns = [...]string{"ts", "url", "referrer", "user_agent", "country", "visitor_id", TrueSourceColumn}

// DefaultOptions returns the defaults of refreport gen: 100000 CSV rows
// over 90 days ending 2026-11-24, seed 1.
func DefaultOptions() Options {
	return Options{
		Rows:   100000,
		Days:   90,
		End:    time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC),
		Seed:   1,
		Format: "csv",
	}
}

// Write writes the visits opts describes to w. It streams: memory does
// not grow with opts.Rows. Options are checked before anything is written.
func Write(w io.Writer, opts Options) error {
	last, err := opts.check()
	if err != nil {
		return err
	}
	g := newGenerator(&opts, last)
	if opts.Format == "parquet" {
		return writeParquet(w, g, &opts)
	}
	return writeCSV(w, g, &opts)
}

// check validates o and returns the Unix time of the last day's midnight.
func (o *Options) check() (int64, error) {
	if o.Rows < 0 || o.Rows > MaxRows {
		return 0, fmt.Errorf("gen: rows: must be 0 to %d, got %d", int64(MaxRows), o.Rows)
	}
	if o.Days < 1 || o.Days > MaxDays {
		return 0, fmt.Errorf("gen: days: must be 1 to %d, got %d", MaxDays, o.Days)
	}
	if o.Format != "csv" && o.Format != "parquet" {
		return 0, fmt.Errorf("gen: format: must be csv or parquet, got %q", o.Format)
	}
	if math.IsNaN(o.BadRows) || o.BadRows < 0 || o.BadRows > 1 {
		return 0, fmt.Errorf("gen: bad-rows: must be a fraction from 0 to 1, got %v", o.BadRows)
	}
	if o.End.IsZero() {
		return 0, errors.New("gen: end: no date given")
	}
	y, m, d := o.End.UTC().Date()
	last := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	first := last.AddDate(0, 0, -(o.Days - 1))
	if first.Year() < 1970 || y > 9999 {
		return 0, fmt.Errorf("gen: end: %d days ending %s fall outside 1970 to 9999", o.Days, last.Format(time.DateOnly))
	}
	return last.Unix(), nil
}

// badThreshold turns BadRows into a threshold for a 53-bit random number.
// Multiplying by a power of two is exact, so this is the same everywhere.
func badThreshold(f float64) uint64 {
	return uint64(f * (1 << 53))
}
