package ingest

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zone rules for the --tz tests, whatever the machine has

	"github.com/klauspost/compress/zstd"
)

const sampleCSV = "timestamp,url,referrer\n" +
	"2026-11-24T10:00:00Z,https://a/,https://r/\n" +
	"2026-11-24T11:00:00Z,https://b/,\n"

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zstdBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(data, nil)
}

// bigCSV is a CSV file of n rows, big enough that a cut in its compressed
// form falls in the middle of the data.
func bigCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("ts,url,referrer\n")
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range n {
		fmt.Fprintf(&b, "%d,https://example.com/p/%x,https://r%d.example/\n", 1764000000+i, rng.Uint64(), rng.IntN(1000))
	}
	return b.Bytes()
}

func paths(in []Input) []string {
	var out []string
	for _, i := range in {
		out = append(out, i.Path)
	}
	return out
}

func TestExpandWalk(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"b.csv", "a.csv.gz", "c.CSV.ZST", "d.csv.zstd", "e.parquet",
		"notes.txt", "a.csv.bak",
		".hidden.csv", "_SUCCESS", "_temporary/x.csv", ".git/y.csv",
		"sub/day=2026-11-24/part-0.csv", "sub/day=2026-11-24/.part-0.csv.crc",
	} {
		writeFile(t, dir, name, []byte(sampleCSV))
	}
	in, err := Expand([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, i := range in {
		rel, _ := filepath.Rel(dir, i.Path)
		got = append(got, filepath.ToSlash(rel))
		if i.Size != int64(len(sampleCSV)) {
			t.Errorf("%s: size %d", rel, i.Size)
		}
	}
	want := []string{"a.csv.gz", "b.csv", "c.CSV.ZST", "d.csv.zstd", "e.parquet", "sub/day=2026-11-24/part-0.csv"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("walk found %q, want %q", got, want)
	}
	if p := in[len(in)-1].Partition; !reflect.DeepEqual(p, [][2]string{{"day", "2026-11-24"}}) {
		t.Errorf("partition %q", p)
	}

	// A pattern passes over the same names a walk does.
	in, err = Expand([]string{filepath.Join(dir, "*")})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range in {
		if b := filepath.Base(i.Path); strings.HasPrefix(b, "_") || strings.HasPrefix(b, ".") {
			t.Errorf("pattern picked up %s", i.Path)
		}
	}
	if _, err := Expand([]string{filepath.Join(dir, "_*")}); err == nil {
		t.Error("a pattern matching only _ files found something")
	}

	// A folder named with a dot is walked when it is named itself.
	dot := filepath.Join(dir, ".hidden")
	writeFile(t, dot, "v.csv", []byte(sampleCSV))
	if in, err := Expand([]string{dot}); err != nil || len(in) != 1 {
		t.Errorf("Expand(%s) = %v, %v", dot, paths(in), err)
	}
}

func TestExpandErrors(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "empty/notes.txt", []byte("x"))
	writeFile(t, dir, "a.csv", []byte(sampleCSV))
	tests := []struct {
		arg, want string
	}{
		{filepath.Join(dir, "*.parquet"), filepath.Join(dir, "*.parquet") + ": no file matches"},
		{filepath.Join(dir, "[.csv"), filepath.Join(dir, "[.csv") + ": bad pattern: syntax error in pattern"},
		{filepath.Join(dir, "missing.csv"), filepath.Join(dir, "missing.csv") + ": no such file or directory"},
		{filepath.Join(dir, "empty"), filepath.Join(dir, "empty") + ": no data files in directory (looked for .csv, .csv.gz, .csv.zst, .csv.zstd, .parquet)"},
	}
	for _, tc := range tests {
		in, err := Expand([]string{filepath.Join(dir, "a.csv"), tc.arg})
		if err == nil || err.Error() != tc.want {
			t.Errorf("Expand(%s) = %v, %v; want error %s", tc.arg, paths(in), err, tc.want)
		}
	}
}

func TestExpandGlobAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", []byte(sampleCSV))
	b := writeFile(t, dir, "b.csv", []byte(sampleCSV))
	writeFile(t, dir, "c.txt", []byte(sampleCSV))
	t.Chdir(dir)
	in, err := Expand([]string{"*.csv", a, "./a.csv", dir, "-", b, "-"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := paths(in), []string{"a.csv", "b.csv", "-"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Expand = %q, want %q", got, want)
	}
	res := readList(in, Options{Stdin: strings.NewReader(sampleCSV)})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.visits) != 6 || res.stats.Files != 3 || res.stats.Rows != 6 {
		t.Errorf("read %d visits, %d files, %d rows; want 6, 3, 6", len(res.visits), res.stats.Files, res.stats.Rows)
	}
	if res.stats.Bytes != 3*int64(len(sampleCSV)) {
		t.Errorf("Bytes = %d, want %d", res.stats.Bytes, 3*len(sampleCSV))
	}
}

// TestReaderCompressed reads compressed files, which are found by their
// first bytes, whatever they are named.
func TestReaderCompressed(t *testing.T) {
	dir := t.TempDir()
	plain := []byte(sampleCSV)
	twoMembers := append(gzipBytes(t, plain), gzipBytes(t, []byte("2026-11-25T10:00:00Z,https://c/,\n"))...)
	files := []struct {
		name  string
		data  []byte
		nrows int
	}{
		{"gzip-named.csv", gzipBytes(t, plain), 2},
		{"zstd-named.txt", zstdBytes(t, plain), 2},
		{"plain-named.csv.gz", plain, 2},
		{"walked/x.csv.gz", gzipBytes(t, plain), 2},
		{"walked/y.csv.zst", zstdBytes(t, plain), 2},
		{"two-members.csv", twoMembers, 3},
	}
	for _, f := range files {
		path := writeFile(t, dir, f.name, f.data)
		if strings.HasPrefix(f.name, "walked/") {
			continue
		}
		res := readArgs(t, Options{}, path)
		if res.err != nil {
			t.Errorf("%s: %v", f.name, res.err)
			continue
		}
		if len(res.visits) != f.nrows || res.visits[0].URL != "https://a/" || res.visits[1].URL != "https://b/" {
			t.Errorf("%s: visits %+v", f.name, res.visits)
		}
		if res.stats.Bytes != int64(len(f.data)) {
			t.Errorf("%s: Bytes = %d, want the size on disk %d", f.name, res.stats.Bytes, len(f.data))
		}
	}
	res := readArgs(t, Options{}, filepath.Join(dir, "walked"))
	if res.err != nil || len(res.visits) != 4 || res.stats.Files != 2 {
		t.Errorf("walk: %d visits from %d files, %v", len(res.visits), res.stats.Files, res.err)
	}
	// Standard input is sniffed too.
	res = readList([]Input{{Path: "-"}}, Options{Stdin: bytes.NewReader(gzipBytes(t, plain))})
	if res.err != nil || len(res.visits) != 2 {
		t.Errorf("gzip on stdin: %d visits, %v", len(res.visits), res.err)
	}
}

func TestReaderCompressedErrors(t *testing.T) {
	dir := t.TempDir()
	big := bigCSV(20000)
	gz, zs := gzipBytes(t, big), zstdBytes(t, big)
	tests := []struct {
		name string
		data []byte
		want string // the error, after the file name
	}{
		{"truncated.csv.gz", gz[:len(gz)/2], ": gzip stream is truncated (the file ends mid-stream)"},
		{"truncated.csv.zst", zs[:len(zs)/2], ": zstd stream is truncated (the file ends mid-stream)"},
		{"bad-header.csv.gz", []byte{0x1f, 0x8b, 0, 0, 0}, ": gzip: unexpected EOF"},
		{"parquet.csv.gz", gzipBytes(t, []byte("PAR1 and the rest")), ": compressed Parquet file: decompress it first (Parquet compresses its pages itself)"},
	}
	for _, tc := range tests {
		path := writeFile(t, dir, tc.name, tc.data)
		res := readArgs(t, Options{}, path)
		if res.err == nil || res.err.Error() != path+tc.want {
			t.Errorf("%s: error %v, want %s%s", tc.name, res.err, path, tc.want)
		}
	}
}

