package report

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// An input that disappears while the build reads the one before it ends
// the build with its name; nothing is published.
func TestInputVanishes(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	data, err := os.ReadFile("../testdata/sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(a, data, 0o644)
	os.WriteFile(b, data, 0o644)
	out := filepath.Join(dir, "public")
	cfg := sampleConfig(out, a, b)
	cfg.Progress = func(bytes, rows int64) { os.Remove(b) }
	before := runtime.NumGoroutine()
	_, err = Build(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "b.csv") {
		t.Fatalf("Build error = %v, want one naming b.csv", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed build published a site")
	}
	waitGoroutines(t, before)
}

// An output that cannot be written fails the build with the path, and
// leaves nothing behind.
func TestOutputUnwritable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "not-a-dir")
	os.WriteFile(file, nil, 0o644)
	_, err := Build(context.Background(), sampleConfig(filepath.Join(file, "public"), "../testdata/sample.csv"))
	if err == nil || !strings.Contains(err.Error(), "not-a-dir") {
		t.Fatalf("Build error = %v, want one naming the output path", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in %s: %d entries", dir, len(entries))
	}
}

// waitGoroutines fails if more goroutines run than before, once the
// runtime has had a moment to retire finished ones.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	for range 50 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Errorf("%d goroutines left running after a failed build, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
}
