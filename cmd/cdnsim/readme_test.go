package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeCommand matches a command of the README's code blocks as a reader
// types it after the README's build step: "./cdnsim ...", perhaps after
// a "$ " prompt.
var readmeCommand = regexp.MustCompile(`(?m)^(?:\$ )?\./cdnsim (.+)$`)

// TestREADMECommandsRun runs every ./cdnsim command of the README, in
// order (a replay reads the trace a gen wrote), as written but for three
// things: output paths (and the default out/) go into a temporary
// directory, paths of the
// repository are found from here, and a scenario's traffic is ten minutes
// without a warm-up (a sweep is planned, not run), to keep the test
// short. Each must exit 0.
func TestREADMECommandsRun(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommand.FindAllStringSubmatch(string(readme), -1)
	if len(cmds) < 4 {
		t.Fatalf("%d ./cdnsim commands in the README, want the gen, replay, compare and sweep examples", len(cmds))
	}
	tmp := t.TempDir()
	for _, m := range cmds {
		args := strings.Fields(m[1])
		for i, a := range args {
			switch {
			case strings.HasPrefix(a, "/tmp/"):
				args[i] = filepath.Join(tmp, strings.TrimPrefix(a, "/tmp/"))
			case i > 0 && args[i-1] == "-o":
				args[i] = filepath.Join(tmp, a)
			case strings.Contains(a, "/"):
				if _, err := os.Stat(filepath.Join("..", "..", a)); err == nil {
					args[i] = filepath.Join("..", "..", a)
				}
			}
		}
		switch args[0] {
		case "run", "compare", "gen", "validate":
			args = append(args, "--set", "workload.duration=10m", "--set", "warmup=0s")
		case "sweep":
			args = append([]string{"sweep", "plan"}, args[1:]...)
		}
		if args[0] == "run" || args[0] == "compare" {
			args = append(args, "--quiet")
			if !slices.Contains(args, "-o") { // not into the default out/ here
				args = append(args, "-o", filepath.Join(tmp, "default-out", args[0]))
			}
		}
		if code, _, stderr := cli(t, args...); code != exitOK {
			t.Errorf("./cdnsim %s\n(run as %v): exit %d: %s", m[1], args, code, stderr)
		}
	}
}
