package gen

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the bundled sample, testdata/sample.{csv,parquet} at the repository root")

// sampleOptions are the options testdata/README.md documents for the
// bundled sample: refreport gen --rows 5000 --days 90 --end 2026-11-24
// --seed 1 --format csv|parquet.
func sampleOptions(format string) Options {
	o := DefaultOptions() // 90 days ending 2026-11-24, seed 1
	o.Rows = 5000
	o.Format = format
	return o
}

// TestSample checks that the bundled sample is exactly what Write makes
// with the documented options. After a deliberate change to the
// generator, rewrite it with go test ./report/gen -run TestSample -update.
func TestSample(t *testing.T) {
	for _, format := range []string{"csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join("..", "..", "testdata", "sample."+format)
			got := generate(t, sampleOptions(format))
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) {
				t.Skipf("%s is missing; go test ./report/gen -run TestSample -update writes it", path)
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(got, want) {
				return
			}
			if format == "csv" {
				g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
				for i := range min(len(g), len(w)) {
					if g[i] != w[i] {
						t.Fatalf("%s differs from Write's output at line %d:\n got  %q\n want %q\n(-update rewrites it)", path, i+1, g[i], w[i])
					}
				}
			}
			t.Fatalf("%s (%d bytes) differs from Write's output (%d bytes); -update rewrites it", path, len(want), len(got))
		})
	}
}
