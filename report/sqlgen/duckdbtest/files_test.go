package duckdbtest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report"
	"github.com/webmasterid/refreport/report/aggregate"
	"github.com/webmasterid/refreport/report/rules"
)

// TestRollupFiles runs the DuckDB query over the bundled sample and the
// generated visits, writes its result as Parquet the ways an export may
// (one file, a directory per kind, a day's rows spread over files in small
// row groups), reads each the way refreport render --rollups does, and
// requires the Go path's snapshot of the same visits; then it renders the
// site from each directory.
func TestRollupFiles(t *testing.T) {
	for _, in := range []struct{ name, path string }{
		{"sample", filepath.Join(root, "testdata", "sample.csv")},
		{"generated", generatedCSV(t)},
	} {
		t.Run(in.name, func(t *testing.T) { rollupFiles(t, in.path) })
	}
}

// layouts are the ways the query's result is written: COPY statements
// from the table rollup into the directory %[1]s.
var layouts = []struct {
	name   string
	copies []string
}{
	{"one file", []string{`COPY rollup TO '%[1]s/rollup.parquet' (FORMAT parquet)`}},
	// Hive directories kind=visits/, kind=host/, ...: the partition column
	// is left out of the files unless asked for, and every rollup file
	// needs its kind.
	{"by kind", []string{`COPY rollup TO '%[1]s' (FORMAT parquet, PARTITION_BY (kind), WRITE_PARTITION_COLUMNS true)`}},
	// Every day's groups, breakdowns and span in three files, with row
	// groups of 1,000 rows.
	{"spread", []string{
		`COPY (SELECT * FROM rollup WHERE hash(kind, source, value) %% 3 = 0) TO '%[1]s/part-0.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
		`COPY (SELECT * FROM rollup WHERE hash(kind, source, value) %% 3 = 1) TO '%[1]s/part-1.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
		`COPY (SELECT * FROM rollup WHERE hash(kind, source, value) %% 3 = 2) TO '%[1]s/part-2.parquet' (FORMAT parquet, ROW_GROUP_SIZE 1000)`,
	}},
}

func rollupFiles(t *testing.T, path string) {
	sources := filepath.Join(root, "sources.yaml")
	cat, err := rules.Load(sources)
	if err != nil {
		t.Fatal(err)
	}

	// The Go path: one rollup of every visit, as refreport build makes it.
	roll := aggregate.New(time.UTC)
	classify(t, cat, path, roll.Add)

	// A breakdown full on some day keeps different values on the two
	// sides: that day's rows of it, and its other row (summed over the
	// days by the snapshot), are compared by compareFull.
	buckets := map[string]string{} // key prefix -> bucket
	for _, day := range roll.Days() {
		for _, r := range roll.DayRows(day) {
			if !r.Other {
				continue
			}
			src := aggregate.Source{Name: r.Source, Known: r.Known}
			b := breakdownKey(r.Kind, "", src)
			buckets[breakdownKey(r.Kind, day.String(), src)] = b
			buckets[breakdownKey(r.Kind, "all", src)] = b
		}
	}
	var names []string
	seen := map[string]bool{}
	for _, b := range buckets {
		if !seen[b] {
			seen[b] = true
			names = append(names, b)
		}
	}
	sort.Strings(names)
	want := roll.Snapshot() // the last use of roll: it takes roll's memory
	wantRows := snapshotRows(want)
	bucket := func(key string) string {
		for p, b := range buckets {
			if strings.HasPrefix(key, p) {
				return b
			}
		}
		return ""
	}

	db, q := duckDB(t, cat, path)
	if _, err := db.Exec("CREATE TABLE rollup AS\n" + q); err != nil {
		t.Fatal(err)
	}
	var sites []string
	for _, l := range layouts {
		dir := filepath.Join(t.TempDir(), "rollup")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, c := range l.copies {
			if _, err := db.Exec(fmt.Sprintf(c, strings.ReplaceAll(dir, "'", "''"))); err != nil {
				t.Fatalf("%s: %v", l.name, err)
			}
		}
		files := parquetFiles(t, dir)
		if l.name != "one file" && len(files) < 2 {
			t.Fatalf("%s: %d files, want several", l.name, len(files))
		}
		got, err := aggregate.ReadSnapshot([][]string{files}, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", l.name, err)
		}
		gotRows := snapshotRows(got)
		diffs, same := diffRows(t, wantRows, gotRows, names, bucket)
		t.Logf("%s: %d files; %d groups, %d details, %d dropped from Go, %d, %d, %d read back; %d differ; %d breakdowns full on some day (%d keep the same values)",
			l.name, len(files), len(want.Groups()), countDetails(want), len(dropped(want)),
			len(got.Groups()), countDetails(got), len(dropped(got)), len(diffs), len(names), same)
		for i, d := range diffs {
			if i == 20 {
				t.Errorf("%s: ... and %d more", l.name, len(diffs)-20)
				break
			}
			t.Errorf("%s: %s", l.name, d)
		}

		out := filepath.Join(t.TempDir(), "site")
		if _, err := report.Render(context.Background(), report.Config{Sources: sources, Out: out, SiteHosts: siteHosts}, []string{dir}); err != nil {
			t.Fatalf("%s: render: %v", l.name, err)
		}
		checkSite(t, l.name, out, want)
		sites = append(sites, out)
	}
	// The same snapshot makes the same site, whatever files it came in.
	for i := 1; i < len(sites); i++ {
		if d := diffDirs(sites[0], sites[i], nil); d != "" {
			t.Errorf("the sites of %q and %q differ: %s", layouts[0].name, layouts[i].name, d)
		}
	}
	if len(names) > 0 {
		return
	}
	// And, while no breakdown is full, the site refreport build makes of
	// the visits, but for what only a build knows: the rows and files it
	// read (quality.html) and the inputs' hashes (manifest.json).
	out := filepath.Join(t.TempDir(), "site")
	if _, err := report.Build(context.Background(), report.Config{Inputs: []string{path}, Sources: sources, Out: out, SiteHosts: siteHosts}); err != nil {
		t.Fatal(err)
	}
	if d := diffDirs(out, sites[0], map[string]bool{"quality.html": true, "manifest.json": true}); d != "" {
		t.Errorf("the sites of refreport build and of %q differ: %s", layouts[0].name, d)
	}
}

