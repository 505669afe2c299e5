package report

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// markerName is the file refreport leaves in every site it writes. Its
// presence is what lets a later build replace the directory: refreport
// never deletes a directory it did not make.
const markerName = ".refreport"

const markerText = "This directory is written by refreport; the next build replaces it whole.\n"

// publisher writes a site into a new directory beside the output and swaps
// it in only when it is complete, so that a failed build leaves the
// previous site as it was.
type publisher struct {
	out    string // absolute
	parent string
	force  bool
}

func newPublisher(out string, force bool) (*publisher, error) {
	if out == "" {
		return nil, errors.New("--out: empty path")
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %v", out, err)
	}
	if filepath.Dir(abs) == abs {
		return nil, fmt.Errorf("--out %s: refusing to write the site over the root directory", out)
	}
	if home, err := os.UserHomeDir(); err == nil && filepath.Clean(home) == abs {
		return nil, fmt.Errorf("--out %s: refusing to write the site over the home directory", out)
	}
	p := &publisher{out: abs, parent: filepath.Dir(abs), force: force}
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return p, nil
	case err != nil:
		return nil, fmt.Errorf("--out %s: %v", out, err)
	case !st.IsDir():
		return nil, fmt.Errorf("--out %s: not a directory", out)
	}
	if force {
		return p, nil
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %v", out, err)
	}
	if len(entries) == 0 {
		return p, nil
	}
	if _, err := os.Stat(filepath.Join(abs, markerName)); err != nil {
		return nil, fmt.Errorf("--out %s: directory is not empty and was not written by refreport (no %s file); choose another, or use --force to replace it", out, markerName)
	}
	return p, nil
}

// publish calls write with a new, empty directory beside the output, then
// swaps it in. On any error the new directory is removed and the output
// is left untouched.
func (p *publisher) publish(write func(dir string) error) (err error) {
	if err := os.MkdirAll(p.parent, 0o755); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	base := filepath.Base(p.out)
	tmp, err := os.MkdirTemp(p.parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, markerName), []byte(markerText), 0o644); err != nil {
		return err
	}
	if err := write(tmp); err != nil {
		return err
	}
	if _, err := os.Stat(p.out); errors.Is(err, os.ErrNotExist) {
		return os.Rename(tmp, p.out)
	}
	// Move the old site aside, the new one in, then delete the old one.
	// The old name is unique in p.parent, which is ours to write.
	old, err := os.MkdirTemp(p.parent, "."+base+".old-")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil {
		return err
	}
	if err := os.Rename(p.out, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, p.out); err != nil {
		if rerr := os.Rename(old, p.out); rerr != nil {
			return fmt.Errorf("%v; and the previous site could not be put back from %s: %v", err, old, rerr)
		}
		return err
	}
	return os.RemoveAll(old)
}

// publishArchive keeps each run under <out>/<as-of>/, copies it to
// <out>/latest/ for hosts that do not follow links when it is the newest
// run, and rewrites the archive's index page. Each directory is swapped in whole, as publish
// does; a failed run leaves every earlier run as it was.
func (p *publisher) publishArchive(asOf string, write func(dir string) error) error {
	if err := os.MkdirAll(p.out, 0o755); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	if err := os.WriteFile(filepath.Join(p.out, markerName), []byte(markerText), 0o644); err != nil {
		return err
	}
	run := &publisher{out: filepath.Join(p.out, asOf), parent: p.out}
	if err := run.publish(write); err != nil {
		return err
	}
	runs, err := archiveRuns(p.out)
	if err != nil {
		return err
	}
	if len(runs) == 0 || asOf >= runs[0] { // a run made again for an earlier date leaves latest/ as it is
		latest := &publisher{out: filepath.Join(p.out, "latest"), parent: p.out}
		if err := latest.publish(func(dir string) error { return copyTree(run.out, dir) }); err != nil {
			return err
		}
	}
	return writeArchiveIndex(p.out, runs)
}

// archiveRuns returns the runs in out, newest first.
func archiveRuns(out string) ([]string, error) {
	entries, err := os.ReadDir(out)
	if err != nil {
		return nil, err
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() && runName.MatchString(e.Name()) {
			runs = append(runs, e.Name())
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(runs)))
	return runs, nil
}

// copyTree copies the regular files under src into dst, which exists.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if d.Name() == markerName {
			return nil // publish wrote dst's own
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}

var runName = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

var archiveTemplate = template.Must(template.New("archive").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Referrer reports</title>
<link rel="stylesheet" href="latest/assets/style.css">
</head>
<body>
<main id="main">
<h1>Referrer reports</h1>
<p><a href="latest/index.html">The latest report</a>{{with .Latest}}, as of {{.}}{{end}}.</p>
<h2>Every report</h2>
<ul>
{{range .Runs}}<li><a href="{{.}}/index.html">As of {{.}}</a></li>
{{end}}</ul>
</main>
</body>
</html>
`))

// writeArchiveIndex lists the runs in out, newest first.
func writeArchiveIndex(out string, runs []string) error {
	data := struct {
		Latest string
		Runs   []string
	}{Runs: runs}
	if len(runs) > 0 {
		data.Latest = runs[0]
	}
	var b bytes.Buffer
	if err := archiveTemplate.Execute(&b, data); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(out, "index.html"), b.Bytes())
}
