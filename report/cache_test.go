package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/gen"
)

// dayFiles writes gen data of days days as one CSV file a day, named by
// the day, in dir, and returns their paths in order. Every tenth row of
// a day is bad, as the real world's are.
func dayFiles(t *testing.T, dir string, days int, rows int64) []string {
	t.Helper()
	var buf bytes.Buffer
	o := gen.DefaultOptions()
	o.Rows, o.Days, o.Seed = rows, days, 7
	o.BadRows = 0.002
	o.End = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	if err := gen.Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	header, body, _ := bytes.Cut(buf.Bytes(), []byte("\n"))
	byDay := map[string]*bytes.Buffer{}
	for line := range bytes.Lines(body) {
		day := "bad"
		if len(line) >= 10 {
			if _, err := time.Parse(time.DateOnly, string(line[:10])); err == nil {
				day = string(line[:10])
			}
		}
		b := byDay[day]
		if b == nil {
			b = bytes.NewBuffer(append(slices.Clone(header), '\n'))
			byDay[day] = b
		}
		b.Write(line)
	}
	var paths []string
	for day, b := range byDay {
		if day == "bad" {
			continue // rows whose day cannot be told go with the first day
		}
		p := filepath.Join(dir, "visits-"+day+".csv")
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if bad := byDay["bad"]; bad != nil {
		f, err := os.OpenFile(paths[0], os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, body, _ := bytes.Cut(bad.Bytes(), []byte("\n"))
		f.Write(body)
		f.Close()
	}
	if len(paths) != days {
		t.Fatalf("%d day files, want %d", len(paths), days)
	}
	return paths
}

func build(t *testing.T, cfg Config) *Result {
	t.Helper()
	res, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sameTree fails unless dirs a and b hold the same files, byte for byte.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	ta, tb := readTree(t, a), readTree(t, b)
	if len(ta) < 10 {
		t.Fatalf("%s: only %d files", a, len(ta))
	}
	var names []string
	for name := range ta {
		names = append(names, name)
	}
	for name := range tb {
		if _, ok := ta[name]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	bad := 0
	for _, name := range names {
		if !bytes.Equal(ta[name], tb[name]) {
			t.Errorf("%s differs (%d and %d bytes)", name, len(ta[name]), len(tb[name]))
			if bad++; bad > 5 {
				t.FailNow()
			}
		}
	}
}

// A build with --cache writes the same site as one without, whatever the
// cache held: nothing, the days before, a file changed, late visits of
// an old day, a file gone, other rules.
func TestCacheSameSite(t *testing.T) {
	dir := t.TempDir()
	paths := dayFiles(t, filepath.Join(dir), 12, 30000)
	cache := filepath.Join(dir, "cache")
	asOf := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	cfg := func(out string, inputs ...string) Config {
		c := sampleConfig(filepath.Join(dir, out), inputs...)
		c.AsOf = asOf
		return c
	}
	cached := func(out string, inputs ...string) *Result {
		c := cfg(out, inputs...)
		c.Cache = cache
		return build(t, c)
	}
	check := func(name string, inputs ...string) *Result {
		t.Helper()
		build(t, cfg("full-"+name, inputs...))
		res := cached("cached-"+name, inputs...)
		sameTree(t, filepath.Join(dir, "full-"+name), filepath.Join(dir, "cached-"+name))
		return res
	}

	n := len(paths)
	if res := check("empty", paths[:n-1]...); res.Cache != "new: all inputs read" {
		t.Errorf("first run: %q", res.Cache)
	}
	if res, want := check("oneday", paths...), fmt.Sprintf("1 of %d inputs read, 1 days made again", n); res.Cache != want {
		t.Errorf("one more day: %q, want %q", res.Cache, want)
	}
	if res, want := check("same", paths...), fmt.Sprintf("0 of %d inputs read, 0 days made again", n); res.Cache != want {
		t.Errorf("nothing new: %q, want %q", res.Cache, want)
	}

	// Late visits: a new file with visits of an old day, sorted before
	// that day's own file, so that the day's values arrive in another
	// order.
	late := filepath.Join(dir, "visits-2026-11-10-late.csv")
	lines := strings.SplitAfter(string(must(os.ReadFile(paths[3]))), "\n")
	if err := os.WriteFile(late, []byte(lines[0]+strings.Join(lines[1:40], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	withLate := append(slices.Clone(paths), late)
	sort.Strings(withLate)
	if res, want := check("late", withLate...), fmt.Sprintf("1 of %d inputs read, 1 days made again", n+1); res.Cache != want {
		t.Errorf("late visits: %q, want %q", res.Cache, want)
	}

	// A file changed in place (its size changes) and a file gone.
	f, err := os.OpenFile(paths[5], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "%s,https://shop.example.com/changed,https://www.google.com/,Mozilla/5.0,DE,abc,google\n", strings.SplitN(lines[1], ",", 2)[0])
	f.Close()
	gone := slices.Delete(slices.Clone(withLate), 8, 9)
	check("changed", gone...)

	// Other rules: everything is read again.
	c := cfg("cached-rules", gone...)
	c.Cache = cache
	c.SiteHosts = nil
	if res := build(t, c); res.Cache != "sources.yaml or settings changed: all inputs read" {
		t.Errorf("other settings: %q", res.Cache)
	}
	full := cfg("full-rules", gone...)
	full.SiteHosts = nil
	build(t, full)
	sameTree(t, filepath.Join(dir, "full-rules"), filepath.Join(dir, "cached-rules"))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Rollups aggregated on two machines, half the days each, render the
// site of one build over all; a day or an input in both is an error.
func TestRenderMergesShards(t *testing.T) {
	dir := t.TempDir()
	paths := dayFiles(t, dir, 8, 20000)
	asOf := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	base := sampleConfig(filepath.Join(dir, "full"), paths...)
	base.AsOf = asOf
	build(t, base)

	agg := func(out string, inputs ...string) {
		c := base
		c.Inputs = inputs
		if _, err := Aggregate(context.Background(), c, filepath.Join(dir, out)); err != nil {
			t.Fatal(err)
		}
	}
	var odd, even []string
	for i, p := range paths {
		if i%2 == 0 {
			even = append(even, p)
		} else {
			odd = append(odd, p)
		}
	}
	agg("a", even...)
	agg("b", odd...)
	c := base
	c.Out = filepath.Join(dir, "merged")
	if _, err := Render(context.Background(), c, []string{filepath.Join(dir, "b"), filepath.Join(dir, "a")}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, filepath.Join(dir, "full"), filepath.Join(dir, "merged"))

	agg("c", paths[3])
	c.Out = filepath.Join(dir, "twice")
	_, err := Render(context.Background(), c, []string{filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")})
	if err == nil || !strings.Contains(err.Error(), "is also in") {
		t.Errorf("a day twice: err = %v", err)
	}
	if _, err := os.Stat(c.Out); err == nil {
		t.Error("a failed render wrote a site")
	}

	// The same input under another name: its days are in both.
	cp := filepath.Join(dir, "copy.csv")
	if err := os.WriteFile(cp, must(os.ReadFile(paths[0])), 0o644); err != nil {
		t.Fatal(err)
	}
	agg("d", cp)
	_, err = Render(context.Background(), c, []string{filepath.Join(dir, "a"), filepath.Join(dir, "d")})
	if err == nil || !strings.Contains(err.Error(), "input "+cp+" is also in") {
		t.Errorf("the same input twice: err = %v", err)
	}

	// Rules changed since: the rollups are stale.
	other := filepath.Join(dir, "sources.yaml")
	src := must(os.ReadFile("../sources.yaml"))
	if err := os.WriteFile(other, append(src, "\n# changed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	c.Sources = other
	_, err = Render(context.Background(), c, []string{filepath.Join(dir, "a")})
	if err == nil || !strings.Contains(err.Error(), "another sources.yaml") {
		t.Errorf("stale rules: err = %v", err)
	}
}
