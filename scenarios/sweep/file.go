package sweep

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/workload"
)

// Sweep is a sweep file, or a sweep built in code (cdnsim compare).
type Sweep struct {
	// Name identifies the sweep in its directory: planning into a
	// directory that holds another sweep's plan is an error.
	Name string
	// File is the sweep file, named in errors; "" for a sweep built in
	// code, whose errors are the scenario's own.
	File string
	// Base is the scenario: a built-in name or a path (relative to the
	// sweep file's directory, when read from a file).
	Base string
	// Seeds are the seeds every point runs with; nil runs each point once
	// with its scenario's own seed.
	Seeds []uint64
	// Set are overrides of every run as --set takes them ("key=value"),
	// applied first, in order.
	Set []string
	// Axes are the dimensions of the grid, the first the outermost.
	Axes []Axis
	// RunsPerTask groups runs into tasks (default 1): larger tasks spread a
	// scheduler's start-up cost over more runs.
	RunsPerTask int
	// Sample runs every point as a miniature at this rate, 0 < R ≤ 1
	// (0: the whole run).
	Sample float64

	lines map[string]int // key path → line in File
}

// Axis is a key that --set accepts and the values it takes, in order.
// Values are TOML values: string, int64, float64, bool, or arrays of them.
type Axis struct {
	Key    string
	Values []any
}

// fileTOML is the sweep file's schema.
type fileTOML struct {
	Name        string         `toml:"name"`
	Base        string         `toml:"base"`
	Replicates  int64          `toml:"replicates"`
	Seeds       []int64        `toml:"seeds"`
	RunsPerTask int64          `toml:"runs_per_task"`
	Sample      float64        `toml:"sample"`
	Axes        map[string]any `toml:"axes"`
	Set         map[string]any `toml:"set"`
}

// ReadFile reads and checks a sweep file. Errors are *scenarios.Error
// naming the file, the line and the key.
func ReadFile(path string) (*Sweep, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &scenarios.Error{File: path, Msg: fmt.Sprintf("cannot read sweep file: %v", unwrapPath(err))}
	}
	return Parse(path, src)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Parse reads a sweep file's text; path names it in errors, its directory