func TestReaderStdin(t *testing.T) {
	res := readList([]Input{{Path: "-", Size: -1}}, Options{Stdin: strings.NewReader(sampleCSV + "x,y,z\n")})
	if res.err != nil || len(res.visits) != 2 {
		t.Fatalf("%d visits, %v", len(res.visits), res.err)
	}
	if want := []string{`stdin:4: timestamp: unparseable timestamp "x"`}; !reflect.DeepEqual(res.problems, want) {
		t.Errorf("problems %q, want %q", res.problems, want)
	}
	res = readList([]Input{{Path: "-"}}, Options{})
	if res.err == nil || res.err.Error() != "stdin: no standard input" {
		t.Errorf("no stdin: %v", res.err)
	}
	res = readList([]Input{{Path: "-"}}, Options{Stdin: strings.NewReader("PAR1....")})
	if res.err == nil || res.err.Error() != "stdin: Parquet cannot be read from standard input; name the file" {
		t.Errorf("Parquet on stdin: %v", res.err)
	}
}

// failingReader returns data and then an error, like a disk or a network
// share that fails mid-file.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("boom")
	for _, size := range []int{0, 100, 300000} {
		data := bigCSV(20000)[:size]
		res := readList([]Input{{Path: "-"}}, Options{Stdin: &failingReader{data, boom}})
		if !errors.Is(res.err, boom) || res.err.Error() != "stdin: read error: boom" {
			t.Errorf("after %d bytes: error %v", size, res.err)
		}
	}
}

func TestReaderBatches(t *testing.T) {
	var b strings.Builder
	b.WriteString("ts,url\n")
	for i := range 11 {
		fmt.Fprintf(&b, "%d,https://a/%d\n", 1764000000+i, i)
	}
	r := NewReader(context.Background(), []Input{{Path: "-"}}, Options{Stdin: strings.NewReader(b.String()), BatchSize: 4})
	var sizes []int
	var urls []string
	for r.Scan() {
		sizes = append(sizes, len(r.Batch()))
		for _, v := range r.Batch() {
			urls = append(urls, v.URL)
		}
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	if !reflect.DeepEqual(sizes, []int{4, 4, 3}) {
		t.Errorf("batch sizes %v", sizes)
	}
	for i, u := range urls {
		if u != fmt.Sprintf("https://a/%d", i) {
			t.Errorf("visit %d: %s", i, u)
		}
	}
	if r.Scan() || len(r.Batch()) != 0 {
		t.Error("Scan after the end returned a batch")
	}
}

func TestReaderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := NewReader(ctx, []Input{{Path: "-"}}, Options{Stdin: strings.NewReader(sampleCSV)})
	if r.Scan() || !errors.Is(r.Err(), context.Canceled) {
		t.Errorf("Scan on a cancelled context: err %v", r.Err())
	}
}

func TestReaderUnknownField(t *testing.T) {
	r := NewReader(context.Background(), []Input{{Path: "-"}}, Options{Stdin: strings.NewReader(sampleCSV), Fields: []string{FieldURL, "refferer"}})
	if r.Scan() || r.Err() == nil || !strings.Contains(r.Err().Error(), `unknown field "refferer"`) {
		t.Errorf("Scan with a misspelt field: err %v", r.Err())
	}
}

