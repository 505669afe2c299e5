package gen

import "sync"

// The shop every visit lands on. Self-referrals come from it and its www.
// variant.
const (
	siteHost = "shop.example.com"
	siteBase = "https://" + siteHost
)

// Landing page kinds.
const (
	lHome = iota
	lProduct
	lCategory
	lBlog
	lPage
	lSearch
	lCart
	lAccount
)

var (
	// Where a visit that came from another page of the shop lands; visits
	// from outside land where their source sends them (landing.go).
	internalLanding = newTable([]uint64{lHome: 150, lProduct: 330, lCategory: 200, lBlog: 50, lPage: 60, lSearch: 60, lCart: 100, lAccount: 50})

	categories = []string{
		"bags", "accessories", "home", "kitchen", "stationery", "gifts", "new-arrivals",
		"sale", "bestsellers", "men", "women", "kids", "outdoor", "lighting", "textiles",
	}
	pages = newStrs(
		wstr{"/pages/about-us", 25}, wstr{"/pages/contact", 20}, wstr{"/pages/shipping-returns", 20},
		wstr{"/pages/faq", 15}, wstr{"/pages/size-guide", 10}, wstr{"/policies/privacy-policy", 5},
		wstr{"/pages/Gift-Cards", 5},
	)
	carts    = newStrs(wstr{"/cart", 70}, wstr{"/checkout", 30})
	accounts = newStrs(wstr{"/account/login", 60}, wstr{"/account", 25}, wstr{"/account/register", 15})
	// Site search queries, some URL-encoded, some raw: exports store both.
	// A few are hostile, as any query a stranger types can be.
	queries = newStrs(
		wstr{"linen", 20}, wstr{"tote+bag", 15}, wstr{"gift+card", 12}, wstr{"leather%20wallet", 10},
		wstr{"mug", 10}, wstr{"gr%C3%B6%C3%9Fe", 5}, wstr{"größe", 3}, wstr{"caf%C3%A9", 3},
		wstr{"çanta", 2}, wstr{"%E3%83%90%E3%83%83%E3%82%B0", 2}, wstr{"%3Cscript%3Ealert(1)%3C%2Fscript%3E", 1},
		wstr{"\"><img src=x onerror=alert(1)>", 1}, wstr{"1'+OR+'1'='1", 1},
	)
)

// Words for invented names: products, posts, long-tail hosts.
var (
	materials = []string{"linen", "canvas", "leather", "wool", "cotton", "bamboo", "ceramic", "oak", "brass", "felt", "cork", "hemp", "suede", "denim", "silk"}
	items     = []string{"tote-bag", "backpack", "wallet", "scarf", "beanie", "mug", "vase", "candle", "notebook", "pouch", "belt", "cap", "apron", "blanket", "planter", "lamp", "tray", "coaster-set", "keychain", "socks"}
	colours   = []string{"", "-black", "-natural", "-olive", "-navy", "-rust"}
	postStart = []string{"how-to-care-for-your", "why-we-love", "the-story-of-our", "a-guide-to", "styling-a", "cleaning-a", "choosing-a", "repairing-a"}

	hostWordsA = []string{
		"amber", "atlas", "birch", "bramble", "cedar", "cinder", "clover", "copper", "coral", "cotton",
		"dapple", "delta", "ember", "fern", "fable", "flint", "gable", "harbor", "hazel", "heron",
		"indigo", "ivy", "juniper", "kestrel", "lantern", "larch", "linen", "maple", "meadow", "mosaic",
		"nimbus", "oak", "olive", "orchid", "pebble", "pepper", "pine", "plume", "quill", "raven",
		"reed", "river", "rowan", "saffron", "sage", "slate", "sparrow", "spruce", "tangle", "thistle",
		"timber", "tulip", "umber", "velvet", "willow", "wren", "yarrow", "zephyr", "alder", "aspen",
		"basil", "bronze", "canyon", "cobalt", "drift", "dune", "echo", "falcon", "garnet", "glacier",
		"granite", "hollow", "iris", "jasper", "kelp", "lark", "lotus", "marble", "moss", "nova",
	}
	hostWordsB = []string{
		"bakes", "blog", "crafts", "notes", "journal", "kitchen", "garden", "studio", "works", "diaries",
		"reviews", "travels", "threads", "stitches", "makes", "finds", "picks", "guide", "lab", "corner",
		"nook", "post", "press", "daily", "weekly", "gazette", "chronicle", "musings", "stories", "tales",
		"letters", "diy", "home", "style", "living", "family", "outdoors", "cycles", "trails", "runs",
		"reads", "bytes", "pixels", "sounds", "tunes", "frames", "lens", "shots", "bits", "sketches",
		"loom", "yarns", "knits", "quilts", "ceramics", "pottery", "wood", "forge", "garage", "tinkers",
		"tech", "gadgets", "deals", "coupons", "savings", "mama", "papa", "kids", "pets", "paws",
		"bark", "brews", "roasts", "recipes", "table", "feast", "plates", "bowls", "spice", "crumbs",
	}
)

