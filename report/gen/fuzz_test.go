package gen

import (
	"bytes"
	"encoding/csv"
	"testing"
	"unicode/utf8"
)

// FuzzAppendField checks that any field survives a round trip through
// appendField and encoding/csv: quoting is added whenever it is needed.
func FuzzAppendField(f *testing.F) {
	for _, s := range []string{"", " ", "\t", "a,b", `say "hi"`, "line\nbreak", "null", `"><script>`, "größe", " lead", "trail "} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, field []byte) {
		// encoding/csv turns \r\n into \n, and works on UTF-8.
		if bytes.IndexByte(field, '\r') >= 0 || !utf8.Valid(field) {
			t.Skip()
		}
		line := appendField([]byte("a,"), field)
		line = append(line, ",b\n"...)
		r := csv.NewReader(bytes.NewReader(line))
		r.FieldsPerRecord = 3
		rec, err := r.Read()
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if rec[1] != string(field) {
			t.Fatalf("%q read back as %q", field, rec[1])
		}
	})
}
