package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// formatInt writes n with thousands separators: 1234567 → 1,234,567.
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// formatPct writes a share as a percentage with one decimal.
func formatPct(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	s := strconv.FormatFloat(f*100, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s + "%"
}

// minus is U+2212, the typographic minus sign, so that "−12.5%" lines up
// with "+25.0%".
const minus = "\u2212"

// changeRatio returns a change's ratio and how to read it: "new" when
// there is nothing to compare with, "none" for 0 → 0, else "ratio". It
// never returns an infinity or NaN.
func changeRatio(c Change) (float64, string) {
	switch {
	case c.Previous <= 0 && c.Current <= 0:
		return 0, "none"
	case c.New || c.Previous <= 0:
		return 0, "new"
	}
	r := c.Ratio
	if math.IsNaN(r) || math.IsInf(r, 0) {
		r = float64(c.Current)/float64(c.Previous) - 1
	}
	return r, "ratio"
}

// formatChange writes a change as "+25.0%", "−12.5%", "0.0%", "new" or
// "—" (0 → 0).
func formatChange(c Change) string {
	r, kind := changeRatio(c)
	switch kind {
	case "none":
		return "—"
	case "new":
		return "new"
	}
	s := strconv.FormatFloat(math.Abs(r)*100, 'f', 1, 64)
	switch {
	case s == "0.0":
		return "0.0%"
	case r > 0:
		return "+" + s + "%"
	default:
		return minus + s + "%"
	}
}

// changeClass is the CSS class of a change: "up", "down", "flat", "new".
func changeClass(c Change) string {
	r, kind := changeRatio(c)
	switch {
	case kind == "none":
		return "flat"
	case kind == "new":
		return "new"
	case formatChange(c) == "0.0%":
		return "flat"
	case r > 0:
		return "up"
	}
	return "down"
}

// asChange accepts a Change or a *Change (nil is 0 → 0) for the templates.
func asChange(v any) (Change, error) {
	switch c := v.(type) {
	case Change:
		return c, nil
	case *Change:
		if c == nil {
			return Change{}, nil
		}
		return *c, nil
	}
	return Change{}, fmt.Errorf("change: %T is not a Change", v)
}

// maxShown bounds how many characters of one data string a page shows; the
// data files keep the whole value.
const maxShown = 300

// cleanText prepares a string for display. html/template already
// escapes markup; this makes visible what escaping cannot: control
// characters become their names (TAB → ⟨TAB⟩, NUL → ⟨NUL⟩) and invisible
// format characters such as the bidi override U+202E become "⟨U+202E⟩",
// so that a string can neither hide nor reorder the text around it.
func cleanText(s string) string { return show(s, false, -1) }

// valueText is cleanText for values from visit data (hosts, referrers,
// landing pages, tags): it also cuts them at maxShown characters.
func valueText(s string) string { return show(s, false, maxShown) }

// visibleText is valueText that also shows spaces, as ␣ (U+2423, the
// "open box" of visible whitespace, which common fonts have), and wraps
// the value in quotes: " aliexpress " and "aliexpress" are different
// spellings.
func visibleText(s string) string { return `"` + show(s, true, maxShown) + `"` }

// controlNames are the control characters common enough to name.
var controlNames = map[rune]string{0: "NUL", '\t': "TAB", '\n': "LF", '\r': "CR", 0x1b: "ESC", 0x7f: "DEL"}

// show writes s with its invisible characters marked, and spaces too when
// spaces is set; limit >= 0 cuts it at that many characters.
func show(s string, spaces bool, limit int) string {
	plain := true
	for _, r := range s {
		if needsMark(r, spaces) {
			plain = false
			break
		}
	}
	if plain && (limit < 0 || utf8.RuneCountInString(s) <= limit) {
		return s
	}
	var b strings.Builder
	n := 0
	for i, r := range s {
		if n == limit {
			fmt.Fprintf(&b, "… (%s more characters)", formatInt(int64(utf8.RuneCountInString(s[i:]))))
			break
		}
		n++
		switch {
		case r == ' ' && spaces:
			b.WriteRune('␣')
		case controlNames[r] != "":
			b.WriteString("⟨" + controlNames[r] + "⟩")
		case needsMark(r, spaces):
			fmt.Fprintf(&b, "⟨U+%04X⟩", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// needsMark reports whether r would be invisible or would change how the
// text around it is displayed.
func needsMark(r rune, spaces bool) bool {
	switch {
	case r == ' ':
		return spaces
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == utf8.RuneError:
		return true
	case unicode.Is(unicode.Cf, r): // bidi controls, zero-width characters, BOM
		return true
	case unicode.IsSpace(r), unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return true // no-break and other spaces, U+2028, U+2029
	case unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r), !unicode.IsPrint(r) && !unicode.IsGraphic(r):
		return true
	}
	return false
}

// FormatInt and FormatChange format figures as the pages do, for other
// outputs of the same report (the e-mail digest).
func FormatInt(n int64) string { return formatInt(n) }

// FormatChange: see FormatInt.
func FormatChange(c Change) string { return formatChange(c) }
