package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleConfig(out string, inputs ...string) Config {
	return Config{
		Inputs:     inputs,
		Sources:    "../sources.yaml",
		Out:        out,
		Location:   time.UTC,
		MaxBadRows: 0.01,
		SiteHosts:  []string{"shop.example.com"},
	}
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Two builds of the same inputs, given in another order, write the same
// bytes to every file.
func TestBuildDeterministic(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if _, err := Build(context.Background(), sampleConfig(a, "../testdata/sample.csv", "../testdata/sample.parquet")); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), sampleConfig(b, "../testdata/sample.parquet", "../testdata/sample.csv")); err != nil {
		t.Fatal(err)
	}
	fa, fb := readTree(t, a), readTree(t, b)
	if len(fa) < 10 {
		t.Fatalf("only %d files written", len(fa))
	}
	for name, data := range fa {
		if other, ok := fb[name]; !ok {
			t.Errorf("%s: only in the first build", name)
		} else if !bytes.Equal(data, other) {
			t.Errorf("%s: differs between builds", name)
		}
	}
	for name := range fb {
		if _, ok := fa[name]; !ok {
			t.Errorf("%s: only in the second build", name)
		}
	}
	for _, want := range []string{"index.html", "manifest.json", "sitemap.xml", "sources/aliexpress.html"} {
		if _, ok := fa[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
	if m := string(fa["manifest.json"]); !strings.Contains(m, `"path": "index.html"`) || !strings.Contains(m, `"sources_yaml_sha256"`) {
		t.Errorf("manifest.json lacks files or hashes:\n%.400s", m)
	}
	var m Manifest
	if err := json.Unmarshal(fa["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Inputs) != 2 {
		t.Fatalf("manifest has %d inputs, want 2", len(m.Inputs))
	}
	for _, in := range m.Inputs {
		data, err := os.ReadFile(in.Path)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); in.SHA256 != hex.EncodeToString(sum[:]) || in.Bytes != int64(len(data)) {
			t.Errorf("manifest: %s: sha256 %s, %d bytes; want %x, %d bytes", in.Path, in.SHA256, in.Bytes, sum, len(data))
		}
	}
}

// A build that fails after writing its pages leaves the previous site as
// it was, and nothing beside it.
func TestBuildFailureKeepsSite(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	if _, err := Build(context.Background(), sampleConfig(out, "../testdata/sample.csv")); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, out)

	boom := errors.New("disk full")
	testHookBeforeManifest = func(dir string) error {
		if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
			t.Errorf("hook ran before the pages were written: %v", err)
		}
		return boom
	}
	defer func() { testHookBeforeManifest = func(string) error { return nil } }()
	if _, err := Build(context.Background(), sampleConfig(out, "../testdata/sample.parquet")); !errors.Is(err, boom) {
		t.Fatalf("Build error = %v, want %v", err, boom)
	}
	after := readTree(t, out)
	if len(after) != len(before) {
		t.Errorf("the site has %d files after a failed build, %d before", len(after), len(before))
	}
	for name, data := range before {
		if !bytes.Equal(after[name], data) {
			t.Errorf("%s changed in a failed build", name)
		}
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left beside the site: %v", names)
	}
}

// A cancelled build (SIGINT) stops reading and leaves no site.
func TestBuildCancelled(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Build(ctx, sampleConfig(out, "../testdata/sample.csv")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Build error = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a cancelled build wrote %s", out)
	}
}

// --archive keeps every run under its as-of date, a copy of the newest as
// latest/, and an index of them all. An earlier run made again is not the
// latest.
func TestBuildArchive(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	for _, asOf := range []string{"2026-11-20", "2026-11-24", "2026-11-20"} {
		cfg := sampleConfig(out, "../testdata/sample.csv")
		cfg.Archive = true
		cfg.BaseURL = "https://reports.example.com/shop/"
		cfg.AsOf, _ = time.Parse(time.DateOnly, asOf)
		if _, err := Build(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	runs := readTree(t, filepath.Join(out, "2026-11-24"))
	latest := readTree(t, filepath.Join(out, "latest"))
	if len(runs) < 10 || len(runs) != len(latest) {
		t.Fatalf("run has %d files, latest %d", len(runs), len(latest))
	}
	for name, data := range runs {
		if !bytes.Equal(latest[name], data) {
			t.Errorf("latest/%s differs from the run's", name)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "2026-11-20", "index.html")); err != nil {
		t.Errorf("the earlier run is gone: %v", err)
	}
	index, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	i24, i20 := bytes.Index(index, []byte(`href="2026-11-24/index.html"`)), bytes.Index(index, []byte(`href="2026-11-20/index.html"`))
	if i24 < 0 || i20 < 0 || i24 > i20 || !bytes.Contains(index, []byte(`href="latest/index.html"`)) {
		t.Errorf("archive index lists runs wrongly:\n%s", index)
	}
	if !bytes.Contains(runs["sitemap.xml"], []byte("<loc>https://reports.example.com/shop/2026-11-24/index.html</loc>")) {
		t.Errorf("sitemap does not link the run's permanent pages:\n%.300s", runs["sitemap.xml"])
	}
}
