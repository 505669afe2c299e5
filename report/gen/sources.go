package gen

// Countries, weighted by a plausible audience for a European shop. The
// empty code is a visit whose country the export did not know.
var countries = []wstr{
	{"DE", 180}, {"US", 150}, {"GB", 90}, {"FR", 70}, {"ES", 55}, {"IT", 50},
	{"NL", 40}, {"PL", 35}, {"BR", 30}, {"AT", 25}, {"CH", 22}, {"CA", 20},
	{"BE", 18}, {"SE", 16}, {"IN", 15}, {"AU", 14}, {"RU", 14}, {"JP", 12},
	{"MX", 10}, {"TR", 10}, {"PT", 10}, {"CZ", 9}, {"DK", 8}, {"NO", 7},
	{"FI", 6}, {"IE", 6}, {"UA", 6}, {"KR", 5}, {"CN", 4}, {"AR", 4},
	{"ID", 4}, {"IL", 3}, {"TH", 3}, {"VN", 3}, {"", 10},
}

// A pathKind says how the rest of a referrer URL is built after its host.
type pathKind uint8

const (
	pRoot       pathKind = iota // https://host/ as browsers send cross-site
	pNone                       // the host is the whole referrer
	pGoogle                     // mostly /, sometimes /url?q=...
	pBaidu                      // /link?url=...
	pFacebookL                  // /l.php?u=...&h=...
	pInstagramL                 // /?u=...&e=...
	pShortLink                  // /<token>: t.co, lnkd.in, pin.it
	pRedditOut                  // /t3_<id>?url=...
	pReddit                     // /r/<sub>/comments/<id>/<slug>/
	pVK                         // /away.php?to=...
	pLinktree                   // /<handle>
	pAliItem                    // /item/1005....html, sometimes / or a store
	pAliClick                   // s.click: /e/_<token>
	pAmazon                     // /, or a product
	pDeref                      // GMX and WEB.DE's redirector
	pPayPal                     // /checkoutnow?token=...
	pStripe                     // /c/pay/cs_live_...
	pSelf                       // a page of the shop itself
	pBlog                       // a post, in the host's own URL style
	pSpam                       // /, ?ref=, or a hostile payload
)

// A hostPath is one referrer host of a source.
type hostPath struct {
	host string
	path pathKind
	w    uint64
	src  string // true source, when not the family's id

	prefix string // "https://"+host, or the whole referrer for pNone
	index  int    // for pBlog: the host's rank, which picks its URL style
}

// A family is a source's referrer hosts. Regional hosts are used, most of
// the time, for visitors from their country.
type family struct {
	id       string
	app      app    // the source's app, whose in-app browser may open links
	appPM    uint64 // permille of its mobile visits that do
	hosts    []hostPath
	regional []region

	pick      table
	byCountry []int16 // host index by country index, -1 for none
}

