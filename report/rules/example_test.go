package rules_test

import (
	"fmt"
	"os"
	"time"

	"github.com/webmasterid/refreport/report/ingest"
	"github.com/webmasterid/refreport/report/rules"
)

// catalog is a small but complete sources.yaml.
const catalog = `version: 1
mediums:
  - {id: direct, name: Direct}
  - {id: internal, name: Internal}
  - {id: search, name: Organic search, utm_medium: [organic]}
  - {id: paid_search, name: Paid search}
  - {id: social, name: Social}
  - {id: paid_social, name: Paid social}
  - {id: email, name: Email, utm_medium: [e-mail, newsletter]}
  - {id: marketplace, name: Marketplace}
  - {id: paid_marketplace, name: Paid marketplace}
  - {id: video, name: Video}
  - {id: paid_video, name: Paid video}
  - {id: ai_assistant, name: AI assistant}
  - {id: display, name: Display}
  - {id: affiliate, name: Affiliate}
  - {id: referral, name: Referral}
  - {id: sms, name: SMS}
  - {id: push, name: Push}
  - {id: campaign, name: Campaign}
  - {id: spam, name: Spam}
  - {id: paid_other, name: Paid (other)}
internal_hosts: [paypal.com]
click_ids:
  - {param: gclid, source: google, medium: paid_search}
spam_hosts: [semalt.com]
sources:
  - id: google
    name: Google
    medium: search
    hosts: [google.com, "google.{}"]
    exclude: [docs.google.com]
  - id: gmail
    name: Gmail
    medium: email
    hosts: [mail.google.com]
    apps: [com.google.android.gm]
  - id: twitter
    name: X (Twitter)
    medium: social
    hosts: [x.com]
    redirects: [{host: t.co}]
    user_agents: [TwitterAndroid, "Twitter for iPhone"]
  - id: grok
    name: Grok
    medium: ai_assistant
    hosts: [grok.com, x.com/i/grok]
  - id: aliexpress
    name: AliExpress
    medium: marketplace
    hosts: [aliexpress.com]
    redirects: [{host: s.click.aliexpress.com, medium: affiliate}]
    utm_sources: [ali]
`

