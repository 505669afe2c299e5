package gen

import (
	"encoding/binary"
	"fmt"
	"io"
)

// csvHeader is the CSV's first line.
var csvHeader = func() string {
	s := ""
	for i, c := range columns {
		if i > 0 {
			s += ","
		}
		s += c
	}
	return s + "\n"
}()

// flushAt is the size at which buffered CSV is written out.
const flushAt = 64 << 10

// writeCSV writes RFC 4180 CSV with LF line ends, quoting a field only
// when it must be.
func writeCSV(w io.Writer, g *generator, o *Options) error {
	out := make([]byte, 0, flushAt+8<<10)
	out = append(out, csvHeader...)
	bad := newRNG(o.Seed, streamBad)
	threshold := badThreshold(o.BadRows)
	var r row
	for g.next(&r) {
		if threshold > 0 && bad.u64()>>11 < threshold {
			out = appendBadCSV(out, &r, &bad)
		} else {
			out = appendCSV(out, &r)
		}
		if len(out) >= flushAt {
			if _, err := w.Write(out); err != nil {
				return fmt.Errorf("gen: %w", err)
			}
			out = out[:0]
		}
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	return nil
}

func appendCSV(b []byte, r *row) []byte {
	b = appendTime(b, r.day, r.ts)
	b = append(b, ',')
	b = appendField(b, r.url)
	b = append(b, ',')
	b = appendField(b, r.ref)
	b = append(b, ',')
	b = append(b, r.ua.q...)
	return appendTail(b, r)
}

// appendTail appends the last three fields, which never need quoting,
// and the line end.
func appendTail(b []byte, r *row) []byte {
	b = append(b, ',')
	b = append(b, countryCodes[r.country]...)
	b = append(b, ',')
	b = append(b, r.vid[:]...)
	b = append(b, ',')
	b = append(b, r.src...)
	return append(b, '\n')
}

// appendField appends f as a CSV field, quoted if it holds a comma, a
// quote or a line break, or starts or ends with a space or tab (which
// some readers would trim).
func appendField(b, f []byte) []byte {
	if !needsQuotes(f) {
		return append(b, f...)
	}
	b = append(b, '"')
	for _, c := range f {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

func needsQuotes(f []byte) bool {
	if len(f) == 0 {
		return false
	}
	if c := f[0]; c == ' ' || c == '\t' {
		return true
	}
	if c := f[len(f)-1]; c == ' ' || c == '\t' {
		return true
	}
	// Eight bytes at a time: this scan is a large part of the cost of a
	// row, and fields rarely need quotes.
	for len(f) >= 8 {
		x := binary.LittleEndian.Uint64(f)
		if hasByte(x, ',') || hasByte(x, '"') || hasByte(x, '\n') || hasByte(x, '\r') {
			return true
		}
		f = f[8:]
	}
	for _, c := range f {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

// hasByte reports whether any byte of x is c (the classic "has zero
// byte" test applied to x^c).
func hasByte(x uint64, c byte) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	v := x ^ (lo * uint64(c))
	return (v-lo)&^v&hi != 0
}

// Kinds of malformed CSV rows, by weight. Overlong fields are rare
// because each costs some 70 KB.
var badCSVKinds = newTable([]uint64{
	badFieldCount: 25,
	badQuoting:    20,
	badTimestamp:  25,
	badUTF8:       25,
	badLong:       5,
})

const (
	badFieldCount = iota
	badQuoting
	badTimestamp
	badUTF8
	badLong
)

// badTimestamps are timestamps no reader should accept.
var badTimestamps = newStrs(
	wstr{"", 15}, wstr{"yesterday", 10}, wstr{"2026-13-45T99:61:00Z", 15}, wstr{"24/11/2026 10:15", 15},
	wstr{"0000-00-00 00:00:00", 15}, wstr{"1764000000abc", 10}, wstr{"NaN", 10}, wstr{"2026-11-24T25:00:00Z", 10},
)

// invalidUTF8 are byte sequences that are not UTF-8: a Latin-1 é, a lone
// continuation byte, a truncated sequence, a byte that never occurs.
var invalidUTF8 = []string{"caf\xe9", "\x80", "\xe2\x82", "\xff\xfe", "\xc3\x28"}

// appendBadCSV appends r as a malformed row. Every kind stays on one
// line, so that a reader can skip it and go on.
func appendBadCSV(b []byte, r *row, bad *rng) []byte {
	switch badCSVKinds.pick(bad) {
	case badFieldCount:
		switch bad.intn(3) {
		case 0: // a field missing
			b = appendTime(b, r.day, r.ts)
			b = append(b, ',')
			b = appendField(b, r.url)
			b = append(b, ',')
			b = append(b, r.ua.q...)
			return appendTail(b, r)
		case 1: // one too many
			b = appendCSV(b, r)
			b = b[:len(b)-1]
			return append(b, ",1\n"...)
		default: // cut short
			b = appendTime(b, r.day, r.ts)
			b = append(b, ',')
			b = appendField(b, r.url)
			return append(b, '\n')
		}
	case badQuoting:
		b = appendTime(b, r.day, r.ts)
		b = append(b, ',')
		if bad.intn(2) == 0 { // a bare quote in an unquoted field
			b = append(b, siteBase...)
			b = append(b, "/pages/12\"-ruler"...)
		} else { // text after the closing quote
			b = append(b, '"')
			b = append(b, siteBase...)
			b = append(b, "/\"x"...)
		}
		b = append(b, ',')
		b = appendField(b, r.ref)
		b = append(b, ',')
		b = append(b, r.ua.q...)
		return appendTail(b, r)
	case badTimestamp:
		b = appendField(b, []byte(badTimestamps.pick(bad)))
		b = append(b, ',')
		b = appendField(b, r.url)
		b = append(b, ',')
		b = appendField(b, r.ref)
		b = append(b, ',')
		b = append(b, r.ua.q...)
		return appendTail(b, r)
	case badUTF8:
		b = appendTime(b, r.day, r.ts)
		b = append(b, ',')
		s := invalidUTF8[bad.intn(len(invalidUTF8))]
		switch bad.intn(3) {
		case 0:
			b = appendField(b, r.url)
			b = append(b, s...)
			b = append(b, ',')
			b = appendField(b, r.ref)
			b = append(b, ',')
			b = append(b, r.ua.q...)
		case 1:
			b = appendField(b, r.url)
			b = append(b, ',')
			b = append(b, "https://"...)
			b = append(b, s...)
			b = append(b, ".example/"...)
			b = append(b, ',')
			b = append(b, r.ua.q...)
		default:
			b = appendField(b, r.url)
			b = append(b, ',')
			b = appendField(b, r.ref)
			b = append(b, ",Mozilla/5.0 ("...)
			b = append(b, s...)
			b = append(b, ')')
		}
		return appendTail(b, r)
	default: // badLong: a referrer longer than readers keep
		b = appendTime(b, r.day, r.ts)
		b = append(b, ',')
		b = appendField(b, r.url)
		b = append(b, ",https://free-traffic-now.example/?q="...)
		b = bad.appendToken(b, 70000+bad.intn(5000))
		b = append(b, ',')
		b = append(b, r.ua.q...)
		return appendTail(b, r)
	}
}