// TestReaderPartitions reads fields that the file lacks from key=value
// folder names.
func TestReaderPartitions(t *testing.T) {
	dir := t.TempDir()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name, file, content string
		opts                Options
		want                []Visit
		problems            []string
	}{{
		name:    "day fills the timestamp",
		file:    "day=2026-11-24/part.csv",
		content: "url,referrer\nhttps://a/,https://r/\nhttps://b/,\n",
		want: []Visit{
			{Time: at(t, "2026-11-24T00:00:00Z"), URL: "https://a/", Referrer: "https://r/", Weight: 1},
			{Time: at(t, "2026-11-24T00:00:00Z"), URL: "https://b/", Weight: 1},
		},
	}, {
		name:    "read in the --tz zone",
		file:    "tz/day=2026-11-24/part.csv",
		opts:    Options{Location: berlin},
		content: "url\nhttps://a/\n",
		want:    []Visit{{Time: at(t, "2026-11-23T23:00:00Z"), URL: "https://a/", Weight: 1}},
	}, {
		name:    "a column wins over the folder",
		file:    "col/day=2026-11-24/part.csv",
		content: "url,ts\nhttps://a/,2026-11-25T10:00:00Z\n",
		want:    []Visit{{Time: at(t, "2026-11-25T10:00:00Z"), URL: "https://a/", Weight: 1}},
	}, {
		name:    "the innermost folder wins; other fields too",
		file:    "nest/date=2026-11-23/country=DE/day=2026-11-24/visits=5/part.csv",
		content: "url\nhttps://a/\n",
		want:    []Visit{{Time: at(t, "2026-11-24T00:00:00Z"), URL: "https://a/", Country: "DE", Weight: 5}},
	}, {
		name:     "an unparseable folder value is a bad row each time",
		file:     "bad/day=yesterday/part.csv",
		content:  "url\nhttps://a/\nhttps://b/\n",
		problems: []string{`:2: timestamp: unparseable timestamp "yesterday" (from the folder name)`, `:3: timestamp: unparseable timestamp "yesterday" (from the folder name)`},
	}, {
		name:     "invalid UTF-8 in a folder value is repaired",
		file:     "utf/day=2026-11-24/country=D\xff/part.csv",
		content:  "url\nhttps://a/\n",
		want:     []Visit{{Time: at(t, "2026-11-24T00:00:00Z"), URL: "https://a/", Country: "D\uFFFD", Weight: 1}},
		problems: []string{`:2: country: invalid UTF-8 (repaired)`},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, tc.file, []byte(tc.content))
			res := readArgs(t, tc.opts, path)
			if res.err != nil {
				t.Fatal(res.err)
			}
			checkVisits(t, res.visits, tc.want)
			var want []string
			for _, p := range tc.problems {
				want = append(want, path+p)
			}
			if !reflect.DeepEqual(res.problems, want) {
				t.Errorf("problems %q, want %q", res.problems, want)
			}
		})
	}
}