var (
	google = &family{id: "google", app: appGoogle, appPM: 80, hosts: []hostPath{
		{host: "www.google.com", path: pGoogle, w: 400},
		{host: "www.google.de", path: pGoogle, w: 30},
		{host: "www.google.co.uk", path: pGoogle, w: 20},
		{host: "www.google.fr", path: pGoogle, w: 15},
		{host: "www.google.es", path: pGoogle, w: 12},
		{host: "www.google.it", path: pGoogle, w: 10},
		{host: "www.google.nl", path: pGoogle, w: 8},
		{host: "www.google.pl", path: pGoogle, w: 7},
		{host: "www.google.com.br", path: pGoogle, w: 6},
		{host: "www.google.at", path: pGoogle, w: 5},
		{host: "www.google.ch", path: pGoogle, w: 5},
		{host: "www.google.ca", path: pGoogle, w: 4},
		{host: "www.google.be", path: pGoogle, w: 4},
		{host: "www.google.se", path: pGoogle, w: 3},
		{host: "www.google.co.in", path: pGoogle, w: 3},
		{host: "www.google.com.au", path: pGoogle, w: 3},
		{host: "www.google.ru", path: pGoogle, w: 2},
		{host: "www.google.co.jp", path: pGoogle, w: 2},
		{host: "www.google.com.mx", path: pGoogle, w: 2},
		{host: "www.google.com.tr", path: pGoogle, w: 2},
		{host: "www.google.pt", path: pGoogle, w: 2},
		{host: "www.google.cz", path: pGoogle, w: 2},
		{host: "www.google.dk", path: pGoogle, w: 1},
		{host: "www.google.no", path: pGoogle, w: 1},
		{host: "www.google.fi", path: pGoogle, w: 1},
		{host: "www.google.ie", path: pGoogle, w: 1},
		{host: "www.google.com.ua", path: pGoogle, w: 1},
		{host: "www.google.co.kr", path: pGoogle, w: 1},
		{host: "www.google.com.ar", path: pGoogle, w: 1},
		{host: "www.google.co.id", path: pGoogle, w: 1},
		{host: "www.google.co.il", path: pGoogle, w: 1},
		{host: "www.google.co.th", path: pGoogle, w: 1},
		{host: "www.google.com.vn", path: pGoogle, w: 1},
		{host: "google.com", path: pGoogle, w: 4},
	}, regional: []region{
		{"DE", "www.google.de"}, {"GB", "www.google.co.uk"}, {"FR", "www.google.fr"},
		{"ES", "www.google.es"}, {"IT", "www.google.it"}, {"NL", "www.google.nl"},
		{"PL", "www.google.pl"}, {"BR", "www.google.com.br"}, {"AT", "www.google.at"},
		{"CH", "www.google.ch"}, {"CA", "www.google.ca"}, {"BE", "www.google.be"},
		{"SE", "www.google.se"}, {"IN", "www.google.co.in"}, {"AU", "www.google.com.au"},
		{"RU", "www.google.ru"}, {"JP", "www.google.co.jp"}, {"MX", "www.google.com.mx"},
		{"TR", "www.google.com.tr"}, {"PT", "www.google.pt"}, {"CZ", "www.google.cz"},
		{"DK", "www.google.dk"}, {"NO", "www.google.no"}, {"FI", "www.google.fi"},
		{"IE", "www.google.ie"}, {"UA", "www.google.com.ua"}, {"KR", "www.google.co.kr"},
		{"AR", "www.google.com.ar"}, {"ID", "www.google.co.id"}, {"IL", "www.google.co.il"},
		{"TH", "www.google.co.th"}, {"VN", "www.google.com.vn"}, {"US", "www.google.com"},
	}}
	bing = &family{id: "bing", hosts: []hostPath{
		{host: "www.bing.com", w: 85}, {host: "bing.com", w: 10}, {host: "cn.bing.com", w: 5},
	}, regional: []region{{"CN", "cn.bing.com"}}}
	duckduckgo = &family{id: "duckduckgo", hosts: []hostPath{{host: "duckduckgo.com", w: 1}}}
	yahoo      = &family{id: "yahoo", hosts: []hostPath{
		{host: "search.yahoo.com", w: 60}, {host: "de.search.yahoo.com", w: 8},
		{host: "uk.search.yahoo.com", w: 8}, {host: "fr.search.yahoo.com", w: 6},
		{host: "es.search.yahoo.com", w: 4}, {host: "it.search.yahoo.com", w: 3},
		{host: "br.search.yahoo.com", w: 3}, {host: "search.yahoo.co.jp", w: 8},
	}, regional: []region{
		{"DE", "de.search.yahoo.com"}, {"GB", "uk.search.yahoo.com"},
		{"FR", "fr.search.yahoo.com"}, {"ES", "es.search.yahoo.com"},
		{"IT", "it.search.yahoo.com"}, {"BR", "br.search.yahoo.com"},
		{"JP", "search.yahoo.co.jp"},
	}}
	yandex = &family{id: "yandex", hosts: []hostPath{
		{host: "yandex.ru", w: 60}, {host: "ya.ru", w: 20}, {host: "yandex.com", w: 15}, {host: "yandex.com.tr", w: 5},
	}, regional: []region{{"RU", "yandex.ru"}, {"TR", "yandex.com.tr"}}}
	baidu = &family{id: "baidu", hosts: []hostPath{
		{host: "www.baidu.com", path: pBaidu, w: 70}, {host: "m.baidu.com", path: pBaidu, w: 30},
	}}
	otherSearch = &family{id: "", hosts: []hostPath{
		{host: "www.ecosia.org", w: 30, src: "ecosia"},
		{host: "search.brave.com", w: 20, src: "brave"},
		{host: "www.qwant.com", w: 12, src: "qwant"},
		{host: "www.startpage.com", w: 10, src: "startpage"},
		{host: "search.naver.com", w: 4, src: "naver"},
		{host: "www.seznam.cz", w: 6, src: "seznam"},
		{host: "search.seznam.cz", w: 4, src: "seznam"},
		{host: "www.so.com", w: 2, src: "so"},
	}}

	facebook = &family{id: "facebook", app: appFacebook, appPM: 450, hosts: []hostPath{
		{host: "l.facebook.com", path: pFacebookL, w: 30},
		{host: "m.facebook.com", w: 20},
		{host: "lm.facebook.com", path: pFacebookL, w: 15},
		{host: "www.facebook.com", w: 15},
		{host: "facebook.com", w: 3},
	}}
	instagram = &family{id: "instagram", app: appInstagram, appPM: 600, hosts: []hostPath{
		{host: "l.instagram.com", path: pInstagramL, w: 60}, {host: "www.instagram.com", w: 40},
	}}
	xTwitter = &family{id: "x", hosts: []hostPath{
		{host: "t.co", path: pShortLink, w: 80}, {host: "x.com", w: 15}, {host: "twitter.com", w: 5},
	}}
	reddit = &family{id: "reddit", hosts: []hostPath{
		{host: "www.reddit.com", path: pReddit, w: 50}, {host: "out.reddit.com", path: pRedditOut, w: 30},
		{host: "old.reddit.com", path: pReddit, w: 10}, {host: "reddit.com", w: 10},
	}}
	linkedin = &family{id: "linkedin", app: appLinkedIn, appPM: 400, hosts: []hostPath{
		{host: "lnkd.in", path: pShortLink, w: 50}, {host: "www.linkedin.com", w: 50},
	}}
	pinterest = &family{id: "pinterest", app: appPinterest, appPM: 300, hosts: []hostPath{
		{host: "pin.it", path: pShortLink, w: 40}, {host: "www.pinterest.com", w: 30},
		{host: "de.pinterest.com", w: 10}, {host: "www.pinterest.de", w: 10}, {host: "www.pinterest.co.uk", w: 10},
	}, regional: []region{{"DE", "www.pinterest.de"}, {"GB", "www.pinterest.co.uk"}}}
	youtube = &family{id: "youtube", hosts: []hostPath{
		{host: "www.youtube.com", w: 70}, {host: "m.youtube.com", w: 30},
	}}
	tiktok     = &family{id: "tiktok", app: appTikTok, appPM: 600, hosts: []hostPath{{host: "www.tiktok.com", w: 1}}}
	vk         = &family{id: "vk", hosts: []hostPath{{host: "vk.com", path: pVK, w: 1}}}
	hackerNews = &family{id: "hackernews", hosts: []hostPath{{host: "news.ycombinator.com", w: 1}}}
	linktree   = &family{id: "linktree", app: appInstagram, appPM: 300, hosts: []hostPath{{host: "linktr.ee", path: pLinktree, w: 1}}}
	snapchat   = &family{id: "snapchat", app: appSnapchat, appPM: 700, hosts: []hostPath{{host: "www.snapchat.com", w: 1}}}

	aliexpress = &family{id: "aliexpress", hosts: []hostPath{
		{host: "www.aliexpress.com", path: pAliItem, w: 30},
		{host: "s.click.aliexpress.com", path: pAliClick, w: 18},
		{host: "m.aliexpress.com", path: pAliItem, w: 10},
		{host: "es.aliexpress.com", path: pAliItem, w: 8},
		{host: "fr.aliexpress.com", path: pAliItem, w: 7},
		{host: "de.aliexpress.com", path: pAliItem, w: 6},
		{host: "pt.aliexpress.com", path: pAliItem, w: 6},
		{host: "aliexpress.ru", path: pAliItem, w: 6},
		{host: "best.aliexpress.com", w: 5},
		{host: "it.aliexpress.com", path: pAliItem, w: 5},
		{host: "aliexpress.us", path: pAliItem, w: 4},
		{host: "pl.aliexpress.com", path: pAliItem, w: 4},
		{host: "nl.aliexpress.com", path: pAliItem, w: 3},
		{host: "sale.aliexpress.com", w: 3},
		{host: "ja.aliexpress.com", path: pAliItem, w: 2},
		{host: "ko.aliexpress.com", path: pAliItem, w: 2},
		{host: "tr.aliexpress.com", path: pAliItem, w: 2},
		{host: "th.aliexpress.com", path: pAliItem, w: 1},
		{host: "vi.aliexpress.com", path: pAliItem, w: 1},
		{host: "id.aliexpress.com", path: pAliItem, w: 1},
		{host: "he.aliexpress.com", path: pAliItem, w: 1},
		{host: "ar.aliexpress.com", path: pAliItem, w: 1},
	}, regional: []region{
		{"ES", "es.aliexpress.com"}, {"MX", "es.aliexpress.com"}, {"FR", "fr.aliexpress.com"},
		{"BE", "fr.aliexpress.com"}, {"DE", "de.aliexpress.com"}, {"AT", "de.aliexpress.com"},
		{"CH", "de.aliexpress.com"}, {"PT", "pt.aliexpress.com"}, {"BR", "pt.aliexpress.com"},
		{"RU", "aliexpress.ru"}, {"IT", "it.aliexpress.com"}, {"US", "aliexpress.us"},
		{"PL", "pl.aliexpress.com"}, {"NL", "nl.aliexpress.com"}, {"JP", "ja.aliexpress.com"},
		{"KR", "ko.aliexpress.com"}, {"TR", "tr.aliexpress.com"}, {"TH", "th.aliexpress.com"},
		{"VN", "vi.aliexpress.com"}, {"ID", "id.aliexpress.com"}, {"IL", "he.aliexpress.com"},
	}}
	amazon = &family{id: "amazon", hosts: []hostPath{
		{host: "www.amazon.com", path: pAmazon, w: 30},
		{host: "www.amazon.de", path: pAmazon, w: 20},
		{host: "www.amazon.co.uk", path: pAmazon, w: 12},
		{host: "www.amazon.fr", path: pAmazon, w: 8},
		{host: "www.amazon.it", path: pAmazon, w: 6},
		{host: "www.amazon.es", path: pAmazon, w: 6},
		{host: "www.amazon.co.jp", path: pAmazon, w: 5},
		{host: "www.amazon.ca", path: pAmazon, w: 4},
		{host: "www.amazon.in", path: pAmazon, w: 3},
		{host: "www.amazon.com.au", path: pAmazon, w: 2},
		{host: "www.amazon.nl", path: pAmazon, w: 2},
		{host: "www.amazon.pl", path: pAmazon, w: 2},
		{host: "www.amazon.com.br", path: pAmazon, w: 2},
		{host: "www.amazon.com.mx", path: pAmazon, w: 2},
		{host: "www.amazon.se", path: pAmazon, w: 1},
		{host: "www.amazon.com.tr", path: pAmazon, w: 1},
	}, regional: []region{
		{"US", "www.amazon.com"}, {"DE", "www.amazon.de"}, {"AT", "www.amazon.de"},
		{"CH", "www.amazon.de"}, {"GB", "www.amazon.co.uk"}, {"IE", "www.amazon.co.uk"},
		{"FR", "www.amazon.fr"}, {"BE", "www.amazon.fr"}, {"IT", "www.amazon.it"},
		{"ES", "www.amazon.es"}, {"JP", "www.amazon.co.jp"}, {"CA", "www.amazon.ca"},
		{"IN", "www.amazon.in"}, {"AU", "www.amazon.com.au"}, {"NL", "www.amazon.nl"},
		{"PL", "www.amazon.pl"}, {"BR", "www.amazon.com.br"}, {"MX", "www.amazon.com.mx"},
		{"SE", "www.amazon.se"}, {"TR", "www.amazon.com.tr"},
	}}
	otherMarket = &family{id: "", hosts: []hostPath{
		{host: "www.ebay.com", w: 40, src: "ebay"}, {host: "www.ebay.de", w: 35, src: "ebay"},
		{host: "www.ebay.co.uk", w: 25, src: "ebay"}, {host: "www.etsy.com", w: 70, src: "etsy"},
	}}

	webmail = &family{id: "", hosts: []hostPath{
		{host: "mail.google.com", w: 40, src: "gmail"},
		{host: "outlook.live.com", w: 20, src: "outlook"},
		{host: "outlook.office.com", w: 8, src: "outlook"},
		{host: "outlook.office365.com", w: 4, src: "outlook"},
		{host: "mail.yahoo.com", w: 8, src: "yahoo_mail"},
		{host: "deref-gmx.net", path: pDeref, w: 8, src: "gmx"},
		{host: "deref-web.de", path: pDeref, w: 4, src: "webde"},
		{host: "mail.yandex.ru", w: 3, src: "yandex_mail"},
		{host: "e.mail.ru", w: 2, src: "mailru"},
	}}
	ai = &family{id: "", hosts: []hostPath{
		{host: "chatgpt.com", w: 50, src: "chatgpt"},
		{host: "chat.openai.com", w: 3, src: "chatgpt"},
		{host: "www.perplexity.ai", w: 15, src: "perplexity"},
		{host: "perplexity.ai", w: 5, src: "perplexity"},
		{host: "gemini.google.com", w: 12, src: "gemini"},
		{host: "copilot.microsoft.com", w: 8, src: "copilot"},
		{host: "claude.ai", w: 7, src: "claude"},
	}}
	chatgpt     = &family{id: "chatgpt", hosts: []hostPath{{host: "chatgpt.com", w: 1}}}
	androidApps = &family{id: "", hosts: []hostPath{
		{host: "android-app://com.google.android.gm/", path: pNone, w: 35, src: "gmail"},
		{host: "android-app://com.google.android.googlequicksearchbox/", path: pNone, w: 25, src: "google"},
		{host: "android-app://com.google.android.googlequicksearchbox/https/www.google.com", path: pNone, w: 10, src: "google"},
		{host: "android-app://com.google.android.gm.lite/", path: pNone, w: 3, src: "gmail"},
		{host: "android-app://org.telegram.messenger/", path: pNone, w: 7, src: "telegram"},
		{host: "android-app://com.slack/", path: pNone, w: 5, src: "slack"},
		{host: "android-app://com.linkedin.android/", path: pNone, w: 5, src: "linkedin"},
		{host: "android-app://com.reddit.frontpage/", path: pNone, w: 5, src: "reddit"},
		{host: "android-app://com.pinterest/", path: pNone, w: 5, src: "pinterest"},
	}}
	gmailApp = &family{id: "gmail", hosts: []hostPath{{host: "android-app://com.google.android.gm/", path: pNone, w: 1}}}
	self     = &family{id: "self", hosts: []hostPath{
		{host: siteHost, path: pSelf, w: 90},
		{host: "www." + siteHost, path: pSelf, w: 6},
	}}
	payment = &family{id: "", hosts: []hostPath{
		{host: "www.paypal.com", path: pPayPal, w: 70, src: "paypal"},
		{host: "checkout.stripe.com", path: pStripe, w: 30, src: "stripe"},
	}}
	// Referrer spam: invented hosts (reserved names only), some with a
	// hostile payload in the path to keep the report's escaping honest.
	spam = &family{id: "", hosts: []hostPath{
		{host: "free-traffic-now.example", path: pSpam, w: 30},
		{host: "best-seo-offers.test", path: pSpam, w: 20},
		{host: "buttons-for-your-site.example", path: pSpam, w: 15},
		{host: "cheap-backlinks-4u.example", path: pSpam, w: 10},
		{host: "rank-booster.test", path: pSpam, w: 8},
		{host: "webstats-checker.example", path: pSpam, w: 6},
		{host: "get-more-followers.test", path: pSpam, w: 5},
		{host: "seo-audit-free.test", path: pSpam, w: 4},
		{host: "xn--80ak6aa92e.example", path: pSpam, w: 2},
	}}
	longTail = &family{id: ""} // hosts built by prepareTables
)

