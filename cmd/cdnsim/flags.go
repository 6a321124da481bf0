package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/workload"
)

// newFlagSet returns a FlagSet that reports errors instead of exiting, with
// a usage text made of the synopsis and the flag defaults.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses flags wherever they stand among the positional
// arguments, as people type them (`cdnsim run news-spike -o out/x --quiet`);
// the standard flag package stops at the first positional argument. A lone
// "--" ends flag parsing. It returns the positional arguments, or
// flag.ErrHelp for -h/--help, or a usage error.
//
// A bad flag is one line on stderr, not the whole usage: the flag package
// prints the usage after its message, which buries the message.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	out, usage := fs.Output(), fs.Usage
	parse := func(args []string) error {
		var msg bytes.Buffer
		fs.SetOutput(&msg)
		fs.Usage = func() {}
		err := fs.Parse(args)
		fs.SetOutput(out)
		fs.Usage = usage
		switch {
		case errors.Is(err, flag.ErrHelp):
			usage()
		case err != nil:
			fmt.Fprintf(out, "cdnsim %s: %v (cdnsim %s --help lists the flags)\n", fs.Name(), err, fs.Name())
		}
		return err
	}
	var pos []string
	for {
		if err := parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		// fs stopped at a positional argument: keep it, parse what follows.
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// exitForParse maps a parse error to an exit code: --help is success.
func exitForParse(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

// listFlag splits a comma-separated flag value, dropping empty items.
func listFlag(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// multiFlag collects a repeatable flag such as --set key=value.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// flagSet reports whether the flag called name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

// joinNames lists names for a help text.
func joinNames(names []string) string { return strings.Join(names, ", ") }

// traceFormat is the format a --format flag names or, when it is empty,
// the one path's name implies.
func traceFormat(flag, path string) (workload.TraceFormat, error) {
	if flag == "" {
		f, err := workload.TraceFormatFromName(path)
		if err != nil {
			return 0, fmt.Errorf("%v; pass --format", err)
		}
		return f, nil
	}
	f, err := workload.ParseTraceFormat(flag)
	if err != nil {
		return 0, fmt.Errorf("--format: %v", err)
	}
	return f, nil
}

// seedFlag is a --seed: a whole number from 0 to 2^64−1, said so when it
// is not one.
type seedFlag uint64

func (s *seedFlag) String() string { return strconv.FormatUint(uint64(*s), 10) }
func (s *seedFlag) Set(v string) error {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return fmt.Errorf("a seed is a whole number from 0 to %d", uint64(math.MaxUint64))
	}
	*s = seedFlag(n)
	return nil
}