func TestCheckColumns(t *testing.T) {
	tests := []struct {
		cols map[string]string
		want string
	}{
		{nil, ""},
		{map[string]string{"url": "Page", "REFERER": "src", "ua": "agent", "count": "n"}, ""},
		{map[string]string{"url": "a", "hots": "b", "zzz": "c"},
			`--column hots=b: unknown field "hots" (fields: timestamp, url, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, user_agent, country, visitor_id, visits)`},
		{map[string]string{"url": " "}, "--column url=: empty column name"},
	}
	for _, tc := range tests {
		err := CheckColumns(tc.cols)
		if got := fmt.Sprint(err); (err == nil) != (tc.want == "") || (err != nil && got != tc.want) {
			t.Errorf("CheckColumns(%v) = %v, want %q", tc.cols, err, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		header []string
		part   [][2]string
		cols   map[string]string
		want   map[int]int // field -> column; others -1
		err    string
	}{
		// An alias earlier in the list wins whatever the column order.
		{header: []string{"date", "url", "ts"}, want: map[int]int{fTime: 2, fURL: 1}},
		{header: []string{"Referer", "referrer", "ts"}, want: map[int]int{fTime: 2, fReferrer: 1}},
		// The first of two equal names is read.
		{header: []string{"ts", "url", "URL"}, want: map[int]int{fTime: 0, fURL: 1}},
		{header: []string{"url"}, part: [][2]string{{"day", "x"}, {"country", "y"}}, want: map[int]int{fTime: 1, fURL: 0, fCountry: 2}},
		{header: []string{"ts", "page"}, cols: map[string]string{"url": "nope", "referrer": "nada"},
			err: `f.csv: --column referrer=nada: no column "nada" (found: "ts", "page")`},
		{header: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", strings.Repeat("\xff", 50), "v"},
			err: `f.csv: no timestamp column (looked for ts, timestamp, time, date, event_time, day, event_date; found: "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", and 2 more); name it with --column timestamp=NAME`},
		{header: []string{"ts", strings.Repeat("\xff", 50)},
			err: `f.csv: no url or referrer column (looked for url, page, page_url, landing_page, referrer, referer, document_referrer; found: "ts", "` + strings.Repeat(`\xff`, 40) + `"...); name one with --column url=NAME or --column referrer=NAME`},
	}
	for _, tc := range tests {
		l, err := resolve("f.csv", tc.header, tc.part, tc.cols)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("resolve(%q): error\n got %v\nwant %s", tc.header, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("resolve(%q): %v", tc.header, err)
			continue
		}
		for f := range l {
			want, ok := tc.want[f]
			if !ok {
				want = -1
			}
			if l[f] != want {
				t.Errorf("resolve(%q): %s in column %d, want %d", tc.header, FieldNames()[f], l[f], want)
			}
		}
	}
}

func TestParseTime(t *testing.T) {
	utc := time.UTC
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	date := func(y, mo, d, h, mi, s int, loc *time.Location) int64 {
		return time.Date(y, time.Month(mo), d, h, mi, s, 0, loc).Unix()
	}
	tests := []struct {
		in   string
		loc  *time.Location
		want int64
	}{
		{"2026-11-24T10:15:00Z", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24T10:15:00.123456789Z", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24T10:15:59.999Z", nil, date(2026, 11, 24, 10, 15, 59, utc)},
		{"2026-11-24T10:15:00+02:00", nil, date(2026, 11, 24, 8, 15, 0, utc)},
		{"2026-11-24T10:15:00-0530", nil, date(2026, 11, 24, 15, 45, 0, utc)},
		{"2026-11-24T10:15:00+05", nil, date(2026, 11, 24, 5, 15, 0, utc)},
		{"2026-11-24T00:15:00+01:00", nil, date(2026, 11, 23, 23, 15, 0, utc)},
		{"2026-11-24t10:15:00z", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24T10:15Z", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24T10:15", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24 10:15:00", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24 10:15:00,5", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24 10:15:00 UTC", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24 10:15:00 GMT", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24 10:15:00 +01:00", nil, date(2026, 11, 24, 9, 15, 0, utc)},
		{" 2026-11-24 10:15:00\t\r", nil, date(2026, 11, 24, 10, 15, 0, utc)},
		{"2026-11-24", nil, date(2026, 11, 24, 0, 0, 0, utc)},
		{"2024-02-29", nil, date(2024, 2, 29, 0, 0, 0, utc)},
		{"2000-02-29", nil, date(2000, 2, 29, 0, 0, 0, utc)},
		{"2026-12-31T23:59:60Z", nil, date(2027, 1, 1, 0, 0, 0, utc)}, // a leap second
		{"1970-01-01T00:00:00Z", nil, 0},
		{"1969-12-31T23:59:59Z", nil, -1},
		{"0001-01-01T00:00:00Z", nil, date(1, 1, 1, 0, 0, 0, utc)},
		{"9999-12-31T23:59:59Z", nil, date(9999, 12, 31, 23, 59, 59, utc)},

		// Unix time: seconds, then milli-, micro- and nanoseconds by size.
		{"1764000000", nil, 1764000000},
		{"1764000000123", nil, 1764000000},
		{"1764000000123456", nil, 1764000000},
		{"1764000000123456789", nil, 1764000000},
		{"1764000000.75", nil, 1764000000},
		{"99999999999", nil, 99999999999}, // still seconds: the year 5138
		{"100000000000", nil, 100000000},  // milliseconds from here on
		{"0", nil, 0},
		{"-1", nil, -1},
		{"-1764000000123", nil, -1764000001}, // rounds down, not toward zero

		// A zone in the value wins over --tz; a value without one is
		// read in --tz, with its summer time.
		{"2026-07-01T12:00:00Z", ny, date(2026, 7, 1, 12, 0, 0, utc)},
		{"1764000000", ny, 1764000000},
		{"2026-07-01 12:00:00", ny, date(2026, 7, 1, 16, 0, 0, utc)},
		{"2026-01-15 12:00:00", ny, date(2026, 1, 15, 17, 0, 0, utc)},
		{"2026-11-24", ny, date(2026, 11, 24, 5, 0, 0, utc)},
		{"2026-03-08 01:59:59", ny, date(2026, 3, 8, 6, 59, 59, utc)}, // the second before the change
		{"2026-03-08 03:00:00", ny, date(2026, 3, 8, 7, 0, 0, utc)},
		{"2026-11-01 00:59:59", ny, date(2026, 11, 1, 4, 59, 59, utc)},
		{"2026-11-01 02:00:00", ny, date(2026, 11, 1, 7, 0, 0, utc)},
		{"2026-11-24 10:15:00", kolkata, date(2026, 11, 24, 4, 45, 0, utc)},
	}
	for _, tc := range tests {
		got, err := ParseTime(tc.in, tc.loc)
		if err != nil || got != tc.want {
			t.Errorf("ParseTime(%q, %v) = %d, %v; want %d (%s)", tc.in, tc.loc, got, err, tc.want, time.Unix(tc.want, 0).UTC())
		}
	}

	// Clock times that happen twice or never, when clocks go back or
	// forward, must read as one of the two offsets around the change.
	for _, tc := range []struct {
		in   string
		a, b int64
	}{
		{"2026-03-08 02:30:00", date(2026, 3, 8, 6, 30, 0, utc), date(2026, 3, 8, 7, 30, 0, utc)},   // never happens
		{"2026-11-01 01:30:00", date(2026, 11, 1, 5, 30, 0, utc), date(2026, 11, 1, 6, 30, 0, utc)}, // happens twice
	} {
		got, err := ParseTime(tc.in, ny)
		if err != nil || (got != tc.a && got != tc.b) {
			t.Errorf("ParseTime(%q, New York) = %d, %v; want %d or %d", tc.in, got, err, tc.a, tc.b)
		}
	}

	for _, in := range []string{
		"", " ", "abc", "now", "2026/11/24", "24.11.2026", "2026-1-24", "26-11-24",
		"2026-02-30", "2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-11-00", "2026-11-31", "2026-04-31",
		"2026-11-24T", "2026-11-24T10", "2026-11-24T10:", "2026-11-24T1:15", "2026-11-24X10:15:00", "2026-11-24Z",
		"2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:15:61Z", "2026-11-24T10:15:0Z",
		"2026-11-24T10:15:00.Z", "2026-11-24T10:15:00+24:00", "2026-11-24T10:15:00+02:60", "2026-11-24T10:15:00+2",
		"2026-11-24T10:15:00+0", "2026-11-24T10:15:00+02:0", "2026-11-24T10:15:00 PST", "2026-11-24T10:15:00Zjunk",
		"99999999999999999999", "1764000000.", ".5", "+1764000000", "1764000000.5.5", "-", "--1",
		"２０２６-11-24", "2026-11-24\x00",
	} {
		if got, err := ParseTime(in, nil); err == nil {
			t.Errorf("ParseTime(%q) = %d, want an error", in, got)
		}
	}
}

// TestParseTimeRoundTrip formats random instants the ways exports do and
// reads them back.
func TestParseTimeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	lo, hi := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for range 20000 {
		sec := lo + rng.Int64N(hi-lo)
		tm := time.Unix(sec, rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(28*4)-14*4)*900))
		for _, layout := range []string{time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05.000Z07:00"} {
			s := tm.Format(layout)
			if got, err := ParseTime(s, nil); err != nil || got != sec {
				t.Fatalf("ParseTime(%q) = %d, %v; want %d", s, got, err, sec)
			}
		}
		s := tm.UTC().Format("2006-01-02 15:04:05")
		if got, err := ParseTime(s, nil); err != nil || got != sec {
			t.Fatalf("ParseTime(%q) = %d, %v; want %d", s, got, err, sec)
		}
	}
}

