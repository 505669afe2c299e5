package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// at is the Unix time of an RFC 3339 timestamp, parsed by the standard
// library so that tests do not check ParseTime against itself.
func at(t testing.TB, s string) int64 {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.Unix()
}

// result is what reading some inputs gave.
type result struct {
	visits   []Visit
	problems []string // Problem.String(), relative to the test's folder
	stats    *Stats
	err      error
}

// errText is the error's text relative to dir, or "" for none.
func (r result) errText(dir string) string {
	if r.err == nil {
		return ""
	}
	return strings.ReplaceAll(r.err.Error(), dir+string(filepath.Separator), "")
}

// readArgs expands args and reads them all through a Reader.
func readArgs(t testing.TB, opts Options, args ...string) result {
	t.Helper()
	in, err := Expand(args)
	if err != nil {
		return result{err: err, stats: &Stats{}}
	}
	return readList(in, opts)
}

func readList(in []Input, opts Options) result {
	r := NewReader(context.Background(), in, opts)
	var res result
	for r.Scan() {
		b := r.Batch()
		if len(b) == 0 {
			panic("Scan returned true with an empty batch")
		}
		res.visits = append(res.visits, b...)
	}
	res.err = r.Err()
	res.stats = r.Stats()
	for _, p := range res.stats.Examples {
		res.problems = append(res.problems, p.String())
	}
	return res
}

