package rules

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/webmasterid/refreport/report/ingest"
)

// testSiteHosts are the --site-host values the table runs with.
var testSiteHosts = []string{"example-shop.net"}

// defaultURL is the landing page of cases that give none.
const defaultURL = "https://www.example.com/landing"

func testMatcher(t testing.TB) *Matcher {
	t.Helper()
	c, err := Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(c, testSiteHosts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A case is a visit and its expected result, written
// "source|medium|evidence|rule|host" with host "-" for none.
type tcase struct {
	ref, url string
	want     string
}

var cases = []tcase{
	// Direct: nothing usable in the referrer.
	{"", "", "direct|direct|direct|direct:empty|-"},
	{"   ", "", "direct|direct|direct|direct:empty|-"},
	{"null", "", "direct|direct|direct|direct:empty|-"},
	{"NULL", "", "direct|direct|direct|direct:empty|-"},
	{"undefined", "", "direct|direct|direct|direct:empty|-"},
	{"-", "", "direct|direct|direct|direct:empty|-"},
	{"about:blank", "", "direct|direct|direct|direct:empty|-"},
	{"About:Blank", "", "direct|direct|direct|direct:empty|-"},
	{"(direct)", "", "direct|direct|direct|direct:empty|-"},
	{"(none)", "", "direct|direct|direct|direct:empty|-"},
	{"http://null/", "", "direct|direct|direct|direct:empty|-"},
	{"javascript:void(0)", "", "direct|direct|direct|direct:scheme|-"},
	{"JavaScript:alert(1)", "", "direct|direct|direct|direct:scheme|-"},
	{"file:///C:/Users/me/Desktop/page.html", "", "direct|direct|direct|direct:scheme|-"},
	{"data:text/html,<h1>hi</h1>", "", "direct|direct|direct|direct:scheme|-"},
	{"chrome-extension://abcdefgh/popup.html", "", "direct|direct|direct|direct:scheme|-"},
	{"ftp://ftp.example.org/pub/", "", "direct|direct|direct|direct:scheme|-"},
	{"mailto:someone@example.org", "", "direct|direct|direct|direct:scheme|-"},
	{"about:srcdoc", "", "direct|direct|direct|direct:scheme|-"},
	{"localhost", "", "direct|direct|direct|direct:localhost|-"},
	{"http://localhost:3000/admin", "", "direct|direct|direct|direct:localhost|-"},
	{"localhost:8080/x", "", "direct|direct|direct|direct:localhost|-"},
	{"http://LOCALHOST./", "", "direct|direct|direct|direct:localhost|-"},
	{"http://app.localhost/", "", "direct|direct|direct|direct:localhost|-"},
	{"http://127.0.0.1:8080/x", "", "direct|direct|direct|direct:localhost|-"},
	{"http://127.1.2.3/", "", "direct|direct|direct|direct:localhost|-"},
	{"http://[::1]:8080/", "", "direct|direct|direct|direct:localhost|-"},
	{"http://0.0.0.0/", "", "direct|direct|direct|direct:localhost|-"},
	{"http:example.com", "", "direct|direct|direct|direct:unparseable|-"},
	{"https:/www.google.com/", "", "direct|direct|direct|direct:unparseable|-"},
	{"https://", "", "direct|direct|direct|direct:unparseable|-"},
	{"/relative/path?q=1", "", "direct|direct|direct|direct:unparseable|-"},
	{"?q=1", "", "direct|direct|direct|direct:unparseable|-"},
	{"not a url", "", "direct|direct|direct|direct:unparseable|-"},
	{"https://exa mple.com/", "", "direct|direct|direct|direct:unparseable|-"},
	{"http://foo..bar.com/", "", "direct|direct|direct|direct:unparseable|-"},
	{"http://.example.com/", "", "direct|direct|direct|direct:unparseable|-"},
	{"http://ex%41mple.com/", "", "direct|direct|direct|direct:unparseable|-"},
	{"http://www.google.com:http/", "", "direct|direct|direct|direct:unparseable|-"},
	{"http://[::1/", "", "direct|direct|direct|direct:unparseable|-"},
	{"http://2001:db8::1/", "", "direct|direct|direct|direct:unparseable|-"},
	{"https://" + strings.Repeat("a", 64) + ".com/", "", "direct|direct|direct|direct:unparseable|-"},
	{"https://<script>alert(1)</script>/", "", "direct|direct|direct|direct:unparseable|-"},
	{"android-app:com.google.android.gm", "", "direct|direct|direct|direct:unparseable|-"},
	{"android-app://", "", "direct|direct|direct|direct:unparseable|-"},
	{"android-app://com.bad<script>", "", "direct|direct|direct|direct:unparseable|-"},

	// Normalisation of hosts that are known.
	{"https://www.google.com/search?q=shoes", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"www.google.com/search", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"//www.google.com/path", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"google.com", "", "google|search|referrer|referrer:google.com|google.com"},
	{"HTTPS://WWW.GOOGLE.COM/", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com:443/", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"www.google.com:8080/search", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://user:secret@www.google.com/", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com./", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"http://user@www.google.com.:80/x", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"  https://www.google.com/  ", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"\thttps://www.google.com/\n", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com\\@evil.test/", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com#frag", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com?q=1", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com@evil.test/", "", "evil.test|referral|unknown_referrer|unknown:evil.test|evil.test"},
	{"https://evil.test\\@www.google.com/", "", "evil.test|referral|unknown_referrer|unknown:evil.test|evil.test"},
	{"https://bücher.de/", "", "buecher|marketplace|referrer|referrer:xn--bcher-kva.de|xn--bcher-kva.de"},
	{"https://BÜCHER.de/", "", "buecher|marketplace|referrer|referrer:xn--bcher-kva.de|xn--bcher-kva.de"},
	{"https://www.bücher.de./x", "", "buecher|marketplace|referrer|referrer:xn--bcher-kva.de|www.xn--bcher-kva.de"},
	{"https://xn--bcher-kva.de/", "", "buecher|marketplace|referrer|referrer:xn--bcher-kva.de|xn--bcher-kva.de"},
	{"bücher.de", "", "buecher|marketplace|referrer|referrer:xn--bcher-kva.de|xn--bcher-kva.de"},
	{"https://münchen.de/", "", "xn--mnchen-3ya.de|referral|unknown_referrer|unknown:xn--mnchen-3ya.de|xn--mnchen-3ya.de"},
	{"https://例え.jp/", "", "xn--r8jz45g.jp|referral|unknown_referrer|unknown:xn--r8jz45g.jp|xn--r8jz45g.jp"},
	{"https://[2001:DB8::1]:8080/", "", "[2001:db8::1]|referral|unknown_referrer|unknown:[2001:db8::1]|[2001:db8::1]"},
	{"http://192.0.2.10/page", "", "192.0.2.10|referral|unknown_referrer|unknown:192.0.2.10|192.0.2.10"},

	// {}: country-code public suffixes, and only those.
	{"https://www.google.de/", "", "google|search|referrer|referrer:google.{}|www.google.de"},
	{"https://www.google.co.uk/search?q=x", "", "google|search|referrer|referrer:google.{}|www.google.co.uk"},
	{"https://google.com.br/", "", "google|search|referrer|referrer:google.{}|google.com.br"},
	{"https://www.google.com.au/", "", "google|search|referrer|referrer:google.{}|www.google.com.au"},
	{"https://www.google.co.jp/", "", "google|search|referrer|referrer:google.{}|www.google.co.jp"},
	{"https://maps.google.de/", "", "google|search|referrer|referrer:google.{}|maps.google.de"},
	{"https://www.google.io/", "", "google|search|referrer|referrer:google.{}|www.google.io"},
	{"https://google.org/", "", "google.org|referral|unknown_referrer|unknown:google.org|google.org"},
	{"https://www.google.net/", "", "google.net|referral|unknown_referrer|unknown:google.net|www.google.net"},
	{"https://google.dev/", "", "google.dev|referral|unknown_referrer|unknown:google.dev|google.dev"},
	{"https://yandex.com.tr/", "", "yandex|search|referrer|referrer:yandex.{}|yandex.com.tr"},
	{"https://www.aliexpress.de/", "", "aliexpress|marketplace|referrer|referrer:aliexpress.{}|www.aliexpress.de"},
	{"https://www.amazon.co.uk/dp/B000", "", "amazon|marketplace|referrer|referrer:amazon.{}|www.amazon.co.uk"},
	{"https://www.amazon.de/", "", "amazon|marketplace|referrer|referrer:amazon.{}|www.amazon.de"},
	{"https://www.ebay.co.uk/itm/1", "", "ebay|marketplace|referrer|referrer:ebay.{}|www.ebay.co.uk"},
	{"https://foo.blogspot.com/", "", "blogger|referral|referrer|referrer:blogspot.com|foo.blogspot.com"},
	{"https://foo.blogspot.de/", "", "blogger|referral|referrer|referrer:blogspot.{}|foo.blogspot.de"},
	{"https://foo.blogspot.com.br/", "", "blogger|referral|referrer|referrer:blogspot.{}|foo.blogspot.com.br"},

	// Whole labels only.
	{"https://google.com.evil.test/", "", "google.com.evil.test|referral|unknown_referrer|unknown:google.com.evil.test|google.com.evil.test"},
	{"https://notgoogle.com/", "", "notgoogle.com|referral|unknown_referrer|unknown:notgoogle.com|notgoogle.com"},
	{"https://www.notgoogle.com/", "", "notgoogle.com|referral|unknown_referrer|unknown:notgoogle.com|www.notgoogle.com"},
	{"https://mygoogle.de/", "", "mygoogle.de|referral|unknown_referrer|unknown:mygoogle.de|mygoogle.de"},
	{"https://google-de.com/", "", "google-de.com|referral|unknown_referrer|unknown:google-de.com|google-de.com"},
	{"https://google.co.evil.test/", "", "google.co.evil.test|referral|unknown_referrer|unknown:google.co.evil.test|google.co.evil.test"},
	{"https://bing.com.cn/", "", "bing.com.cn|referral|unknown_referrer|unknown:bing.com.cn|bing.com.cn"},
	{"https://fakex.com/i/grok", "", "fakex.com|referral|unknown_referrer|unknown:fakex.com|fakex.com"},
	{"https://x.com.evil.test/i/grok", "", "x.com.evil.test|referral|unknown_referrer|unknown:x.com.evil.test|x.com.evil.test"},
	{"https://amazon.com.evil.test/", "", "amazon.com.evil.test|referral|unknown_referrer|unknown:amazon.com.evil.test|amazon.com.evil.test"},
	{"https://semalt.com.example.org/", "", "semalt.com.example.org|referral|unknown_referrer|unknown:semalt.com.example.org|semalt.com.example.org"},
	{"https://notsemalt.com/", "", "notsemalt.com|referral|unknown_referrer|unknown:notsemalt.com|notsemalt.com"},
	{"https://paypal.com.evil.test/", "", "paypal.com.evil.test|referral|unknown_referrer|unknown:paypal.com.evil.test|paypal.com.evil.test"},
	{"https://t.com/", "", "t.com|referral|unknown_referrer|unknown:t.com|t.com"},

	// The longest matching host wins.
	{"https://mail.google.com/mail/u/0/", "", "gmail|email|referrer|referrer:mail.google.com|mail.google.com"},
	{"https://play.google.com/store/apps", "", "google_play|marketplace|referrer|referrer:play.google.com|play.google.com"},
	{"https://news.google.com/", "", "google|search|referrer|referrer:google.com|news.google.com"},
	{"https://m.facebook.com/", "", "facebook|social|referrer|referrer:facebook.com|m.facebook.com"},
	{"https://www.facebook.com/groups/x", "", "facebook|social|referrer|referrer:facebook.com|www.facebook.com"},
	{"https://cn.bing.com/search?q=x", "", "bing|search|referrer|referrer:cn.bing.com|cn.bing.com"},
	{"https://www.bing.com/", "", "bing|search|referrer|referrer:bing.com|www.bing.com"},
	{"https://mail.yandex.ru/", "", "yandex_mail|email|referrer|referrer:mail.yandex.ru|mail.yandex.ru"},
	{"https://yandex.ru/search/?text=x", "", "yandex|search|referrer|referrer:yandex.ru|yandex.ru"},
	{"https://ya.ru/", "", "yandex|search|referrer|referrer:ya.ru|ya.ru"},
	{"https://de.aliexpress.com/item/1.html", "", "aliexpress|marketplace|referrer|referrer:aliexpress.com|de.aliexpress.com"},
	{"https://aliexpress.ru/", "", "aliexpress|marketplace|referrer|referrer:aliexpress.ru|aliexpress.ru"},
	{"https://smile.amazon.com/", "", "amazon|marketplace|referrer|referrer:amazon.com|smile.amazon.com"},
	{"https://duckduckgo.com/", "", "duckduckgo|search|referrer|referrer:duckduckgo.com|duckduckgo.com"},
	{"https://www.baidu.com/link?url=x", "", "baidu|search|referrer|referrer:baidu.com|www.baidu.com"},
	{"https://www.youtube.com/watch?v=x", "", "youtube|video|referrer|referrer:youtube.com|www.youtube.com"},
	{"https://youtu.be/x", "", "youtube|video|referrer|referrer:youtu.be|youtu.be"},
	{"https://chatgpt.com/", "", "chatgpt|ai_assistant|referrer|referrer:chatgpt.com|chatgpt.com"},
	{"https://chat.openai.com/c/1", "", "chatgpt|ai_assistant|referrer|referrer:chat.openai.com|chat.openai.com"},
	{"https://openai.com/", "", "openai.com|referral|unknown_referrer|unknown:openai.com|openai.com"},
	{"https://www.perplexity.ai/search", "", "perplexity|ai_assistant|referrer|referrer:perplexity.ai|www.perplexity.ai"},
	{"https://www.reddit.com/r/golang", "", "reddit|social|referrer|referrer:reddit.com|www.reddit.com"},
	{"https://old.reddit.com/", "", "reddit|social|referrer|referrer:reddit.com|old.reddit.com"},
	{"https://www.tiktok.com/@x", "", "tiktok|social|referrer|referrer:tiktok.com|www.tiktok.com"},
	{"https://www.linkedin.com/feed/", "", "linkedin|social|referrer|referrer:linkedin.com|www.linkedin.com"},
	{"https://twitter.com/someone", "", "twitter|social|referrer|referrer:twitter.com|twitter.com"},
	{"https://outlook.live.com/mail/0/", "", "outlook|email|referrer|referrer:outlook.live.com|outlook.live.com"},
	{"https://live.com/", "", "live.com|referral|unknown_referrer|unknown:live.com|live.com"},

	// Excluded subdomains fall through.
	{"https://docs.google.com/document/d/1", "", "docs.google.com|referral|unknown_referrer|unknown:docs.google.com|docs.google.com"},
	{"https://sub.docs.google.com/", "", "sub.docs.google.com|referral|unknown_referrer|unknown:sub.docs.google.com|sub.docs.google.com"},
	{"https://docs.google.de/", "", "docs.google.de|referral|unknown_referrer|unknown:docs.google.de|docs.google.de"},
	{"https://accounts.google.com/o/oauth2", "", "accounts.google.com|referral|unknown_referrer|unknown:accounts.google.com|accounts.google.com"},
	{"https://cloud.google.com/", "", "cloud.google.com|referral|unknown_referrer|unknown:cloud.google.com|cloud.google.com"},
	{"https://mydocs.google.com/", "", "google|search|referrer|referrer:google.com|mydocs.google.com"},
	{"https://aws.amazon.com/", "", "aws.amazon.com|referral|unknown_referrer|unknown:aws.amazon.com|aws.amazon.com"},
	{"https://console.aws.amazon.com/", "", "console.aws.amazon.com|referral|unknown_referrer|unknown:console.aws.amazon.com|console.aws.amazon.com"},
	{"https://aws.amazon.de/", "", "amazon|marketplace|referrer|referrer:amazon.{}|aws.amazon.de"},
	{"https://docs.google.com/url?q=x", "", "docs.google.com|referral|unknown_referrer|unknown:docs.google.com|docs.google.com"},

	// Path rules refine within their host.
	{"https://x.com/i/grok", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"https://x.com/i/grok/", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"https://x.com/i/grok?conversation=1", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"https://x.com/i/grok#top", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"https://x.com/i/grok/share/abc", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"https://x.com/I/Grok", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"x.com/i/grok", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|x.com"},
	{"https://mobile.x.com/i/grok", "", "grok|ai_assistant|referrer|referrer:x.com/i/grok|mobile.x.com"},
	{"https://x.com/i/grokking", "", "twitter|social|referrer|referrer:x.com|x.com"},
	{"https://x.com/i/", "", "twitter|social|referrer|referrer:x.com|x.com"},
	{"https://x.com/elonmusk/status/1", "", "twitter|social|referrer|referrer:x.com|x.com"},
	{"https://x.com/", "", "twitter|social|referrer|referrer:x.com|x.com"},
	{"https://x.com?i/grok", "", "twitter|social|referrer|referrer:x.com|x.com"},
	{"https://twitter.com/i/grok", "", "twitter|social|referrer|referrer:twitter.com|twitter.com"},
	{"https://grok.com/chat/1", "", "grok|ai_assistant|referrer|referrer:grok.com|grok.com"},
	{"https://www.google.com/url?q=https://www.example.org/", "", "google|search|redirect|redirect:google.com/url|www.google.com"},
	{"https://www.google.com/url/x", "", "google|search|redirect|redirect:google.com/url|www.google.com"},
	{"https://www.google.com/urls", "", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.de/url?q=x", "", "google|search|referrer|referrer:google.{}|www.google.de"},

	// Redirect and wrapper hosts.
	{"https://s.click.aliexpress.com/e/_DkAbc", "", "aliexpress|affiliate|redirect|redirect:s.click.aliexpress.com|s.click.aliexpress.com"},
	{"https://click.aliexpress.com/", "", "aliexpress|affiliate|redirect|redirect:click.aliexpress.com|click.aliexpress.com"},
	{"https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com", "", "facebook|social|redirect|redirect:l.facebook.com|l.facebook.com"},
	{"https://lm.facebook.com/", "", "facebook|social|redirect|redirect:lm.facebook.com|lm.facebook.com"},
	{"https://l.instagram.com/?u=x", "", "instagram|social|redirect|redirect:l.instagram.com|l.instagram.com"},
	{"https://t.co/AbCdEf", "", "twitter|social|redirect|redirect:t.co|t.co"},
	{"https://lnkd.in/abc", "", "linkedin|social|redirect|redirect:lnkd.in|lnkd.in"},
	{"https://out.reddit.com/t3_x", "", "reddit|social|redirect|redirect:out.reddit.com|out.reddit.com"},
	{"https://www.googleadservices.com/pagead/aclk?sa=L", "", "google|paid_search|redirect|redirect:googleadservices.com|www.googleadservices.com"},
	{"https://rover.ebay.com/rover/1/711", "", "ebay|affiliate|redirect|redirect:rover.ebay.com|rover.ebay.com"},
	{"https://eur01.safelinks.protection.outlook.com/?url=x", "", "outlook|email|redirect|redirect:safelinks.protection.outlook.com|eur01.safelinks.protection.outlook.com"},
	{"https://us5.list-manage.com/track/click", "", "mailchimp|email|redirect|redirect:list-manage.com|us5.list-manage.com"},
	{"https://mailchi.mp/abc/news", "", "mailchimp|email|referrer|referrer:mailchi.mp|mailchi.mp"},

	// Android apps.
	{"android-app://com.google.android.gm", "", "gmail|email|app|app:com.google.android.gm|-"},
	{"android-app://com.google.android.gm/", "", "gmail|email|app|app:com.google.android.gm|-"},
	{"android-app://com.google.android.googlequicksearchbox/https/www.google.com", "", "google|search|app|app:com.google.android.googlequicksearchbox|-"},
	{"ANDROID-APP://com.facebook.katana", "", "facebook|social|app|app:com.facebook.katana|-"},
	{"android-app://com.linkedin.android", "", "linkedin|social|app|app:com.linkedin.android|-"},
	{"android-app://com.google.android.youtube", "", "youtube|video|app|app:com.google.android.youtube|-"},
	{"android-app://com.alibaba.aliexpresshd", "", "aliexpress|marketplace|app|app:com.alibaba.aliexpresshd|-"},
	{"android-app://org.telegram.messenger", "", "org.telegram.messenger|referral|app|app:org.telegram.messenger|-"},
	{"android-app://Com.Slack/", "", "com.slack|referral|app|app:com.slack|-"},

	// Referrer spam: a listed domain or any subdomain.
	{"http://semalt.com/", "", "semalt.com|spam|spam|spam:semalt.com|semalt.com"},
	{"http://www.semalt.com/", "", "semalt.com|spam|spam|spam:semalt.com|www.semalt.com"},
	{"http://fr.semalt.com/crawler.php?u=x", "", "semalt.com|spam|spam|spam:semalt.com|fr.semalt.com"},
	{"https://a.b.buttons-for-website.com", "", "buttons-for-website.com|spam|spam|spam:buttons-for-website.com|a.b.buttons-for-website.com"},
	{"darodar.com", "", "darodar.com|spam|spam|spam:darodar.com|darodar.com"},
	{"https://best-seo-offer.com:8080/x", "", "best-seo-offer.com|spam|spam|spam:best-seo-offer.com|best-seo-offer.com"},
	{"HTTP://SEMALT.COM./", "", "semalt.com|spam|spam|spam:semalt.com|semalt.com"},

	// Internal: the page's own host or registrable domain, --site-host
	// values, the shared payment hosts.
	{"https://www.example.com/other", "", "internal|internal|internal|internal:site|www.example.com"},
	{"https://blog.example.com/post", "", "internal|internal|internal|internal:site|blog.example.com"},
	{"https://example.com/", "https://shop.example.com/p", "internal|internal|internal|internal:site|example.com"},
	{"https://blog.example.com", "HTTPS://WWW.EXAMPLE.COM:8443/p", "internal|internal|internal|internal:site|blog.example.com"},
	{"https://www.example.co.uk/", "https://example.co.uk/", "internal|internal|internal|internal:site|www.example.co.uk"},
	{"https://other.co.uk/", "https://example.co.uk/", "other.co.uk|referral|unknown_referrer|unknown:other.co.uk|other.co.uk"},
	{"https://foo.github.io/", "https://bar.github.io/", "foo.github.io|referral|unknown_referrer|unknown:foo.github.io|foo.github.io"},
	{"https://bar.github.io/x", "https://bar.github.io/", "internal|internal|internal|internal:site|bar.github.io"},
	{"https://www.google.com/", "https://www.google.com/landing", "internal|internal|internal|internal:site|www.google.com"},
	{"https://bücher.de/", "https://www.xn--bcher-kva.de/", "internal|internal|internal|internal:site|xn--bcher-kva.de"},
	{"https://www.example.com/", "/relative", "example.com|referral|unknown_referrer|unknown:example.com|www.example.com"},
	{"https://www.example.com/", "-", "example.com|referral|unknown_referrer|unknown:example.com|www.example.com"},
	{"https://example-shop.net/cart", "", "internal|internal|internal|internal:site|example-shop.net"},
	{"https://m.example-shop.net/", "", "internal|internal|internal|internal:site|m.example-shop.net"},
	{"https://notexample-shop.net/", "", "notexample-shop.net|referral|unknown_referrer|unknown:notexample-shop.net|notexample-shop.net"},
	{"https://www.paypal.com/checkoutnow?token=x", "", "internal|internal|internal|internal:paypal.com|www.paypal.com"},
	{"https://www.sandbox.paypal.com/", "", "internal|internal|internal|internal:paypal.com|www.sandbox.paypal.com"},
	{"https://www.paypal.de/", "", "internal|internal|internal|internal:paypal.{}|www.paypal.de"},
	{"https://checkout.stripe.com/pay/cs_live_x", "", "internal|internal|internal|internal:checkout.stripe.com|checkout.stripe.com"},
	{"https://stripe.com/", "", "stripe.com|referral|unknown_referrer|unknown:stripe.com|stripe.com"},
	{"https://js.klarna.com/", "", "internal|internal|internal|internal:klarna.com|js.klarna.com"},
	{"https://test.adyen.com/hpp", "", "internal|internal|internal|internal:adyen.com|test.adyen.com"},

	// Unknown hosts: the host without "www.".
	{"https://www.example.org/page", "", "example.org|referral|unknown_referrer|unknown:example.org|www.example.org"},
	{"https://example.org", "", "example.org|referral|unknown_referrer|unknown:example.org|example.org"},
	{"https://news.ycombinator.com/item?id=1", "", "news.ycombinator.com|referral|unknown_referrer|unknown:news.ycombinator.com|news.ycombinator.com"},
	{"https://www2.example.org/", "", "www2.example.org|referral|unknown_referrer|unknown:www2.example.org|www2.example.org"},
	{"https://www.com/", "", "www.com|referral|unknown_referrer|unknown:www.com|www.com"},
	{"http://intranet/", "", "intranet|referral|unknown_referrer|unknown:intranet|intranet"},
	{"https://my_host.example.org/", "", "my_host.example.org|referral|unknown_referrer|unknown:my_host.example.org|my_host.example.org"},
	{"https://r3---sn-abc.googlevideo.com/", "", "r3---sn-abc.googlevideo.com|referral|unknown_referrer|unknown:r3---sn-abc.googlevideo.com|r3---sn-abc.googlevideo.com"},

	// UTM: source from the tag, medium from paid pattern, aliases, click
	// id, source, campaign.
	{"", "https://www.example.com/?utm_source=google&utm_medium=cpc", "google|paid_search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=facebook&utm_medium=paid_social", "facebook|paid_social|utm|utm:utm_source=facebook|-"},
	{"", "https://www.example.com/?utm_source=facebook&utm_medium=cpc", "facebook|paid_social|utm|utm:utm_source=facebook|-"},
	{"", "https://www.example.com/?utm_source=aliexpress&utm_medium=ppc", "aliexpress|paid_marketplace|utm|utm:utm_source=aliexpress|-"},
	{"", "https://www.example.com/?utm_source=youtube&utm_medium=cpv", "youtube|paid_video|utm|utm:utm_source=youtube|-"},
	{"", "https://www.example.com/?utm_source=gmail&utm_medium=paid", "gmail|paid_other|utm|utm:utm_source=gmail|-"},
	{"", "https://www.example.com/?utm_source=chatgpt&utm_medium=retargeting", "chatgpt|paid_other|utm|utm:utm_source=chatgpt|-"},
	{"", "https://www.example.com/?utm_source=google&utm_medium=paid_social", "google|paid_search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=tiktok&utm_medium=paid", "tiktok|paid_social|utm|utm:utm_source=tiktok|-"},
	{"", "https://www.example.com/?utm_source=x&utm_medium=cpm", "twitter|paid_social|utm|utm:utm_source=x|-"},
	{"", "https://www.example.com/?utm_source=partnerx&utm_medium=cpc", "partnerx|paid_other|utm|utm:utm_source=partnerx|-"},
	{"", "https://www.example.com/?utm_source=partnerx&utm_medium=retargetingx", "partnerx|campaign|utm|utm:utm_source=partnerx|-"},
	{"", "https://www.example.com/?utm_source=newsletter&utm_medium=email", "mailchimp|email|utm|utm:utm_source=newsletter|-"},
	{"", "https://www.example.com/?utm_source=mailchimp&utm_medium=e-mail", "mailchimp|email|utm|utm:utm_source=mailchimp|-"},
	{"", "https://www.example.com/?utm_source=Newsletter_Weekly&utm_medium=Email", "newsletter_weekly|email|utm|utm:utm_source=newsletter_weekly|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=banner", "acme|display|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=partner", "acme|affiliate|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=text-message", "acme|sms|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=web-push", "acme|push|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=referral", "acme|referral|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=direct", "acme|campaign|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme", "acme|campaign|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=acme&utm_medium=whatever", "acme|campaign|utm|utm:utm_source=acme|-"},
	{"", "https://www.example.com/?utm_source=google", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=google&utm_medium=whatever", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=google&gclid=abc", "google|paid_search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=google&dclid=abc", "google|display|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?dclid=a&utm_source=google&gclid=b", "google|paid_search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=bing&gclid=abc", "bing|search|utm|utm:utm_source=bing|-"},
	{"", "https://www.example.com/?utm_source=facebook&fbclid=abc", "facebook|social|utm|utm:utm_source=facebook|-"},
	{"", "https://www.example.com/?utm_source=google&utm_medium=organic&gclid=x", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?UTM_SOURCE=Google&UTM_MEDIUM=CPC", "google|paid_search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?Utm_Source=FB", "facebook|social|utm|utm:utm_source=fb|-"},
	{"", "https://www.example.com/?utm_source=google%20ads", "google ads|campaign|utm|utm:utm_source=google ads|-"},
	{"", "https://www.example.com/?utm_source=google+ads&utm_medium=cpc", "google ads|paid_other|utm|utm:utm_source=google ads|-"},
	{"", "https://www.example.com/?utm_source=google-ads", "google|search|utm|utm:utm_source=google-ads|-"},
	{"", "https://www.example.com/?utm_source=%20Google%20", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=+google+", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=%67oogle", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=google.com", "google|search|utm|utm:utm_source=google.com|-"},
	{"", "https://www.example.com/?utm_source=ali&utm_medium=marketplace", "aliexpress|marketplace|utm|utm:utm_source=ali|-"},
	{"", "https://www.example.com/?utm_source=ig&utm_medium=social-media", "instagram|social|utm|utm:utm_source=ig|-"},
	{"", "https://www.example.com/?utm_source=ddg&utm_medium=seo", "duckduckgo|search|utm|utm:utm_source=ddg|-"},
	{"", "https://www.example.com/?utm_source=x", "twitter|social|utm|utm:utm_source=x|-"},
	{"", "https://www.example.com/?utm_source=chatgpt.com", "chatgpt|ai_assistant|utm|utm:utm_source=chatgpt.com|-"},
	{"", "https://www.example.com/?utm_source=perplexity&utm_medium=ai", "perplexity|ai_assistant|utm|utm:utm_source=perplexity|-"},
	{"", "https://www.example.com/?utm_source=google&utm_source=bing", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?utm_source=&utm_source=bing", "bing|search|utm|utm:utm_source=bing|-"},
	{"", "https://www.example.com/?utm_source=50%off", "50%off|campaign|utm|utm:utm_source=50%off|-"},
	{"", "https://www.example.com/?utm_source=%E2%9C%93", "✓|campaign|utm|utm:utm_source=✓|-"},
	{"", "https://www.example.com/?utm_source=%FF", "\ufffd|campaign|utm|utm:utm_source=\ufffd|-"},
	{"", "https://www.example.com/?utm_source=%C3%9Cber", "über|campaign|utm|utm:utm_source=über|-"},
	{"", "https://www.example.com/?utm_source=direct", "direct|campaign|utm|utm:utm_source=direct|-"},
	{"", "https://www.example.com/?utm_source=(not%20set)", "direct|direct|direct|direct:empty|-"},
	{"https://www.google.com/", "https://www.example.com/?utm_source=(direct)&utm_medium=(none)", "google|search|referrer|referrer:google.com|www.google.com"},
	{"", "https://www.example.com/?utm_source=null&gclid=x", "google|paid_search|click_id|click_id:gclid|-"},
	{"", "https://www.example.com/?utm_source=undefined#utm_source=fb", "facebook|social|utm|utm:utm_source=fb|-"},
	{"", "https://www.example.com/#utm_source=newsletter&utm_medium=email", "mailchimp|email|utm|utm:utm_source=newsletter|-"},
	{"", "https://www.example.com/#/products?utm_source=fb", "facebook|social|utm|utm:utm_source=fb|-"},
	{"", "https://www.example.com/?utm_source=google#utm_source=bing", "google|search|utm|utm:utm_source=google|-"},
	{"", "https://www.example.com/?a=1#utm_source=bing", "bing|search|utm|utm:utm_source=bing|-"},
	{"", "https://www.example.com/?utm_source=acme#utm_medium=email", "acme|email|utm|utm:utm_source=acme|-"},
	{"https://www.google.com/", "https://www.example.com/?utm_source=newsletter", "mailchimp|email|utm|utm:utm_source=newsletter|www.google.com"},
	{"https://www.example.com/", "https://www.example.com/?utm_source=newsletter", "mailchimp|email|utm|utm:utm_source=newsletter|www.example.com"},
	{"https://www.google.com/", "https://www.example.com/?utm_source=", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com/", "https://www.example.com/?utm_source=%20", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com/", "https://www.example.com/?utm_medium=cpc", "google|search|referrer|referrer:google.com|www.google.com"},
	{"https://www.google.com/", "https://www.example.com/?x=1&amp;utm_source=fb", "google|search|referrer|referrer:google.com|www.google.com"},
	{"", "https://www.example.com/utm_source=google", "direct|direct|direct|direct:empty|-"},
	{"", "https://www.example.com/?utm_source", "direct|direct|direct|direct:empty|-"},

	// Click ids, in the catalog's priority order.
	{"", "https://www.example.com/?gclid=EAIaIQobChMI", "google|paid_search|click_id|click_id:gclid|-"},
	{"", "https://www.example.com/?gbraid=0AAAAA", "google|paid_search|click_id|click_id:gbraid|-"},
	{"", "https://www.example.com/?wbraid=CjkKC", "google|paid_search|click_id|click_id:wbraid|-"},
	{"", "https://www.example.com/?dclid=CJ", "google|display|click_id|click_id:dclid|-"},
	{"", "https://www.example.com/?msclkid=abc123", "bing|paid_search|click_id|click_id:msclkid|-"},
	{"", "https://www.example.com/?fbclid=IwAR0abc", "facebook|social|click_id|click_id:fbclid|-"},
	{"", "https://www.example.com/?ttclid=E.C.P", "tiktok|paid_social|click_id|click_id:ttclid|-"},
	{"", "https://www.example.com/?li_fat_id=1a2b", "linkedin|paid_social|click_id|click_id:li_fat_id|-"},
	{"", "https://www.example.com/?fbclid=a&gclid=b", "google|paid_search|click_id|click_id:gclid|-"},
	{"", "https://www.example.com/?msclkid=a&fbclid=b", "bing|paid_search|click_id|click_id:msclkid|-"},
	{"", "https://www.example.com/?ttclid=a&dclid=b&li_fat_id=c", "google|display|click_id|click_id:dclid|-"},
	{"", "https://www.example.com/?GCLID=x", "google|paid_search|click_id|click_id:gclid|-"},
	{"", "https://www.example.com/?gclid=&fbclid=x", "facebook|social|click_id|click_id:fbclid|-"},
	{"", "https://www.example.com/?gclid=%20&fbclid=x", "facebook|social|click_id|click_id:fbclid|-"},
	{"", "https://www.example.com/?gclid=+", "direct|direct|direct|direct:empty|-"},
	{"", "https://www.example.com/#gclid=x", "google|paid_search|click_id|click_id:gclid|-"},
	{"", "https://www.example.com/?xgclid=1&gclidx=2", "direct|direct|direct|direct:empty|-"},
	{"", "https://www.example.com/?gclid", "direct|direct|direct|direct:empty|-"},
	{"", "https://www.example.com/?utm_medium=cpc&gclid=x", "google|paid_search|click_id|click_id:gclid|-"},
	{"https://l.facebook.com/", "https://www.example.com/?fbclid=x", "facebook|social|click_id|click_id:fbclid|l.facebook.com"},
	{"https://www.example.com/", "https://www.example.com/?gclid=x", "google|paid_search|click_id|click_id:gclid|www.example.com"},
	{"https://www.bing.com/", "https://www.example.com/?gclid=x", "google|paid_search|click_id|click_id:gclid|www.bing.com"},
	{"javascript:x", "https://www.example.com/?msclkid=x", "bing|paid_search|click_id|click_id:msclkid|-"},
}

// knownEvidence are the kinds of evidence that name a catalog source.
var knownEvidence = map[Evidence]bool{EvidenceUTM: true, EvidenceClickID: true, EvidenceReferrer: true, EvidenceRedirect: true, EvidenceApp: true}

func (tc tcase) visit() *ingest.Visit {
	u := tc.url
	if u == "" {
		u = defaultURL
	}
	return &ingest.Visit{Referrer: tc.ref, URL: u}
}

// got formats a Result like the table's want.
func got(r Result) string {
	h := r.Host
	if h == "" {
		h = "-"
	}
	return strings.Join([]string{r.Source, r.Medium, r.Evidence.String(), r.Rule, h}, "|")
}

func TestClassifyTable(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	seen := make(map[string]bool)
	for i, tc := range cases {
		key := tc.ref + "\x00" + tc.url
		if seen[key] {
			t.Errorf("case %d (%q, %q) is in the table twice", i, tc.ref, tc.url)
		}
		seen[key] = true
		r := cl.Classify(tc.visit())
		if g := got(r); g != tc.want {
			t.Errorf("referrer %q url %q:\n got  %s\n want %s", tc.ref, tc.url, g, tc.want)
		}
		_, inCatalog := m.cat.Source(r.Source)
		if wantKnown := inCatalog && knownEvidence[r.Evidence]; r.Known != wantKnown {
			t.Errorf("referrer %q url %q: Known = %v, want %v", tc.ref, tc.url, r.Known, wantKnown)
		}
	}
	if len(cases) < 200 {
		t.Errorf("only %d cases; the table should keep at least 200", len(cases))
	}
}

// The caches must never change a result: the table is classified by one
// warm classifier in reverse order, and by a fresh one per visit.
func TestClassifyCacheTransparent(t *testing.T) {
	m := testMatcher(t)
	warm := m.NewClassifier()
	for _, tc := range cases {
		warm.Classify(tc.visit())
	}
	for _, tc := range slices.Backward(cases) {
		a := warm.Classify(tc.visit())
		b := m.NewClassifier().Classify(tc.visit())
		if a != b {
			t.Errorf("referrer %q url %q: warm %+v, fresh %+v", tc.ref, tc.url, a, b)
		}
	}
}

// Visits with keys are classified as those without: the table with user
// agents, keyed by value, once with keys of their own memo slots and once
// with keys that all share one slot.
func TestClassifyMemoTransparent(t *testing.T) {
	m := testMatcher(t)
	var visits []*ingest.Visit
	for i, tc := range cases {
		v := tc.visit()
		if i%3 != 0 {
			v.UserAgent = uaCases[i%len(uaCases)].ua
		}
		visits = append(visits, v)
	}
	for _, stride := range []uint64{1, refMemoSlots * urlMemoSlots * uaMemoSlots} {
		keys := map[string]uint64{}
		key := func(field, value string) uint64 {
			k, ok := keys[field+"\x00"+value]
			if !ok {
				k = uint64(len(keys)+1) * stride
				keys[field+"\x00"+value] = k
			}
			return k
		}
		cl := m.NewClassifier()
		both := append(slices.Clone(visits), visits...)
		slices.Reverse(both[len(visits):])
		for _, v := range both {
			keyed := *v
			keyed.URLKey, keyed.ReferrerKey, keyed.UserAgentKey = key("u", v.URL), key("r", v.Referrer), key("a", v.UserAgent)
			if a, b := cl.Classify(&keyed), m.NewClassifier().Classify(v); a != b {
				t.Errorf("stride %d, referrer %q url %q: keyed %+v, unkeyed %+v", stride, v.Referrer, v.URL, a, b)
			}
		}
	}
}

// A key stands for its value: the memo answers for it without reading the
// value again.
func TestClassifyMemoByKey(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	first := []ingest.Visit{
		{Referrer: "https://www.google.com/", URL: defaultURL, ReferrerKey: 7},
		{URL: defaultURL + "?gclid=abc", URLKey: 8},
		{URL: defaultURL, UserAgent: uaCases[0].ua, UserAgentKey: 9},
	}
	again := []ingest.Visit{
		{Referrer: "https://www.bing.com/", URL: defaultURL, ReferrerKey: 7},
		{URL: defaultURL + "?gclix=abc", URLKey: 8}, // as long: see TestClassifyMemoLength
		{URL: defaultURL, UserAgent: "curl/8.0", UserAgentKey: 9},
	}
	for i := range first {
		want := cl.Classify(&first[i])
		if got := cl.Classify(&again[i]); got.Source != want.Source || got.Medium != want.Medium {
			t.Errorf("visit %d: key of %+v gave %s/%s, want the memo's %s/%s", i, first[i], got.Source, got.Medium, want.Source, want.Medium)
		}
	}
}

// A URL memo holds places in the URL: a URL of another length under the
// same key, which no reader gives, is read afresh rather than cut wrong.
func TestClassifyMemoLength(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	cl.Classify(&ingest.Visit{URL: defaultURL + "?utm_source=newsletter&utm_medium=email", URLKey: 3})
	got := cl.Classify(&ingest.Visit{URL: defaultURL + "?utm_source=x", URLKey: 3})
	if got.UTMSource != "x" || got.UTMMedium != "" {
		t.Errorf("shorter URL under the same key: utm_source %q, utm_medium %q; want x and none", got.UTMSource, got.UTMMedium)
	}
}

// Classifiers of one Matcher run concurrently (run with -race).
func TestClassifyConcurrent(t *testing.T) {
	m := testMatcher(t)
	want := make([]Result, len(cases))
	for i, tc := range cases {
		want[i] = m.NewClassifier().Classify(tc.visit())
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := m.NewClassifier()
			for round := 0; round < 3; round++ {
				for i, tc := range cases {
					if r := cl.Classify(tc.visit()); r != want[i] {
						errs <- fmt.Sprintf("case %d: %+v, want %+v", i, r, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Tag values from their own columns win over the URL and are not
// percent-decoded; all of them reach the Result for hygiene reports.
func TestClassifyColumns(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	for _, tc := range []struct {
		url, src, med, camp string
		want                string
		utmSource           string // Result.UTMSource
		utmMedium, utmCamp  string
	}{
		{defaultURL, "Newsletter", "", "", "mailchimp|email|utm|utm:utm_source=newsletter|-", "Newsletter", "", ""},
		{defaultURL + "?utm_source=google", "newsletter", "", "", "mailchimp|email|utm|utm:utm_source=newsletter|-", "newsletter", "", ""},
		{defaultURL + "?utm_source=google", "  ", "", "", "google|search|utm|utm:utm_source=google|-", "google", "", ""},
		{defaultURL, "google", "CPC", "Spring_Sale", "google|paid_search|utm|utm:utm_source=google|-", "google", "cpc", "spring_sale"},
		{defaultURL + "?utm_medium=email&utm_campaign=URL", "acme", "", "", "acme|email|utm|utm:utm_source=acme|-", "acme", "email", "url"},
		{defaultURL + "?utm_medium=email", "acme", "banner", "Col", "acme|display|utm|utm:utm_source=acme|-", "acme", "banner", "col"},
		{defaultURL, "google+ads", "", "", "google+ads|campaign|utm|utm:utm_source=google+ads|-", "google+ads", "", ""},
		{defaultURL, "google%20ads", "", "", "google%20ads|campaign|utm|utm:utm_source=google%20ads|-", "google%20ads", "", ""},
		{defaultURL + "?utm_source=Google%20Ads&utm_medium=Paid+Search&utm_campaign=Summer%2026", "", "", "", "google ads|paid_other|utm|utm:utm_source=google ads|-", "Google Ads", "paid search", "summer 26"},
		{defaultURL + "?utm_source=%20%20", "", "", "", "direct|direct|direct|direct:empty|-", "  ", "", ""},
		{defaultURL, " Facebook ", " Social ", "", "facebook|social|utm|utm:utm_source=facebook|-", " Facebook ", "social", ""},
		{defaultURL, "(direct)", "(none)", "(not set)", "direct|direct|direct|direct:empty|-", "(direct)", "(none)", "(not set)"},
		{defaultURL + "?utm_source=fb", "(not set)", "", "", "facebook|social|utm|utm:utm_source=fb|-", "fb", "", ""},
		{defaultURL + "?utm_source=(none)", "(not set)", "", "", "direct|direct|direct|direct:empty|-", "(not set)", "", ""},
		{defaultURL + "?utm_source=(none)", "", "", "", "direct|direct|direct|direct:empty|-", "(none)", "", ""},
	} {
		v := &ingest.Visit{URL: tc.url, UTMSource: tc.src, UTMMedium: tc.med, UTMCampaign: tc.camp}
		r := cl.Classify(v)
		if g := got(r); g != tc.want {
			t.Errorf("%+v:\n got  %s\n want %s", tc, g, tc.want)
		}
		if r.UTMSource != tc.utmSource || r.UTMMedium != tc.utmMedium || r.UTMCampaign != tc.utmCamp {
			t.Errorf("%+v: UTM fields %q %q %q, want %q %q %q", tc, r.UTMSource, r.UTMMedium, r.UTMCampaign, tc.utmSource, tc.utmMedium, tc.utmCamp)
		}
	}
}

// The classifier remembers the last landing page's scheme and authority;
// URLs that merely start like it must not reuse it.
func TestSameSiteMemo(t *testing.T) {
	m := testMatcher(t)
	cl := m.NewClassifier()
	const ref = "https://blog.example.com/"
	for _, tc := range []struct {
		url      string
		internal bool
	}{
		{"https://www.example.com/a", true},
		{"https://www.example.com.evil.test/", false},
		{"https://www.example.com/b?x=1", true},
		{"https://www.example.comx/", false},
		{"https://www.example.com", true},
		{"https://www.example.com@evil.test/", false},
		{"https://www.example.com#x", true},
		{"https://www.example.com:8443/", true},
		{"https://www.example.com:8443.evil.test/", false},
		{"https://www.example.com\\@evil.test/", true},
		{" https://www.example.com/", true},
		{"https://evil.test/", false},
		{"https://www.example.com/c", true},
	} {
		r := cl.Classify(&ingest.Visit{Referrer: ref, URL: tc.url})
		if got := r.Evidence == EvidenceInternal; got != tc.internal {
			t.Errorf("url %q: %+v, want internal %v", tc.url, r, tc.internal)
		}
		if fresh := m.NewClassifier().Classify(&ingest.Visit{Referrer: ref, URL: tc.url}); fresh != r {
			t.Errorf("url %q: warm %+v, fresh %+v", tc.url, r, fresh)
		}
	}
}