// BenchmarkParseTime times the timestamp forms exports write most.
func BenchmarkParseTime(b *testing.B) {
	for _, s := range []string{"2026-08-27T00:01:21Z", "2026-08-27 00:01:21.123+02:00", "1787788881"} {
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseTime(s, time.UTC); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "v.csv", Line: 17, Field: "referrer", Reason: ReasonFieldTooLong, Detail: "field too long (70000 bytes)"}, "v.csv:17: referrer: field too long (70000 bytes)"},
		{Problem{File: "v.csv", Line: 3, Reason: ReasonFieldCount, Detail: "3 fields, header has 6"}, "v.csv:3: 3 fields, header has 6"},
		{Problem{File: "v.csv", Line: 4, Field: "url", Reason: ReasonInvalidUTF8, Detail: "invalid UTF-8", Repaired: true}, "v.csv:4: url: invalid UTF-8 (repaired)"},
		{Problem{File: "v.csv", Line: 5, Reason: ReasonQuoting}, "v.csv:5: bad_quoting"},
	}
	for _, tc := range tests {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
	s := &Stats{}
	s.Add(Problem{Reason: ReasonTimestamp})
	s.Add(Problem{Reason: ReasonWeight})
	s.Add(Problem{Reason: ReasonTimestamp})
	s.Add(Problem{Reason: ReasonInvalidUTF8, Repaired: true})
	if s.SkippedRows() != 3 || s.Repaired[ReasonInvalidUTF8] != 1 {
		t.Errorf("stats %+v", s)
	}
	if got := Sorted(s.Skipped); !reflect.DeepEqual(got, []ReasonCount{{ReasonTimestamp, 2}, {ReasonWeight, 1}}) {
		t.Errorf("Sorted = %v", got)
	}
}