// writeFile writes content to dir/name, making folders, and returns the path.
func writeFile(t testing.TB, dir, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readString writes content to a fresh visits.csv and reads it. Problems
// and the error are given relative to the folder.
func readString(t *testing.T, content string, opts Options) (res result, errText string) {
	t.Helper()
	dir := t.TempDir()
	path := writeFile(t, dir, "visits.csv", []byte(content))
	res = readArgs(t, opts, path)
	for i, p := range res.problems {
		res.problems[i] = strings.TrimPrefix(p, dir+string(filepath.Separator))
	}
	return res, res.errText(dir)
}

type csvCase struct {
	name     string
	opts     Options
	in       string
	want     []Visit
	problems []string
	rows     int64
}

// csvCases are whole files with what reading them must give. They are also
// read in odd-sized pieces by TestCSVChunking.
func csvCases(t testing.TB) []csvCase {
	ts := func(s string) int64 { return at(t, s) }
	long := strings.Repeat("r", 70000)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return []csvCase{{
		name: "basic",
		in: "timestamp,url,referrer\n" +
			"2026-11-24T10:00:00Z,https://example.com/,https://www.google.com/\n" +
			"2026-11-24 11:30:00,https://example.com/a,\n",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://example.com/", Referrer: "https://www.google.com/", Weight: 1},
			{Time: ts("2026-11-24T11:30:00Z"), URL: "https://example.com/a", Weight: 1},
		},
		rows: 2,
	}, {
		name: "every field",
		in: "ts,url,referrer,utm_source,utm_medium,utm_campaign,utm_term,utm_content,user_agent,country,visitor_id,visits\n" +
			"2026-11-24T10:00:00Z,https://a/,https://r/,news,email,black-friday,shoes,hero,Mozilla/5.0,DE,v42,3\n",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Referrer: "https://r/",
			UTMSource: "news", UTMMedium: "email", UTMCampaign: "black-friday", UTMTerm: "shoes", UTMContent: "hero",
			UserAgent: "Mozilla/5.0", Country: "DE", VisitorID: "v42", Weight: 3}},
		rows: 1,
	}, {
		name: "headers are case-insensitive and trimmed",
		in:   "TimeStamp, URL ,Referrer\n2026-11-24T10:00:00Z,https://a/,https://r/\n",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Referrer: "https://r/", Weight: 1}},
		rows: 1,
	}, {
		name: "byte-order mark",
		in:   "\ufefftimestamp,url\n2026-11-24,https://a/\n",
		want: []Visit{{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 1}},
		rows: 1,
	}, {
		name: "CRLF line ends",
		in: "timestamp,url,referrer\r\n" +
			"2026-11-24T10:00:00Z,https://a/,https://r/\r\n" +
			"2026-11-24T10:00:00Z,\"https://b/\",\"two\r\nlines\"\r\n" +
			"2026-11-24T10:00:00Z,https://c/,\r\n",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Referrer: "https://r/", Weight: 1},
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://b/", Referrer: "two\nlines", Weight: 1},
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://c/", Weight: 1},
		},
		rows: 3,
	}, {
		name: "quoted fields and the line numbers after them",
		in: "timestamp,url,referrer\n" + // 1
			"2026-11-24T10:00:00Z,\"https://a/?q=1,2\",\"say \"\"hi\"\"\"\n" + // 2
			"\"2026-11-24T10:00:01Z\",https://b/,\"three\n" + // 3
			"line\n" + // 4
			"referrer\"\n" + // 5
			"bad,https://c/,\n" + // 6
			"2026-11-24T10:00:02Z,\"\",\"\"\"\"\n" + // 7
			"2026-11-24T10:00:03Z,\"a\"x,\n", // 8
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/?q=1,2", Referrer: `say "hi"`, Weight: 1},
			{Time: ts("2026-11-24T10:00:01Z"), URL: "https://b/", Referrer: "three\nline\nreferrer", Weight: 1},
			{Time: ts("2026-11-24T10:00:02Z"), URL: "", Referrer: `"`, Weight: 1},
		},
		problems: []string{
			`visits.csv:6: timestamp: unparseable timestamp "bad"`,
			`visits.csv:8: url: text after closing quote`,
		},
		rows: 5,
	}, {
		name: "quoted header",
		in:   "\"timestamp\",\"url\",\"page, title\"\n2026-11-24T10:00:00Z,https://a/,Home\n",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 1}},
		rows: 1,
	}, {
		name: "no newline at the end",
		in:   "timestamp,url\n2026-11-24T10:00:00Z,https://a/\n2026-11-24T10:00:01Z,\"https://b/\"",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-11-24T10:00:01Z"), URL: "https://b/", Weight: 1},
		},
		rows: 2,
	}, {
		name: "carriage return at the very end",
		in:   "timestamp,url\r\n2026-11-24T10:00:00Z,https://a/\r",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 1}},
		rows: 1,
	}, {
		name: "blank lines are not rows but count as lines",
		in:   "\n\ntimestamp,url\n\n2026-11-24T10:00:00Z,https://a/\r\n\r\n\nnope,https://b/\n\n",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 1}},
		problems: []string{
			`visits.csv:8: timestamp: unparseable timestamp "nope"`,
		},
		rows: 2,
	}, {
		name: "header only",
		in:   "timestamp,url\n",
		rows: 0,
	}, {
		name: "weights",
		in: "ts,url,visits\n" +
			"2026-11-24,https://a/,3\n" +
			"2026-11-24,https://a/,\n" +
			"2026-11-24,https://a/,12.0\n" +
			"2026-11-24,https://a/,7.\n" +
			"2026-11-24,https://a/, 4 \n" +
			"2026-11-24,https://a/,0\n" +
			"2026-11-24,https://a/,1.5\n" + // 8
			"2026-11-24,https://a/,-1\n" +
			"2026-11-24,https://a/,abc\n" +
			"2026-11-24,https://a/,99999999999999999999\n" +
			"2026-11-24,https://a/,1e3\n" +
			"2026-11-24,https://a/,9223372036854775807\n",
		want: []Visit{
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 3},
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 12},
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 7},
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 4},
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 0},
			{Time: ts("2026-11-24T00:00:00Z"), URL: "https://a/", Weight: 1<<63 - 1},
		},
		problems: []string{
			`visits.csv:8: visits: bad weight "1.5": want a whole number >= 0`,
			`visits.csv:9: visits: bad weight "-1": want a whole number >= 0`,
			`visits.csv:10: visits: bad weight "abc": want a whole number >= 0`,
			`visits.csv:11: visits: bad weight "99999999999999999999": want a whole number >= 0`,
			`visits.csv:12: visits: bad weight "1e3": want a whole number >= 0`,
		},
		rows: 12,
	}, {
		name: "wrong number of fields",
		in: "timestamp,url,referrer\n" +
			"2026-11-24T10:00:00Z,https://a/\n" +
			"2026-11-24T10:00:00Z,https://a/,r,extra,more\n" +
			"2026-11-24T10:00:00Z,\"https://a/\",\"r\",\"\"\n" +
			"2026-11-24T10:00:00Z,https://ok/,\n",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://ok/", Weight: 1}},
		problems: []string{
			`visits.csv:2: 2 fields, header has 3`,
			`visits.csv:3: 5 fields, header has 3`,
			`visits.csv:4: 4 fields, header has 3`,
		},
		rows: 4,
	}, {
		name: "bad quoting",
		in: "timestamp,url,referrer,notes\n" +
			"2026-11-24T10:00:00Z,https://a/\"x,r,n\n" + // 2
			"2026-11-24T10:00:00Z,\"https://a/\"x,r,n\n" + // 3
			"2026-11-24T10:00:00Z,https://a/,r,5\" screen\n" + // 4
			"2026-11-24T10:00:00Z,\"multi\nline\"x,r,n\n" + // 5-6
			"2026-11-24T10:00:00Z,https://ok/,r,\"n\"\n" + // 7
			"2026-11-24T10:00:00Z,\"https://q/\",r\"x,n\n" + // 8
			"2026-11-24T10:00:00Z,\"multi\nline\",r,n\"x\n", // 9-10
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://ok/", Referrer: "r", Weight: 1}},
		problems: []string{
			`visits.csv:2: url: bare " in unquoted field (quote the field and double the quote)`,
			`visits.csv:3: url: text after closing quote`,
			`visits.csv:4: column 4 ("notes"): bare " in unquoted field (quote the field and double the quote)`,
			`visits.csv:5: url: text after closing quote`,
			`visits.csv:8: referrer: bare " in unquoted field (quote the field and double the quote)`,
			`visits.csv:9: column 4 ("notes"): bare " in unquoted field (quote the field and double the quote)`,
		},
		rows: 7,
	}, {
		name: "unterminated quote at the end of the file costs one row",
		in: "timestamp,url,referrer\n" +
			"2026-11-24T10:00:00Z,\"https://a/,r\n" + // 2
			"2026-11-24T10:00:01Z,https://b/,r\n" +
			"2026-11-24T10:00:02Z,https://c/,r\n",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:01Z"), URL: "https://b/", Referrer: "r", Weight: 1},
			{Time: ts("2026-11-24T10:00:02Z"), URL: "https://c/", Referrer: "r", Weight: 1},
		},
		problems: []string{
			`visits.csv:2: url: unterminated quoted field (no closing quote before end of file)`,
		},
		rows: 3,
	}, {
		name: "unterminated quote is cut off at MaxField",
		opts: Options{MaxField: 40},
		in: "timestamp,url,referrer\n" +
			"2026-11-24T10:00:00Z,https://a/,\"unclosed\n" + // 2
			"2026-11-24T10:00:01Z,https://b/,r\n" +
			"2026-11-24T10:00:02Z,https://c/,r\n" +
			"2026-11-24T10:00:03Z,https://d/,\"closes\n" + // 5: a multi-line field within the limit
			"here\"\n" +
			"2026-11-24T10:00:04Z,\"https://e/\",r\n" + // 7
			"2026-11-24T10:00:05Z,https://f/,\"" + strings.Repeat("x", 50) + "\"\n", // 8: long but one line
		want: []Visit{
			{Time: ts("2026-11-24T10:00:01Z"), URL: "https://b/", Referrer: "r", Weight: 1},
			{Time: ts("2026-11-24T10:00:02Z"), URL: "https://c/", Referrer: "r", Weight: 1},
			{Time: ts("2026-11-24T10:00:03Z"), URL: "https://d/", Referrer: "closes\nhere", Weight: 1},
			{Time: ts("2026-11-24T10:00:04Z"), URL: "https://e/", Referrer: "r", Weight: 1},
		},
		problems: []string{
			`visits.csv:2: referrer: unterminated quoted field (no closing quote within 40 bytes)`,
			`visits.csv:8: referrer: field too long (50 bytes)`,
		},
		rows: 6,
	}, {
		name: "bad timestamps",
		in: "timestamp,url\n" +
			"2026-02-30,https://a/\n" +
			",https://a/\n" +
			"2026-11-24T10:00:00Z and then a very long tail of junk,https://a/\n" +
			"\"2026-11-24\x00\",https://a/\n",
		problems: []string{
			`visits.csv:2: timestamp: unparseable timestamp "2026-02-30"`,
			`visits.csv:3: timestamp: unparseable timestamp ""`,
			`visits.csv:4: timestamp: unparseable timestamp "2026-11-24T10:00:00Z and then a very lon"...`,
			`visits.csv:5: timestamp: unparseable timestamp "2026-11-24\x00"`,
		},
		rows: 4,
	}, {
		name: "field too long",
		in: "timestamp,url,referrer\n" +
			"2026-11-24T10:00:00Z,https://a/," + long + "\n" +
			"2026-11-24T10:00:00Z,https://b/,\"" + long + "\"\n" +
			"2026-11-24T10:00:00Z,https://ok/,\n",
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://ok/", Weight: 1}},
		problems: []string{
			`visits.csv:2: referrer: field too long (70000 bytes)`,
			`visits.csv:3: referrer: field too long (70000 bytes)`,
		},
		rows: 3,
	}, {
		// MaxField 100 and 3 columns make lines over 4405 bytes too long
		// to hold; they are streamed past but reported the same way.
		name: "lines over the record limit",
		opts: Options{MaxField: 100},
		in: "timestamp,url,referrer\n" +
			"2026-11-24T10:00:00Z,https://a/," + strings.Repeat("r", 1000) + "\n" + // 2: held
			"2026-11-24T10:00:00Z,https://a/," + strings.Repeat("r", 10000) + "\r\n" + // 3: streamed
			"2026-11-24T10:00:00Z," + strings.Repeat("u", 20000) + ",r\r\n" + // 4
			"2026-11-24T10:00:00Z,https://a/,r" + strings.Repeat(",", 5000) + "\n" + // 5
			"2026-11-24T10:00:00Z,\"https://a/\"," + strings.Repeat("r", 10000) + "\n" + // 6
			"2026-11-24T10:00:00Z,https://a/,\"" + strings.Repeat("r", 10000) + "\"\n" + // 7
			"2026-11-24T10:00:00Z,https://ok/,r", // 8
		want: []Visit{{Time: ts("2026-11-24T10:00:00Z"), URL: "https://ok/", Referrer: "r", Weight: 1}},
		problems: []string{
			`visits.csv:2: referrer: field too long (1000 bytes)`,
			`visits.csv:3: referrer: field too long (10000 bytes)`,
			`visits.csv:4: url: field too long (20000 bytes)`,
			`visits.csv:5: 5003 fields, header has 3`,
			`visits.csv:6: row too long (10034 bytes)`,
			`visits.csv:7: row too long (10034 bytes)`,
		},
		rows: 7,
	}, {
		name: "invalid UTF-8 is repaired once per row",
		in: "timestamp,url,referrer,utm_source,notes\n" +
			"2026-11-24T10:00:00Z,https://a/,https://r\xff/,ok,\xfe\n" +
			"2026-11-24T10:00:00Z,https://b/\xc3,\xed\xa0\x80,\"s\xff\",n\n" +
			"2026-11-24T10:00:00Z,https://c/,r,s,\xff\n",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Referrer: "https://r\uFFFD/", UTMSource: "ok", Weight: 1},
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://b/\uFFFD", Referrer: "\uFFFD", UTMSource: "s\uFFFD", Weight: 1},
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://c/", Referrer: "r", UTMSource: "s", Weight: 1},
		},
		problems: []string{
			`visits.csv:2: referrer: invalid UTF-8 (repaired)`,
			`visits.csv:3: url: invalid UTF-8 (repaired)`,
		},
		rows: 3,
	}, {
		name: "unread columns are neither converted nor checked",
		in: "notes,timestamp,url,extra\n" +
			"\"a, \"\"b\"\"\",2026-11-24T10:00:00Z,https://a/," + strings.Repeat("e", 70000) + "\n" +
			"\xff\xfe,2026-11-24T10:00:00Z,https://b/,\n",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://b/", Weight: 1},
		},
		rows: 2,
	}, {
		name: "timestamp forms and --tz",
		opts: Options{Location: berlin},
		in: "timestamp,url\n" +
			"2026-11-24T10:00:00Z,https://a/\n" +
			"2026-11-24T10:00:00.123+02:00,https://a/\n" +
			"2026-11-24 10:00:00,https://a/\n" + // Berlin winter time: UTC+1
			"2026-07-01 10:00:00,https://a/\n" + // summer time: UTC+2
			"2026-11-24,https://a/\n" +
			"1764000000,https://a/\n" +
			"1764000000999,https://a/\n",
		want: []Visit{
			{Time: ts("2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-11-24T08:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-11-24T09:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-07-01T08:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: ts("2026-11-23T23:00:00Z"), URL: "https://a/", Weight: 1},
			{Time: 1764000000, URL: "https://a/", Weight: 1},
			{Time: 1764000000, URL: "https://a/", Weight: 1},
		},
		rows: 7,
	}}
}

