package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// badInput is one bad input to the CLI. The scenario is news-spike's file
// with from replaced by to (from "" keeps it; file, when set, is the
// whole text instead). The first line of stderr must start with want,
// where {file} is the scenario's path, {line} the line where to begins in
// it and {out} the output directory; and nothing may be written.
type badInput struct {
	name     string
	from, to string
	file     *string
	args     []string // after the command and the scenario; {out} is replaced
	code     int
	want     string
}

func text(s string) *string { return &s }

// badInputs are the scenario mistakes a user makes, each answered with
// exit 2 and the file, line and key.
var badInputs = []badInput{
	{name: "unknown top-level key", from: `seed = 1 `, to: `sed = 1 `, code: 2, want: "cdnsim: {file}:{line}: sed: unknown key (misspelt, or in the wrong table?)"},
	{name: "unknown key in a table", from: `admission = "always"   # or`, to: `admision = "always"   # or`, code: 2, want: "cdnsim: {file}:{line}: pops.admision: unknown key"},
	{name: "unknown key in an inline table", from: `{ name = "IAD", city`, to: `{ name = "IAD", cty`, code: 2, want: "cdnsim: {file}:{line}: pops.sites.cty: unknown key"},
	{name: "unknown table", from: `[logging]`, to: `[loging]`, code: 2, want: "cdnsim: {file}:{line}: loging: unknown key"},
	{name: "a size of the wrong type", from: `capacity = "1GB" `, to: `capacity = true `, code: 2, want: `cdnsim: {file}:{line}: pops.capacity: a size is a number of bytes or a string like "2GB", not a boolean`},
	{name: "a count of the wrong type", from: `objects = 200000`, to: `objects = "many"`, code: 2, want: `cdnsim: {file}:{line}: workload.classes[0].objects: must be a whole number >= 0, not a string ("many")`},
	{name: "a negative count", from: `objects = 200000`, to: `objects = -3`, code: 2, want: `cdnsim: {file}:{line}: workload.classes[0].objects: must be a whole number >= 0, not an integer (-3)`},
	{name: "a fraction for a count", from: `objects = 200000`, to: `objects = 2.5`, code: 2, want: `cdnsim: {file}:{line}: workload.classes[0].objects: must be a whole number >= 0, not a float (2.5)`},
	{name: "a string of the wrong type", from: `policy = "lru"         # eviction`, to: `policy = 7         # eviction`, code: 2, want: "cdnsim: {file}:{line}: pops.policy: must be a string (in quotes), not an integer (7)"},
	{name: "a number of the wrong type", from: `alpha = 0.8`, to: `alpha = "high"`, code: 2, want: `cdnsim: {file}:{line}: workload.classes[0].alpha: must be a number, not a string ("high")`},
	{name: "a flag of the wrong type", from: `enabled = true`, to: `enabled = "yes"`, code: 2, want: `cdnsim: {file}:{line}: logging.enabled: must be true or false, not a string ("yes")`},
	{name: "a table where a list is wanted", from: "metros = [\n", to: "metros = { name = \"x\" }\n[[workload.x]]\nq = [\n", code: 2, want: "cdnsim: {file}:{line}: workload.metros: must be an array [...], not a table"},
	{name: "unknown policy at the tier", from: `policy = "lru"         # eviction`, to: `policy = "lur"         # eviction`, code: 2, want: `cdnsim: {file}:{line}: pops.policy: unknown eviction policy "lur"`},
	{name: "unknown admission at the tier", from: `admission = "always"   # or`, to: `admission = "sometimes"   # or`, code: 2, want: "cdnsim: {file}:{line}: pops.admission: "},
	{name: "unknown policy at a site", from: `region = "us-east-1" },`, to: `region = "us-east-1", policy = "nope" },`, code: 2, want: `cdnsim: {file}:{line}: pops.sites[0].policy: unknown eviction policy "nope"`},
	{name: "zero capacity", from: `capacity = "1GB" `, to: `capacity = "0" `, code: 2, want: "cdnsim: {file}:{line}: pops.capacity: must be > 0 bytes, got 0"},
	{name: "negative capacity", from: `capacity = "1GB" `, to: `capacity = -1 `, code: 2, want: "cdnsim: {file}:{line}: pops.capacity: size -1 is negative"},
	{name: "a size with no such unit", from: `capacity = "1GB" `, to: `capacity = "1 gallon" `, code: 2, want: `cdnsim: {file}:{line}: pops.capacity: "1 gallon" is not a size: write e.g. "512MB" or "2GB" (units: B, KB, MB, GB, TB`},
	{name: "a size too large", from: `capacity = "1GB" `, to: `capacity = "9000000TB" `, code: 2, want: `cdnsim: {file}:{line}: pops.capacity: "9000000TB" is not a size`},
	{name: "empty file", file: text(""), code: 2, want: "cdnsim: {file}: the file is empty: a scenario needs at least"},
	{name: "only comments", file: text("# a scenario, one day\n\n"), code: 2, want: "cdnsim: {file}: the file is empty"},
	{name: "not TOML", file: text("this is not toml\n"), code: 2, want: "cdnsim: {file}:1: "},
	{name: "unterminated string", from: `name = "news-spike"`, to: `name = "news-spike`, code: 2, want: "cdnsim: {file}:{line}: "},
	{name: "a key given twice", from: `interval = "5m"`, to: `seed = 2`, code: 2, want: "cdnsim: {file}:{line}: seed: Key 'seed' has already been defined."},
	{name: "a duration without a unit", from: `duration = "24h"`, to: `duration = 24`, code: 2, want: `cdnsim: {file}:{line}: workload.duration: 24 has no unit: write a string with one, e.g. "24s" or "24h" (units: h, m, s, ms, us, ns)`},
	{name: "a duration in days", from: `duration = "24h"`, to: `duration = "1d"`, code: 2, want: `cdnsim: {file}:{line}: workload.duration: "1d" is not a duration: write numbers with units`},
	{name: "a duration of the wrong type", from: `at = "13h" `, to: `at = true `, code: 2, want: `cdnsim: {file}:{line}: workload.spikes[0].at: a duration is a string with a unit`},
	{name: "zero interval", from: `interval = "5m"`, to: `interval = "0s"`, code: 2, want: "cdnsim: {file}:{line}: interval: must be > 0: it is the width of a timeseries row (leave it out for the default, 5m)"},
	{name: "interval under a second", from: `interval = "5m"`, to: `interval = "1ms"`, code: 2, want: "cdnsim: {file}:{line}: interval: must be at least 1s"},
	{name: "zero propagation", from: `propagation = "5s"`, to: `propagation = "0s"`, code: 2, want: "cdnsim: {file}:{line}: invalidations[0].propagation: must be > 0"},
	{name: "zero egress", from: `egress_mbps = 500`, to: `egress_mbps = 0`, code: 2, want: "cdnsim: {file}:{line}: origins[0].egress_mbps: must be > 0"},
	{name: "zero duration", from: `duration = "24h"`, to: `duration = "0s"`, code: 2, want: "cdnsim: {file}:{line}: workload.duration: must be > 0"},
	{name: "latitude out of range", from: `lat = 39.04, lon = -77.49, region`, to: `lat = 139.04, lon = -77.49, region`, code: 2, want: "cdnsim: {file}:{line}: pops.sites[0].lat: latitude 139.04 is outside [-90, 90]"},
	{name: "a POP in no region", from: `region = "us-east-1" },`, to: `region = "us-east-9" },`, code: 2, want: `cdnsim: {file}:{line}: pops.sites[0].region: names no region: "us-east-9"`},
	{name: "a behaviour with an unknown origin", from: `origin = "assets"`, to: `origin = "asets"`, code: 2, want: `cdnsim: {file}:{line}: behaviors[0].origin: names no origin or origin group: "asets"`},
	{name: "an origin of an unknown kind", from: `kind = "custom"`, to: `kind = "ftp"`, code: 2, want: `cdnsim: {file}:{line}: origins[0].kind: must be "custom" or "s3", got "ftp"`},
	{name: "negative alpha", from: `alpha = 0.8`, to: `alpha = -0.8`, code: 2, want: "cdnsim: {file}:{line}: workload.classes[0].alpha: must be > 0"},
	{name: "a spike of an unknown class", from: `class = "video" `, to: `class = "vidoe" `, code: 2, want: `cdnsim: {file}:{line}: workload.spikes[0].class: no class named "vidoe"`},
	{name: "a sample over 1", from: `sample = 0.01`, to: `sample = 2`, code: 2, want: "cdnsim: {file}:{line}: logging.sample: must be in (0, 1]"},
	{name: "an invalidation path without /", from: `paths = ["/video/*"]`, to: `paths = ["video/*"]`, code: 2, want: `cdnsim: {file}:{line}: invalidations[0].paths[0]: "video/*" must start with /`},
	{name: "an unknown preset", from: `capacity = "1GB" `, to: "preset = \"akamai-like\"\ncapacity = \"1GB\" ", code: 2, want: `cdnsim: {file}:{line}: pops.preset: unknown preset "akamai-like"`},
	{name: "an override with no value", args: []string{"--set", "pops.capacity"}, code: 2, want: "cdnsim: --set: pops.capacity: want key=value, e.g. pops.capacity=2GB"},
	{name: "an override of a duration without a unit", args: []string{"--set", "workload.duration=48"}, code: 2, want: `cdnsim: --set: workload.duration: 48 has no unit`},
	{name: "an override of an unknown key", args: []string{"--set", "pops.colour=red"}, code: 2, want: "cdnsim: --set: pops.colour: unknown key"},
	{name: "an override past the sites", args: []string{"--set", "pops.sites[99].capacity=1GB"}, code: 2, want: "cdnsim: --set: pops.sites[99].capacity: sites[99]: no element 99"},
	{name: "an override of an impossible value", args: []string{"--set", "pops.policy=lur"}, code: 2, want: `cdnsim: --set: pops.policy: unknown eviction policy "lur"`},
	{name: "an override of a zero interval", args: []string{"--set", "interval=0s"}, code: 2, want: "cdnsim: --set: interval: must be > 0"},
}

