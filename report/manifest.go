package report

import (
	"encoding/json"
	"runtime/debug"
	"time"
)

// ManifestFile is the run manifest every output directory gets.
const ManifestFile = "run.json"

// Run statuses in a manifest.
const (
	StatusComplete = "complete" // the run went to its end and every file was written
	StatusPartial  = "partial"  // interrupted: the files cover the run up to SimulatedUntilS
)

// Manifest is run.json: what made the files beside it, so that two runs
// can be told apart and a run reproduced. A run that fails writes no
// directory at all, so a manifest is complete or partial.
type Manifest struct {
	Cdnsim  Build  `json:"cdnsim"`
	Command string `json:"command"` // "run", "compare", "sweep exec"
	// Scenario is the scenario's name, where it was read from (a path or
	// builtin:NAME) and the SHA-256 of its text before overrides.
	Scenario ScenarioRef `json:"scenario"`
	Seed     uint64      `json:"seed"`
	// Seeds are compare's seeds when it ran each point with several.
	Seeds []uint64 `json:"seeds,omitempty"`
	// Overrides are the --set values in the order given, then the ones the
	// command adds (compare's policy and size), as key=value.
	Overrides []string  `json:"overrides"`
	Started   time.Time `json:"started"`
	Ended     time.Time `json:"ended"`
	Status    string    `json:"status"`
	// SimulatedUntilS is how far into the measured period the run
	// simulated, in seconds: its duration when complete.
	SimulatedUntilS float64 `json:"simulated_until_s"`
	// Signal names the signal that interrupted a partial run.
	Signal string `json:"signal,omitempty"`
	// Files lists the files written beside run.json.
	Files []string `json:"files"`
}

// ScenarioRef identifies a scenario's text.
type ScenarioRef struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	SHA256 string `json:"sha256"`
}

// Build is the cdnsim binary that made a run: its module version ("(devel)"
// when built from a checkout), the VCS revision and time it was built
// from, whether the tree had uncommitted changes, and the Go version.
type Build struct {
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"vcs_time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
}

// BuildInfo reads the running binary's Build from its embedded build
// information.
func BuildInfo() Build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return Build{Version: "unknown"}
	}
	b := Build{Version: bi.Main.Version, Go: bi.GoVersion}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// JSON is run.json's text: indented, with a trailing newline.
func (m Manifest) JSON() []byte {
	if m.Overrides == nil {
		m.Overrides = []string{}
	}
	if m.Files == nil {
		m.Files = []string{}
	}
	b, _ := json.MarshalIndent(m, "", "  ") // plain fields: cannot fail
	return append(b, '\n')
}