var families = []*family{
	google, bing, duckduckgo, yahoo, yandex, baidu, otherSearch,
	facebook, instagram, xTwitter, reddit, linkedin, pinterest, youtube, tiktok, vk,
	hackerNews, linktree, snapchat,
	aliexpress, amazon, otherMarket, webmail, ai, chatgpt, androidApps, gmailApp,
	self, payment, spam, longTail,
}

// Organic search: engines by share. Some countries have their own engine,
// see searchFamily.
var (
	searchFams  = []*family{google, bing, duckduckgo, yahoo, otherSearch, yandex, baidu}
	searchTable = newTable([]uint64{825, 75, 35, 25, 30, 3, 2})

	socialFams  = []*family{facebook, instagram, xTwitter, reddit, linkedin, pinterest, youtube, tiktok, vk, hackerNews, linktree, snapchat}
	socialTable = newTable([]uint64{400, 120, 80, 80, 60, 80, 70, 40, 8, 10, 40, 12})

	marketFams  = []*family{aliexpress, amazon, otherMarket}
	marketTable = newTable([]uint64{50, 38, 12})
)

// Junk referrers: what broken trackers and privacy tools put in the field.
var junk = newStrs(
	wstr{"null", 30}, wstr{"-", 25}, wstr{"about:blank", 15}, wstr{"android-app://", 10},
	wstr{" ", 8}, wstr{"undefined", 5}, wstr{"(direct)", 4}, wstr{"\t", 2}, wstr{"https://", 1},
)

