package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
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
