package ingest

import (
	"errors"
	"strconv"
	"time"
)

var errTimestamp = errors.New("unparseable timestamp")

// ParseTime reads a timestamp in any of the forms exports use and returns
// Unix seconds. A value without a zone is read in loc.
//
//	2026-11-24T10:15:00Z            RFC 3339, with or without fraction and zone
//	2026-11-24T10:15:00.123+02:00
//	2026-11-24 10:15:00             with a space, as SQL engines write it
//	2026-11-24                      a bare date: its midnight
//	1764000000                      Unix seconds
//	1764000000123                   Unix milliseconds (microseconds, nanoseconds by magnitude)
func ParseTime(s string, loc *time.Location) (int64, error) {
	s = trimSpace(s)
	if s == "" {
		return 0, errTimestamp
	}
	if len(s) >= 10 && s[4] == '-' {
		// A date: no number of Unix seconds has a '-' there.
		return parseDate(s, loc)
	}
	if isDigits(s) || (len(s) > 1 && s[0] == '-' && isDigits(s[1:])) {
		return parseUnix(s)
	}
	if i := indexByte(s, '.'); i > 0 && isDigits(s[:i]) && isDigits(s[i+1:]) {
		// Unix seconds with a fraction.
		return parseUnix(s[:i])
	}
	return parseDate(s, loc)
}

func parseUnix(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errTimestamp
	}
	abs := n
	if abs < 0 {
		abs = -abs
	}
	switch {
	case abs < 1e11: // seconds until the year 5138
		return n, nil
	case abs < 1e14:
		return floorDiv(n, 1e3), nil
	case abs < 1e17:
		return floorDiv(n, 1e6), nil
	default:
		return floorDiv(n, 1e9), nil
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && (a < 0) {
		q--
	}
	return q
}

// parseDate reads YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.frac]] and a
// zone (Z, UTC, ±HH, ±HHMM, ±HH:MM).
func parseDate(s string, loc *time.Location) (int64, error) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, errTimestamp
	}
	year, ok1 := atoi(s[0:4])
	month, ok2 := atoi(s[5:7])
	day, ok3 := atoi(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, errTimestamp
	}
	rest := s[10:]
	var hour, min, sec int
	if rest != "" {
		if rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ' {
			return 0, errTimestamp
		}
		rest = rest[1:]
		if len(rest) < 5 || rest[2] != ':' {
			return 0, errTimestamp
		}
		var ok1, ok2 bool
		hour, ok1 = atoi(rest[0:2])
		min, ok2 = atoi(rest[3:5])
		if !ok1 || !ok2 || hour > 23 || min > 59 {
			return 0, errTimestamp
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' {
			var ok bool
			sec, ok = atoi(rest[1:3])
			if !ok || sec > 60 { // 60: a leap second, folded into the next minute
				return 0, errTimestamp
			}
			rest = rest[3:]
			if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
				j := 1
				for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
					j++
				}
				if j == 1 {
					return 0, errTimestamp
				}
				rest = rest[j:]
			}
		}
	}
	rest = trimSpace(rest)
	if rest == "" {
		if loc == nil || loc == time.UTC {
			return civil(year, month, day, hour, min, sec), nil
		}
		return time.Date(year, time.Month(month), day, hour, min, sec, 0, loc).Unix(), nil
	}
	off, ok := zoneOffset(rest)
	if !ok {
		return 0, errTimestamp
	}
	return civil(year, month, day, hour, min, sec) - int64(off), nil
}

// zoneOffset reads Z, UTC, GMT, ±HH, ±HHMM or ±HH:MM as seconds east of UTC.
func zoneOffset(z string) (int, bool) {
	switch z {
	case "Z", "z", "UTC", "GMT", "+00", "-00":
		return 0, true
	}
	if len(z) < 3 || (z[0] != '+' && z[0] != '-') {
		return 0, false
	}
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	h, ok := atoi(z[1:3])
	if !ok || h > 23 {
		return 0, false
	}
	m := 0
	switch r := z[3:]; {
	case r == "":
	case len(r) == 2:
		m, ok = atoi(r)
	case len(r) == 3 && r[0] == ':':
		m, ok = atoi(r[1:])
	default:
		ok = false
	}
	if !ok || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

// civil converts a UTC calendar time to Unix seconds without time.Date,
// which is slow on the hot path. (Howard Hinnant's days_from_civil.)
func civil(y, m, d, hh, mm, ss int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	days := int64(era)*146097 + int64(doe) - 719468
	return days*86400 + int64(hh*3600+mm*60+ss)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
