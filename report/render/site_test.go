package render

// testSite is a small site that uses every feature of the templates:
// verified and unverified claims, missing sections, citations, a low-volume
// source, "new" and 0 → 0 changes, other rows, truncated and empty tables,
// links to pages the site does not have.
func testSite() *Site {
	days := []string{"2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"}
	ch := func(cur, prev int64) *Change {
		c := Change{Current: cur, Previous: prev}
		if prev == 0 {
			c.New = cur > 0
		} else {
			c.Ratio = float64(cur)/float64(prev) - 1
		}
		return &c
	}
	link := func(href, text string) *Link { return &Link{Href: href, Text: text} }
	comparison := func(id, base string, cur, prev []int64) Chart {
		return Chart{
			ID: id, Title: "Visits per day", Kind: "line", Labels: days,
			Series: []Series{
				{Name: "This period", Values: cur},
				{Name: "Previous period (from 2026-11-11)", Values: prev},
			},
			Caption: "Visits per day, 2026-11-18 to 2026-11-24, beside the same day of the previous period.",
			CSV:     base + "-daily.csv", JSON: base + "-daily.json",
		}
	}
	s := &Site{
		Info: SiteInfo{
			Title:        "shop.example referrer report",
			AsOf:         "2026-11-24",
			Period:       Period{From: "2026-11-18", To: "2026-11-24", Days: 7, Label: "7 days"},
			Previous:     Period{From: "2026-11-11", To: "2026-11-17", Days: 7, Label: "7 days"},
			Coverage:     Period{From: "2026-11-01", To: "2026-11-24", Days: 24},
			RulesVersion: "3f2a9c1b0d4e",
			RulesHash:    "3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef",
			Nav: []Link{
				{Href: "index.html", Text: "Overview"},
				{Href: "unrecognised.html", Text: "Unrecognised referrers"},
				{Href: "quality.html", Text: "Data quality"},
				{Href: "methodology.html", Text: "Methodology"},
			},
		},
	}
	s.Index = IndexPage{
		Visits:       *ch(12345, 10200),
		Internal:     345,
		External:     12000,
		NoReferrer:   Share{Visits: 4200, Total: 12000, Share: 0.35},
		Tagged:       Share{Visits: 1500, Total: 12000, Share: 0.125},
		Unrecognised: Share{Visits: 240, Total: 12000, Share: 0.02},
		Warnings:     []string{"3 of 12,348 input rows could not be read and are left out; see Data quality."},
		Daily: Chart{
			ID: "chart-daily-mediums", Title: "Visits per day by medium", Kind: "stacked-bar", Labels: days,
			Series: []Series{
				{Name: "Search", Values: []int64{900, 950, 1010, 700, 650, 1100, 1040}},
				{Name: "Marketplace", Values: []int64{300, 310, 280, 260, 250, 330, 320}},
				{Name: "Direct", Values: []int64{600, 590, 610, 580, 570, 640, 630}},
			},
			Caption: "Visits from outside the site per day, 2026-11-18 to 2026-11-24, stacked by medium. Internal navigation is left out.",
			CSV:     "data/daily-mediums.csv", JSON: "data/daily-mediums.json",
		},
		TopSources: Table{
			Rows: []Row{
				{Link: link("sources/google.html", "Google"), Name: "Google", Visits: 6350, Share: 0.529, Change: ch(6350, 5080)},
				{Name: "Direct", Visits: 4220, Share: 0.352, Change: ch(4220, 4220)},
				{Link: link("sources/aliexpress.html", "AliExpress"), Name: "AliExpress", Visits: 1050, Share: 0.0875, Change: ch(1050, 1200)},
				{Name: "news.example.net", Note: "not in catalog", Visits: 160, Share: 0.0133, Change: ch(160, 0)},
				{Name: "old.example.org", Note: "not in catalog", Visits: 0, Share: 0, Change: ch(0, 40)},
			},
			Other: 220, OtherCount: 14, Total: 12000,
			EmptyText: "No visits from outside the site in this period.",
			CSV:       "data/top-sources.csv", JSON: "data/top-sources.json",
		},
		Mediums: Table{
			Rows: []Row{
				{Link: link("mediums/search.html", "Search"), Name: "Search", Visits: 6350, Share: 0.529, Change: ch(6350, 5080)},
				{Link: link("mediums/direct.html", "Direct"), Name: "Direct", Visits: 4220, Share: 0.352, Change: ch(4220, 4220)},
				{Link: link("mediums/marketplace.html", "Marketplace"), Name: "Marketplace", Visits: 1430, Share: 0.119, Change: ch(1430, 0)},
			},
			Total: 12000, CSV: "data/mediums.csv", JSON: "data/mediums.json",
		},
		Directory: []LinkGroup{
			{Title: Link{Href: "mediums/search.html", Text: "Search"}, Links: []Link{{Href: "sources/google.html", Text: "Google"}}},
			{Title: Link{Href: "mediums/marketplace.html", Text: "Marketplace"}, Links: []Link{{Href: "sources/aliexpress.html", Text: "AliExpress"}}},
			{Title: Link{Href: "mediums/ai.html", Text: "AI assistants"}, Links: []Link{{Href: "sources/perplexity.html", Text: "Perplexity"}}},
		},
	}

	ali := SourcePage{
		ID: "aliexpress", Name: "AliExpress",
		Medium:       Link{Href: "mediums/marketplace.html", Text: "Marketplace"},
		Status:       "Partially verified",
		StatusKind:   "partial",
		LastReviewed: "2026-11-20",
		Summary: []Claim{
			{Text: "AliExpress is a large cross-border retail marketplace.", Verified: true, Citations: []string{"ali-a"}},
			{Text: "App taps and outbound redirects often strip or fragment its referrer."},
		},
		Sections: []Section{
			{ID: "represents", Title: "What an AliExpress referrer represents", Claims: []Claim{
				{Text: "AliExpress pages are served from aliexpress.com and regional subdomains.", Verified: true, Citations: []string{"ali-b", "ali-a"}},
				{Text: "A permitted outbound link can carry an aliexpress.com referrer."},
				{Text: "A claim marked verified whose citation is missing.", Verified: true, Citations: []string{"nowhere"}},
			}},
			{ID: "measuring", Title: "Measuring AliExpress-driven traffic", Claims: []Claim{
				{Text: "Recommended tags: utm_source=aliexpress, utm_medium=marketplace."},
				{Text: "The query string survives app navigation and most redirects."},
			}},
			{ID: "in-analytics", Title: "How it appears in analytics and logs", Claims: []Claim{
				{Text: "Affiliate links take the form s.click.aliexpress.com/e/ followed by a code.", Verified: true, Citations: []string{"ali-b"}},
			}},
			{ID: "diagnostic", Title: "Diagnostic use case", Claims: []Claim{{Text: "Understand why AliExpress traffic is undercounted."}}},
			{ID: "detects", Title: "What refreport can help detect", Claims: []Claim{{Text: "refreport folds regional hosts and redirects into one source."}}},
			{ID: "mistakes", Title: "Common mistakes", Claims: []Claim{
				{Text: "Reporting each regional hostname as a separate source."},
				{Text: "Reading the referrer count alone as the full contribution."},
			}},
			{ID: "privacy", Title: "Privacy and accuracy notes", Missing: true},
		},
		Related: []Link{{Href: "sources/google.html", Text: "Google"}, {Href: "sources/ebay.html", Text: "eBay"}},
		Citations: []Citation{
			{ID: "ali-a", URL: "https://example.com/aliexpress-history", Title: "AliExpress history (Example Times)", Accessed: "2026-11-20"},
			{ID: "ali-b", URL: "https://example.net/link-checker", Title: "Link checker for AliExpress links", Accessed: "2026-11-20"},
		},
		Visits: *ch(1050, 1200),
		Daily:  comparison("chart-source-daily", "data/sources/aliexpress", []int64{150, 160, 140, 130, 150, 160, 160}, []int64{170, 180, 160, 170, 170, 180, 170}),
		Recognised: []Evidence{
			{Kind: "utm", Label: "UTM tag", Visits: 420, Share: 0.4},
			{Kind: "referrer", Label: "Referrer", Visits: 380, Share: 0.362},
			{Kind: "redirect", Label: "Redirect or link wrapper", Visits: 200, Share: 0.19},
			{Kind: "app", Label: "Android app", Visits: 50, Share: 0.048},
		},
		Hosts: Table{
			Rows: []Row{
				{Name: "aliexpress.com", Visits: 250, Share: 0.238},
				{Name: "s.click.aliexpress.com", Visits: 200, Share: 0.19},
				{Name: "es.aliexpress.com", Visits: 80, Share: 0.076},
			},
			Other: 50, OtherCount: 3, Total: 1050, Truncated: true,
			CSV: "data/sources/aliexpress-hosts.csv", JSON: "data/sources/aliexpress-hosts.json",
		},
		Spellings: Table{
			Rows: []Row{
				{Name: "aliexpress", Visits: 300, Share: 0.286},
				{Name: " aliexpress ", Visits: 80, Share: 0.076},
				{Name: "AliExpress\t", Visits: 40, Share: 0.038},
			},
			Total: 1050, CSV: "data/sources/aliexpress-utm-sources.csv", JSON: "data/sources/aliexpress-utm-sources.json",
		},
		UTMMediums: Table{
			Rows:  []Row{{Name: "marketplace", Visits: 380, Share: 0.362}, {Name: "=cpc", Visits: 40, Share: 0.038}},
			Total: 1050, CSV: "data/sources/aliexpress-utm-mediums.csv", JSON: "data/sources/aliexpress-utm-mediums.json",
		},
		Campaigns: Table{Total: 1050, EmptyText: "No utm_campaign tags in this period.",
			CSV: "data/sources/aliexpress-campaigns.csv", JSON: "data/sources/aliexpress-campaigns.json"},
		Landing: Table{
			Rows: []Row{
				{Name: "/products/blue-kettle", Visits: 500, Share: 0.476},
				{Name: "/", Visits: 300, Share: 0.286},
			},
			Other: 250, OtherCount: 31, Total: 1050,
			CSV: "data/sources/aliexpress-landing-pages.csv", JSON: "data/sources/aliexpress-landing-pages.json",
		},
		ByMedium: Table{
			Rows: []Row{
				{Link: link("mediums/marketplace.html", "Marketplace"), Name: "Marketplace", Visits: 850, Share: 0.81, Change: ch(850, 1000)},
				{Link: link("mediums/affiliate.html", "Affiliate"), Name: "Affiliate", Visits: 200, Share: 0.19, Change: ch(200, 200)},
			},
			Total: 1050, CSV: "data/sources/aliexpress-mediums.csv", JSON: "data/sources/aliexpress-mediums.json",
		},
		Rules: SourceRules{
			Hosts:      []string{"aliexpress.com", "aliexpress.ru", "aliexpress.{}"},
			Exclude:    []string{"login.aliexpress.com"},
			Apps:       []string{"com.alibaba.aliexpresshd"},
			UserAgents: []string{"AliApp(AE"},
			UTMSources: []string{"aliexpress", "aliexpress.com"},
			Redirects:  []string{"s.click.aliexpress.com (Affiliate)", "a.aliexpress.com (Marketplace)"},
		},
	}
	google := SourcePage{
		ID: "google", Name: "Google",
		Medium:       Link{Href: "mediums/search.html", Text: "Search"},
		Status:       "Verified",
		StatusKind:   "verified",
		LastReviewed: "2026-11-01",
		Summary:      []Claim{{Text: "Google is a web search engine.", Verified: true, Citations: []string{"g"}}},
		Sections: []Section{
			{ID: "represents", Title: "What a Google referrer represents", Claims: []Claim{{Text: "A visit from a Google results page.", Verified: true, Citations: []string{"g"}}}},
		},
		Citations: []Citation{{ID: "g", URL: "https://example.org/google", Title: "How search referrers work", Accessed: "2026-11-01"}},
		Visits:    *ch(6350, 5080),
		Daily:     comparison("chart-source-daily", "data/sources/google", []int64{900, 950, 1010, 700, 650, 1100, 1040}, []int64{700, 760, 800, 600, 560, 860, 800}),
		Recognised: []Evidence{
			{Kind: "referrer", Label: "Referrer", Visits: 6000, Share: 0.945},
			{Kind: "click_id", Label: "Ad click id", Visits: 350, Share: 0.055},
		},
		Hosts:    Table{Rows: []Row{{Name: "www.google.com", Visits: 6000, Share: 0.945}}, Total: 6350},
		Landing:  Table{Rows: []Row{{Name: "/", Visits: 6350, Share: 1}}, Total: 6350},
		ByMedium: Table{Rows: []Row{{Link: link("mediums/search.html", "Search"), Name: "Search", Visits: 6350, Share: 1, Change: ch(6350, 5080)}}, Total: 6350},
		Rules:    SourceRules{Hosts: []string{"google.com", "google.{}"}, ClickIDs: []string{"gclid (Paid search)"}},
	}
	perplexity := SourcePage{
		ID: "perplexity", Name: "Perplexity",
		Medium:        Link{Href: "mediums/ai.html", Text: "AI assistants"},
		Status:        "Not yet verified",
		StatusKind:    "unverified",
		ReviewOverdue: true,
		Sections: []Section{
			{ID: "represents", Title: "What a Perplexity referrer represents", Missing: true},
			{ID: "measuring", Title: "Measuring Perplexity-driven traffic", Missing: true},
			{ID: "mistakes", Title: "Common mistakes", Missing: true},
		},
		Visits:    *ch(12, 0),
		LowVolume: true,
		Daily:     comparison("chart-source-daily", "data/sources/perplexity", []int64{0, 2, 1, 0, 3, 4, 2}, []int64{0, 0, 0, 0, 0, 0, 0}),
		Recognised: []Evidence{
			{Kind: "referrer", Label: "Referrer", Visits: 12, Share: 1},
		},
		Hosts:      Table{Rows: []Row{{Name: "www.perplexity.ai", Visits: 12, Share: 1}}, Total: 12},
		Spellings:  Table{Total: 12, EmptyText: "No utm_source tags in this period."},
		UTMMediums: Table{Total: 12, EmptyText: "No utm_medium tags in this period."},
		Campaigns:  Table{Total: 12},
		Landing:    Table{Rows: []Row{{Name: "/blog/kettles", Visits: 12, Share: 1}}, Total: 12},
		Rules:      SourceRules{Hosts: []string{"perplexity.ai"}},
	}
	aliLink := Link{Href: "sources/aliexpress.html", Text: "AliExpress"}
	s.Hygiene = HygienePage{
		Spellings: []HygieneRow{
			{Source: aliLink, Value: "aliexpress", Visits: 120, Advice: "Keep: utm_source=aliexpress is the spelling to use."},
			{Source: aliLink, Value: " AliExpress ", Visits: 40, Advice: "Where the link is yours, write utm_source=aliexpress."},
		},
		Campaigns: []HygieneCampaign{
			{Source: aliLink, Campaign: "store_page", Visits: 90, Partial: 30,
				Sets:   []TagSet{{Tags: "all three tags", Visits: 60}, {Tags: "without utm_medium", Visits: 30}},
				Advice: "Where the links are yours, add utm_medium=marketplace to the links of campaign “store_page”."},
			{Source: Link{Text: "Direct"}, Campaign: "<script>alert(1)</script>", Visits: 12, Partial: 12,
				Sets:   []TagSet{{Tags: "without utm_source", Visits: 12}},
				Advice: "Where the links are yours, add a utm_source naming the site or app the link is placed on."},
			{Source: aliLink, Visits: 8, Partial: 8,
				Sets:   []TagSet{{Tags: "without utm_campaign", Visits: 8}},
				Advice: "Where the links are yours, add a utm_campaign naming the campaign."},
		},
		CampaignsOther:        2,
		CampaignsOtherPartial: 5,
	}
	ali.Hidden = &HiddenEstimate{Low: 310, Point: 420, High: 610, Measured: 1050, Reach: 0.72, Deep: 300,
		Pages: []HiddenPage{
			{Path: "/products/linen-tote-bag", Direct: 200, Share: 0.6, Point: 120},
			{Path: "/collections/<b>sale</b>", Direct: 150, Share: 0.4, Point: 60},
		}}
	ali.Hygiene = s.Hygiene.Spellings
	ali.HygieneCampaigns = []HygieneCampaign{s.Hygiene.Campaigns[0], s.Hygiene.Campaigns[2]}
	s.Sources = []SourcePage{ali, google, perplexity}

	s.Mediums = []MediumPage{
		{
			ID: "search", Name: "Search", Visits: *ch(6350, 5080),
			Daily: comparison("chart-medium-daily", "data/mediums/search", []int64{900, 950, 1010, 700, 650, 1100, 1040}, []int64{700, 760, 800, 600, 560, 860, 800}),
			Sources: Table{
				Rows:  []Row{{Link: link("sources/google.html", "Google"), Name: "Google", Visits: 6350, Share: 1, Change: ch(6350, 5080)}},
				Total: 6350, CSV: "data/mediums/search-sources.csv", JSON: "data/mediums/search-sources.json",
			},
		},
		{
			ID: "marketplace", Name: "Marketplace", Visits: *ch(1430, 0),
			Daily: comparison("chart-medium-daily", "data/mediums/marketplace", []int64{300, 310, 280, 260, 250, 330, 320}, []int64{0, 0, 0, 0, 0, 0, 0}),
			Sources: Table{
				Rows: []Row{
					{Link: link("sources/aliexpress.html", "AliExpress"), Name: "AliExpress", Visits: 850, Share: 0.594, Change: ch(850, 0)},
					{Name: "shop.example.com", Note: "not in catalog", Visits: 580, Share: 0.406, Change: ch(580, 0)},
				},
				Total: 1430, CSV: "data/mediums/marketplace-sources.csv", JSON: "data/mediums/marketplace-sources.json",
			},
		},
		{
			ID: "direct", Name: "Direct", Visits: *ch(4220, 4220),
			Sources: Table{EmptyText: "No visits in this period."},
		},
	}

	s.Unknown = UnrecognisedPage{
		Visits: Share{Visits: 240, Total: 12000, Share: 0.02},
		Hosts: []UnknownHost{
			{Host: "news.example.net", Visits: 160, Change: ch(160, 0), Examples: []string{"https://news.example.net/today", "https://news.example.net/"}},
			{Host: "forum.example.org", Visits: 60, Change: ch(60, 80), Examples: []string{"https://forum.example.org/t/kettles/12"}},
			{Host: "bare.example", Visits: 0, Change: ch(0, 0)},
		},
		Other: 20, OtherCount: 9, Truncated: true,
		CSV: "data/unrecognised.csv", JSON: "data/unrecognised.json",
	}

	s.Quality = QualityPage{
		Rows: 12348, Skipped: 3, Repaired: 2,
		SkippedBy:  []ReasonCount{{Reason: "unparseable timestamp", Rows: 2}, {Reason: "wrong number of fields", Rows: 1}},
		RepairedBy: []ReasonCount{{Reason: "invalid UTF-8", Rows: 2}},
		Problems:   []string{"visits.csv:17: ts: unparseable timestamp \"yesterday\"", "visits.csv:90: wrong number of fields (3, want 5)"},
		Files:      []InputFile{{Path: "exports/visits-2026-11.csv.gz", Bytes: 1234567}},
		Gaps:       []DayNote{{Day: "2026-11-09", Note: "no data"}, {Day: "2026-11-15", Visits: 412, Note: "under half the median of Sundays (1,020)"}, {Day: "2026-11-17", Last: "2026-11-19", Note: "no data (3 days)"}},
		Direct:     Share{Visits: 4220, Total: 12345, Share: 0.342},
		Internal:   Share{Visits: 345, Total: 12345, Share: 0.028},
		Overdue:    []Review{{Source: Link{Href: "sources/perplexity.html", Text: "Perplexity"}, Due: "2026-11-01"}},
		Caps:       []string{"AliExpress: host kept its first 1000 values; 50 visits with other values are counted as \"other\"."},
		RulesHash:  "3f2a9c1b0d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef",
		Daily: Chart{
			ID: "chart-quality-daily", Title: "Visits per day, all data", Kind: "bar",
			Labels:  []string{"2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"},
			Series:  []Series{{Name: "Visits", Values: []int64{1800, 1540, 1470, 2070, 1990}}},
			Caption: "Every visit read, per day, 2026-11-20 to 2026-11-24.",
			CSV:     "data/quality-daily.csv", JSON: "data/quality-daily.json",
		},
	}

	s.Methodology = MethodologyPage{
		Steps: []string{
			"UTM tags: a non-empty utm_source decides the source.",
			"Ad click ids: without a tag, the first click-id parameter decides.",
			"Referrer: the longest matching host rule wins.",
			"Direct: no usable referrer, tag or click id.",
		},
		Mediums: []MediumRule{
			{Link: Link{Href: "mediums/search.html", Text: "Search"}, Spellings: []string{"organic", "search"}},
			{Link: Link{Href: "mediums/email.html", Text: "Email"}, Spellings: []string{"email", "e-mail", "newsletter"}},
			{Link: Link{Href: "mediums/direct.html", Text: "Direct"}},
		},
		ClickIDs: []ClickIDRule{
			{Param: "gclid", Source: Link{Href: "sources/google.html", Text: "Google"}, Medium: "Paid search"},
			{Param: "msclkid", Source: Link{Text: "bing"}, Medium: "Paid search"},
		},
		Internal:    []string{"checkout.stripe.com", "www.paypal.com"},
		SiteHosts:   []string{"shop.example"},
		SpamHosts:   812,
		Sources:     3,
		PaidPattern: "^(.*cp.*|ppc|retargeting|paid.*)$",
	}
	return s
}
