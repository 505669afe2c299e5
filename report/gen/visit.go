package gen

// Channels: how a visit came. Weights in permille of all visits.
const (
	chDirect     = iota // no referrer, no known source
	chStripped          // no referrer, but gen knows the source
	chSearch            // organic search
	chGoogleAds         // Google referrer, gclid, no UTM (auto-tagging)
	chSocial            // organic social
	chMarket            // marketplaces
	chWebmail           // webmail
	chAI                // AI assistants
	chAndroidApp        // android-app:// referrers
	chSelf              // the shop itself
	chPayment           // back from a payment provider
	chLongTail          // blogs and small sites
	chSpam              // referrer spam
	chJunk              // junk in the referrer field
	chCampaign          // UTM-tagged links
)

var channelTable = newTable([]uint64{
	chDirect:     219,
	chStripped:   70,
	chSearch:     262,
	chGoogleAds:  20,
	chSocial:     70,
	chMarket:     25,
	chWebmail:    15,
	chAI:         15,
	chAndroidApp: 15,
	chSelf:       50,
	chPayment:    5,
	chLongTail:   85,
	chSpam:       7,
	chJunk:       10,
	chCampaign:   132,
})

// row is one generated visit. url and ref point into the generator's
// buffer and are valid until the next call of next.
type row struct {
	ts      int64
	day     *dayPlan
	url     []byte
	ref     []byte
	ua      *agent
	country int
	vid     [16]byte
	src     string
}

// A visitor is remembered for a while so that some visits are return
// visits: same visitor_id, country and browser.
type visitor struct {
	id      [16]byte
	country uint8
	ua      uint8
}

const (
	ringSize     = 4096
	minReturning = 100 // so that the first few visitors are not all return visits
)

type generator struct {
	r     rng
	clock *clock
	buf   []byte

	ring  [ringSize]visitor
	nring int
	pos   int

	newsletter *campaign
}

func newGenerator(o *Options, lastMidnight int64) *generator {
	prepare()
	g := &generator{
		r:     newRNG(o.Seed, streamVisit),
		clock: newClock(o.Seed, o.Rows, o.Days, lastMidnight),
		buf:   make([]byte, 0, 4096),
	}
	for _, c := range campaigns {
		if c.id == "newsletter" {
			g.newsletter = c
		}
	}
	return g
}

// next fills r with the next visit, in time order. It returns false when
// all rows have been made.
func (g *generator) next(r *row) bool {
	ts, day, ok := g.clock.next()
	if !ok {
		return false
	}
	r.ts, r.day = ts, day
	g.visitor(r)

	b := g.buf[:0]
	var refStart int
	rr := &g.r
	ch := channelTable.pick(rr)
	if day.spike != spikeNone && rr.pm(day.spikePM) {
		ch = -1
	}
	switch ch {
	case -1: // the day's spike
		var f *family
		switch day.spike {
		case spikeNewsletter:
			b, refStart = g.campaign(b, r, g.newsletter)
		case spikeReddit:
			f = reddit
		case spikeHackerNews:
			f = hackerNews
		case spikeFacebook:
			f = facebook
		}
		if f != nil {
			b, refStart = g.fromFamily(b, r, f)
		}
	case chDirect:
		b = g.landingDirect(b)
		refStart = len(b)
		r.src = ""
	case chStripped:
		// It lands where the source's recognised visits land.
		s := &strippedSources[strippedTable.pick(rr)]
		b, _ = g.landingFrom(b, mixOf(s.id))
		refStart = len(b)
		r.src = s.id
		g.maybeInApp(r, s.app, s.appPM)
	case chSearch:
		b, refStart = g.fromFamily(b, r, g.searchFamily(r.country))
	case chGoogleAds:
		var hasQuery bool
		b, hasQuery = g.landingFrom(b, mixOf("google"))
		b = appendParam(b, hasQuery, "gclid=")
		b = g.appendGclid(b)
		refStart = len(b)
		b = g.referrer(b, r, google, b[:refStart])
	case chSocial:
		b, refStart = g.fromFamily(b, r, socialFams[socialTable.pick(rr)])
	case chMarket:
		b, refStart = g.fromFamily(b, r, marketFams[marketTable.pick(rr)])
	case chWebmail:
		b, refStart = g.fromFamily(b, r, webmail)
	case chAI:
		b, refStart = g.fromFamily(b, r, ai)
	case chAndroidApp:
		b, refStart = g.fromFamily(b, r, androidApps)
	case chSelf:
		b, _ = g.landing(b, internalLanding.pick(rr))
		refStart = len(b)
		b = g.referrer(b, r, self, b[:refStart])
	case chPayment:
		b, _ = g.landing(b, lCart)
		refStart = len(b)
		b = g.referrer(b, r, payment, b[:refStart])
	case chLongTail:
		b, refStart = g.fromFamily(b, r, longTail)
	case chSpam:
		b, _ = g.landing(b, lHome)
		refStart = len(b)
		b = g.referrer(b, r, spam, b[:refStart])
	case chJunk:
		// No true source: it lands as a direct visit does.
		b = g.landingDirect(b)
		refStart = len(b)
		b = append(b, junk.pick(rr)...)
		r.src = ""
	case chCampaign:
		b, refStart = g.campaign(b, r, campaigns[campaignTable.pick(rr)])
	}
	g.buf = b
	r.url = b[:refStart:refStart]
	r.ref = b[refStart:]
	return true
}

