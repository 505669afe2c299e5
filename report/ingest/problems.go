package ingest

import (
	"fmt"
	"sort"
)

// Reason says why a row was skipped or repaired.
type Reason string

const (
	ReasonFieldCount   Reason = "wrong_field_count" // skipped
	ReasonQuoting      Reason = "bad_quoting"       // skipped
	ReasonTimestamp    Reason = "bad_timestamp"     // skipped
	ReasonFieldTooLong Reason = "field_too_long"    // skipped
	ReasonWeight       Reason = "bad_weight"        // skipped
	ReasonInvalidUTF8  Reason = "invalid_utf8"      // repaired with U+FFFD, kept
)

// MaxExamples is how many problems are kept word for word; the rest are
// only counted.
const MaxExamples = 20

// A Problem is one bad row: where it is and what is wrong with it.
type Problem struct {
	File     string
	Line     int64  // line in a CSV file, 1-based row in a Parquet file
	Field    string // the field at fault, if one is
	Reason   Reason
	Detail   string // e.g. "field too long (70000 bytes)"
	Repaired bool   // the row was kept after repair
}

// String formats p as file:line: field: detail, the way compilers do, so
// that editors and CI logs can jump to it.
func (p Problem) String() string {
	s := fmt.Sprintf("%s:%d: ", p.File, p.Line)
	if p.Field != "" {
		s += p.Field + ": "
	}
	if p.Detail != "" {
		s += p.Detail
	} else {
		s += string(p.Reason)
	}
	if p.Repaired {
		s += " (repaired)"
	}
	return s
}

// Stats counts what was read. Rows counts every data row seen, skipped ones
// included.
type Stats struct {
	Files    int
	Bytes    int64 // bytes read from disk, before decompression
	Rows     int64
	Skipped  map[Reason]int64
	Repaired map[Reason]int64
	Examples []Problem // the first MaxExamples problems, in input order
}

// Merge adds o's counts to s, and o's problems after s's while there is
// room: the inputs' counts merged in the order they were read are the
// counts of reading them one after the other.
func (s *Stats) Merge(o *Stats) {
	s.Files += o.Files
	s.Bytes += o.Bytes
	s.Rows += o.Rows
	for _, m := range []struct{ to, from *map[Reason]int64 }{{&s.Skipped, &o.Skipped}, {&s.Repaired, &o.Repaired}} {
		for r, n := range *m.from {
			if *m.to == nil {
				*m.to = make(map[Reason]int64)
			}
			(*m.to)[r] += n
		}
	}
	for _, p := range o.Examples {
		if len(s.Examples) >= MaxExamples {
			break
		}
		s.Examples = append(s.Examples, p)
	}
}

// SkippedRows is the total of Skipped.
func (s *Stats) SkippedRows() int64 {
	var n int64
	for _, c := range s.Skipped {
		n += c
	}
	return n
}

// Add records a problem. A problem that is not Repaired means its row was
// skipped.
func (s *Stats) Add(p Problem) {
	m := &s.Skipped
	if p.Repaired {
		m = &s.Repaired
	}
	if *m == nil {
		*m = make(map[Reason]int64)
	}
	(*m)[p.Reason]++
	if len(s.Examples) < MaxExamples {
		s.Examples = append(s.Examples, p)
	}
}

// ReasonCount is one line of a summary.
type ReasonCount struct {
	Reason Reason
	Rows   int64
}

// Sorted returns the counts of m, most rows first, then by reason, so that
// summaries do not depend on map order.
func Sorted(m map[Reason]int64) []ReasonCount {
	out := make([]ReasonCount, 0, len(m))
	for r, n := range m {
		out = append(out, ReasonCount{r, n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Rows != out[j].Rows {
			return out[i].Rows > out[j].Rows
		}
		return out[i].Reason < out[j].Reason
	})
	return out
}
