package ingest

import (
	"encoding/binary"
	"unicode/utf8"
)

// validUTF8 is utf8.Valid, with a faster pass over ASCII, which nearly
// every byte of an export is: it tests 32 bytes a step for a high bit, and
// leaves the rest, from the first block that has one, to utf8.Valid. On
// the URLs and user agents of a CSV export it was the reader's single
// largest cost.
func validUTF8(b []byte) bool {
	const hi = 0x8080808080808080
	s := b
	for len(s) >= 32 {
		w := binary.LittleEndian.Uint64(s) | binary.LittleEndian.Uint64(s[8:]) |
			binary.LittleEndian.Uint64(s[16:]) | binary.LittleEndian.Uint64(s[24:])
		if w&hi != 0 {
			return utf8.Valid(s)
		}
		s = s[32:]
	}
	for len(s) >= 8 {
		if binary.LittleEndian.Uint64(s)&hi != 0 {
			return utf8.Valid(s)
		}
		s = s[8:]
	}
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return utf8.Valid(s)
		}
	}
	return true
}