const (
	numProducts  = 1500
	numPosts     = 300
	numLongTail  = 4000
	numSlugPosts = 400 // slugs for the long tail's posts
)

// Built by prepare.
var (
	productPaths  []string // "/products/linen-tote-bag"
	productTable  table
	categoryTable table
	postPaths     []string // "/blogs/journal/why-we-love-oak-trays"
	postTable     table
	slugs         []string // post slugs for long-tail blogs
	countryCodes  []string
	countryTable  table
)

var prepareOnce sync.Once

// prepare builds the tables that are too big or too derived to write out:
// products, posts, the long tail of blogs. They are drawn from a fixed seed,
// not Options.Seed, so every seed sees the same shop and the same web.
func prepare() {
	prepareOnce.Do(func() {
		r := newRNG(1, streamTables)
		combos := perm(&r, len(materials)*len(items)*len(colours))
		productPaths = make([]string, numProducts)
		for i := range productPaths {
			c := combos[i]
			m, it, col := c%len(materials), c/len(materials)%len(items), c/len(materials)/len(items)
			productPaths[i] = "/products/" + materials[m] + "-" + items[it] + colours[col]
		}
		productTable = zipfTable(numProducts)
		categoryTable = zipfTable(len(categories))

		combos = perm(&r, len(postStart)*len(materials)*len(items))
		postPaths = make([]string, numPosts)
		slugs = make([]string, numSlugPosts)
		for i := range numPosts + numSlugPosts {
			c := combos[i]
			s, m, it := c%len(postStart), c/len(postStart)%len(materials), c/len(postStart)/len(materials)
			slug := postStart[s] + "-" + materials[m] + "-" + items[it]
			if i < numPosts {
				postPaths[i] = "/blogs/journal/" + slug
			} else {
				slugs[i-numPosts] = slug
			}
		}
		postTable = zipfTable(numPosts)

		// The long tail: invented hosts under names reserved for
		// examples and tests (RFC 2606), never a real third party.
		// .example and .test are not public suffixes, so each host is its
		// own registrable domain.
		combos = perm(&r, len(hostWordsA)*len(hostWordsB))
		longTail.hosts = make([]hostPath, numLongTail)
		forms := newTable([]uint64{40, 25, 20, 10, 5})
		for i := range longTail.hosts {
			c := combos[i]
			a, b := hostWordsA[c%len(hostWordsA)], hostWordsB[c/len(hostWordsA)]
			var h string
			switch forms.pick(&r) {
			case 0:
				h = a + "-" + b + ".example"
			case 1:
				h = "www." + a + b + ".test"
			case 2:
				h = a + b + ".example"
			case 3:
				h = "blog." + a + "-" + b + ".test"
			default:
				h = a + "-" + b + ".example.net"
			}
			longTail.hosts[i] = hostPath{host: h, path: pBlog, w: (1 << 32) / uint64(i+1), src: h, index: i}
		}

		countryCodes = make([]string, len(countries))
		w := make([]uint64, len(countries))
		for i, c := range countries {
			countryCodes[i] = c.s
			w[i] = c.w
		}
		countryTable = newTable(w)

		for _, f := range families {
			f.prepare()
		}
		cw := make([]uint64, len(campaigns))
		for i, c := range campaigns {
			cw[i] = c.w
			rw := make([]uint64, len(c.refs))
			for j, rc := range c.refs {
				rw[j] = rc.w
			}
			c.refTable = newTable(rw)
		}
		campaignTable = newTable(cw)
		sw := make([]uint64, len(strippedSources))
		for i, s := range strippedSources {
			sw[i] = s.w
		}
		strippedTable = newTable(sw)
		prepareAgents()
	})
}

func (f *family) prepare() {
	w := make([]uint64, len(f.hosts))
	for i := range f.hosts {
		h := &f.hosts[i]
		w[i] = h.w
		if h.src == "" {
			h.src = f.id
		}
		if h.src == "" {
			h.src = h.host // spam: the host is all there is
		}
		if h.path == pNone {
			h.prefix = h.host
		} else {
			h.prefix = "https://" + h.host
		}
	}
	f.pick = newTable(w)
	if len(f.regional) == 0 {
		return
	}
	f.byCountry = make([]int16, len(countries))
	for i := range f.byCountry {
		f.byCountry[i] = -1
	}
	for _, r := range f.regional {
		ci, hi := -1, -1
		for i, c := range countries {
			if c.s == r.cc {
				ci = i
			}
		}
		for i, h := range f.hosts {
			if h.host == r.host {
				hi = i
			}
		}
		if ci < 0 || hi < 0 {
			panic("gen: bad region " + r.cc + " " + r.host + " in family " + f.id)
		}
		f.byCountry[ci] = int16(hi)
	}
}

// perm returns a permutation of [0, n) (Fisher-Yates).
func perm(r *rng, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}
