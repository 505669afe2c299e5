// Package render writes the report site: it fills the embedded templates
// with finished page models. It reads no data and decides nothing; every
// figure it prints was computed before.
package render

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/webmasterid/refreport/templates"
)

// page wraps a page's model with what the layout needs.
type page struct {
	Site      SiteInfo
	PageTitle string
	Root      string // relative path from the page to the site root: "" or "../"
	Page      any
}

// Renderer holds the parsed templates. Parse once, at start, so that a
// broken template fails before any data is read.
type Renderer struct {
	t *template.Template
}

// New parses the embedded templates.
func New() (*Renderer, error) {
	t, err := template.New("").Funcs(funcs).ParseFS(templates.FS, "*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return &Renderer{t: t}, nil
}

var funcs = template.FuncMap{
	"num": formatInt,
	"pct": formatPct,
}

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
	return strconv.FormatFloat(f*100, 'f', 1, 64) + "%"
}

// Index writes index.html's content to w.
func (r *Renderer) Index(w io.Writer, s *Site) error {
	return r.t.ExecuteTemplate(w, "index.html", page{Site: s.Info, PageTitle: "Overview", Page: &s.Index})
}

// WriteSite writes every page and asset into dir, which must exist.
func (r *Renderer) WriteSite(dir string, s *Site) error {
	var buf bytes.Buffer
	if err := r.Index(&buf, s); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "index.html"), buf.Bytes()); err != nil {
		return err
	}
	return copyAssets(dir)
}

func copyAssets(dir string) error {
	return fs.WalkDir(templates.FS, "assets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := templates.FS.ReadFile(path)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, filepath.FromSlash(path)), data)
	})
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
