package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A build with --cpuprofile writes a profile go tool pprof reads: a
// gzipped protocol buffer. The site is built as without it.
func TestBuildCPUProfile(t *testing.T) {
	if f := flag.Lookup("test.cpuprofile"); f != nil && f.Value.String() != "" {
		t.Skip("go test -cpuprofile is profiling already; a process has one CPU profile at a time")
	}
	dir := t.TempDir()
	prof := filepath.Join(dir, "cpu.prof")
	var stdout, stderr bytes.Buffer
	args := []string{"build", "--quiet", "--sources", "../../sources.yaml", "--out", filepath.Join(dir, "public"),
		"--cpuprofile", prof, "../../testdata/sample.csv"}
	if err := Run(context.Background(), args, nil, &stdout, &stderr); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		t.Error(err)
	}
	f, err := os.Open(prof)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("profile: %v", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || len(body) == 0 {
		t.Fatalf("profile: %d bytes, %v", len(body), err)
	}
}
