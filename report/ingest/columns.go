package ingest

import (
	"fmt"
	"sort"
	"strings"
)

// layout says which column of a file holds each field: -1 where none does.
type layout [numFields]int

// FieldNames lists the field names that --column accepts, in a fixed order.
func FieldNames() []string {
	out := make([]string, numFields)
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// fieldByName returns the field number for name, which may be a field's name
// or any of its aliases, or -1.
func fieldByName(name string) int {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, f := range fields {
		if name == f.name {
			return i
		}
		for _, a := range f.aliases {
			if name == a {
				return i
			}
		}
	}
	return -1
}

// keepOnly stops l from reading the fields not named in names (see
// Options.Fields); nil keeps them all.
func (l *layout) keepOnly(names []string) {
	if names == nil {
		return
	}
	var keep [numFields]bool
	keep[fTime], keep[fWeight] = true, true
	for _, n := range names {
		if f := fieldByName(n); f >= 0 {
			keep[f] = true
		}
	}
	for f := range l {
		if !keep[f] {
			l[f] = -1
		}
	}
}

// CheckColumns checks --column overrides (field=header) before any data is
// read, so that a typo fails at once.
func CheckColumns(overrides map[string]string) error {
	names := make([]string, 0, len(overrides))
	for k := range overrides {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if fieldByName(k) < 0 {
			return fmt.Errorf("--column %s=%s: unknown field %q (fields: %s)", k, overrides[k], k, strings.Join(FieldNames(), ", "))
		}
		if strings.TrimSpace(overrides[k]) == "" {
			return fmt.Errorf("--column %s=: empty column name", k)
		}
	}
	return nil
}

// resolve finds each field's column in header. Overrides name a column
// exactly (case-insensitive) and win over aliases. An alias earlier in a
// field's list wins over a later one, whatever the column order.
//
// A field the header lacks is then looked up among the partition keys of
// the file's path (day=2026-11-24/): such a field's index is
// len(header)+i, meaning the value of part[i] for every row.
//
// It fails, naming file and the columns it found, when there is no
// timestamp column or neither a url nor a referrer column.
func resolve(file string, header []string, part [][2]string, overrides map[string]string) (layout, error) {
	var l layout
	for i := range l {
		l[i] = -1
	}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if _, dup := pos[k]; !dup {
			pos[k] = i
		}
	}
	for f := range fields {
		for _, a := range fields[f].aliases {
			if i, ok := pos[a]; ok {
				l[f] = i
				break
			}
		}
	}
	for f := range fields {
		if l[f] >= 0 {
			continue
		}
		for i := len(part) - 1; i >= 0 && l[f] < 0; i-- { // innermost folder first
			if fieldByName(part[i][0]) == f {
				l[f] = len(header) + i
			}
		}
	}
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same error every run when several are wrong
	for _, k := range keys {
		col := overrides[k]
		f := fieldByName(k)
		if f < 0 {
			return l, fmt.Errorf("--column %s: unknown field", k)
		}
		i, ok := pos[strings.ToLower(strings.TrimSpace(col))]
		if !ok {
			return l, fmt.Errorf("%s: --column %s=%s: no column %q (found: %s)", file, k, col, col, found(header))
		}
		l[f] = i
	}
	if l[fTime] < 0 {
		return l, fmt.Errorf("%s: no timestamp column (looked for %s; found: %s); name it with --column timestamp=NAME",
			file, strings.Join(fields[fTime].aliases, ", "), found(header))
	}
	if l[fURL] < 0 && l[fReferrer] < 0 {
		return l, fmt.Errorf("%s: no url or referrer column (looked for %s, %s; found: %s); name one with --column url=NAME or --column referrer=NAME",
			file, strings.Join(fields[fURL].aliases, ", "), strings.Join(fields[fReferrer].aliases, ", "), found(header))
	}
	return l, nil
}

// found lists a header for an error message. The header may be any bytes
// (a binary file read as CSV), so the list and each name are cut short.
func found(header []string) string {
	if len(header) == 0 {
		return "no columns"
	}
	const maxListed = 20
	q := make([]string, 0, min(len(header), maxListed+1))
	for i, h := range header {
		if i == maxListed {
			q = append(q, fmt.Sprintf("and %d more", len(header)-maxListed))
			break
		}
		q = append(q, quoteTrunc([]byte(h), 40))
	}
	return strings.Join(q, ", ")
}

// Column returns the index in header of the column read as field (a name
// from FieldNames), by the same aliases a data file's header is read with;
// -1 when there is none.
func Column(header []string, field string) int {
	f := fieldByName(field)
	if f < 0 {
		return -1
	}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if _, dup := pos[k]; !dup {
			pos[k] = i
		}
	}
	for _, a := range fields[f].aliases {
		if i, ok := pos[a]; ok {
			return i
		}
	}
	return -1
}
