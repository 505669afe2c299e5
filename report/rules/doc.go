// Package rules decides where each visit came from: it loads and checks
// sources.yaml, the catalog of traffic sources, compiles it into a Matcher,
// and classifies visits into a source, a medium and the evidence for them.
//
// This comment is the manual of the rule language. The examples in
// example_test.go run as tests, so what they show is what the code does.
//
// # Using the package
//
//	cat, err := rules.Load("sources.yaml")    // strict; all problems at once
//	m, err := rules.Compile(cat, siteHosts)    // siteHosts: --site-host values
//	cl := m.NewClassifier()                    // one per goroutine
//	res := cl.Classify(&visit)                 // res.Source, res.Medium, res.Evidence, res.Rule
//
// A Matcher is immutable and may be shared; a Classifier caches per host,
// per tag value and per user agent, and belongs to one goroutine. Results
// never depend on what is cached, on map order or on the clock.
//
// # The file
//
// sources.yaml is one YAML document, at most 8 MiB. It is decoded strictly:
// unknown keys, keys given twice and values of the wrong type are errors,
// and every error is reported with file, line and column, sorted by
// position, for example
//
//	sources.yaml:42:7: source "ads": unknown field "hots"
//
// Anchors and aliases (&a, *a, <<) are refused, and nesting is limited to
// 16 levels. A key whose value is null (written "key:" with nothing after
// it) counts as absent.
//
// Top-level keys:
//
//	version: 1            required; the only version there is
//	mediums: [...]        required; the medium vocabulary, see below
//	paid_utm_medium: re   optional; default '^(.*cp.*|ppc|retargeting|paid.*)$'
//	internal_hosts: [...] optional; hosts that are internal for every site
//	click_ids: [...]      optional; ad click-id parameters, in priority order
//	spam_hosts: [...]     optional; referrer-spam domains
//	sources: [...]        required; the traffic sources, in display order
//
// Quote a host containing {} inside a flow list: in [google.com, google.{}]
// YAML reads the braces as an empty mapping, so write
// [google.com, "google.{}"] (or use a block list, "- google.{}").
//
// # Mediums
//
// The medium vocabulary is closed. These 20 ids exist, and each must be
// listed exactly once under mediums:
//
//	direct internal search paid_search social paid_social email
//	marketplace paid_marketplace video paid_video ai_assistant display
//	affiliate referral sms push campaign spam paid_other
//
// Each entry is {id, name, utm_medium}. name is the display name.
// utm_medium lists the spellings of the utm_medium tag that mean this
// medium, written trimmed and lowercase (tags are matched that way). A
// spelling may belong to one medium only, may not be another medium's id,
// and may not match paid_utm_medium (it would never be used). A medium's
// own id always counts as one of its spellings, except for direct, internal
// and spam, which a link cannot claim.
//
// # Sources
//
// Each source is a mapping:
//
//	id: aliexpress        required; [a-z0-9_]+, at most 64 bytes, unique, stable:
//	                      it names files. "direct" and "internal" are reserved.
//	name: AliExpress      required; display name
//	medium: marketplace   required; a vocabulary id other than direct, internal, spam
//	hosts: [...]          host patterns and path rules (below)
//	exclude: [...]        subdomains that are not this source
//	redirects: [...]      redirect and link-wrapper hosts: {host, medium}
//	apps: [...]           Android package ids (android-app:// referrers)
//	user_agents: [...]    in-app browser tokens of the user agent (below)
//	utm_sources: [...]    utm_source aliases
//	page: {...}           editorial content, optional (below)
//
// # Host patterns
//
// A host pattern is a lowercase ASCII host name, without scheme, port or
// trailing dot, with at least two labels, and not itself an ICANN public
// suffix (co.uk is refused; private suffixes such as blogspot.com or
// github.io are allowed, they are platforms worth naming). Internationalised
// names must be written in punycode: the loader refuses "bücher.de" and
// tells you to write "xn--bcher-kva.de". (Referrers are converted, see
// Normalisation.)
//
// A host covers itself and all its subdomains, matched by whole labels:
// google.com matches www.google.com and google.com, never notgoogle.com or
// google.com.evil.test.
//
// "name.{}" stands for name under any country-code public suffix: the
// host's ICANN public suffix (from golang.org/x/net/publicsuffix) must end in
// a two-letter label. So google.{} matches google.de, www.google.co.uk,
// google.com.br and google.io, and not google.com, google.org or an unlisted
// google.zz. Like Matomo's lists, list google.com separately. Below a
// private suffix the ICANN one is used: blogspot.{} matches foo.blogspot.de.
// {} may only end a pattern; it is allowed in hosts, exclude, redirects and
// internal_hosts, not in spam_hosts.
//
// A host followed by a path is a path rule: x.com/i/grok. It matches
// referrers on that host (and its subdomains) whose path is the rule's path
// or below it, by whole segments and ASCII case-insensitively: /i/grok,
// /i/grok/, /i/grok/abc and /I/Grok match; /i/grokking does not. Paths are
// written lowercase, without a trailing slash, '?', '#', '%' or spaces. A
// path without a host ("/i/grok") is an error. A path rule refines within
// its host: on x.com, /i/grok is grok and everything else stays twitter.
//
// Every host pattern and path rule belongs to one place: the same text may
// not appear twice across all sources' hosts and redirects, internal_hosts
// and spam_hosts.
//
// exclude lists subdomains (host patterns without paths, {} allowed) of the
// source's own hosts that are not the source: google's exclude
// [docs.google.com] makes docs.google.com and its subdomains fall through to
// the next shorter match of another source, or to unknown. An exclude must
// lie under one of the source's hosts and must not equal one.
//
// redirects are hosts of redirect services and link wrappers ({host:
// s.click.aliexpress.com, medium: affiliate}); they match like hosts, may
// carry paths (google.com/url), give the evidence "redirect", and their
// medium, when given, overrides the source's.
//
// # Apps
//
// apps lists Android package ids (lowercase, dotted: com.google.android.gm).
// A referrer android-app://com.google.android.gm/... is that app's source,
// evidence "app", rule "app:com.google.android.gm". An unknown package is
// its own source (the package id) with medium referral. Each package
// belongs to one source.
//
// # In-app browsers
//
// Many apps open links in a browser of their own whose user agent names
// the app, and often send no referrer. user_agents lists such tokens:
// [FBAN, FB_IAB] for Facebook, [Instagram], [MicroMessenger] for WeChat.
//
// A token is matched as a whole token and case-sensitively (FBAN, never
// fban): where it begins, the byte before it is not an ASCII letter or
// digit (or there is none), and where it ends with a letter or digit, the
// byte after it is not one either (or there is none). So FBAN matches
// "[FBAN/FBIOS;" and Instagram matches "Mobile/15E148 Instagram 410.0", but
// Instagram does not match "InstagramBot" and Snapchat does not match
// "MySnapchatClone". '_' and '/' are not letters, so musical_ly matches
// "musical_ly_42.1.0". A token that ends with punctuation needs nothing
// after it: Line/ matches "Line/14.0.0" and not the word "Line" alone.
// Tokens may contain spaces and punctuation inside ("Twitter for iPhone",
// "FBAN/MessengerForiOS").
//
// A token is printable ASCII, 3 to 64 bytes, begins with a letter or digit
// (it is found where a word of the user agent begins) and does not end
// with a space. Each token belongs to one source.
//
// When a user agent holds tokens of several sources, the token that begins
// first in the string wins, and at the same place the longest:
// "[FBAN/MessengerForiOS;FBAV/..." is Messenger's FBAN/MessengerForiOS, not
// Facebook's FBAN.
//
// A token is a claim like any other: sources.yaml says in a comment which
// tokens a citation supports.
//
// # utm_source aliases
//
// utm_sources lists values of the utm_source tag (trimmed, lowercase) that
// mean this source; its id always matches and need not be listed. An alias
// belongs to one source and may not be another source's id.
//
// # Click ids
//
// click_ids lists URL parameters that ad platforms append to clicks:
// {param: gclid, source: google, medium: paid_search}. Names are lowercase
// [a-z0-9_] (matched case-insensitively), each listed once, not utm_*; the
// source must exist and the medium be a vocabulary id. The list's order is
// the priority: when a URL has several, the first in the list wins, not the
// first in the URL.
//
// # Spam and internal hosts
//
// spam_hosts lists referrer-spam domains. A listed domain or any subdomain
// gives source = the listed domain (fr.semalt.com is semalt.com), medium
// spam, evidence "spam", rule "spam:semalt.com".
//
// internal_hosts lists hosts that are internal for every site, such as
// payment and checkout round-trips (paypal.com, checkout.stripe.com). They
// cover subdomains. The site's own hosts come from --site-host (see Compile)
// and from each visit's landing page.
//
// # Classification
//
// Each visit is classified by the first of these that applies.
//
// 1. UTM. A non-empty utm_source: from its own column, else from the URL's
// query, else from the URL's #fragment (either "#utm_source=x" or, for
// single-page apps, "#/route?utm_source=x"). Parameter names are
// case-insensitive; the first non-empty occurrence counts. Values from the
// URL are percent-decoded (malformed escapes are kept as written) with '+'
// read as a space; values from their own columns are taken as they are.
// Then both are trimmed and lowercased. A value that says "no source" is
// treated as absent, so the next place is read: the placeholders of
// referrers ("null", "undefined", "-", "none", "(none)", "(direct)") and
// the "(not set)" and "(not provided)" of analytics exports. utm_medium and
// utm_campaign are read the same way, each independently, without
// placeholders.
//
// The source is the alias's source, or the source whose id the value is,
// or, when neither, the value itself (Known false; rule
// "utm:utm_source=<value>"). The medium is, in order:
//
//   - paid_ plus the source's medium (paid_search, paid_social,
//     paid_marketplace, paid_video; paid_other for any other or an unknown
//     source) when utm_medium matches paid_utm_medium;
//   - the medium whose spelling utm_medium is;
//   - for a known source, the medium of the first click id of that same
//     source present in the URL (utm_source=google&gclid=... is paid_search);
//   - the source's own medium;
//   - campaign, for an unknown source.
//
// 2. Click ids: the first click id of the catalog's list that is present
// with a non-empty value, in query or fragment. Source and medium are the
// click id's; rule "click_id:gclid".
//
// 3. Referrer. The referrer is normalised (below). Then:
//
//   - Internal (source and medium "internal"): the host is the landing page
//     URL's host or shares its registrable domain (rule "internal:site"; the
//     registrable domain is publicsuffix.EffectiveTLDPlusOne, private
//     suffixes included, so bar.github.io is not internal to foo.github.io),
//     or the host is a --site-host or one of its subdomains
//     ("internal:site"), or under internal_hosts ("internal:paypal.com").
//     This is decided before any source, so your own site is never a
//     source.
//   - android-app://package: the app's source, as above.
//   - Otherwise the longest matching host pattern wins, counted in labels of
//     the referrer host; at equal length a literal host beats a {} one.
//     Path rules on a matching host are tried first, longest path first;
//     then that host's own rule. A host excluded by a source skips that
//     source's rules at and above the exclude, and matching continues with
//     shorter hosts. A spam host takes part like any other host, and wins
//     when it is the longest match.
//   - A host no rule knows is an unknown referrer: source = the host without
//     a leading "www." (www.example.org is example.org), medium referral,
//     evidence "unknown_referrer", rule "unknown:example.org".
//
// 4. In-app browser: when the visit would otherwise be direct (no UTM
// source, no click id, and no referrer, a placeholder, or one that is not
// a web host, as in 5.), the user agent is searched for the catalog's
// tokens (see In-app browsers). A token gives its source and the source's
// medium, evidence "in_app", rule "in_app:FBAN". A referrer always wins
// over the user agent: a visit from l.facebook.com inside Instagram's
// browser is Facebook's, and a visit inside the site is internal.
//
// 5. Direct: source and medium "direct", with the reason in the rule:
// direct:empty (no referrer, or a placeholder: "null", "undefined", "-",
// "none", "(none)", "(direct)", about:blank), direct:scheme (a non-web
// scheme: javascript:, file:, data:, about:..., chrome-extension:, ftp:,
// mailto:), direct:localhost (localhost, *.localhost, loopback and
// unspecified addresses such as 127.0.0.1, [::1] and 0.0.0.0: the visitor's
// own machine or a developer's), direct:unparseable (anything else that is
// not a readable host).
//
// Result.Host is the normalised referrer host whenever there was one, also
// when UTM or a click id decided.
//
// # Normalisation
//
// Referrers are read by a small hand parser, not net/url: http and https
// URLs, "//host/path", and bare "www.google.com/search" (read as http).
// Leading and trailing spaces are trimmed; userinfo ("user:pw@") and port
// are dropped; a backslash ends the host, as browsers read it; the host is
// lowercased, loses one trailing dot, and Unicode names become punycode
// (bücher.de is xn--bcher-kva.de) by IDNA lookup mapping, without the STD3
// rules, since real hosts contain '_'. IPv6 addresses are kept in brackets
// in canonical form. Labels may hold letters, digits, '-' and '_', up to 63
// bytes, 253 in all; anything else is unparseable. NormalizeHost exposes this
// and is idempotent.
//
// # Editorial pages
//
// page holds what the site publishes about a source. Everything is
// optional; the sections follow the published page's order:
//
//	status: partially_verified  verified | partially_verified | unverified (default)
//	last_reviewed: 2026-06-24   YYYY-MM-DD; required for verified and partially_verified
//	review_days: 180            1 to 3650, default 180: the review is overdue after this
//	summary: [claims]           the page's opening
//	represents: [claims]        what a referrer from the source represents
//	measuring:                  measuring the source's traffic
//	  utm_source: aliexpress    must classify as this source (its id or an alias)
//	  utm_medium: marketplace   trimmed, lowercase
//	  text: [claims]
//	in_analytics: [claims]      how it appears in analytics and logs
//	diagnostic: [claims]        the diagnostic use case
//	detects: [claims]           what refreport can help detect
//	mistakes: [claims]          common mistakes
//	privacy: [claims]           privacy and accuracy notes
//	related: [source ids]       other existing sources, each once
//	citations:                  what was read to support claims
//	  - id: ali-about           [a-z0-9_-]+, unique on the page
//	    url: https://...        absolute http or https URL
//	    title: "..."
//	    accessed: 2026-11-25    the day its content was read
//
// A claim is either a plain string, written from general knowledge and so
// unverified (rendered with "Data not yet verified"), or a mapping
// {text: "...", cite: [citation ids]} that rests on citations whose content
// was actually read.
//
// The honesty rules, all checked by the loader:
//
//   - verified and partially_verified need last_reviewed and at least one
//     citation;
//   - on a verified page every claim cites something;
//   - a cite names a citation of the same page, and the mapping form needs
//     at least one (write an uncited claim as a plain string);
//   - every citation is cited by some claim: nothing is listed as a source
//     that supports nothing;
//   - measuring.utm_source must be classified as the page's own source, so
//     the advice the page gives is advice that works.
//
// Catalog.Summary reports, for `refreport validate`, how many sources have
// pages, how many are verified, partially verified or unverified, and which
// reviews are overdue on a given day.
package rules