func TestCSV(t *testing.T) {
	for _, tc := range csvCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			res, errText := readString(t, tc.in, tc.opts)
			if errText != "" {
				t.Fatalf("error: %s", errText)
			}
			checkVisits(t, res.visits, tc.want)
			if !reflect.DeepEqual(res.problems, tc.problems) {
				t.Errorf("problems:\n got %s\nwant %s", strings.Join(res.problems, "\n     "), strings.Join(tc.problems, "\n     "))
			}
			if res.stats.Rows != tc.rows {
				t.Errorf("Rows = %d, want %d", res.stats.Rows, tc.rows)
			}
			// Every row is either a visit or a skipped problem.
			if got := int64(len(res.visits)) + res.stats.SkippedRows(); got != res.stats.Rows {
				t.Errorf("visits %d + skipped %d != rows %d", len(res.visits), res.stats.SkippedRows(), res.stats.Rows)
			}
		})
	}
}

func checkVisits(t *testing.T, got, want []Visit) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d visits, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("visit %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

// TestCSVChunking reads every case again through readers that return a
// byte, or half of what is asked, at a time, and in tiny batches: the
// result must not depend on where the input happens to break.
func TestCSVChunking(t *testing.T) {
	wrappers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"one byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
		{"data with EOF", iotest.DataErrReader},
	}
	for _, tc := range csvCases(t) {
		want, _ := readString(t, tc.in, tc.opts)
		for _, w := range wrappers {
			t.Run(tc.name+"/"+w.name, func(t *testing.T) {
				opts := tc.opts
				opts.Stdin = w.wrap(strings.NewReader(tc.in))
				opts.BatchSize = 3
				got := readList([]Input{{Path: "-", Size: -1}}, opts)
				if got.err != nil {
					t.Fatal(got.err)
				}
				checkVisits(t, got.visits, want.visits)
				if len(got.stats.Examples) != len(want.stats.Examples) {
					t.Fatalf("got %d problems, want %d", len(got.stats.Examples), len(want.stats.Examples))
				}
				for i, p := range got.stats.Examples {
					q := want.stats.Examples[i]
					if p.File != "stdin" {
						t.Errorf("problem names %q, want stdin", p.File)
					}
					p.File = q.File
					if p != q {
						t.Errorf("problem %d:\n got %v\nwant %v", i, p, q)
					}
				}
				if got.stats.Rows != want.stats.Rows || got.stats.Bytes != int64(len(tc.in)) {
					t.Errorf("Rows, Bytes = %d, %d; want %d, %d", got.stats.Rows, got.stats.Bytes, want.stats.Rows, len(tc.in))
				}
			})
		}
	}
}

