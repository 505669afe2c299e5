package gen

// Where visits land depends on where they came from. Each source links
// to the shop in its own way: a marketplace listing to a product, a
// newsletter to a collection on sale, a post to the product or article
// it is about. So each source has its own mix of kinds of page and its
// own favourite products, articles and collections, and a stripped
// referral lands where its source's other visits do: on the same mix of
// pages, in the same proportions. Truly direct visits (typed, bookmarked)
// land mostly on the home page and on a few pages people return to.
// This is what lets a report estimate, from landing pages alone, which
// direct visits were lost referrals, and gen_true_source lets a test
// check the estimate.

// A mix is a source's landing pages: kinds of page, and an offset that
// rotates the rankings of products, articles and collections, so that
// its favourites are its own. Search engines have offset 0: they follow
// the shop's own popularity.
type mix struct {
	kinds  *table
	offset int
}

var (
	mixSearch    = newTable([]uint64{lHome: 200, lProduct: 400, lCategory: 150, lBlog: 130, lPage: 60, lSearch: 20, lCart: 15, lAccount: 25})
	mixMarket    = newTable([]uint64{lHome: 40, lProduct: 850, lCategory: 80, lPage: 30})
	mixSocial    = newTable([]uint64{lHome: 120, lProduct: 500, lCategory: 150, lBlog: 200, lPage: 30})
	mixCommunity = newTable([]uint64{lHome: 150, lProduct: 350, lCategory: 100, lBlog: 400})
	mixEmail     = newTable([]uint64{lHome: 150, lProduct: 350, lCategory: 400, lBlog: 80, lPage: 20})
	mixAI        = newTable([]uint64{lHome: 100, lProduct: 400, lCategory: 100, lBlog: 250, lPage: 150})
	mixMessaging = newTable([]uint64{lHome: 100, lProduct: 700, lCategory: 150, lBlog: 50})
	mixReferral  = newTable([]uint64{lHome: 150, lProduct: 450, lCategory: 150, lBlog: 250})

	// Truly direct visits: the home page, the account and the cart, the
	// contact and shipping pages, and the few best-selling products.
	directLanding = newTable([]uint64{lHome: 760, lProduct: 30, lPage: 40, lCart: 60, lAccount: 110})
)

// directProducts is how many of the best sellers direct visits land on.
const directProducts = 5

// mixOf returns the landing pages of a true source (gen_true_source).
func mixOf(src string) mix {
	switch src {
	case "google", "bing", "duckduckgo", "yahoo", "yandex", "baidu", "ecosia", "brave", "qwant", "startpage", "naver", "seznam", "so":
		return mix{&mixSearch, 0}
	case "aliexpress", "amazon", "ebay", "etsy":
		return mix{&mixMarket, offsetOf(src)}
	case "facebook", "instagram", "x", "linkedin", "pinterest", "youtube", "tiktok", "vk", "linktree", "snapchat":
		return mix{&mixSocial, offsetOf(src)}
	case "reddit", "hackernews":
		return mix{&mixCommunity, offsetOf(src)}
	case "newsletter", "gmail", "outlook", "yahoo_mail", "gmx", "webde", "yandex_mail", "mailru":
		// Mail is read in a mailbox, but its links are the newsletter's.
		return mix{&mixEmail, offsetOf("newsletter")}
	case "chatgpt", "perplexity", "gemini", "copilot", "claude":
		return mix{&mixAI, offsetOf(src)}
	case "whatsapp", "telegram", "slack", "qr":
		return mix{&mixMessaging, offsetOf(src)}
	}
	return mix{&mixReferral, offsetOf(src)} // blogs and small sites, spam
}

// offsetOf hashes a source id (FNV-1a) to an offset, never 0.
func offsetOf(src string) int {
	h := uint32(2166136261)
	for i := 0; i < len(src); i++ {
		h ^= uint32(src[i])
		h *= 16777619
	}
	return 1 + int(h%(numProducts-1))
}

// landingFrom appends a landing URL from m's pages and reports whether it
// has a query already.
func (g *generator) landingFrom(b []byte, m mix) ([]byte, bool) {
	b = append(b, siteBase...)
	return g.landingPathOff(b, m.kinds.pick(&g.r), m.offset)
}

// landingDirect appends the landing URL of a truly direct visit.
func (g *generator) landingDirect(b []byte) []byte {
	b = append(b, siteBase...)
	k := directLanding.pick(&g.r)
	if k == lProduct {
		return append(b, productPaths[g.r.intn(directProducts)]...)
	}
	b, _ = g.landingPath(b, k)
	return b
}
