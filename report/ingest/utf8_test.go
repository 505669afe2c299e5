package ingest

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestValidUTF8 compares validUTF8 with utf8.Valid on text whose one
// non-ASCII byte, or broken sequence, sits at every offset: in a 32-byte
// block, an 8-byte word or the tail.
func TestValidUTF8(t *testing.T) {
	for _, bad := range []string{"é", "€", "\x80", "\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80"} {
		for n := 0; n < 80; n++ {
			for at := 0; at <= n; at++ {
				b := []byte(strings.Repeat("a", at) + bad + strings.Repeat("z", n-at))
				if got, want := validUTF8(b), utf8.Valid(b); got != want {
					t.Fatalf("validUTF8(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
	if !validUTF8(nil) || !validUTF8([]byte(strings.Repeat("x", 100))) {
		t.Error("ASCII reported invalid")
	}
}

var sink bool

// BenchmarkValidUTF8 runs over the string fields of a CSV export's row.
func BenchmarkValidUTF8(b *testing.B) {
	fields := [][]byte{
		[]byte("https://shop.example.com/collections/gifts?utm_source=newsletter"),
		[]byte("https://www.bing.com/"),
		[]byte("Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1"),
		[]byte("JP"),
	}
	for _, f := range []struct {
		name string
		fn   func([]byte) bool
	}{{"utf8.Valid", utf8.Valid}, {"validUTF8", validUTF8}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				for _, s := range fields {
					sink = f.fn(s)
				}
			}
		})
	}
}