// visitor sets the visitor: one seen lately, or a new one.
func (g *generator) visitor(r *row) {
	rr := &g.r
	if g.nring >= minReturning && rr.pm(180) {
		v := &g.ring[rr.intn(g.nring)]
		r.vid, r.country, r.ua = v.id, int(v.country), &browserAgents[v.ua]
		return
	}
	v := &g.ring[g.pos]
	g.pos = (g.pos + 1) % ringSize
	if g.nring < ringSize {
		g.nring++
	}
	x := rr.u64()
	for i := range v.id {
		v.id[i] = hexDigits[x>>(4*i)&15]
	}
	v.country = uint8(countryTable.pick(rr))
	v.ua = uint8(browserTable.pick(rr))
	r.vid, r.country, r.ua = v.id, int(v.country), &browserAgents[v.ua]
}

// maybeInApp switches a mobile visitor to the app's in-app browser with
// probability permille/1000.
func (g *generator) maybeInApp(r *row, a app, permille uint64) {
	if a == appNone || r.ua.os == osDesktop || !g.r.pm(permille) {
		return
	}
	if r.ua.os == osIOS {
		r.ua = &inAppAgents[a][0]
	} else {
		r.ua = &inAppAgents[a][1]
	}
}

// searchFamily picks a search engine; a few countries have their own.
func (g *generator) searchFamily(country int) *family {
	rr := &g.r
	switch countryCodes[country] {
	case "RU":
		if rr.pm(550) {
			return yandex
		}
	case "CN":
		if rr.pm(700) {
			return baidu
		}
	}
	return searchFams[searchTable.pick(rr)]
}

// fromFamily builds a referrer from f and a landing page where the
// referrer's source sends its visits.
func (g *generator) fromFamily(b []byte, r *row, f *family) ([]byte, int) {
	h := g.host(f, r.country)
	r.src = h.src
	b, _ = g.landingFrom(b, mixOf(h.src))
	refStart := len(b)
	b = append(b, h.prefix...)
	b = g.refPath(b, h, b[:refStart])
	g.maybeInApp(r, f.app, f.appPM)
	return b, refStart
}

// host picks a host of f for a visitor from country.
func (g *generator) host(f *family, country int) *hostPath {
	if f.byCountry != nil {
		if i := f.byCountry[country]; i >= 0 && g.r.pm(850) {
			return &f.hosts[i]
		}
	}
	return &f.hosts[f.pick.pick(&g.r)]
}

// referrer appends a referrer from f and sets the true source. landing
// is the landing URL, which some redirectors carry in their own URL.
func (g *generator) referrer(b []byte, r *row, f *family, landing []byte) []byte {
	h := g.host(f, r.country)
	r.src = h.src
	b = append(b, h.prefix...)
	return g.refPath(b, h, landing)
}

