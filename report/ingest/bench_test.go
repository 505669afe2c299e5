package ingest

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// visitGen writes realistic visit rows on demand: a test can read millions
// of them without holding them. The same seed gives the same bytes.
type visitGen struct {
	rng    *rand.Rand
	n, i   int
	quoted bool // some user agents have commas and are quoted, as in real exports
	header bool
	buf    []byte
	off    int
	day    int64
	date   []byte
}

func newVisitGen(n int, quoted bool) *visitGen {
	return &visitGen{rng: rand.New(rand.NewPCG(1, 2)), n: n, quoted: quoted, day: -1}
}

var (
	genPaths = []string{"/", "/pricing", "/blog/referrer-spam", "/docs/getting-started", "/features/utm-builder",
		"/about", "/blog/how-to-read-analytics", "/signup", "/contact", "/integrations/shopify"}
	genUTM = []string{"", "", "", "", "?utm_source=newsletter&utm_medium=email&utm_campaign=nov-2026",
		"?utm_source=facebook&utm_medium=paid_social&utm_content=carousel", "?gclid=Cj0KCQiA&utm_source=google&utm_medium=cpc"}
	genReferrers = []string{"", "", "https://www.google.com/", "https://www.google.de/", "https://www.bing.com/search?q=referrer+report",
		"https://t.co/Ab12Cd34", "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2F", "android-app://com.google.android.gm/",
		"https://news.ycombinator.com/item?id=42424242", "https://duckduckgo.com/", "https://www.reddit.com/r/webdev/comments/xyz/"}
	genAgents = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
	}
	genAgentsPlain = []string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"curl/8.5.0",
	}
	genCountries = []string{"US", "DE", "GB", "FR", "IN", "BR", "JP", "NL", ""}
)

const genHeader = "timestamp,url,referrer,user_agent,country,visitor_id,visits\n"

func (g *visitGen) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.header && g.i == g.n {
			return 0, io.EOF
		}
		g.buf, g.off = g.buf[:0], 0
		if !g.header {
			g.buf = append(g.buf, genHeader...)
			g.header = true
		}
		for len(g.buf) < 64<<10 && g.i < g.n {
			g.buf = g.appendRow(g.buf)
			g.i++
		}
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

func (g *visitGen) appendRow(b []byte) []byte {
	rng := g.rng
	t := int64(1764000000) + int64(g.i)/4 // about four visits a second
	if d := t / 86400; d != g.day {
		g.day = d
		g.date = []byte(unixDate(t))
	}
	b = append(b, g.date...)
	s := t % 86400
	b = append(b, 'T', byte('0'+s/36000), byte('0'+s/3600%10), ':', byte('0'+s%3600/600), byte('0'+s%600/60), ':', byte('0'+s%60/10), byte('0'+s%10), 'Z', ',')
	b = append(b, "https://www.example.com"...)
	b = append(b, genPaths[rng.IntN(len(genPaths))]...)
	b = append(b, genUTM[rng.IntN(len(genUTM))]...)
	b = append(b, ',')
	b = append(b, genReferrers[rng.IntN(len(genReferrers))]...)
	b = append(b, ',')
	agents := genAgentsPlain
	if g.quoted {
		agents = genAgents
	}
	if ua := agents[rng.IntN(len(agents))]; strings.IndexByte(ua, ',') >= 0 {
		b = append(b, '"')
		b = append(b, ua...)
		b = append(b, '"')
	} else {
		b = append(b, ua...)
	}
	b = append(b, ',')
	b = append(b, genCountries[rng.IntN(len(genCountries))]...)
	b = append(b, ',')
	b = strconv.AppendUint(b, rng.Uint64()>>4, 16)
	b = append(b, ',')
	if rng.IntN(8) == 0 {
		b = strconv.AppendInt(b, int64(rng.IntN(5)), 10)
	}
	return append(b, '\n')
}

func unixDate(t int64) string {
	// Civil date from days since the epoch (Howard Hinnant's
	// civil_from_days), to keep the generator free of time.Format.
	z := t/86400 + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	b := strconv.AppendInt(nil, y, 10)
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	return string(b)
}

// BenchmarkIngestCSV reads 100k generated rows from memory through the
// whole Reader: sniffing, splitting, timestamps, weights and strings.
// "quoted" has user agents with commas, quoted as exporters write them,
// on about half the rows; "plain" has no quotes at all.
func BenchmarkIngestCSV(b *testing.B) {
	for _, bc := range []struct {
		name   string
		quoted bool
	}{{"quoted", true}, {"plain", false}} {
		b.Run(bc.name, func(b *testing.B) {
			data, err := io.ReadAll(newVisitGen(100000, bc.quoted))
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var rows, sum int64
			for b.Loop() {
				r := NewReader(context.Background(), []Input{{Path: "-", Size: -1}}, Options{Stdin: bytes.NewReader(data)})
				for r.Scan() {
					for _, v := range r.Batch() {
						sum += v.Weight
					}
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				if s := r.Stats(); s.Rows != 100000 || s.SkippedRows() != 0 {
					b.Fatalf("rows %d, skipped %v", s.Rows, s.Skipped)
				}
				rows += r.Stats().Rows
			}
			if sum == 0 {
				b.Fatal("no weight read")
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func TestVisitGen(t *testing.T) {
	// The generator's dates must be real dates, or the benchmark would
	// measure the bad-row path.
	for _, ts := range []int64{0, 951782400, 1764000000, 4102444800} {
		d := unixDate(ts)
		got, err := ParseTime(d, nil)
		if err != nil || got != ts-ts%86400 {
			t.Errorf("unixDate(%d) = %s, reads as %d, %v", ts, d, got, err)
		}
	}
	res := readList([]Input{{Path: "-"}}, Options{Stdin: newVisitGen(1000, true)})
	if res.err != nil || len(res.visits) != 1000 || len(res.problems) != 0 {
		t.Fatalf("%d visits, %v, %v", len(res.visits), res.problems, res.err)
	}
	if v := res.visits[999]; v.Time != 1764000000+999/4 || v.URL == "" || v.UserAgent == "" || v.VisitorID == "" {
		t.Errorf("last visit %+v", v)
	}
}

// BenchmarkIngestGzip reads a gzip file of CSV: as a regular file, read
// ahead (inflating on a goroutine of its own), and the same bytes as
// standard input, which is inflated on the goroutine that parses. The
// ratio of the two is what reading ahead gives on this machine.
func BenchmarkIngestGzip(b *testing.B) {
	data := bigCSV(300000) // random paths, which compress as real URLs do, not as newVisitGen's
	gz := gzipBytes(b, data)
	path := writeFile(b, b.TempDir(), "visits.csv.gz", gz)
	for _, bc := range []struct {
		name string
		in   Input
	}{{"ahead", Input{Path: path}}, {"inline", Input{Path: "-", Size: -1}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var rows int64
			for b.Loop() {
				r := NewReader(context.Background(), []Input{bc.in}, Options{Stdin: bytes.NewReader(gz)})
				for r.Scan() {
				}
				if err := r.Err(); err != nil {
					b.Fatal(err)
				}
				if s := r.Stats(); s.Rows != 300000 || s.SkippedRows() != 0 {
					b.Fatalf("rows %d, skipped %v", s.Rows, s.Skipped)
				}
				rows += r.Stats().Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
