package rules

import (
	"fmt"
	"testing"

	"github.com/webmasterid/refreport/report/ingest"
)

// benchVisits is a realistic mix: search, social, tagged links, click ids,
// apps, internal navigation and direct visits.
func benchVisits() []*ingest.Visit {
	return []*ingest.Visit{
		{Referrer: "https://www.google.com/", URL: "https://www.example.com/products/shoes"},
		{Referrer: "https://www.google.de/", URL: "https://www.example.com/"},
		{Referrer: "", URL: "https://www.example.com/"},
		{Referrer: "https://www.example.com/cart", URL: "https://www.example.com/checkout"},
		{Referrer: "https://l.facebook.com/", URL: "https://www.example.com/?fbclid=IwAR0abcdef"},
		{Referrer: "", URL: "https://www.example.com/?utm_source=newsletter&utm_medium=email&utm_campaign=spring"},
		{Referrer: "https://www.google.com/", URL: "https://www.example.com/?gclid=EAIaIQobChMI"},
		{Referrer: "android-app://com.google.android.gm", URL: "https://www.example.com/"},
		{Referrer: "https://x.com/i/grok", URL: "https://www.example.com/"},
		{Referrer: "https://news.ycombinator.com/item?id=1", URL: "https://www.example.com/blog/post"},
		{Referrer: "https://www.bing.com/search?q=x", URL: "https://www.example.com/"},
		{Referrer: "https://t.co/abc", URL: "https://www.example.com/"},
		{Referrer: "https://checkout.stripe.com/pay", URL: "https://www.example.com/thanks"},
		{Referrer: "https://chatgpt.com/", URL: "https://www.example.com/?utm_source=chatgpt.com"},
		{Referrer: "http://semalt.com/", URL: "https://www.example.com/"},
		{Referrer: "null", URL: "https://www.example.com/"},
	}
}

// BenchmarkClassify reports the cost per visit. hit: a warm classifier on
// a realistic mix; miss: every referrer host is new to the cache (more
// distinct hosts than the cache keeps, visited in a cycle).
func BenchmarkClassify(b *testing.B) {
	m := testMatcher(b)
	b.Run("hit", func(b *testing.B) {
		visits := benchVisits()
		cl := m.NewClassifier()
		for _, v := range visits {
			cl.Classify(v)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			cl.Classify(visits[i%len(visits)])
		}
	})
	b.Run("miss", func(b *testing.B) {
		const n = hostCacheEntries + hostCacheEntries/2
		visits := make([]ingest.Visit, n)
		for i := range visits {
			var ref string
			switch i % 4 {
			case 0:
				ref = fmt.Sprintf("https://s%d.example.net/page", i)
			case 1:
				ref = fmt.Sprintf("https://www.blog%d.co.uk/", i)
			case 2:
				ref = fmt.Sprintf("https://m%d.google.de/search", i)
			default:
				ref = fmt.Sprintf("https://x%d.facebook.com/", i)
			}
			visits[i] = ingest.Visit{Referrer: ref, URL: "https://www.example.com/"}
		}
		cl := m.NewClassifier()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			cl.Classify(&visits[i%n])
		}
	})
}
