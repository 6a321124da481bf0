// Command cdnsim simulates a CloudFront-style CDN on virtual time and
// compares cache eviction policies. Run `cdnsim help` for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes of the CLI contract.
const (
	exitOK      = 0
	exitFailure = 1 // the run itself failed (I/O, an internal error)
	exitUsage   = 2 // bad usage or bad input: the message names file, line and key
)

// command is one subcommand. run gets the arguments after the command name
// and returns the exit code; it writes results to stdout and messages to stderr.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

// commands is ordered as `cdnsim help` lists them; filled in by init
// functions of the files that implement each one.
var commands []command

func register(c command) { commands = append(commands, c) }

func main() { os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr)) }

func runMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			for _, c := range commands {
				if c.name == args[1] {
					return c.run([]string{"--help"}, stdout, stderr)
				}
			}
		}
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "cdnsim: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "cdnsim simulates a CloudFront-style CDN (edge POPs, regional edge caches, origins) on virtual time.")
	fmt.Fprintln(w, "\nUsage: cdnsim COMMAND [arguments]\n\nCommands:")
	// The main job first, then the policy tools; init order is file order.
	rank := map[string]int{"run": 0, "validate": 1, "merge": 1, "compare": 2, "sweep": 3, "replay": 4, "gen": 5}
	sorted := append([]command(nil), commands...)
	sort.SliceStable(sorted, func(i, j int) bool { return rank[sorted[i].name] < rank[sorted[j].name] })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `cdnsim COMMAND --help` for a command's flags.")
}
