package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/webmasterid/refreport/report/ingest"
)

// TestHashInputs checks the inputs' hashes against sha256 of the whole
// file, for a file that takes several reads and one that ends mid-block.
func TestHashInputs(t *testing.T) {
	dir := t.TempDir()
	var inputs []ingest.Input
	var want []string
	var sizes []int64
	for i, size := range []int{0, 1 << 20, 5<<19 + 7} {
		b := bytes.Repeat([]byte{byte('a' + i), '\n'}, size/2)
		b = append(b, byte(i))[:size]
		p := filepath.Join(dir, "in"+string(rune('0'+i))+".csv")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		inputs = append(inputs, ingest.Input{Path: p})
		want = append(want, hex.EncodeToString(sum[:]))
		sizes = append(sizes, int64(size))
	}
	got, err := hashInputs(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range got {
		if h.SHA256 != want[i] || h.Bytes != sizes[i] {
			t.Errorf("%s: sha256 %s, %d bytes; want %s, %d bytes", h.Path, h.SHA256, h.Bytes, want[i], sizes[i])
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := hashInputs(ctx, inputs); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}