// A reader that never returns data must not hang the scanner.
type stuckReader struct{}

func (stuckReader) Read(p []byte) (int, error) { return 0, nil }

func TestReaderNoProgress(t *testing.T) {
	res := readList([]Input{{Path: "-"}}, Options{Stdin: io.MultiReader(strings.NewReader("ts,url\n1,a\n"), stuckReader{})})
	if !errors.Is(res.err, io.ErrNoProgress) {
		t.Errorf("err = %v, want io.ErrNoProgress", res.err)
	}
}

// With Options.Batches, a batch stays as it was read until that many
// later Scans, its strings too, even where Options.ReuseStrings lets them
// be overwritten: a goroutine may classify it while the next ones are read.
func TestReaderBatchesStayValid(t *testing.T) {
	var b strings.Builder
	b.WriteString("timestamp,url,referrer\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "2026-11-24T10:00:00Z,https://a/%d,https://r/%d\n", i, i)
	}
	const k = 3
	for _, reuse := range []bool{false, true} {
		r := NewReader(context.Background(), []Input{{Path: "-", Size: -1}},
			Options{Stdin: strings.NewReader(b.String()), BatchSize: 7, Batches: k, ReuseStrings: reuse})
		type held struct {
			batch []Visit
			copy  []Visit // with strings of its own
		}
		var live []held // the last k-1 batches and the current one
		n := 0
		for r.Scan() {
			batch := r.Batch()
			c := make([]Visit, len(batch))
			for i, v := range batch {
				v.URL, v.Referrer = strings.Clone(v.URL), strings.Clone(v.Referrer)
				c[i] = v
			}
			live = append(live, held{batch, c})
			if len(live) > k {
				live = live[1:]
			}
			for i, h := range live {
				if !reflect.DeepEqual(h.batch, h.copy) {
					t.Fatalf("reuse %v, scan %d: batch %d scans back was overwritten", reuse, n, len(live)-1-i)
				}
			}
			n += len(batch)
		}
		if err := r.Err(); err != nil || n != 1000 {
			t.Fatalf("reuse %v: read %d visits, err %v; want 1000", reuse, n, err)
		}
	}
}

func TestColumn(t *testing.T) {
	header := []string{"\tID", "Referer", "Page_URL", "UA", "referrer"}
	for field, want := range map[string]int{"url": 2, "referrer": 4, "user_agent": 3, "timestamp": -1, "nonsense": -1} {
		if got := Column(header, field); got != want {
			t.Errorf("Column(%s) = %d, want %d", field, got, want)
		}
	}
}

