package scenarios

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/cdnsim/cdnsim/topology"
	"github.com/cdnsim/cdnsim/workload"
)

//go:embed *.toml
var builtin embed.FS

// Builtins lists the names of the embedded scenarios.
func Builtins() []string {
	entries, _ := builtin.ReadDir(".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	sort.Strings(names)
	return names
}

// Error is bad input: File and Line locate it (Line 0 when unknown), Key
// names the setting. The CLI exits with status 2 on it.
type Error struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Load reads a scenario from a path or a built-in name, applies --set
// overrides ("key=value", TOML value syntax, bare strings allowed) and
// validates it.
func Load(arg string, sets []string) (*Scenario, error) {
	src, name, err := read(arg)
	if err != nil {
		return nil, err
	}
	return Parse(name, src, sets)
}

func read(arg string) (data []byte, source string, err error) {
	b, err := os.ReadFile(arg)
	if err == nil {
		return b, arg, nil
	}
	// A bare name is a built-in scenario, even where a directory of that
	// name is in the way (running in out/, which holds out/news-spike/).
	if !strings.ContainsAny(arg, `/\`) && !strings.HasSuffix(arg, ".toml") {
		if b, berr := builtin.ReadFile(arg + ".toml"); berr == nil {
			return b, "builtin:" + arg, nil
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", &Error{File: arg, Msg: fmt.Sprintf("no such file, and no built-in scenario of that name (built-in: %s)", strings.Join(Builtins(), ", "))}
		}
	}
	// scenarios/NAME.toml run outside the repository: the embedded copy.
	if errors.Is(err, os.ErrNotExist) && filepath.ToSlash(filepath.Dir(arg)) == "scenarios" {
		if b, berr := builtin.ReadFile(filepath.Base(arg)); berr == nil {
			return b, "builtin:" + strings.TrimSuffix(filepath.Base(arg), ".toml"), nil
		}
	}
	return nil, "", &Error{File: arg, Msg: fmt.Sprintf("cannot read scenario: %v", unwrapPath(err))}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// typeErr matches BurntSushi/toml's decode errors, which carry a line but
// are not ParseErrors.
var typeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// decodeStrict decodes src into f and rejects unknown keys and values
// outside the duration and size grammar (units.go). It returns the
// document as TOML values too, which tell a key written as 0 from one
// left out.
func decodeStrict(source, src string, lines map[string]int, f *File) (doc map[string]any, err error) {
	var md toml.MetaData
	if _, err = toml.Decode(src, &doc); err == nil {
		if ue := checkUnits(doc, reflect.TypeFor[File]()); ue != nil {
			return nil, &Error{File: source, Line: lineOf(lines, ue.key), Key: ue.key, Msg: ue.msg}
		}
		md, err = toml.Decode(src, f)
	}
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: source, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}
		}
		if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
			l, _ := strconv.Atoi(m[1])
			return nil, &Error{File: source, Line: l, Key: m[2], Msg: m[3]}
		}
		return nil, &Error{File: source, Msg: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		key := und[0].String()
		return nil, &Error{File: source, Line: lineOfLoose(lines, key), Key: key, Msg: "unknown key (misspelt, or in the wrong table?)"}
	}
	return doc, nil
}

// lineOfLoose finds a key whose path matches ignoring array indices, as
// toml.Key has none.
func lineOfLoose(lines map[string]int, key string) int {
	best := 0
	for k, l := range lines {
		if stripIndices(k) == key && (best == 0 || l < best) {
			best = l
		}
	}
	return best
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

func stripIndices(k string) string { return indexRE.ReplaceAllString(k, "") }

// Parse builds a scenario from TOML source; source names it in errors.
func Parse(source string, src []byte, sets []string) (*Scenario, error) {
	text := string(src)
	lines := keyLines(text)
	var f File
	doc, err := decodeStrict(source, text, lines, &f)
	if err != nil {
		return nil, err
	}
	if len(doc) == 0 {
		return nil, &Error{File: source, Msg: "the file is empty: a scenario needs at least [pops], [regions], [[origins]], [[behaviors]] and [workload] (scenarios/news-spike.toml documents every key)"}
	}
	setKeys := map[string]bool{}
	if len(sets) > 0 {
		merged, keys, err := applySets(text, sets)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			setKeys[k] = true
		}
		f = File{}
		if doc, err = decodeStrict(source, merged, nil, &f); err != nil {
			// Lines of the re-encoded document mean nothing to the user.
			e := err.(*Error)
			e.Line = 0
			for _, k := range keys {
				if stripIndices(k) == stripIndices(e.Key) {
					e.File, e.Key = "--set", k
				}
			}
			return nil, e
		}
	}
	name := f.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(strings.TrimPrefix(source, "builtin:")), ".toml")
	}
	sum := sha256.Sum256(src)
	s := &Scenario{Name: name, Source: source, Seed: f.Seed, Interval: f.Interval, Warmup: f.Warmup, File: f, Workload: f.Workload.Config,
		SHA256: hex.EncodeToString(sum[:]), Overrides: slices.Clone(sets)}
	at := func(key string) *Error {
		e := &Error{File: source, Line: lineOf(lines, key), Key: key}
		if setKeys[key] || setKeys[stripIndices(key)] {
			e.File, e.Line = "--set", 0
		}
		return e
	}
	fail := func(key, msg string) error {
		e := at(key)
		e.Msg = msg
		return e
	}
	if err := checkDefaults(doc, &f, fail); err != nil {
		return nil, err
	}
	if s.Interval == 0 {
		s.Interval = defaultInterval
	}
	if err := applyPresets(&f, fail); err != nil {
		return nil, err
	}
	if err := validateFootprint(&f, fail); err != nil {
		return nil, err
	}
	if err := validateLogging(f.Logging, fail); err != nil {
		return nil, err
	}
	s.File, s.Workload = f, f.Workload.Config
	if s.Interval < time.Second {
		return nil, fail("interval", "must be at least 1s")
	}
	if s.Warmup < 0 {
		return nil, fail("warmup", "must be >= 0")
	}
	if f.SampleObjects != 0 && !(f.SampleObjects >= 1 && f.SampleObjects <= 1e6) {
		return nil, fail("sample_objects_per_cache", fmt.Sprintf("%v is outside [1, 1000000]", f.SampleObjects))
	}
	if f.Workload.Trace != "" || f.Workload.TraceFormat != "" {
		if err := s.applyTrace(&f, setKeys, fail); err != nil {
			return nil, err
		}
	} else if err := f.Workload.Validate(); err != nil {
		var fe *workload.FieldError
		if errors.As(err, &fe) {
			return nil, fail("workload."+fe.Key, fe.Msg)
		}
		return nil, fail("workload", err.Error())
	}
	if cs := f.Ranges.ChunkSize; cs != nil && *cs <= 0 {
		return nil, fail("ranges.chunk_size", "must be > 0 (leave it out to cache whole objects)")
	}
	s.Topology = buildTopology(&f)
	if s.Topology.ErrorTTLs, err = errorTTLs(f.ErrorTTLs, fail); err != nil {
		return nil, err
	}
	tags := make([]string, len(f.Workload.Metros))
	for i, m := range f.Workload.Metros {
		tags[i] = m.Region
	}
	if s.Topology.Viewers, err = buildViewers(f.Viewers, s.Topology.Metros, tags, fail); err != nil {
		return nil, err
	}
	if len(f.Regions.Outages) > 0 {
		return nil, fail("regions.outages", "outages are for POPs ([pops] outages); regional caches do not fail here")
	}
	for i, o := range f.POPs.Outages {
		found := false
		for j := range s.Topology.POPs {
			if s.Topology.POPs[j].Name == o.Site {
				s.Topology.POPs[j].Outages = append(s.Topology.POPs[j].Outages, topology.Outage{Start: o.Start, End: o.End})
				found = true
			}
		}
		if !found {
			return nil, fail(fmt.Sprintf("pops.outages[%d].site", i), fmt.Sprintf("names no POP: %q", o.Site))
		}
	}
	// A POP's region is checked against its nearest unless the preset or
	// region = "nearest" chose it.
	listed := make([]bool, len(s.Topology.POPs))
	regionByHand := make([]bool, len(s.Topology.POPs))
	for i, p := range s.Topology.POPs {
		listed[i] = f.POPs.Preset == ""
		regionByHand[i] = listed[i] && p.Region != topology.NearestRegion
	}
	s.Topology.ResolveNearest()
	if err := s.Topology.Validate(); err != nil {
		var fe *topology.FieldError
		if errors.As(err, &fe) {
			return nil, fail(writtenKey(&f, fe.Key), fe.Msg)
		}
		return nil, fail("", err.Error())
	}
	for _, w := range outsideRun(&f, at) {
		s.Warnings = append(s.Warnings, w.Error())
	}
	for _, w := range s.Topology.Check(listed, regionByHand) {
		s.Warnings = append(s.Warnings, fail(w.Key, w.Msg).Error())
	}
	s.at = at
	return s, nil
}
