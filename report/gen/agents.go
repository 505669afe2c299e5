package gen

// An agent is a user agent string and the platform it runs on.
type agent struct {
	s  string // as the browser sends it
	q  string // as a CSV field, quoted if needed
	os uint8
}

const (
	osDesktop = iota
	osIOS
	osAndroid
)

// browsers are ordinary browsers, weighted by a plausible share for a
// European shop in late 2026. The versions are made up but shaped like the
// real ones. One in three hundred visits sends no user agent at all.
var browsers = []struct {
	w  uint64
	os uint8
	s  string
}{
	{190, osDesktop, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"},
	{40, osDesktop, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36"},
	{70, osDesktop, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"},
	{55, osDesktop, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15"},
	{55, osDesktop, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36 Edg/150.0.0.0"},
	{32, osDesktop, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:146.0) Gecko/20100101 Firefox/146.0"},
	{7, osDesktop, "Mozilla/5.0 (X11; Linux x86_64; rv:146.0) Gecko/20100101 Firefox/146.0"},
	{7, osDesktop, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"},
	{165, osAndroid, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Mobile Safari/537.36"},
	{40, osAndroid, "Mozilla/5.0 (Linux; Android 15; SAMSUNG SM-S931B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/29.0 Chrome/136.0.0.0 Mobile Safari/537.36"},
	{200, osIOS, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1"},
	{28, osIOS, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/150.0.7800.50 Mobile/15E148 Safari/604.1"},
	{25, osIOS, "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1"},
	{3, osDesktop, ""},
}

// An app is a mobile app whose in-app browser opens links: its user agent
// names the app, and it often sends no referrer.
type app uint8

const (
	appNone app = iota
	appFacebook
	appInstagram
	appLinkedIn
	appTikTok
	appPinterest
	appSnapchat
	appGoogle
	numApps
)

// inApp holds each app's browser on iOS and Android.
var inApp = [numApps][2]string{
	appFacebook: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/530.0.0.41.109;FBBV/812345678;FBDV/iPhone17,1;FBMD/iPhone;FBSN/iOS;FBSV/18.6;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/5;FBRV/0]",
		"Mozilla/5.0 (Linux; Android 15; SM-S931B Build/AP3A.240905.015.A2; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/530.0.0.48.74;]",
	},
	appInstagram: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 410.0.0.27.92 (iPhone17,1; iOS 18_6; en_US; en; scale=3.00; 1206x2622; 812345678; IABMV/1)",
		"Mozilla/5.0 (Linux; Android 15; SM-S931B Build/AP3A.240905.015.A2; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 Instagram 410.0.0.40.71 Android (35/15; 480dpi; 1080x2340; samsung; SM-S931B; pa1q; qcom; en_US; 812345678)",
	},
	appLinkedIn: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.32.140",
		"Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 [LinkedInApp]/4.1.1080",
	},
	appTikTok: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_42.1.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US WKWebView/1 BytedanceWebview/d8a21c6",
		"Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 trill_420104 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/musical_ly app_version/42.1.4 ByteLocale/en Region/US BytedanceWebview/d8a21c6",
	},
	appPinterest: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]",
		"Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 [Pinterest/Android]",
	},
	appSnapchat: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Snapchat/13.60.0.44 (like Safari/8621.1.15.10.7, panda)",
		"Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 Snapchat/13.60.0.44",
	},
	appGoogle: {
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/395.0.812345678 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 15; Pixel 9 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/150.0.7800.50 Mobile Safari/537.36 GSA/16.45.38.29.arm64",
	},
}

// Built by prepare.
var (
	browserAgents []agent
	browserTable  table
	inAppAgents   [numApps][2]agent
)

func prepareAgents() {
	w := make([]uint64, len(browsers))
	browserAgents = make([]agent, len(browsers))
	for i, b := range browsers {
		w[i] = b.w
		browserAgents[i] = newAgent(b.s, b.os)
	}
	browserTable = newTable(w)
	for a := appFacebook; a < numApps; a++ {
		inAppAgents[a][0] = newAgent(inApp[a][0], osIOS)
		inAppAgents[a][1] = newAgent(inApp[a][1], osAndroid)
	}
}

func newAgent(s string, os uint8) agent {
	return agent{s: s, q: string(appendField(nil, []byte(s))), os: os}
}