// TestCSVAliases reads each field under each of its column names, in
// mixed case. The alias list here is the documented one, kept apart from
// the code on purpose.
func TestCSVAliases(t *testing.T) {
	aliases := map[string][]string{
		"timestamp":    {"ts", "timestamp", "time", "date", "event_time", "day", "event_date"},
		"url":          {"url", "page", "page_url", "landing_page"},
		"referrer":     {"referrer", "referer", "document_referrer"},
		"utm_source":   {"utm_source"},
		"utm_medium":   {"utm_medium"},
		"utm_campaign": {"utm_campaign"},
		"utm_term":     {"utm_term"},
		"utm_content":  {"utm_content"},
		"user_agent":   {"user_agent", "useragent", "ua"},
		"country":      {"country", "country_code"},
		"visitor_id":   {"visitor_id", "session_id"},
		"visits":       {"visits", "count", "sessions"},
	}
	get := map[string]func(Visit) string{
		"timestamp":    func(v Visit) string { return fmt.Sprint(v.Time) },
		"url":          func(v Visit) string { return v.URL },
		"referrer":     func(v Visit) string { return v.Referrer },
		"utm_source":   func(v Visit) string { return v.UTMSource },
		"utm_medium":   func(v Visit) string { return v.UTMMedium },
		"utm_campaign": func(v Visit) string { return v.UTMCampaign },
		"utm_term":     func(v Visit) string { return v.UTMTerm },
		"utm_content":  func(v Visit) string { return v.UTMContent },
		"user_agent":   func(v Visit) string { return v.UserAgent },
		"country":      func(v Visit) string { return v.Country },
		"visitor_id":   func(v Visit) string { return v.VisitorID },
		"visits":       func(v Visit) string { return fmt.Sprint(v.Weight) },
	}
	if len(aliases) != len(FieldNames()) {
		t.Fatalf("test knows %d fields, package has %v", len(aliases), FieldNames())
	}
	for _, field := range FieldNames() {
		for i, alias := range aliases[field] {
			if i%2 == 1 {
				alias = strings.ToUpper(alias)
			}
			t.Run(field+"/"+alias, func(t *testing.T) {
				// Fill the required fields from other columns, with
				// names that cannot be taken for the field under test.
				header, row := []string{alias}, []string{"7"}
				want := "7"
				switch field {
				case "timestamp":
					row[0] = "2026-11-24"
					want = fmt.Sprint(at(t, "2026-11-24T00:00:00Z"))
					header, row = append(header, "x_url"), append(row, "https://a/")
				case "url", "referrer":
					header, row = append(header, "x_ts"), append(row, "2026-11-24")
				default:
					header, row = append(header, "x_ts", "x_url"), append(row, "2026-11-24", "https://a/")
				}
				opts := Options{Columns: map[string]string{}}
				if field != "timestamp" {
					opts.Columns["timestamp"] = "x_ts"
				}
				if field != "url" && field != "referrer" {
					opts.Columns["url"] = "x_url"
				}
				res, errText := readString(t, strings.Join(header, ",")+"\n"+strings.Join(row, ",")+"\n", opts)
				if errText != "" {
					t.Fatal(errText)
				}
				if len(res.visits) != 1 {
					t.Fatalf("got %d visits, problems %v", len(res.visits), res.problems)
				}
				if got := get[field](res.visits[0]); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			})
		}
	}
}