// A campaign is a link someone tagged with UTM parameters. The values are
// as messy as they are in the wild, and already URL-encoded.
type campaign struct {
	id      string
	w       uint64
	sources *strs
	mediums *strs // "" leaves utm_medium out
	names   *strs // "" leaves utm_campaign out
	refs    []refChoice
	click   string // click id parameter added by the ad platform
	clickPM uint64
	app     app
	appPM   uint64

	refTable table
}

// A refChoice is where a campaign's visits come from: a family, or no
// referrer at all (fam nil).
type refChoice struct {
	fam *family
	w   uint64
}

var campaigns = []*campaign{
	{id: "newsletter", w: 35,
		sources: newStrs(wstr{"newsletter", 60}, wstr{"Newsletter", 15}, wstr{"NEWSLETTER", 3}, wstr{"newsletter%20", 5}, wstr{"mailchimp", 10}, wstr{"klaviyo", 7}),
		mediums: newStrs(wstr{"email", 60}, wstr{"E-mail", 15}, wstr{"Newsletter", 10}, wstr{"e-mail", 10}, wstr{"mail", 5}),
		names:   newStrs(wstr{"weekly_digest", 30}, wstr{"black-friday-2026", 20}, wstr{"Black+Friday+2026", 8}, wstr{"winter%20sale", 10}, wstr{"welcome_series", 12}, wstr{"back-in-stock", 10}, wstr{"", 10}),
		refs:    []refChoice{{nil, 55}, {webmail, 33}, {gmailApp, 12}}},
	{id: "facebook", w: 30, click: "fbclid", clickPM: 1000, app: appFacebook, appPM: 500,
		sources: newStrs(wstr{"fb", 35}, wstr{"facebook", 35}, wstr{"Facebook", 20}, wstr{"facebook.com", 5}, wstr{"%20facebook", 5}),
		mediums: newStrs(wstr{"paid_social", 40}, wstr{"cpc", 25}, wstr{"paid", 15}, wstr{"Paid%20Social", 10}, wstr{"social", 10}),
		names:   newStrs(wstr{"bf26_prospecting", 35}, wstr{"retargeting_dpa", 30}, wstr{"lookalike_1pct", 20}, wstr{"%7B%7Bcampaign.name%7D%7D", 5}, wstr{"", 10}),
		refs:    []refChoice{{facebook, 75}, {nil, 25}}},
	{id: "instagram", w: 15, click: "fbclid", clickPM: 700, app: appInstagram, appPM: 650,
		sources: newStrs(wstr{"instagram", 50}, wstr{"ig", 30}, wstr{"Instagram", 20}),
		mediums: newStrs(wstr{"social", 50}, wstr{"paid_social", 30}, wstr{"story", 10}, wstr{"", 10}),
		names:   newStrs(wstr{"spring_drop", 30}, wstr{"bio_link", 40}, wstr{"", 30}),
		refs:    []refChoice{{instagram, 40}, {nil, 60}}},
	{id: "google", w: 18, click: "gclid", clickPM: 1000,
		sources: newStrs(wstr{"google", 80}, wstr{"Google", 10}, wstr{"adwords", 10}),
		mediums: newStrs(wstr{"cpc", 70}, wstr{"ppc", 20}, wstr{"paid", 10}),
		names:   newStrs(wstr{"brand", 30}, wstr{"shopping_pmax", 35}, wstr{"generic_bags", 25}, wstr{"%7Bcampaignid%7D", 3}, wstr{"", 7}),
		refs:    []refChoice{{google, 85}, {nil, 15}}},
	{id: "bing", w: 5, click: "msclkid", clickPM: 900,
		sources: newStrs(wstr{"bing", 70}, wstr{"Bing", 15}, wstr{"microsoft", 15}),
		mediums: newStrs(wstr{"cpc", 60}, wstr{"ppc", 40}),
		names:   newStrs(wstr{"brand", 50}, wstr{"shopping", 50}),
		refs:    []refChoice{{bing, 80}, {nil, 20}}},
	{id: "aliexpress", w: 12,
		sources: newStrs(wstr{"aliexpress", 30}, wstr{"AliExpress", 25}, wstr{"aliexpress.com", 20}, wstr{"%20aliexpress%20", 10}, wstr{"ali", 10}, wstr{"Aliexpress%20", 5}),
		mediums: newStrs(wstr{"marketplace", 40}, wstr{"referral", 20}, wstr{"affiliate", 20}, wstr{"", 20}),
		names:   newStrs(wstr{"store_page", 40}, wstr{"listing", 40}, wstr{"", 20}),
		refs:    []refChoice{{aliexpress, 65}, {nil, 35}}},
	{id: "chatgpt", w: 12, // ChatGPT tags its own links with utm_source=chatgpt.com
		sources: newStrs(wstr{"chatgpt.com", 1}),
		mediums: newStrs(wstr{"", 1}),
		names:   newStrs(wstr{"", 1}),
		refs:    []refChoice{{chatgpt, 60}, {nil, 40}}},
	{id: "tiktok", w: 6, click: "ttclid", clickPM: 600, app: appTikTok, appPM: 700,
		sources: newStrs(wstr{"tiktok", 70}, wstr{"TikTok", 30}),
		mediums: newStrs(wstr{"paid_social", 50}, wstr{"social", 30}, wstr{"cpc", 20}),
		names:   newStrs(wstr{"creator_collab", 50}, wstr{"spark_ads", 50}),
		refs:    []refChoice{{tiktok, 30}, {nil, 70}}},
	{id: "pinterest", w: 5, app: appPinterest, appPM: 300,
		sources: newStrs(wstr{"pinterest", 90}, wstr{"Pinterest", 10}),
		mediums: newStrs(wstr{"social", 60}, wstr{"paid_social", 40}),
		names:   newStrs(wstr{"home_decor_boards", 100}),
		refs:    []refChoice{{pinterest, 70}, {nil, 30}}},
	{id: "linkedin", w: 5, app: appLinkedIn, appPM: 500,
		sources: newStrs(wstr{"linkedin", 70}, wstr{"LinkedIn", 30}),
		mediums: newStrs(wstr{"social", 60}, wstr{"paid_social", 40}),
		names:   newStrs(wstr{"b2b_gifting", 100}),
		refs:    []refChoice{{linkedin, 60}, {nil, 40}}},
	{id: "whatsapp", w: 4,
		sources: newStrs(wstr{"whatsapp", 80}, wstr{"WhatsApp", 20}),
		mediums: newStrs(wstr{"social", 50}, wstr{"messenger", 30}, wstr{"", 20}),
		names:   newStrs(wstr{"share_button", 100}),
		refs:    []refChoice{{nil, 1}}},
	{id: "qr", w: 3,
		sources: newStrs(wstr{"qr", 60}, wstr{"QR", 20}, wstr{"flyer", 20}),
		mediums: newStrs(wstr{"offline", 50}, wstr{"print", 50}),
		names:   newStrs(wstr{"packaging_insert", 100}),
		refs:    []refChoice{{nil, 1}}},
}

