package sqlgen

import (
	"sort"

	"golang.org/x/net/publicsuffix"
)

// secondLevels are the labels tried under each country-code domain when
// the query's suffix lists are built: the usual second levels of
// registries that have them (co.uk, com.br, ne.jp, gob.mx, ...). A label
// stays only where the public suffix list has it.
var secondLevels = []string{
	"ac", "ad", "adm", "adv", "agr", "arq", "art", "asso", "biz", "blog", "club", "co", "com",
	"ebiz", "ed", "edu", "eng", "fin", "firm", "fm", "gen", "gob", "go", "gouv", "gov", "govt",
	"gr", "gv", "hs", "id", "it", "og", "pb", "idv", "in", "ind", "inf", "info", "int", "kg", "law", "lg", "ltd", "me", "med",
	"mil", "mobi", "name", "nat", "ne", "net", "nhs", "nic", "nom", "or", "org", "per", "plc",
	"police", "presse", "priv", "pro", "res", "sch", "sci", "store", "tm", "tv", "web",
}

// suffixes returns, from golang.org/x/net/publicsuffix, the two-letter
// ICANN top-level domains, those under which every second-level name is a
// suffix (*.np), and the second-level ICANN suffixes of the others, each
// sorted.
func suffixes() (cc1, wild, cc2 []string) {
	var all []string
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			cc := string([]rune{a, b})
			s, icann := publicsuffix.PublicSuffix(probe + cc)
			switch {
			case s == cc && icann:
				cc1 = append(cc1, cc)
				all = append(all, cc)
			case s == probe+cc && icann:
				wild = append(wild, cc)
			}
		}
	}
	for _, cc := range all {
		for _, l := range secondLevels {
			want := l + "." + cc
			if s, icann := publicsuffix.PublicSuffix(probe + want); s == want && icann {
				cc2 = append(cc2, want)
			}
		}
	}
	sort.Strings(cc2)
	return cc1, wild, cc2
}

// probe is a label no registry uses ("x.se" is itself a public suffix).
const probe = "refreport-probe-7f3a."