func TestCSVOverrides(t *testing.T) {
	in := "when,Landing,page,src,referrer\n2026-11-24T10:00:00Z,https://landing/,https://page/,https://src/,https://ref/\n"
	tests := []struct {
		columns       map[string]string
		url, referrer string
	}{
		{nil, "https://page/", "https://ref/"},
		{map[string]string{"url": "LANDING"}, "https://landing/", "https://ref/"},
		{map[string]string{"referer": "src"}, "https://page/", "https://src/"}, // an alias as the key
		{map[string]string{"url": "src", "referrer": "src"}, "https://src/", "https://src/"},
	}
	for _, tc := range tests {
		cols := map[string]string{"timestamp": "when"}
		for k, v := range tc.columns {
			cols[k] = v
		}
		res, errText := readString(t, in, Options{Columns: cols})
		if errText != "" {
			t.Fatalf("%v: %s", tc.columns, errText)
		}
		if len(res.visits) != 1 || res.visits[0].URL != tc.url || res.visits[0].Referrer != tc.referrer {
			t.Errorf("%v: got %+v, want url %q referrer %q", tc.columns, res.visits, tc.url, tc.referrer)
		}
		if res.visits[0].Time != at(t, "2026-11-24T10:00:00Z") {
			t.Errorf("%v: time %d", tc.columns, res.visits[0].Time)
		}
	}
}

