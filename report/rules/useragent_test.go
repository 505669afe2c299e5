package rules

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/webmasterid/refreport/report/ingest"
)

// A uaCase is a visit with a user agent and its expected result with the
// shipped sources.yaml, written "source|medium|evidence|rule".
type uaCase struct {
	ua, ref, url string
	want         string
}

const shopURL = "https://shop.example.com/p/42"

// Real in-app browser user agents (version numbers vary in the wild; the
// shapes are the apps'), and ordinary browsers and bots that must stay
// direct.
var uaCases = []uaCase{
	// Facebook: iOS [FBAN/FBIOS;...], Android [FB_IAB/FB4A;...].
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/471.0.0.35.99;FBBV/606218440;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/608395574]", want: "facebook|social|in_app|in_app:FBAN"},
	{ua: "Mozilla/5.0 (iPad; CPU OS 12_5_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16H62 [FBAN/FBIOS;FBDV/iPad4,4;FBMD/iPad;FBSN/iOS;FBSV/12.5.5;FBSS/2;FBID/tablet;FBLC/de_DE;FBOP/5]", want: "facebook|social|in_app|in_app:FBAN"},
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 8_1 like Mac OS X) AppleWebKit/600.1.4 (KHTML, like Gecko) Mobile/12B411 [FBAN/FBIOS;FBAV/14.9.0.33.26;FBBV/4302539;FBDV/iPhone5,2;FBMD/iPhone;FBSN/iPhone OS;FBSV/8.1;FBSS/2; FBCR/TDC;FBID/phone;FBLC/da_DK;FBOP/5]", want: "facebook|social|in_app|in_app:FBAN"},
	{ua: "Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.87 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/353.0.0.34.116;]", want: "facebook|social|in_app|in_app:FB_IAB"},
	{ua: "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240405.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.113 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/462.0.0.39.109;IABMV/1;]", want: "facebook|social|in_app|in_app:FB_IAB"},
	// Messenger's tokens start where Facebook's do and are longer.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/453.0.0.34.107;FBBV/577613441;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5]", want: "messenger|social|in_app|in_app:FBAN/MessengerForiOS"},
	{ua: "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 [FB_IAB/MESSENGER;FBAV/441.0.0.28.109;]", want: "messenger|social|in_app|in_app:FB_IAB/MESSENGER"},
	// Instagram.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 15_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 221.0.0.9.115 (iPhone12,1; iOS 15_2_1; de_AT; de-AT; scale=2.00; 828x1792; 349031919)", want: "instagram|social|in_app|in_app:Instagram"},
	{ua: "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 330.0.0.40.92 Android (34/14; 450dpi; 1080x2340; samsung; SM-A546B; a54x; s5e8835; en_GB; 596227378)", want: "instagram|social|in_app|in_app:Instagram"},
	// LinkedIn.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.8386", want: "linkedin|social|in_app|in_app:LinkedInApp"},
	{ua: "Mozilla/5.0 (Linux; Android 13; Pixel 6a Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.5938.60 Mobile Safari/537.36 [LinkedInApp]/4.1.864", want: "linkedin|social|in_app|in_app:LinkedInApp"},
	// Pinterest.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]", want: "pinterest|social|in_app|in_app:Pinterest/iOS"},
	{ua: "Mozilla/5.0 (Linux; Android 12; moto g(60) Build/S2RIS32.32-20-9-7; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36 [Pinterest/Android]", want: "pinterest|social|in_app|in_app:Pinterest/Android"},
	{ua: "Pinterest for Android/11.28.0 (SM-T510; 11)", want: "pinterest|social|in_app|in_app:Pinterest for Android"},
	// Snapchat.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.1.0.34 (like Safari/8618.2.12.10.9, panda)", want: "snapchat|social|in_app|in_app:Snapchat"},
	{ua: "Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.53 Mobile Safari/537.36 Snapchat/13.1.0.34 (SM-S911B; Android 14#S911BXXU3BXE1#34; gzip; )", want: "snapchat|social|in_app|in_app:Snapchat"},
	// TikTok: musical_ly and BytedanceWebview; on Android trill comes first.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_34.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US RevealType/Dialog isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6", want: "tiktok|social|in_app|in_app:musical_ly"},
	{ua: "Mozilla/5.0 (Linux; Android 13; 2201117TY Build/TKQ1.221114.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 trill_340503 JsSdk/1.0 NetType/4G Channel/googleplay AppName/musical_ly app_version/34.5.3 ByteLocale/en ByteFullLocale/en Region/GB Spark/1.5.3.1 AppVersion/34.5.3 BytedanceWebview/d8a21c6", want: "tiktok|social|in_app|in_app:trill"},
	{ua: "Mozilla/5.0 (Linux; Android 12; CPH2219 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/110.0.5481.153 Mobile Safari/537.36 BytedanceWebview/d8a21c6", want: "tiktok|social|in_app|in_app:BytedanceWebview"},
	// LINE.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.21.0 LIFF", want: "line|social|in_app|in_app:Line/"},
	{ua: "Mozilla/5.0 (Linux; Android 13; SO-51C Build/64.1.F.2.122; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Line/13.20.1/IAB", want: "line|social|in_app|in_app:Line/"},
	// WeChat.
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN", want: "wechat|social|in_app|in_app:MicroMessenger"},
	{ua: "Mozilla/5.0 (Linux; Android 13; V2219A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110005 MMWEBSDK/20231002 MMWEBID/2575 MicroMessenger/8.0.43.2480(0x28002B3B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64", want: "wechat|social|in_app|in_app:MicroMessenger"},
	// AliExpress (the tokens are unverified; see sources.yaml).
	{ua: "Mozilla/5.0 (Linux; U; Android 13; en-US; SM-A145R Build/TP1A.220624.014) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.0.0 Mobile Safari/537.36 AliApp(AE/8.95.3) WindVane/8.5.0", want: "aliexpress|marketplace|in_app|in_app:AliApp(AE"},
	// X: the Android app's browser, and the iOS app's older one.
	{ua: "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36 TwitterAndroid", want: "x|social|in_app|in_app:TwitterAndroid"},
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16B92 Twitter for iPhone/7.37", want: "x|social|in_app|in_app:Twitter for iPhone"},
	{ua: "Mozilla/5.0 (iPad; CPU OS 12_1_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/16D57 Twitter for iPad", want: "x|social|in_app|in_app:Twitter for iPad"},
	// Telegram.
	{ua: "Telegram-Android/10.14.5 (Samsung SM-S918B; Android 14; SDK 34; HIGH)", want: "telegram|social|in_app|in_app:Telegram-Android"},

	// Ordinary browsers, webviews that name no app, and bots: direct.
	{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.5845.163 Mobile Safari/537.36", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/318.0.640276538 Mobile/15E148 Safari/604.1", want: "direct|direct|direct|direct:empty"},
	{ua: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)", want: "direct|direct|direct|direct:empty"},
	{ua: "Pinterest/0.2 (+https://www.pinterest.com/bot.html)", want: "direct|direct|direct|direct:empty"},
	{ua: "Twitterbot/1.0", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", want: "direct|direct|direct|direct:empty"},
	{ua: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (Linux; Android 13; LineageOS 20 on Pixel 4a) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", want: "direct|direct|direct|direct:empty"},
	// Whole tokens only, and case matters.
	{ua: "Mozilla/5.0 (compatible; MyFBANalyzer/1.0; +https://example.org/FacebookAudit)", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (X11; Linux x86_64) instagram-scraper/1.10 snapchat-archiver/0.3", want: "direct|direct|direct|direct:empty"},
	{ua: "Mozilla/5.0 (Windows NT 10.0) XFBAN/1 FBANx/1 Instagrammer/2 Snapchat2/1 musical_lyx Line1/2 MicroMessengerX/8", want: "direct|direct|direct|direct:empty"},
	{ua: "", want: "direct|direct|direct|direct:empty"},

	// The user agent only decides what would otherwise be direct.
	{ua: facebookIOS, ref: "null", want: "facebook|social|in_app|in_app:FBAN"},
	{ua: facebookIOS, ref: "javascript:void(0)", want: "facebook|social|in_app|in_app:FBAN"},
	{ua: instagramIOS, ref: "https://l.facebook.com/l.php?u=https%3A%2F%2Fshop.example.com%2F", want: "facebook|social|redirect|redirect:l.facebook.com"},
	{ua: facebookIOS, ref: "https://www.google.com/", want: "google|search|referrer|referrer:google.com"},
	{ua: facebookIOS, ref: "https://news.example.org/article", want: "news.example.org|referral|unknown_referrer|unknown:news.example.org"},
	{ua: facebookIOS, ref: "android-app://com.instagram.android/", want: "instagram|social|app|app:com.instagram.android"},
	{ua: facebookIOS, ref: "https://shop.example.com/", want: "internal|internal|internal|internal:site"},
	{ua: facebookIOS, url: shopURL + "?utm_source=newsletter&utm_medium=email", want: "newsletter|email|utm|utm:utm_source=newsletter"},
	{ua: instagramIOS, url: shopURL + "?utm_source=ig&utm_medium=paid_social", want: "instagram|paid_social|utm|utm:utm_source=ig"},
	{ua: instagramIOS, url: shopURL + "?fbclid=IwAR2abc", want: "facebook|social|click_id|click_id:fbclid"},
	{ua: facebookIOS, url: shopURL + "?gclid=Cj0KCQ", want: "google|paid_search|click_id|click_id:gclid"},
}

const (
	facebookIOS  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/471.0.0.35.99;FBBV/606218440;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/608395574]"
	instagramIOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_2_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 221.0.0.9.115 (iPhone12,1; iOS 15_2_1; de_AT; de-AT; scale=2.00; 828x1792; 349031919)"
)

func shippedUAMatcher(t testing.TB) *Matcher {
	t.Helper()
	const path = "../../sources.yaml"
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		t.Skip("../../sources.yaml does not exist yet")
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(c, []string{"shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func uaGot(r Result) string {
	return fmt.Sprintf("%s|%s|%s|%s", r.Source, r.Medium, r.Evidence, r.Rule)
}

// TestInAppShipped runs the shipped catalog's tokens over real user agents.
func TestInAppShipped(t *testing.T) {
	m := shippedUAMatcher(t)
	warm := m.NewClassifier()
	inApp, direct := 0, 0
	for _, tc := range uaCases {
		u := tc.url
		if u == "" {
			u = shopURL
		}
		v := &ingest.Visit{URL: u, Referrer: tc.ref, UserAgent: tc.ua}
		r := m.NewClassifier().Classify(v)
		if g := uaGot(r); g != tc.want {
			t.Errorf("ref %q url %q\nua %q:\n got %s\nwant %s", tc.ref, tc.url, tc.ua, g, tc.want)
		}
		// A warm classifier, with the user agent cached, agrees.
		warm.Classify(v)
		if again := warm.Classify(v); again != r {
			t.Errorf("ua %q: warm classifier gives %+v, fresh %+v", tc.ua, again, r)
		}
		if r.Evidence == EvidenceInApp {
			inApp++
			if !r.Known || r.Host != "" {
				t.Errorf("ua %q: in-app result %+v", tc.ua, r)
			}
		}
		if r.Evidence == EvidenceDirect {
			direct++
		}
	}
	t.Logf("%d cases: %d in-app, %d direct, %d decided by something else", len(uaCases), inApp, direct, len(uaCases)-inApp-direct)
}

// Every token of the shipped catalog is found in some real user agent of
// the table, so none is there untested.
func TestInAppShippedTokensCovered(t *testing.T) {
	m := shippedUAMatcher(t)
	used := map[string]bool{}
	for _, tc := range uaCases {
		if k := m.matchUA(tc.ua); k >= 0 {
			used[m.uaTokens[k].text] = true
		}
	}
	for _, tok := range m.uaTokens {
		if !used[tok.text] {
			// AliExpress's bare name is an unverified guess with no real
			// user agent to show; the others must each have one.
			if tok.text == "AliExpress" {
				continue
			}
			t.Errorf("token %q (%s) decides none of the table's user agents", tok.text, tok.tmpl.source)
		}
	}
}

// The matching rules, with a catalog of their own.
func TestInAppMatching(t *testing.T) {
	c, err := Parse("ua.yaml", []byte(uaCatalog))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ua, want string }{
		{"FBAN", "FBAN"},
		{"[FBAN/FBIOS;", "FBAN"},
		{"x FBAN", "FBAN"},
		{"FBANx", ""},
		{"xFBAN", ""},
		{"_FBAN_", "FBAN"},
		{"fban/FBIOS", ""},
		{"FBA", ""},
		{"[FBAN/MessengerForiOS;FBAV/1]", "FBAN/MessengerForiOS"},
		{"[FBAN/MessengerForiOSx;FBAV/1]", "FBAN"},
		{"[FBAN/Messenger", "FBAN"},
		{"Line/13.1", "Line/"},
		{"Line", ""},
		{"Line 13", ""},
		{"LineageOS Line/1", "Line/"},
		{"Twitter for iPhone/7.37", "Twitter for iPhone"},
		{"Twitter for iPad", ""},
		{"Twitter  for iPhone", ""},
		{"musical_ly_42.1.0", "musical_ly"},
		{"AppName/musical_ly app_version/42", "musical_ly"},
		{"musical_lyx", ""},
		{"Instagram 1 FBAN", "Instagram"}, // first in the string wins
		{"FBAN Instagram 1", "FBAN"},
		{"\xffInstagram\x00", "Instagram"}, // any non-alphanumeric byte bounds a token
		{"Ïnstagram Instagramm", ""},
		{"InstagramBot/1.0 MySnapchatClone/2", ""},
		{"", ""},
	} {
		got := ""
		if k := m.matchUA(tc.ua); k >= 0 {
			got = m.uaTokens[k].text
		}
		if got != tc.want {
			t.Errorf("matchUA(%q) = %q, want %q", tc.ua, got, tc.want)
		}
	}
}

// A catalog without tokens never looks at user agents.
func TestInAppNoTokens(t *testing.T) {
	m := testMatcher(t)
	for i := range m.cat.Sources {
		m.cat.Sources[i].UserAgents = nil
	}
	m2, err := Compile(m.cat, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := m2.NewClassifier().Classify(&ingest.Visit{URL: defaultURL, UserAgent: facebookIOS})
	if r.Evidence != EvidenceDirect {
		t.Errorf("got %+v, want direct", r)
	}
}

// The cache is bounded, and a flood of user agents leaves results alone.
func TestInAppCacheBounded(t *testing.T) {
	m := shippedUAMatcher(t)
	cl := m.NewClassifier()
	for i := 0; i < uaCacheEntries+10; i++ {
		ua := fmt.Sprintf("Mozilla/5.0 (iPhone) Mobile/15E148 Instagram %d.0", i)
		if r := cl.Classify(&ingest.Visit{URL: shopURL, UserAgent: ua}); r.Rule != "in_app:Instagram" {
			t.Fatalf("%q: %+v", ua, r)
		}
	}
	if n := len(cl.uas.m); n > uaCacheEntries {
		t.Errorf("cache holds %d entries, limit %d", n, uaCacheEntries)
	}
	long := strings.Repeat("x ", maxCachedUA) + "FBAN"
	if r := cl.Classify(&ingest.Visit{URL: shopURL, UserAgent: long}); r.Rule != "in_app:FBAN" {
		t.Errorf("long user agent: %+v", r)
	}
	if _, cached := cl.uas.m[long]; cached {
		t.Error("a user agent over maxCachedUA was cached")
	}
}

const uaCatalog = `version: 1
mediums:
  - {id: direct, name: Direct}
  - {id: internal, name: Internal}
  - {id: search, name: Search}
  - {id: paid_search, name: Paid search}
  - {id: social, name: Social}
  - {id: paid_social, name: Paid social}
  - {id: email, name: Email}
  - {id: marketplace, name: Marketplace}
  - {id: paid_marketplace, name: Paid marketplace}
  - {id: video, name: Video}
  - {id: paid_video, name: Paid video}
  - {id: ai_assistant, name: AI}
  - {id: display, name: Display}
  - {id: affiliate, name: Affiliate}
  - {id: referral, name: Referral}
  - {id: sms, name: SMS}
  - {id: push, name: Push}
  - {id: campaign, name: Campaign}
  - {id: spam, name: Spam}
  - {id: paid_other, name: Paid other}
sources:
  - {id: facebook, name: Facebook, medium: social, user_agents: [FBAN]}
  - {id: messenger, name: Messenger, medium: social, user_agents: [FBAN/MessengerForiOS]}
  - {id: instagram, name: Instagram, medium: social, user_agents: [Instagram]}
  - {id: snapchat, name: Snapchat, medium: social, user_agents: [Snapchat]}
  - {id: line, name: LINE, medium: social, user_agents: [Line/]}
  - {id: x, name: X, medium: social, user_agents: [Twitter for iPhone]}
  - {id: tiktok, name: TikTok, medium: social, user_agents: [musical_ly]}
`

func BenchmarkInApp(b *testing.B) {
	m := shippedUAMatcher(b)
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, tc := range uaCases[:30] {
				m.matchUA(tc.ua)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		cl := m.NewClassifier()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			for _, tc := range uaCases[:30] {
				cl.inApp(tc.ua)
			}
		}
	})
}
