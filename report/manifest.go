package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/webmasterid/refreport/report/ingest"
)

// Version is refreport's version, written into every manifest.
const Version = "0.1.0"

// InputHash is an input file's size and content hash.
type InputHash struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256,omitempty"`
}

// hashFile hashes a file of the site.
func hashFile(name string) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// Manifest describes a built site: what went in and every file that came
// out, so that a publisher can check an upload and a reader can tell two
// builds apart.
type Manifest struct {
	Refreport     string           `json:"refreport"`
	AsOf          string           `json:"as_of"`
	Built         string           `json:"built,omitempty"` // from SOURCE_DATE_EPOCH; never the clock
	Period        manifestPeriod   `json:"period"`
	SourcesSHA256 string           `json:"sources_yaml_sha256"`
	Inputs        []InputHash      `json:"inputs"`
	Rows          int64            `json:"rows_read"`
	Skipped       map[string]int64 `json:"rows_skipped"`
	Repaired      map[string]int64 `json:"rows_repaired"`
	Files         []ManifestFile   `json:"files"`
}

type manifestPeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// ManifestFile is one file of the site.
type ManifestFile struct {
	Path   string `json:"path"` // slash-separated, relative to the site root
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

func reasons(m map[ingest.Reason]int64) map[string]int64 {
	out := make(map[string]int64, len(m)) // encoding/json sorts map keys
	for r, n := range m {
		out[string(r)] = n
	}
	return out
}

// writeSitemap lists the site's pages. With a base URL the locations are
// absolute, as search engines want; without one they are relative to the
// sitemap, so the site still works from any prefix.
func writeSitemap(dir, baseURL string) error {
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".html") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(pages)
	type url struct {
		Loc string `xml:"loc"`
	}
	set := struct {
		XMLName xml.Name `xml:"urlset"`
		NS      string   `xml:"xmlns,attr"`
		URLs    []url    `xml:"url"`
	}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	base := strings.TrimSuffix(baseURL, "/")
	for _, p := range pages {
		loc := p
		if base != "" {
			loc = base + "/" + p
		}
		set.URLs = append(set.URLs, url{Loc: loc})
	}
	out, err := xml.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	out = append([]byte(xml.Header), append(out, '\n')...)
	return os.WriteFile(filepath.Join(dir, "sitemap.xml"), out, 0o644)
}

// writeManifest lists every file in dir (but itself and the marker) with
// its size and hash, and writes manifest.json.
func writeManifest(dir string, m *Manifest) error {
	m.Files = m.Files[:0]
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "manifest.json" || path.Base(rel) == markerName {
			return nil
		}
		sum, n, err := hashFile(p)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, ManifestFile{Path: rel, Bytes: n, SHA256: sum})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "manifest.json"), append(out, '\n'), 0o644)
}