func TestCSVHeaderErrors(t *testing.T) {
	tests := []struct {
		name, in string
		opts     Options
		want     string
	}{
		{"empty", "", Options{}, "visits.csv: empty file: no header row"},
		{"blank lines only", "\n\r\n\n", Options{}, "visits.csv: empty file: no header row"},
		{"byte-order mark only", "\ufeff", Options{}, "visits.csv: empty file: no header row"},
		{"no timestamp", "page,Referrer\nx,y\n", Options{},
			`visits.csv: no timestamp column (looked for ts, timestamp, time, date, event_time, day, event_date; found: "page", "Referrer"); name it with --column timestamp=NAME`},
		{"no url or referrer", "ts,ua\n", Options{},
			`visits.csv: no url or referrer column (looked for url, page, page_url, landing_page, referrer, referer, document_referrer; found: "ts", "ua"); name one with --column url=NAME or --column referrer=NAME`},
		{"override names a missing column", "ts,url\n", Options{Columns: map[string]string{"referrer": "src"}},
			`visits.csv: --column referrer=src: no column "src" (found: "ts", "url")`},
		{"bad quoting in the header", "ts,\"url\"x\n", Options{},
			`visits.csv:1: header row: column 2: text after closing quote`},
		{"unterminated quote in the header", "ts,\"url\n2026-11-24,x\n", Options{},
			`visits.csv:1: header row: column 2: unterminated quoted field (no closing quote before end of file)`},
		{"header too long", strings.Repeat("x", 2<<20), Options{},
			"visits.csv:1: header row longer than 1048576 bytes; is this a CSV file?"},
		{"too many columns", "ts,url" + strings.Repeat(",c", 10000) + "\n", Options{},
			"visits.csv:1: header row has 10002 columns, more than the 10000 supported"},
		{"UTF-16", "\xff\xfet\x00s\x00,\x00u\x00r\x00l\x00\n\x00", Options{},
			"visits.csv: file is UTF-16 text; export it as UTF-8 CSV"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, errText := readString(t, tc.in, tc.opts)
			if errText != tc.want {
				t.Errorf("error:\n got %s\nwant %s", errText, tc.want)
			}
			if len(res.visits) != 0 || res.stats.Rows != 0 {
				t.Errorf("read %d visits, %d rows from a bad file", len(res.visits), res.stats.Rows)
			}
			// The same, read in pieces from standard input.
			opts := tc.opts
			opts.Stdin = iotest.HalfReader(strings.NewReader(tc.in))
			res = readList([]Input{{Path: "-"}}, opts)
			if want := strings.Replace(tc.want, "visits.csv", "stdin", 1); res.err == nil || res.err.Error() != want {
				t.Errorf("from stdin:\n got %v\nwant %s", res.err, want)
			}
		})
	}
}