// TestBadInputIsAnsweredClearly runs every bad input through validate and
// run: exit 2, the file, line and key on the first line of stderr, and
// for run, no output directory.
func TestBadInputIsAnsweredClearly(t *testing.T) {
	t.Parallel()
	base, err := os.ReadFile(filepath.Join("..", "..", "scenarios", "news-spike.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			src, line := string(base), 0
			switch {
			case tc.file != nil:
				src = *tc.file
			case tc.from != "":
				i := strings.Index(src, tc.from)
				if i < 0 {
					t.Fatalf("news-spike.toml has no %q", tc.from)
				}
				src = src[:i] + tc.to + src[i+len(tc.from):]
				line = strings.Count(src[:i], "\n") + 1
			}
			file := filepath.Join(dir, "s.toml")
			if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			want := strings.NewReplacer("{file}", file, "{line}", strconv.Itoa(line), "{out}", out).Replace(tc.want)
			for _, cmd := range []string{"validate", "run"} {
				args := []string{cmd, file}
				if cmd == "run" {
					args = append(args, "-o", out, "--quiet")
				}
				code, _, stderr := cli(t, append(args, tc.args...)...)
				first, _, _ := strings.Cut(stderr, "\n")
				if code != tc.code || !strings.HasPrefix(first, want) {
					t.Errorf("%s: exit %d, stderr %q; want exit %d, %q", cmd, code, first, tc.code, want)
				}
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s wrote %s on bad input", cmd, out)
				}
			}
		})
	}
}