// Each input's own counts, merged in reading order, are the reader's
// counts, problem examples included; and every batch says its input.
func TestReaderInputStats(t *testing.T) {
	dir := t.TempDir()
	var inputs []Input
	for i := range 3 {
		var b strings.Builder
		b.WriteString("ts,url\n")
		for j := range 15 {
			if (i+j)%2 == 0 {
				fmt.Fprintf(&b, "garbage%d,https://a/\n", j) // a bad timestamp
			} else {
				fmt.Fprintf(&b, "%d,https://a/%d/%d\n", 1764000000+j, i, j)
			}
		}
		p := writeFile(t, dir, fmt.Sprintf("%d.csv", i), []byte(b.String()))
		inputs = append(inputs, Input{Path: p, Size: int64(b.Len())})
	}
	per := make([]Stats, len(inputs))
	r := NewReader(context.Background(), inputs, Options{BatchSize: 4, InputDone: func(i int, s Stats) { per[i] = s }})
	for r.Scan() {
		want := fmt.Sprintf("https://a/%d/", r.Input())
		for _, v := range r.Batch() {
			if !strings.HasPrefix(v.URL, want) {
				t.Fatalf("batch of input %d has %s", r.Input(), v.URL)
			}
		}
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	var merged Stats
	for i := range per {
		if per[i].Files != 1 || per[i].Rows != 15 || per[i].Bytes != inputs[i].Size {
			t.Errorf("input %d: %+v", i, per[i])
		}
		merged.Merge(&per[i])
	}
	if !reflect.DeepEqual(&merged, r.Stats()) {
		t.Errorf("merged %+v\nreader %+v", merged, *r.Stats())
	}
	if st := r.Stats(); st.Files != 3 || st.Rows != 45 {
		t.Errorf("reader: %d files, %d rows; want 3, 45", st.Files, st.Rows)
	}
	if len(merged.Examples) != MaxExamples || merged.SkippedRows() != 23 {
		t.Errorf("%d examples, %d skipped; want %d, 23", len(merged.Examples), merged.SkippedRows(), MaxExamples)
	}
}

// TestReaderFields reads only the fields asked for: the others' cells,
// bad or not, are passed over, while the timestamp and visits columns are
// read whatever is asked.
func TestReaderFields(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("v", 100)
	csvPath := writeFile(t, dir, "f.csv", []byte("ts,url,country,visitor_id,visits\n"+
		"2026-11-24T10:00:00Z,https://a/,D\xff,"+long+",3\n"+
		"2026-11-24T11:00:00Z,https://b/,FR,v2,1\n"))
	pqPath := filepath.Join(dir, "f.parquet")
	writeParquet(t, pqPath, pqSpec{cols: []pqCol{
		{"ts", nodeMillis, vals(at(t, "2026-11-24T10:00:00Z")*1000, at(t, "2026-11-24T11:00:00Z")*1000)},
		{"url", nodeDict, strs("https://a/", "https://b/")},
		{"country", nodeString, strs("D\xff", "FR")},
		{"visitor_id", nodeString, strs(long, "v2")},
		{"visits", nodeInt64, vals[int64](3, 1)},
	}})
	all := []Visit{
		{Time: at(t, "2026-11-24T10:00:00Z"), URL: "https://a/", Country: "D\uFFFD", Weight: 3},
		{Time: at(t, "2026-11-24T11:00:00Z"), URL: "https://b/", Country: "FR", VisitorID: "v2", Weight: 1},
	}
	some := []Visit{
		{Time: at(t, "2026-11-24T10:00:00Z"), URL: "https://a/", Weight: 3},
		{Time: at(t, "2026-11-24T11:00:00Z"), URL: "https://b/", Weight: 1},
	}
	for _, path := range []string{csvPath, pqPath} {
		t.Run(filepath.Ext(path), func(t *testing.T) {
			// Every field: the long visitor id makes the first row bad.
			got, stats, err := readInputs(t, Options{MaxField: 50}, path)
			if err != nil {
				t.Fatal(err)
			}
			checkVisits(t, got, all[1:])
			if len(stats.Skipped) == 0 || len(stats.Examples) == 0 {
				t.Errorf("all fields: skipped %v, problems %v; want the first row's", stats.Skipped, stats.Examples)
			}

			got, stats, err = readInputs(t, Options{MaxField: 50, Fields: []string{FieldURL}}, path)
			if err != nil {
				t.Fatal(err)
			}
			checkVisits(t, got, some)
			if len(stats.Skipped) != 0 || len(stats.Repaired) != 0 || len(stats.Examples) != 0 {
				t.Errorf("url only: skipped %v, repaired %v, problems %v; want none", stats.Skipped, stats.Repaired, stats.Examples)
			}
		})
	}
}