// TestCSVManyFiles checks that Stats and Examples keep counting across
// files and that each problem names its own file.
func TestCSVManyFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", []byte("ts,url\n2026-11-24,https://a/\nbad,https://a/\n"))
	b := writeFile(t, dir, "b.csv", []byte("ts,url\n\nbad,https://b/\n2026-11-25,https://b/\n"))
	res := readArgs(t, Options{}, a, b)
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := []string{a + `:3: timestamp: unparseable timestamp "bad"`, b + `:3: timestamp: unparseable timestamp "bad"`}
	if !reflect.DeepEqual(res.problems, want) {
		t.Errorf("problems %q, want %q", res.problems, want)
	}
	if len(res.visits) != 2 || res.visits[0].URL != "https://a/" || res.visits[1].URL != "https://b/" {
		t.Errorf("visits %+v", res.visits)
	}
	if s := res.stats; s.Files != 2 || s.Rows != 4 || s.Skipped[ReasonTimestamp] != 2 {
		t.Errorf("stats %+v", s)
	}
}

func TestCSVExamplesCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,url\n")
	for i := range 50 {
		fmt.Fprintf(&b, "bad%d,https://a/\n", i)
	}
	res, errText := readString(t, b.String(), Options{})
	if errText != "" {
		t.Fatal(errText)
	}
	if len(res.problems) != MaxExamples || res.stats.Skipped[ReasonTimestamp] != 50 || res.stats.Rows != 50 {
		t.Fatalf("%d examples, %v skipped, %d rows", len(res.problems), res.stats.Skipped, res.stats.Rows)
	}
	if last := res.problems[MaxExamples-1]; last != fmt.Sprintf(`visits.csv:%d: timestamp: unparseable timestamp "bad%d"`, MaxExamples+1, MaxExamples-1) {
		t.Errorf("last example %s", last)
	}
}

// TestCSVQuotedSameAsPlain writes the same records with and without
// needless quotes: the fast path and the quoted path must agree.
func TestCSVQuotedSameAsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var plain, quoted strings.Builder
	plain.WriteString("ts,url,referrer,country\n")
	quoted.WriteString("\"ts\",url,\"referrer\",country\n")
	for i := range 500 {
		f := []string{fmt.Sprint(1764000000 + i), fmt.Sprintf("https://a/%d", rng.IntN(100)), "", "DE"}
		if rng.IntN(3) > 0 {
			f[2] = fmt.Sprintf("https://r%d.example/", rng.IntN(10))
		}
		plain.WriteString(strings.Join(f, ",") + "\n")
		for j := range f {
			if rng.IntN(2) == 0 {
				f[j] = `"` + f[j] + `"`
			}
		}
		eol := "\n"
		if rng.IntN(4) == 0 {
			eol = "\r\n"
		}
		quoted.WriteString(strings.Join(f, ",") + eol)
	}
	a, _ := readString(t, plain.String(), Options{})
	b, _ := readString(t, quoted.String(), Options{})
	if len(a.visits) != 500 || len(a.problems) != 0 {
		t.Fatalf("plain: %d visits, problems %v", len(a.visits), a.problems)
	}
	checkVisits(t, b.visits, a.visits)
	if len(b.problems) != 0 {
		t.Errorf("quoted: problems %v", b.problems)
	}
}