var campaignTable table

// utmContent is sometimes added to a tagged link.
var utmContent = newStrs(wstr{"hero_banner", 30}, wstr{"footer_link", 20}, wstr{"carousel_2", 20}, wstr{"video_15s", 15}, wstr{"text_link", 15})

// A stripped referral is a visit that came from a source whose referrer
// was lost: a tap in an app, a redirect. It arrives as direct; only
// gen_true_source tells where from.
type stripped struct {
	id    string
	w     uint64
	app   app
	appPM uint64
}

var strippedSources = []stripped{
	{"facebook", 25, appFacebook, 700},
	{"instagram", 20, appInstagram, 800},
	{"whatsapp", 15, appNone, 0},
	{"aliexpress", 10, appNone, 0},
	{"gmail", 7, appNone, 0},
	{"outlook", 3, appNone, 0},
	{"tiktok", 7, appTikTok, 800},
	{"linkedin", 5, appLinkedIn, 700},
	{"telegram", 4, appNone, 0},
	{"chatgpt", 4, appNone, 0},
	{"google", 5, appGoogle, 800},
	{"snapchat", 2, appSnapchat, 800},
}

var strippedTable table

// redditSubs are the subreddits of reddit referrers.
var redditSubs = []string{"BuyItForLife", "CozyPlaces", "Leathercraft", "GiftIdeas", "femalefashionadvice", "malelivingspace", "minimalism"}

// A region maps a country code to a family's host.
type region struct{ cc, host string }
