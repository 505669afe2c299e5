package aggregate

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/rules"
)

// BenchmarkFlood counts a day of hostile visits, referrer spam from
// made-up hosts with a new path on every visit and tags with a new
// campaign on every visit, and reports the heap the rollup holds after.
// What it keeps is bounded by the day's limits, so ten times the rows
// should hold about the same: compare MiB-live across the two sizes.
func BenchmarkFlood(b *testing.B) {
	pad := strings.Repeat("x", 200)
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				r := New(time.UTC)
				for i := range n {
					host := fmt.Sprintf("spam%d.net", i%50000)
					ref := fmt.Sprintf("https://%s/%d/%s", host, i, pad)
					r.Add(visit("2026-11-20T10:00:00Z", "https://shop.example.com/", ref, 1),
						&rules.Result{Source: host, Medium: "referral", Evidence: rules.EvidenceUnknown, Host: host})
					tag := fmt.Sprintf("tag%d", i%50000)
					r.Add(visit("2026-11-20T10:00:00Z", "https://shop.example.com/", "", 1),
						&rules.Result{Source: tag, Medium: "paid_social", Evidence: rules.EvidenceUTM, UTMSource: tag, UTMMedium: "cpc", UTMCampaign: fmt.Sprintf("c%d%s", i, pad)})
				}
				runtime.GC()
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "MiB-live")
				runtime.KeepAlive(r)
			}
		})
	}
}
