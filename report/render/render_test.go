package render

import "testing"

func TestFormatInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234", 100000: "100,000"} {
		if got := formatInt(n); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatPct(t *testing.T) {
	for f, want := range map[float64]string{0: "0.0%", 1: "100.0%", 0.1234: "12.3%", 0.0005: "0.1%"} {
		if got := formatPct(f); got != want {
			t.Errorf("formatPct(%v) = %q, want %q", f, got, want)
		}
	}
}