// refPath appends the path and query of a referrer from h.
func (g *generator) refPath(b []byte, h *hostPath, landing []byte) []byte {
	rr := &g.r
	switch h.path {
	case pNone:
	case pRoot:
		b = append(b, '/')
	case pGoogle:
		switch x := rr.below(1000); {
		case x < 25:
			b = append(b, "/url?q="...)
			b = appendEscaped(b, landing)
			b = append(b, "&sa=U&ved=2ahUKEw"...)
			b = rr.appendToken(b, 40)
			b = append(b, "&usg=AOvVaw"...)
			b = rr.appendToken(b, 17)
		case x < 35:
			b = append(b, "/search?q="...)
			b = append(b, queries.pick(rr)...)
		default:
			b = append(b, '/')
		}
	case pBaidu:
		b = append(b, "/link?url="...)
		b = rr.appendToken(b, 60)
		b = append(b, "&wd=&eqid="...)
		b = rr.appendHex(b, 32)
	case pFacebookL:
		b = append(b, "/l.php?u="...)
		b = appendEscaped(b, landing)
		b = append(b, "&h=AT"...)
		b = rr.appendToken(b, 50)
	case pInstagramL:
		b = append(b, "/?u="...)
		b = appendEscaped(b, landing)
		b = append(b, "&e=AT"...)
		b = rr.appendToken(b, 40)
	case pShortLink:
		b = append(b, '/')
		b = rr.appendToken(b, 10)
	case pRedditOut:
		b = append(b, "/t3_"...)
		b = rr.appendHex(b, 7)
		b = append(b, "?url="...)
		b = appendEscaped(b, landing)
		b = append(b, "&token="...)
		b = rr.appendToken(b, 30)
		b = append(b, "&app_name=web2x"...)
	case pReddit:
		if rr.pm(300) {
			b = append(b, '/')
			break
		}
		b = append(b, "/r/"...)
		b = append(b, redditSubs[rr.intn(len(redditSubs))]...)
		b = append(b, "/comments/"...)
		b = rr.appendHex(b, 7)
		b = append(b, '/')
		b = append(b, slugs[rr.intn(len(slugs))]...)
		b = append(b, '/')
	case pVK:
		b = append(b, "/away.php?to="...)
		b = appendEscaped(b, landing)
	case pLinktree:
		b = append(b, "/shopexample"...)
	case pAliItem:
		switch x := rr.below(100); {
		case x < 70:
			b = append(b, "/item/1005"...)
			b = rr.appendDigits(b, 12)
			b = append(b, ".html"...)
		case x < 85:
			b = append(b, "/store/"...)
			b = rr.appendDigits(b, 9)
		default:
			b = append(b, '/')
		}
	case pAliClick:
		b = append(b, "/e/_"...)
		b = rr.appendToken(b, 7)
	case pAmazon:
		if rr.pm(350) {
			b = append(b, "/dp/B0"...)
			for range 8 {
				b = append(b, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"[rr.intn(34)])
			}
		} else {
			b = append(b, '/')
		}
	case pDeref:
		b = append(b, "/mail/client/"...)
		b = rr.appendToken(b, 11)
		b = append(b, "/dereferrer/?redirectUrl="...)
		b = appendEscaped(b, landing)
	case pPayPal:
		b = append(b, "/checkoutnow?token="...)
		b = rr.appendDigits(b, 2)
		b = rr.appendToken(b, 15)
	case pStripe:
		b = append(b, "/c/pay/cs_live_"...)
		b = rr.appendToken(b, 58)
	case pSelf:
		b, _ = g.landingPath(b, internalLanding.pick(rr))
	case pBlog:
		b = g.blogPath(b, h.index)
	case pSpam:
		switch x := rr.below(100); {
		case x < 50:
			b = append(b, '/')
		case x < 80:
			b = append(b, "/?ref="...)
			b = append(b, siteHost...)
		case x < 90:
			b = append(b, "/search?q=\"><script>alert(document.domain)</script>"...)
		case x < 95:
			b = append(b, "/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"...)
		default: // a very long query, to test truncation
			b = append(b, "/?q="...)
			b = rr.appendToken(b, 1500)
		}
	}
	return b
}

// blogPath appends a post path in the style of blog i: each blog keeps to
// one CMS's URL scheme.
func (g *generator) blogPath(b []byte, i int) []byte {
	rr := &g.r
	if rr.pm(200) {
		return append(b, '/')
	}
	slug := slugs[rr.intn(len(slugs))]
	switch i % 5 {
	case 0:
		b = append(b, "/2026/"...)
		m := rr.between(1, 11)
		b = append(b, byte('0'+m/10), byte('0'+m%10), '/')
		b = append(b, slug...)
		b = append(b, '/')
	case 1:
		b = append(b, "/posts/"...)
		b = append(b, slug...)
	case 2:
		b = append(b, "/blog/"...)
		b = append(b, slug...)
		b = append(b, ".html"...)
	case 3:
		b = append(b, "/?p="...)
		b = rr.appendDigits(b, 4)
	default:
		b = append(b, '/')
		b = append(b, slug...)
	}
	return b
}

// landing appends a landing URL of kind k on the shop and reports whether
// it has a query already.
func (g *generator) landing(b []byte, k int) ([]byte, bool) {
	b = append(b, siteBase...)
	return g.landingPath(b, k)
}

func (g *generator) landingPath(b []byte, k int) ([]byte, bool) {
	return g.landingPathOff(b, k, 0)
}

// landingPathOff is landingPath with the rankings of products, articles
// and collections rotated by off.
func (g *generator) landingPathOff(b []byte, k, off int) ([]byte, bool) {
	rr := &g.r
	switch k {
	case lHome:
		switch x := rr.below(100); {
		case x < 3: // no slash at all
		case x < 4:
			b = append(b, "/index.html"...)
		default:
			b = append(b, '/')
		}
	case lProduct:
		b = append(b, productPaths[(productTable.pick(rr)+off)%numProducts]...)
		if rr.pm(40) {
			b = append(b, "?variant=4"...)
			b = rr.appendDigits(b, 10)
			return b, true
		}
	case lCategory:
		b = append(b, "/collections/"...)
		b = append(b, categories[(categoryTable.pick(rr)+off)%len(categories)]...)
		switch x := rr.below(100); {
		case x < 8:
			b = append(b, '/')
		case x < 18:
			b = append(b, "?page="...)
			b = append(b, byte('2'+rr.intn(4)))
			return b, true
		case x < 23:
			b = append(b, "?sort_by=price-ascending"...)
			return b, true
		}
	case lBlog:
		b = append(b, postPaths[(postTable.pick(rr)+off)%numPosts]...)
	case lPage:
		b = append(b, pages.pick(rr)...)
	case lSearch:
		b = append(b, "/search?q="...)
		b = append(b, queries.pick(rr)...)
		return b, true
	case lCart:
		b = append(b, carts.pick(rr)...)
	case lAccount:
		b = append(b, accounts.pick(rr)...)
	}
	return b, false
}

// campaign builds a tagged landing URL and a referrer for c.
func (g *generator) campaign(b []byte, r *row, c *campaign) ([]byte, int) {
	rr := &g.r
	b, hasQuery := g.landingFrom(b, mixOf(c.id))
	base := len(b)
	click := c.click != "" && rr.pm(c.clickPM)
	keys := &utmKeys
	if rr.pm(15) {
		keys = &utmKeysUpper
	}
	// Some tools put the tags in the fragment, where the server never
	// sees them; the click id stays in the query.
	if rr.pm(50) {
		if click {
			b = appendParam(b, hasQuery, c.click+"=")
			b = g.appendClick(b, c.click)
		}
		b = append(b, '#')
		b = g.appendUTM(b, keys, c)
	} else {
		if hasQuery {
			b = append(b, '&')
		} else {
			b = append(b, '?')
		}
		b = g.appendUTM(b, keys, c)
		if click {
			b = append(b, '&')
			b = append(b, c.click...)
			b = append(b, '=')
			b = g.appendClick(b, c.click)
		}
	}
	refStart := len(b)
	r.src = c.id
	if rc := c.refs[c.refTable.pick(rr)]; rc.fam != nil {
		b = g.referrer(b, r, rc.fam, b[:base])
	}
	r.src = c.id // the referrer's host may name a narrower source
	g.maybeInApp(r, c.app, c.appPM)
	return b, refStart
}

type utmKeySet struct{ source, medium, campaign, content string }

var (
	utmKeys      = utmKeySet{"utm_source=", "utm_medium=", "utm_campaign=", "utm_content="}
	utmKeysUpper = utmKeySet{"UTM_SOURCE=", "UTM_MEDIUM=", "UTM_CAMPAIGN=", "UTM_CONTENT="}
)

func (g *generator) appendUTM(b []byte, k *utmKeySet, c *campaign) []byte {
	rr := &g.r
	b = append(b, k.source...)
	b = append(b, c.sources.pick(rr)...)
	if m := c.mediums.pick(rr); m != "" {
		b = append(b, '&')
		b = append(b, k.medium...)
		b = append(b, m...)
	}
	if n := c.names.pick(rr); n != "" {
		b = append(b, '&')
		b = append(b, k.campaign...)
		b = append(b, n...)
	}
	if rr.pm(80) {
		b = append(b, '&')
		b = append(b, k.content...)
		b = append(b, utmContent.pick(rr)...)
	}
	return b
}

// appendClick appends a click id shaped like the platform's.
func (g *generator) appendClick(b []byte, name string) []byte {
	rr := &g.r
	switch name {
	case "gclid":
		return g.appendGclid(b)
	case "fbclid":
		b = append(b, "IwAR"...)
		return rr.appendToken(b, 56)
	case "msclkid":
		return rr.appendHex(b, 32)
	default: // ttclid
		b = append(b, "E.C.P."...)
		return rr.appendToken(b, 48)
	}
}

func (g *generator) appendGclid(b []byte) []byte {
	b = append(b, "Cj0KCQiA"...)
	b = g.r.appendToken(b, 70)
	return append(b, "_BwE"...)
}

// appendParam starts a query parameter: "?" or "&", then p.
func appendParam(b []byte, hasQuery bool, p string) []byte {
	if hasQuery {
		b = append(b, '&')
	} else {
		b = append(b, '?')
	}
	return append(b, p...)
}

// appendEscaped appends s escaped for a query value, as url.QueryEscape
// would, without allocating.
func appendEscaped(b, s []byte) []byte {
	for _, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return b
}
