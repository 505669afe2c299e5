package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/webmasterid/refreport/report/rules"
)

const validateAbout = `Validate loads a sources.yaml strictly (default ./sources.yaml) and reports
every problem as file:line:col: message. On success it prints a summary of
the catalog: sources per medium, hosts, editorial coverage, verification
and reviews overdue as of --as-of.

Exit status: 0 valid; 1 problems found; 2 bad flags.`

func runValidate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "validate")
	var asOf dateFlag
	fs.Var(&asOf, "as-of", "count reviews overdue as of this `date` (default today)")
	if err := parse(fs, validateAbout, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErr("validate: one FILE at most")
	}
	path := "sources.yaml"
	if fs.NArg() == 1 {
		path = fs.Arg(0)
	}
	cat, err := rules.Load(path)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	if _, err := rules.Compile(cat, nil); err != nil {
		return &exitError{ExitFailed, err}
	}
	day := asOf.t
	if !asOf.set {
		// The one place refreport reads the clock: validate is a check
		// run by people, and its output is never published.
		day = time.Now().UTC()
	}
	fmt.Fprint(e.stdout, cat.Summary(day).String())
	return nil
}
