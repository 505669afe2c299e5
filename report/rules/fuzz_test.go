package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webmasterid/refreport/report/ingest"
)

func FuzzNormalize(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.ref)
	}
	for _, s := range []string{"http://[::ffff:1.2.3.4]:0/", "ＥＸＡＭＰＬＥ。ｏｒｇ", "xn--zz", "a:1", "http://a@b@c/", "\x00", "http://\u200d.com/", "1.2.3.4.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		h, ok := NormalizeHost(raw)
		if h2, ok2 := NormalizeHost(raw); h2 != h || ok2 != ok {
			t.Fatalf("NormalizeHost(%q) not deterministic: %q %v, then %q %v", raw, h, ok, h2, ok2)
		}
		if !ok {
			if h != "" {
				t.Fatalf("NormalizeHost(%q) = %q with false", raw, h)
			}
			return
		}
		if again, ok2 := NormalizeHost(h); again != h || !ok2 {
			t.Fatalf("NormalizeHost(%q) = %q; NormalizeHost(%q) = %q, %v: not idempotent", raw, h, h, again, ok2)
		}
		if h == "" || len(h) > 253+2 || strings.ToLower(h) != h || !isASCII(h) {
			t.Fatalf("NormalizeHost(%q) = %q: not a lowercase ASCII host", raw, h)
		}
	})
}

func FuzzClassify(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.ref, tc.visit().URL, "", "", "")
	}
	f.Add("", defaultURL, "Newsletter", "CPC", "")
	f.Add("https://x.com/i/grok", "https://x.com/?utm_source=%FF%FE&gclid=%", " ", "%", "")
	for _, tc := range uaCases {
		f.Add(tc.ref, tc.url, "", "", tc.ua)
	}
	f.Add("", defaultURL, "", "", "FBAN")
	f.Add("", defaultURL, "", "", "xFBAN/FB_IAB\x00Instagram\xff")
	m := testMatcher(f)
	f.Fuzz(func(t *testing.T, ref, url, src, med, ua string) {
		v := &ingest.Visit{Referrer: ref, URL: url, UTMSource: src, UTMMedium: med, UserAgent: ua}
		cl := m.NewClassifier()
		r := cl.Classify(v)
		if again := cl.Classify(v); again != r {
			t.Fatalf("warm classifier differs: %+v then %+v", r, again)
		}
		if fresh := m.NewClassifier().Classify(v); fresh != r {
			t.Fatalf("fresh classifier differs: %+v then %+v", r, fresh)
		}
		if !IsMedium(r.Medium) {
			t.Fatalf("%+v: medium %q is not in the vocabulary", v, r.Medium)
		}
		if r.Source == "" || r.Rule == "" || r.Evidence >= NumEvidence {
			t.Fatalf("%+v: incomplete result %+v", v, r)
		}
		if _, inCatalog := m.cat.Source(r.Source); r.Known && !inCatalog {
			t.Fatalf("%+v: Known but %q is not a catalog source", v, r.Source)
		}
		if r.Host != "" {
			if h, ok := NormalizeHost(r.Host); !ok || h != r.Host {
				t.Fatalf("%+v: Host %q is not normalised", v, r.Host)
			}
		}
		if r.Evidence == EvidenceInApp && (r.Host != "" || !r.Known || !strings.HasPrefix(r.Rule, "in_app:")) {
			t.Fatalf("%+v: in-app result %+v", v, r)
		}
		if (r.Evidence == EvidenceDirect) != (r.Medium == MediumDirect) || (r.Evidence == EvidenceSpam) != (r.Medium == MediumSpam) {
			t.Fatalf("%+v: evidence %s with medium %s", v, r.Evidence, r.Medium)
		}
	})
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/validate/*.yaml")
	seeds = append(seeds, "testdata/catalog.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f.yaml", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("error %T %v is not an *Error with problems", err, err)
			}
			for _, p := range e.Problems {
				if p.File != "f.yaml" || p.Msg == "" {
					t.Fatalf("problem %+v does not name the file or say what is wrong", p)
				}
			}
			return
		}
		// Whatever Parse accepts must compile.
		if _, err := Compile(c, nil); err != nil {
			t.Fatalf("Parse accepted a catalog Compile rejects: %v", err)
		}
		_ = c.Summary(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).String()
	})
}