func countDetails(s *aggregate.Snapshot) int {
	n := 0
	for range s.Details() {
		n++
	}
	return n
}

// snapshotRows writes what a report reads of s as rows: groups and
// details by day, and over all days the other rows, the overflow, the
// site host, the time range and the visits.
func snapshotRows(s *aggregate.Snapshot) []row {
	var out []row
	for _, g := range s.Groups() {
		out = append(out, row{key: key(g.Day.String(), g.Source.Name, g.Source.Known, g.Medium, g.Evidence.String(), g.NoReferrer, g.Tagged), visits: g.Visits})
	}
	for d := range s.Details() {
		out = append(out, row{key: detailKey(d.Dim.String(), d.Day.String(), d.Source, d.Value, false), visits: d.Visits})
	}
	drop, other := s.Dropped()
	for _, d := range drop {
		out = append(out, row{key: detailKey(d.Dim.String(), "all", d.Source, "", true), visits: d.Visits})
	}
	all := func(kind, value string) string {
		return rowKey(kind, "all", "", false, "", "", false, false, value, false)
	}
	out = append(out, row{key: all("overflow", ""), visits: other})
	out = append(out, row{key: all("site_host", s.SiteHost())})
	first, last, ok := s.TimeRange()
	out = append(out, row{key: all("span", fmt.Sprint(ok)), first: first, last: last})
	out = append(out, row{key: all("total", ""), visits: s.Visits()})
	return out
}

func dropped(s *aggregate.Snapshot) []aggregate.Dropped {
	d, _ := s.Dropped()
	return d
}

// parquetFiles lists the *.parquet files under dir, sorted, as render
// --rollups finds them.
func parquetFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".parquet") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// checkSite requires a site's index page and the page of the catalog
// source with the most visits, linked from the index.
func checkSite(t *testing.T, layout, out string, s *aggregate.Snapshot) {
	t.Helper()
	visits := map[string]int64{}
	for _, g := range s.Groups() {
		if g.Source.Known {
			visits[g.Source.Name] += g.Visits
		}
	}
	top := ""
	for name, n := range visits {
		if top == "" || n > visits[top] || n == visits[top] && name < top {
			top = name
		}
	}
	if top == "" {
		t.Fatalf("%s: no catalog source in the data", layout)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatalf("%s: %v", layout, err)
	}
	page := "sources/" + top + ".html"
	if !strings.Contains(string(index), `href="`+page+`"`) {
		t.Errorf("%s: index.html does not link to %s", layout, page)
	}
	if st, err := os.Stat(filepath.Join(out, page)); err != nil || st.Size() == 0 {
		t.Errorf("%s: %s: %v", layout, page, err)
	}
}

// diffDirs describes the first difference between the files under a and
// b but for those in skip, or returns "".
func diffDirs(a, b string, skip map[string]bool) string {
	read := func(dir string) (map[string]string, error) {
		files := map[string]string{}
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			files[rel] = string(data)
			return err
		})
		return files, err
	}
	fa, err := read(a)
	if err != nil {
		return err.Error()
	}
	fb, err := read(b)
	if err != nil {
		return err.Error()
	}
	var names []string
	for n := range fa {
		names = append(names, n)
	}
	for n := range fb {
		if _, ok := fa[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if skip[n] {
			continue
		}
		x, okx := fa[n]
		y, oky := fb[n]
		switch {
		case !okx || !oky:
			return fmt.Sprintf("%s only in one", n)
		case x != y:
			i := 0
			for i < len(x) && i < len(y) && x[i] == y[i] {
				i++
			}
			return fmt.Sprintf("%s at byte %d: %.60q vs %.60q", n, i, x[i:], y[i:])
		}
	}
	return ""
}