// anchors a relative base, and its name without .toml is the sweep's name
// unless the file gives one.
func Parse(path string, src []byte) (*Sweep, error) {
	var f fileTOML
	md, err := scenarios.DecodeTOML(path, string(src), &f)
	if err != nil {
		return nil, err
	}
	sw := &Sweep{File: path, Name: f.Name, lines: scenarios.KeyLines(string(src))}
	if sw.Name == "" {
		sw.Name = strings.TrimSuffix(filepath.Base(path), ".toml")
	}
	fail := func(key, format string, a ...any) error { return sw.errorf(key, format, a...) }

	switch {
	case f.Base == "":
		return nil, fail("base", "missing: name a built-in scenario (%s) or a scenario file", strings.Join(scenarios.Builtins(), ", "))
	case strings.ContainsAny(f.Base, `/\`) || strings.HasSuffix(f.Base, ".toml"):
		sw.Base = f.Base
		if !filepath.IsAbs(f.Base) {
			sw.Base = filepath.Join(filepath.Dir(path), f.Base)
		}
	default:
		sw.Base = f.Base
	}

	switch {
	case md.IsDefined("replicates") && md.IsDefined("seeds"):
		return nil, fail("seeds", "give replicates or seeds, not both")
	case md.IsDefined("replicates"):
		if f.Replicates < 1 {
			return nil, fail("replicates", "must be at least 1, got %d", f.Replicates)
		}
		for i := range f.Replicates {
			sw.Seeds = append(sw.Seeds, uint64(i+1))
		}
	case md.IsDefined("seeds"):
		if len(f.Seeds) == 0 {
			return nil, fail("seeds", "an empty list: give at least one seed, or leave seeds out to use the scenario's")
		}
		seen := map[int64]bool{}
		for i, s := range f.Seeds {
			key := fmt.Sprintf("seeds[%d]", i)
			if s < 0 {
				return nil, fail(key, "a seed is >= 0, got %d", s)
			}
			if seen[s] {
				return nil, fail(key, "seed %d is listed twice", s)
			}
			seen[s] = true
			sw.Seeds = append(sw.Seeds, uint64(s))
		}
	}
	if md.IsDefined("sample") {
		if _, err := workload.SampleSlice(f.Sample); err != nil {
			return nil, fail("sample", "%v", err)
		}
		sw.Sample = f.Sample
	}
	sw.RunsPerTask = 1
	if md.IsDefined("runs_per_task") {
		if f.RunsPerTask < 1 {
			return nil, fail("runs_per_task", "must be at least 1, got %d", f.RunsPerTask)
		}
		sw.RunsPerTask = int(f.RunsPerTask)
	}

	// Maps lose the file's order, which is the order of the axes (and of
	// the columns and plots); the metadata keeps it.
	for _, k := range md.Keys() {
		if len(k) != 2 {
			continue
		}
		switch k[0] {
		case "set":
			v := f.Set[k[1]]
			if err := checkValue(v); err != nil {
				return nil, fail(setKey(k[1]), "%v", err)
			}
			lit, err := literal(v)
			if err != nil {
				return nil, fail(setKey(k[1]), "%v", err)
			}
			sw.Set = append(sw.Set, k[1]+"="+lit)
		case "axes":
			vals, ok := f.Axes[k[1]].([]any)
			if !ok {
				return nil, fail(axisKey(k[1]), "want a list of values, e.g. [\"lru\", \"sieve\"]")
			}
			sw.Axes = append(sw.Axes, Axis{Key: k[1], Values: vals})
		}
	}
	if err := sw.check(); err != nil {
		return nil, err
	}
	return sw, nil
}

// sample is the Spec.Sample of the sweep's runs: 0 for a whole run.
func (sw *Sweep) sample() float64 {
	if sw.Sample == 1 {
		return 0
	}
	return sw.Sample
}

// check applies the rules that hold for sweeps from files and from code.
func (sw *Sweep) check() error {
	if sw.RunsPerTask < 1 {
		sw.RunsPerTask = 1
	}
	if _, err := workload.SampleSlice(sw.Sample); sw.Sample != 0 && err != nil {
		return sw.errorf("sample", "%v", err)
	}
	fixed := map[string]bool{}
	for _, s := range sw.Set {
		key, _, _ := strings.Cut(s, "=")
		fixed[strings.TrimSpace(key)] = true
	}
	for _, ax := range sw.Axes {
		key := axisKey(ax.Key)
		switch {
		case len(ax.Values) == 0:
			return sw.errorf(key, "an empty list: give at least one value")
		case fixed[ax.Key]:
			return sw.errorf(key, "is also in [set]: a key is either fixed or an axis")
		case ax.Key == "seed" && sw.Seeds != nil:
			return sw.errorf(key, "the seeds come from replicates or seeds; vary seed there, not as an axis")
		}
		seen := map[string]bool{}
		for i, v := range ax.Values {
			if err := checkValue(v); err != nil {
				return sw.errorf(fmt.Sprintf("%s[%d]", key, i), "%v", err)
			}
			lit, _ := literal(v)
			if seen[lit] {
				return sw.errorf(fmt.Sprintf("%s[%d]", key, i), "%s is listed twice", lit)
			}
			seen[lit] = true
		}
	}
	return nil
}

// checkValue accepts what --set can carry: scalars and arrays of them.
func checkValue(v any) error {
	switch x := v.(type) {
	case string, int64, float64, bool:
		return nil
	case []any:
		for _, e := range x {
			if err := checkValue(e); err != nil {
				return err
			}
		}
		return nil
	case nil:
		return fmt.Errorf("no value")
	}
	return fmt.Errorf("a value is a string, number, boolean or list, not %T", v)
}

// literal is v written as a TOML value, which is how --set reads it back:
// "lru" stays a string even where lru alone would too, and "true" stays a
// string where true would be a boolean.
func literal(v any) (string, error) {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(map[string]any{"v": v}); err != nil {
		return "", err
	}
	s, ok := strings.CutPrefix(strings.TrimSpace(b.String()), "v = ")
	if !ok {
		return "", fmt.Errorf("cannot write %v as a TOML value", v)
	}
	return s, nil
}

// Label is how a value shows in CSV columns and on plots: strings as they
// are, anything else as TOML writes it.
func Label(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	lit, _ := literal(v)
	return lit
}

var bareKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// tomlKey is table.key as TOML spells it, quoting a dotted key.
func tomlKey(table, key string) string {
	if !bareKey.MatchString(key) {
		key = fmt.Sprintf("%q", key)
	}
	return table + "." + key
}

func axisKey(k string) string { return tomlKey("axes", k) }
func setKey(k string) string  { return tomlKey("set", k) }

// errorf is bad input in the sweep: in the file at key's line, or for a
// sweep built in code, the message alone.
func (sw *Sweep) errorf(key, format string, a ...any) error {
	e := &scenarios.Error{File: sw.File, Key: key, Msg: fmt.Sprintf(format, a...)}
	if sw.File == "" {
		e.File, e.Key = "sweep", ""
	}
	e.Line = sw.line(key)
	return e
}

// line finds key ("axes.\"pops.policy\"[2]") in the file: the scanner
// records quoted keys unquoted.
func (sw *Sweep) line(key string) int {
	if sw.lines == nil {
		return 0
	}
	return scenarios.LineOf(sw.lines, strings.ReplaceAll(key, `"`, ""))
}
