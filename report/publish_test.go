package report

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSite(content string) func(string) error {
	return func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "index.html"), []byte(content), 0o644)
	}
}

func readIndex(t *testing.T, out string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers lists what is in dir besides the site itself.
func leftovers(t *testing.T, dir, site string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != site {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestPublishNewAndReplace(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	for _, content := range []string{"first", "second"} {
		p, err := newPublisher(out, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.publish(writeSite(content)); err != nil {
			t.Fatal(err)
		}
		if got := readIndex(t, out); got != content {
			t.Errorf("index.html = %q, want %q", got, content)
		}
		if _, err := os.Stat(filepath.Join(out, markerName)); err != nil {
			t.Errorf("no marker: %v", err)
		}
		if l := leftovers(t, parent, "public"); len(l) > 0 {
			t.Errorf("left beside the site: %v", l)
		}
		st, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o755 {
			t.Errorf("site directory mode %v, want 0755 so static hosts can read it", perm)
		}
	}
}

func TestPublishFailureKeepsOldSite(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	p, _ := newPublisher(out, false)
	if err := p.publish(writeSite("good")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	p, _ = newPublisher(out, false)
	err := p.publish(func(dir string) error {
		if err := writeSite("half")(dir); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("publish error = %v, want %v", err, boom)
	}
	if got := readIndex(t, out); got != "good" {
		t.Errorf("after a failed build index.html = %q, want the old site", got)
	}
	if l := leftovers(t, parent, "public"); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

func TestPublishRefuses(t *testing.T) {
	foreign := t.TempDir()
	if err := os.WriteFile(filepath.Join(foreign, "thesis.tex"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	home, _ := os.UserHomeDir()
	for _, tc := range []struct{ out, want string }{
		{"/", "root directory"},
		{home, "home directory"},
		{foreign, "not written by refreport"},
		{file, "not a directory"},
		{"", "empty path"},
	} {
		_, err := newPublisher(tc.out, false)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("newPublisher(%q) = %v, want an error saying %q", tc.out, err, tc.want)
		}
	}
	// --force replaces a foreign directory, but never / or home.
	if _, err := newPublisher(foreign, true); err != nil {
		t.Errorf("with force: %v", err)
	}
	if _, err := newPublisher("/", true); err == nil {
		t.Error("force allowed /")
	}
	// An empty directory is fine: the user made it for the site.
	if _, err := newPublisher(t.TempDir(), false); err != nil {
		t.Errorf("empty directory refused: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "thesis.tex")); string(b) != "mine" {
		t.Error("a refused directory was changed")
	}
}