func Example() {
	cat, err := rules.Parse("sources.yaml", []byte(catalog))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := rules.Compile(cat, []string{"shop.example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	cl := m.NewClassifier()
	for _, v := range []ingest.Visit{
		{Referrer: "https://www.google.co.uk/", URL: "https://shop.example.com/"},
		{Referrer: "https://mail.google.com/mail/u/0/", URL: "https://shop.example.com/"},
		{Referrer: "https://docs.google.com/document/d/1", URL: "https://shop.example.com/"},
		{Referrer: "https://x.com/i/grok?conversation=1", URL: "https://shop.example.com/"},
		{Referrer: "https://x.com/someone", URL: "https://shop.example.com/"},
		{Referrer: "https://s.click.aliexpress.com/e/_abc", URL: "https://shop.example.com/"},
		{Referrer: "android-app://com.google.android.gm", URL: "https://shop.example.com/"},
		{Referrer: "https://www.google.com/", URL: "https://shop.example.com/?utm_source=Ali&utm_medium=CPC"},
		{Referrer: "", URL: "https://shop.example.com/?gclid=EAIaIQ"},
		{Referrer: "https://www.paypal.com/checkoutnow", URL: "https://shop.example.com/thanks"},
		{Referrer: "https://blog.example.com/post", URL: "https://shop.example.com/"},
		{Referrer: "http://fr.semalt.com/", URL: "https://shop.example.com/"},
		{Referrer: "https://www.example.org/links", URL: "https://shop.example.com/"},
		{Referrer: "javascript:void(0)", URL: "https://shop.example.com/"},
	} {
		r := cl.Classify(&v)
		fmt.Printf("%-16s %-14s %-16s %s\n", r.Source, r.Medium, r.Evidence, r.Rule)
	}
	// Output:
	// google           search         referrer         referrer:google.{}
	// gmail            email          referrer         referrer:mail.google.com
	// docs.google.com  referral       unknown_referrer unknown:docs.google.com
	// grok             ai_assistant   referrer         referrer:x.com/i/grok
	// twitter          social         referrer         referrer:x.com
	// aliexpress       affiliate      redirect         redirect:s.click.aliexpress.com
	// gmail            email          app              app:com.google.android.gm
	// aliexpress       paid_marketplace utm              utm:utm_source=ali
	// google           paid_search    click_id         click_id:gclid
	// internal         internal       internal         internal:paypal.com
	// internal         internal       internal         internal:site
	// semalt.com       spam           spam             spam:semalt.com
	// example.org      referral       unknown_referrer unknown:example.org
	// direct           direct         direct           direct:scheme
}

// An in-app browser's user agent decides only a visit that would
// otherwise be direct; tokens match whole and case-sensitively.
func Example_inAppBrowser() {
	cat, err := rules.Parse("sources.yaml", []byte(catalog))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := rules.Compile(cat, []string{"shop.example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	cl := m.NewClassifier()
	const android = "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36"
	for _, v := range []ingest.Visit{
		{UserAgent: android + " TwitterAndroid"},
		{UserAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16B92 Twitter for iPhone/7.37"},
		{UserAgent: android + " TwitterAndroid", Referrer: "https://www.google.com/"},
		{UserAgent: android + " TwitterAndroid", URL: "https://shop.example.com/?gclid=EAIaIQ"},
		{UserAgent: android + " twitterandroid"},
		{UserAgent: "Twitterbot/1.0"},
	} {
		if v.URL == "" {
			v.URL = "https://shop.example.com/"
		}
		r := cl.Classify(&v)
		fmt.Printf("%-8s %-12s %-9s %s\n", r.Source, r.Medium, r.Evidence, r.Rule)
	}
	// Output:
	// twitter  social       in_app    in_app:TwitterAndroid
	// twitter  social       in_app    in_app:Twitter for iPhone
	// google   search       referrer  referrer:google.com
	// google   paid_search  click_id  click_id:gclid
	// direct   direct       direct    direct:empty
	// direct   direct       direct    direct:empty
}

func ExampleParse_errors() {
	const bad = `version: 1
mediums: []
sources:
  - id: ads
    name: Ads
    medium: display
    hots: [ads.example.com]
  - id: google
    name: Google
    medium: organic
    hosts: [Google.com]
`
	_, err := rules.Parse("sources.yaml", []byte(bad))
	fmt.Println(err)
	// Output:
	// sources.yaml:2:1: mediums: missing "direct", "internal", "search", "paid_search", "social", "paid_social", "email", "marketplace", "paid_marketplace", "video", "paid_video", "ai_assistant", "display", "affiliate", "referral", "sms", "push", "campaign", "spam", "paid_other"; every medium of the vocabulary must be listed once
	// sources.yaml:7:5: source "ads": unknown field "hots"
	// sources.yaml:10:13: source "google": medium: unknown medium "organic"
	// sources.yaml:11:13: source "google": host "Google.com": must be lowercase
}

func ExampleNormalizeHost() {
	for _, ref := range []string{
		"https://user:pw@WWW.Example.COM.:8443/path",
		"www.google.com/search",
		"//cdn.example.org/x.js",
		"https://bücher.de/",
		"http://[2001:DB8::1]/",
		"http://localhost:3000/",
		"null",
	} {
		h, ok := rules.NormalizeHost(ref)
		fmt.Printf("%q %v\n", h, ok)
	}
	// Output:
	// "www.example.com" true
	// "www.google.com" true
	// "cdn.example.org" true
	// "xn--bcher-kva.de" true
	// "[2001:db8::1]" true
	// "" false
	// "" false
}

func ExampleCatalog_Summary() {
	cat, err := rules.Parse("sources.yaml", []byte(catalog))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := cat.Summary(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	s.Hash = "…" // the hash changes with every edit
	s.WriteTo(os.Stdout)
	// Output:
	// sources.yaml: valid (sha256 …)
	// sources: 5
	//   search             1
	//   social             1
	//   email              1
	//   marketplace        1
	//   ai_assistant       1
	// hosts: 6 (path rules 1, excludes 1, redirects 2)
	// apps: 1
	// utm_source aliases: 1
	// click ids: 1
	// internal hosts: 1
	// spam hosts: 1
	// editorial pages: 0 of 5 sources (0.0%)
	//   verified:           0 (-)
	//   partially verified: 0 (-)
	//   unverified:         0 (-)
	// reviews overdue on 2026-11-25: 0
}
