package gen

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"
)

// generate runs Write and fails the test on error.
func generate(t testing.TB, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, o); err != nil {
		t.Fatalf("Write(%+v): %v", o, err)
	}
	return buf.Bytes()
}

// readCSV parses generated CSV strictly and returns the data rows.
func readCSV(t testing.TB, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = len(columns)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("generated CSV does not parse: %v", err)
	}
	if len(recs) == 0 {
		t.Fatal("generated CSV has no header")
	}
	if got, want := strings.Join(recs[0], ","), strings.Join(columns[:], ","); got != want {
		t.Fatalf("header = %q, want %q", got, want)
	}
	return recs[1:]
}

func opts(rows int64, format string) Options {
	o := DefaultOptions()
	o.Rows = rows
	o.Format = format
	return o
}

func TestDeterminism(t *testing.T) {
	for _, format := range []string{"csv", "parquet"} {
		for _, bad := range []float64{0, 0.05} {
			o := opts(20000, format)
			o.BadRows = bad
			o.Seed = 7
			a := generate(t, o)
			o.Seed = 8
			b := generate(t, o)
			o.Seed = 7
			a2 := generate(t, o) // after another seed: no state leaks between runs
			if !bytes.Equal(a, a2) {
				t.Errorf("%s, bad rows %v: seed 7 gave different bytes on a second run", format, bad)
			}
			if bytes.Equal(a, b) {
				t.Errorf("%s, bad rows %v: seeds 7 and 8 gave the same bytes", format, bad)
			}
		}
	}
}

func TestRowCountsAndTimes(t *testing.T) {
	end := time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC) // the time of day is ignored
	for _, tc := range []struct {
		rows int64
		days int
	}{{0, 1}, {1, 1}, {7, 90}, {1000, 1}, {5000, 3}, {300, 365}, {20000, 90}} {
		o := opts(tc.rows, "csv")
		o.Days, o.End = tc.days, end
		recs := readCSV(t, generate(t, o))
		if int64(len(recs)) != tc.rows {
			t.Errorf("rows %d days %d: got %d rows", tc.rows, tc.days, len(recs))
			continue
		}
		first := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1-tc.days)
		last := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		var prev time.Time
		for i, r := range recs {
			ts, err := time.Parse(time.RFC3339, r[0])
			if err != nil {
				t.Fatalf("rows %d days %d: row %d: %v", tc.rows, tc.days, i, err)
			}
			if ts.Before(first) || !ts.Before(last) {
				t.Fatalf("rows %d days %d: row %d: %s outside [%s, %s)", tc.rows, tc.days, i, r[0], first, last)
			}
			if ts.Before(prev) {
				t.Fatalf("rows %d days %d: row %d: %s before the previous row", tc.rows, tc.days, i, r[0])
			}
			prev = ts
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"negative rows", func(o *Options) { o.Rows = -1 }, "rows"},
		{"too many rows", func(o *Options) { o.Rows = MaxRows + 1 }, "rows"},
		{"no days", func(o *Options) { o.Days = 0 }, "days"},
		{"too many days", func(o *Options) { o.Days = MaxDays + 1 }, "days"},
		{"format", func(o *Options) { o.Format = "json" }, "format"},
		{"empty format", func(o *Options) { o.Format = "" }, "format"},
		{"negative bad rows", func(o *Options) { o.BadRows = -0.1 }, "bad-rows"},
		{"bad rows over 1", func(o *Options) { o.BadRows = 1.5 }, "bad-rows"},
		{"bad rows NaN", func(o *Options) { o.BadRows = math.NaN() }, "bad-rows"},
		{"no end", func(o *Options) { o.End = time.Time{} }, "end"},
		{"before 1970", func(o *Options) { o.End = time.Date(1970, 1, 10, 0, 0, 0, 0, time.UTC) }, "end"},
		{"after 9999", func(o *Options) { o.End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "end"},
	} {
		o := DefaultOptions()
		tc.edit(&o)
		var buf bytes.Buffer
		err := Write(&buf, o)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", tc.name, buf.Len())
		}
	}
}

// The first and last possible days work.
func TestDateLimits(t *testing.T) {
	for _, end := range []time.Time{
		time.Date(1970, 3, 31, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	} {
		o := opts(50, "csv")
		o.End = end
		recs := readCSV(t, generate(t, o))
		day := end.Format(time.DateOnly)
		if got := recs[len(recs)-1][0]; got[:10] > day {
			t.Errorf("end %s: last row at %s", day, got)
		}
	}
}

func TestDateString(t *testing.T) {
	for d := int64(0); d < 2932896; d += 997 { // to 9999-12-31
		got := dateString(d)
		want := time.Unix(d*secondsPerDay, 0).UTC().Format("2006-01-02T")
		if string(got[:]) != want {
			t.Fatalf("dateString(%d) = %s, want %s", d, got[:], want)
		}
	}
}

func TestTable(t *testing.T) {
	weights := []uint64{1, 2, 3, 0, 4, 10}
	tb := newTable(weights)
	r := newRNG(1, 2)
	const n = 200000
	counts := make([]int, len(weights))
	for range n {
		counts[tb.pick(&r)]++
	}
	var sum uint64
	for _, w := range weights {
		sum += w
	}
	for i, w := range weights {
		want := float64(n) * float64(w) / float64(sum)
		if w == 0 && counts[i] != 0 {
			t.Errorf("index %d has weight 0 but was picked %d times", i, counts[i])
		}
		if math.Abs(float64(counts[i])-want) > 0.05*want+10 {
			t.Errorf("index %d: picked %d times, want about %.0f", i, counts[i], want)
		}
	}
}

func TestZipf(t *testing.T) {
	tb := zipfTable(1000)
	r := newRNG(3, 4)
	counts := make([]int, 1000)
	for range 300000 {
		counts[tb.pick(&r)]++
	}
	// Rank k has weight 1/(k+1): rank 0 twice rank 1, ten times rank 9.
	if ratio := float64(counts[0]) / float64(counts[1]); ratio < 1.8 || ratio > 2.2 {
		t.Errorf("rank 0 / rank 1 = %.2f, want about 2", ratio)
	}
	if ratio := float64(counts[0]) / float64(counts[9]); ratio < 8.5 || ratio > 11.5 {
		t.Errorf("rank 0 / rank 9 = %.2f, want about 10", ratio)
	}
}

func TestAppendEscaped(t *testing.T) {
	for _, in := range []string{"", "https://shop.example.com/a b?x=1&y=ä~", "\x00\xff\"<>#%+", "AZaz09-_.~"} {
		if got, want := string(appendEscaped(nil, []byte(in))), url.QueryEscape(in); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", in, got, want)
		}
	}
}

// failWriter accepts n bytes, then fails.
type failWriter struct{ n int }

var errFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	for _, format := range []string{"csv", "parquet"} {
		for _, n := range []int{0, 100, 200000} {
			err := Write(&failWriter{n: n}, opts(50000, format))
			if !errors.Is(err, errFull) {
				t.Errorf("%s, writer failing after %d bytes: error %v, want %v", format, n, err, errFull)
			}
		}
	}
}
