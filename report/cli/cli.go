// Package cli is refreport's command line: it parses and checks flags and
// hands each command to the package that does the work.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1 // the build failed: bad rows over the limit, an I/O error
	ExitUsage  = 2 // bad flags or configuration
)

// exitError carries an exit code with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, args...)}
}

func configErr(err error) error { return &exitError{ExitUsage, err} }

// errHelp ends a command that printed its help: exit 0, nothing more to say.
var errHelp = &exitError{ExitOK, nil}

// ExitCode returns the process exit code for an error returned by Run.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitFailed
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, env *env, args []string) error
}

var commands []command

func init() {
	// Set here, not in the literal, because help refers to commands.
	commands = []command{
		{"build", "[flags] [INPUT...]", "read visit data and write the report site", runBuild},
		{"aggregate", "[flags] [INPUT...]", "read visit data into rollups, for render or a later build", runAggregate},
		{"render", "--rollups DIR... [flags]", "write the report site from rollups", runRender},
		{"classify", "[flags] < visits.csv > classified.csv", "classify visits read as CSV on stdin", runClassify},
		{"validate", "[FILE]", "check a sources.yaml and summarise its catalog", runValidate},
		{"gen", "[flags]", "write realistic synthetic visit data", runGen},
		{"sql", "--dialect D [flags]", "print the SQL query that classifies and rolls up a table", runSQL},
		{"help", "[COMMAND]", "explain a command", runHelp},
	}
}

// env is what a command may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Run runs refreport with args (without the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin, stdout, stderr}
	if len(args) == 0 {
		usage(stderr)
		return &exitError{ExitUsage, nil}
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == name {
			err := c.run(ctx, e, args[1:])
			if err == errHelp {
				return nil
			}
			return err
		}
	}
	return usageErr("unknown command %q; run 'refreport help'", name)
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "refreport turns exported visit data into a static report on where traffic comes from.\n\nUsage:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  refreport %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'refreport help COMMAND' or 'refreport COMMAND -h' for a command's flags.\n")
}

func runHelp(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		usage(e.stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] && c.name != "help" {
			return c.run(ctx, &env{e.stdin, e.stdout, e.stdout}, []string{"-h"})
		}
	}
	return usageErr("help: unknown command %q", args[0])
}

// newFlags returns the flag set of a command.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	// The flag package calls Usage after every bad flag too; a one-line
	// hint is kinder there than the whole manual. parse prints the manual
	// for -h.
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "run 'refreport %s -h' for its flags\n", name)
	}
	return fs
}

// printUsage writes a command's manual: what it does, then its flags.
func printUsage(fs *flag.FlagSet, about string) {
	w := fs.Output()
	for _, c := range commands {
		if c.name == fs.Name() {
			fmt.Fprintf(w, "usage: refreport %s %s\n\n", c.name, c.args)
		}
	}
	fmt.Fprintf(w, "%s\n", strings.TrimSpace(about))
	hasFlags := false
	fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	if hasFlags {
		fmt.Fprintf(w, "\nFlags:\n")
		fs.PrintDefaults()
	}
}

// parse parses args, mapping -h to errHelp and any other problem to a usage
// error (the flag package has already printed it with the usage text).
func parse(fs *flag.FlagSet, about string, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			printUsage(fs, about)
			return errHelp
		}
		return &exitError{ExitUsage, nil}
	}
	return nil
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// mapFlag is a repeatable key=value flag.
type mapFlag map[string]string

func (m mapFlag) String() string { return "" }
func (m mapFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("want field=column, got %q", s)
	}
	k = strings.ToLower(strings.TrimSpace(k))
	if _, dup := m[k]; dup {
		return fmt.Errorf("%s given twice", k)
	}
	m[k] = v
	return nil
}

// shareFlag is a share of rows, written as a percentage ("1%") or a
// fraction ("0.01").
type shareFlag float64

func (s *shareFlag) String() string {
	return strconv.FormatFloat(float64(*s)*100, 'g', -1, 64) + "%"
}

func (s *shareFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	pct := strings.HasSuffix(v, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil {
		return fmt.Errorf("want a share such as 1%% or 0.01, got %q", v)
	}
	if pct {
		f /= 100
	}
	if f < 0 || f > 1 || f != f {
		return fmt.Errorf("want a share from 0%% to 100%%, got %q", v)
	}
	*s = shareFlag(f)
	return nil
}

// dateFlag is a calendar date, YYYY-MM-DD.
type dateFlag struct {
	t   time.Time
	set bool
}

func (d *dateFlag) String() string {
	if !d.set {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d *dateFlag) Set(v string) error {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("want a date such as 2026-11-24, got %q", v)
	}
	d.t, d.set = t, true
	return nil
}
