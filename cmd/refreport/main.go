// Command refreport builds a static report site on where a website's
// traffic comes from, from exported visit data and the rules in
// sources.yaml. Run "refreport help" for its commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/webmasterid/refreport/report/cli"
)

func main() {
	if !userTunedGC() {
		tuneMemory()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(os.Stderr, "refreport: %s\n", msg)
		}
		os.Exit(cli.ExitCode(err))
	}
}
