package gen

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// malformedCSV says what, if anything, is wrong with one line of CSV, as
// a strict reader would see it.
func malformedCSV(line string) string {
	if !utf8.ValidString(line) {
		return "utf8"
	}
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	switch {
	case err != nil:
		return "quoting"
	case len(rec) != len(columns):
		return "fields"
	}
	for _, f := range rec {
		if len(f) > 64<<10 {
			return "long"
		}
	}
	if _, err := time.Parse(time.RFC3339, rec[0]); err != nil {
		return "timestamp"
	}
	return ""
}

func TestBadRowsCSV(t *testing.T) {
	for _, tc := range []struct {
		frac float64
		rows int64
	}{{0, 40000}, {0.05, 40000}, {1, 4000}} {
		frac, rows := tc.frac, tc.rows
		clean := strings.Split(string(generate(t, opts(rows, "csv"))), "\n")
		o := opts(rows, "csv")
		o.BadRows = frac
		lines := strings.Split(string(generate(t, o)), "\n")
		if len(lines) != len(clean) {
			t.Fatalf("bad rows %v: %d lines, want %d (one per row)", frac, len(lines), len(clean))
		}
		kinds := make(map[string]int)
		bad := 0
		for i, line := range lines[1 : len(lines)-1] {
			k := malformedCSV(line)
			if k == "" {
				if line != clean[i+1] {
					t.Fatalf("bad rows %v: good line %d differs from the clean output:\n%s\n%s", frac, i+2, line, clean[i+1])
				}
				continue
			}
			kinds[k]++
			bad++
		}
		got := float64(bad) / float64(rows)
		if got < frac-0.01 || got > frac+0.01 {
			t.Errorf("bad rows %v: %.4f of rows malformed (%v)", frac, got, kinds)
		}
		if frac > 0 {
			for _, k := range []string{"utf8", "quoting", "fields", "long", "timestamp"} {
				if kinds[k] == 0 {
					t.Errorf("bad rows %v: no malformed rows of kind %s (%v)", frac, k, kinds)
				}
			}
		}
	}
}

func TestBadRowsParquet(t *testing.T) {
	const rows = 40000
	clean := readCSV(t, generate(t, opts(rows, "csv")))
	o := opts(rows, "parquet")
	o.BadRows = 0.05
	data := generate(t, o)
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	ts := f.Root().Column("ts")
	if ts == nil || !ts.Optional() || ts.Type().Kind() != parquet.ByteArray {
		t.Fatalf("with bad rows, ts should be an optional string column; got %v", ts)
	}
	got, err := parquet.Read[parquetBadRow](bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != rows {
		t.Fatalf("read %d rows, want %d", len(got), rows)
	}
	kinds := make(map[string]int)
	for i, p := range got {
		c := clean[i]
		switch {
		case p.TS == nil:
			kinds["null ts"]++
		case !isRFC3339(string(p.TS)):
			kinds["garbage ts"]++
		case !utf8.Valid(p.URL) || !utf8.Valid(p.Referrer) || !utf8.ValidString(p.UserAgent):
			kinds["utf8"]++
		default:
			if string(p.TS) != c[0] || string(p.URL) != c[1] || string(p.Referrer) != c[2] || p.UserAgent != c[3] {
				t.Fatalf("good row %d differs from the clean CSV: %q %q %q, want %q", i, p.TS, p.URL, p.Referrer, c[:3])
			}
		}
	}
	n := kinds["null ts"] + kinds["garbage ts"] + kinds["utf8"]
	if share := float64(n) / rows; share < 0.04 || share > 0.06 || len(kinds) != 3 {
		t.Errorf("%.4f of rows bad (%v), want 0.05 of three kinds", share, kinds)
	}
}

func isRFC3339(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}
