package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/script/*.txtar")

// TestScripts runs the whole command line over the scenarios in
// testdata/script. Each archive's comment holds one refreport command
// line (after # comments); its files are written into a fresh directory,
// which becomes the working directory, with the repository's sources.yaml
// unless the archive brings its own. The want/exit, want/stdout and
// want/stderr sections are compared with what the command did, after the
// directory's path is replaced by $WORK; want/files lists files that must
// exist afterwards and want/nofiles files that must not; want/file/PATH
// holds what the file at PATH must contain.
func TestScripts(t *testing.T) {
	repoSources, err := filepath.Abs("../../sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("testdata/script/*.txtar")
	for i, f := range files {
		files[i], _ = filepath.Abs(f) // each script runs in its own directory
	}
	if len(files) == 0 {
		t.Fatal("no scripts")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runScript(t, file, repoSources)
		})
	}
}

func runScript(t *testing.T, file, repoSources string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args, err = splitArgs(line)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		break
	}
	if len(args) == 0 || args[0] != "refreport" {
		t.Fatalf("%s: the comment must hold a refreport command line", file)
	}

	work := t.TempDir()
	want := map[string]string{}
	var stdin []byte
	hasSources := false
	for _, f := range ar.Files {
		switch {
		case strings.HasPrefix(f.Name, "want/"):
			want[strings.TrimPrefix(f.Name, "want/")] = string(f.Data)
			continue
		case f.Name == "stdin":
			stdin = f.Data
			continue
		case f.Name == "sources.yaml":
			hasSources = true
		}
		path := filepath.Join(work, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !hasSources {
		data, err := os.ReadFile(repoSources)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(work, "sources.yaml"), data, 0o644)
	}

	t.Chdir(work)
	var stdout, stderr bytes.Buffer
	err = Run(context.Background(), args[1:], bytes.NewReader(stdin), &stdout, &stderr)
	if err != nil && err.Error() != "" {
		// What main would print.
		stderr.WriteString("refreport: " + err.Error() + "\n")
	}
	got := map[string]string{
		"exit":   strconv.Itoa(ExitCode(err)) + "\n",
		"stdout": strings.ReplaceAll(stdout.String(), work, "$WORK"),
		"stderr": strings.ReplaceAll(stderr.String(), work, "$WORK"),
	}

	if *update {
		for i, f := range ar.Files {
			name := strings.TrimPrefix(f.Name, "want/")
			if g, ok := got[name]; ok && strings.HasPrefix(f.Name, "want/") {
				ar.Files[i].Data = []byte(g)
				delete(got, name)
			}
		}
		for _, name := range []string{"exit", "stdout", "stderr"} {
			if g, ok := got[name]; ok && (g != "" || name == "exit") {
				ar.Files = append(ar.Files, txtar.File{Name: "want/" + name, Data: []byte(g)})
			}
		}
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	for _, name := range []string{"exit", "stdout", "stderr"} {
		if got[name] != want[name] {
			t.Errorf("%s: %s differs:\n--- got\n%s--- want\n%s", file, name, got[name], want[name])
		}
	}
	for _, f := range strings.Fields(want["files"]) {
		if _, err := os.Stat(filepath.Join(work, f)); err != nil {
			t.Errorf("%s: want file %s: %v", file, f, err)
		}
	}
	for name, content := range want {
		path, ok := strings.CutPrefix(name, "file/")
		if !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(work, filepath.FromSlash(path)))
		if err != nil {
			t.Errorf("%s: %v", file, err)
		} else if string(data) != content {
			t.Errorf("%s: %s:\n--- got\n%s--- want\n%s", file, path, data, content)
		}
	}
	for _, f := range strings.Fields(want["nofiles"]) {
		if _, err := os.Stat(filepath.Join(work, f)); err == nil {
			t.Errorf("%s: file %s exists, want none", file, f)
		}
	}
}

// splitArgs splits a command line on spaces; single quotes group words.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	inQuote, started := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			inQuote = !inQuote
			started = true
		case r == ' ' && !inQuote:
			if started {
				args = append(args, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	if inQuote {
		return nil, strconv.ErrSyntax
	}
	if started {
		args = append(args, cur.String())
	}
	return args, nil
}