// TestCSVGarbage feeds bytes that are not CSV: reading must end with a
// clear error or with bad rows, never a panic, and every row is counted.
func TestCSVGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 20 {
		data := make([]byte, 1+rng.IntN(200000))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		if i%2 == 1 {
			// A plausible header, then garbage.
			data = append([]byte("ts,url,referrer\n"), data...)
		}
		dir := t.TempDir()
		path := writeFile(t, dir, "junk.csv", data)
		res := readArgs(t, Options{}, path)
		if res.err != nil {
			if !strings.Contains(res.err.Error(), path) {
				t.Errorf("error does not name the file: %v", res.err)
			}
			continue
		}
		if res.stats.Rows < int64(len(res.visits))+res.stats.SkippedRows() {
			t.Errorf("rows %d < visits %d + skipped %d", res.stats.Rows, len(res.visits), res.stats.SkippedRows())
		}
		if i%2 == 1 && res.stats.SkippedRows() == 0 {
			t.Errorf("random bytes gave no bad rows: %+v", res.stats)
		}
	}
}

// FuzzCSV reads arbitrary bytes as a CSV file. It must not panic, must
// count every row, and must read the same whether the bytes arrive at
// once or one at a time.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("timestamp,url,referrer\n2026-11-24T10:00:00Z,https://a/,https://r/\n"))
	f.Add([]byte("\ufeffts,url\r\n\"2026-11-24\",\"a,\"\"b\"\"\nc\"\r\n\n1764000000123,x\n"))
	f.Add([]byte("ts,url,visits\n2026-11-24,\"unterminated\n2026-11-24,b,3\n2026-11-24,c,x\n"))
	f.Add([]byte("ts,url,referrer\n2026-02-30,a\"b,\xff\n,,,,\n"))
	f.Add([]byte("ts,page,ua,count\n2026-11-24 10:00:00,\"" + strings.Repeat("x", 100) + "\",\"y\"z,1.0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, maxField := range []int{0, 8} {
			read := func(r io.Reader) result {
				return readList([]Input{{Path: "-", Size: -1}}, Options{Stdin: r, MaxField: maxField, BatchSize: 7})
			}
			a := read(bytes.NewReader(data))
			if a.err != nil {
				if !strings.HasPrefix(a.err.Error(), "stdin") {
					t.Errorf("error does not name the input: %v", a.err)
				}
				continue
			}
			if a.stats.Rows < a.stats.SkippedRows() || a.stats.Rows != int64(len(a.visits))+a.stats.SkippedRows() {
				t.Errorf("rows %d, visits %d, skipped %d", a.stats.Rows, len(a.visits), a.stats.SkippedRows())
			}
			for _, v := range a.visits {
				for _, s := range []string{v.URL, v.Referrer, v.UTMSource, v.UTMMedium, v.UTMCampaign, v.UTMTerm, v.UTMContent, v.UserAgent, v.Country, v.VisitorID} {
					if !utf8Valid(s) {
						t.Errorf("invalid UTF-8 handed out: %q", s)
					}
				}
			}
			b := read(iotest.OneByteReader(bytes.NewReader(data)))
			if b.err != nil || !reflect.DeepEqual(a.visits, b.visits) || !reflect.DeepEqual(a.problems, b.problems) || a.stats.Rows != b.stats.Rows {
				t.Errorf("reading byte by byte differs:\n%v %d %q\n%v %d %q", a.err, a.stats.Rows, a.problems, b.err, b.stats.Rows, b.problems)
			}
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// Bytes a reader returns along with an error are parsed before the error
// ends the input, as io.Reader asks: the rows before a truncation count
// however the decompressor split its output. (The Reader puts a
// bufio.Reader in between, which passes big reads straight through.)
func TestCSVDataWithError(t *testing.T) {
	boom := errors.New("boom")
	data := sampleCSV + "2026-11-25T10:00:00Z,https://c/,\n2026-11-25T11:00"
	for _, together := range []bool{true, false} {
		var r io.Reader = io.MultiReader(strings.NewReader(data), iotest.ErrReader(boom))
		if together {
			r = iotest.DataErrReader(r)
		}
		var stats Stats
		opts := Options{}
		sc, err := newCSVScanner("x.csv", r, nil, &opts, &stats)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]Visit, 10)
		n, err := sc.read(dst, nil)
		if err == nil || !strings.Contains(err.Error(), "boom") {
			t.Errorf("error %v, want boom", err)
		}
		if n != 3 || stats.Rows != 3 {
			t.Errorf("with the error together with the data %v: %d visits of %d rows before the error, want 3", together, n, stats.Rows)
		}
	}
}
