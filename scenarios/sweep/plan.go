package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/cdnsim/cdnsim/report"
	"github.com/cdnsim/cdnsim/scenarios"
	"github.com/cdnsim/cdnsim/workload"
)

// PlanFile is the plan's name in a sweep directory.
const PlanFile = "plan.json"

// planFormat is plan.json's version: a reader refuses a newer one.
const planFormat = 1

// Plan is a sweep resolved into runs: what plan.json holds. It carries the
// base scenario's text, so a run executes what was planned even if the file
// changes afterwards.
type Plan struct {
	Format int    `json:"format"`
	Sweep  string `json:"sweep"` // the sweep's name
	File   string `json:"file"`  // the sweep file ("" when built in code)
	// Source names the base scenario as Parse takes it: an absolute path
	// (a trace it names is found beside it) or "builtin:NAME".
	Source string   `json:"source"`
	TOML   string   `json:"scenario_toml"` // the base scenario's text
	Axes   []Dim    `json:"axes"`
	Seeds  []uint64 `json:"seeds"` // null: each point with its scenario's seed
	Tasks  int      `json:"tasks"`
	Runs   []*Run   `json:"runs"`
	// Stop, when closed, stops the runs being simulated and keeps the
	// others from starting (Simulate returns ErrStopped); nil never is.
	Stop <-chan struct{} `json:"-"`
}

// Dim is an axis as planned: its key and the labels of its values.
type Dim struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// Spec is everything that decides a run's results besides the base
// scenario. A new run option (sampling, a shard) is a field here, with
// omitempty: runs that do not use it keep their IDs.
type Spec struct {
	// Overrides are --set arguments in the order they apply: the sweep's
	// fixed ones, then one per axis.
	Overrides []string `json:"overrides"`
	Seed      uint64   `json:"seed"`
	// Sample is the run's sample rate (0: the whole run; see
	// scenarios.Scenario.Miniature), Shard its shard "I/K" ("" none).
	Sample float64 `json:"sample,omitempty"`
	Shard  string  `json:"shard,omitempty"`
}

// slice is the hash slice of objects the spec simulates.
func (s Spec) slice() (workload.Slice, error) {
	switch {
	case s.Shard != "":
		return workload.ParseShard(s.Shard)
	case s.Sample != 0:
		return workload.SampleSlice(s.Sample)
	}
	return workload.Slice{}, nil
}

// Run is one simulation of the plan.
type Run struct {
	ID    string `json:"id"`
	Task  int    `json:"task"`
	Point int    `json:"point"` // index of the grid point; the axes' first is the outermost
	// Index is the position of the point's value on each axis, Values
	// their labels.
	Index  []int    `json:"index"`
	Values []string `json:"values"`
	Spec
}

// Plan checks every point of the grid against the scenario, before
// anything runs, and lists the runs: each point with each seed, in grid
// order. Bad input is a *scenarios.Error naming the sweep file, the line
// and the key.
func (sw *Sweep) Plan() (*Plan, error) {
	if err := sw.check(); err != nil {
		return nil, err
	}
	src, source, err := scenarios.ReadSource(sw.Base)
	if err != nil {
		return nil, sw.baseError(err)
	}
	if !strings.HasPrefix(source, "builtin:") {
		if source, err = filepath.Abs(source); err != nil {
			return nil, err
		}
	}
	p := &Plan{Format: planFormat, Sweep: sw.Name, File: sw.File, Source: source, TOML: string(src), Seeds: sw.Seeds}
	if sw.File != "" {
		if p.File, err = filepath.Abs(sw.File); err != nil {
			return nil, err
		}
	}
	fixed := sw.Set
	lits := make([][]string, len(sw.Axes))
	for a, ax := range sw.Axes {
		d := Dim{Key: ax.Key}
		for _, v := range ax.Values {
			lit, err := literal(v)
			if err != nil {
				return nil, sw.errorf(axisKey(ax.Key), "%v", err)
			}
			lits[a] = append(lits[a], ax.Key+"="+lit)
			d.Values = append(d.Values, Label(v))
		}
		p.Axes = append(p.Axes, d)
	}
	parse := func(sets []string) (*scenarios.Scenario, error) {
		return scenarios.Parse(source, src, sets)
	}
	// The base alone, each fixed override alone and all of them, then
	// each axis value alone, so an error names the setting at fault (an
	// axis key, when every value fails alike); then every point, for
	// values that are fine alone and not together.
	if _, err := parse(nil); err != nil {
		return nil, sw.baseError(err)
	}
	for _, set := range fixed {
		if _, err := parse([]string{set}); err != nil {
			key, _, _ := strings.Cut(set, "=")
			return nil, sw.settingError(err, setKey(key), key, "")
		}
	}
	if _, err := parse(fixed); err != nil {
		return nil, sw.errorf("set", "these overrides together: %v", err)
	}
	for a := range sw.Axes {
		for i, set := range lits[a] {
			_, err := parse(append(slices.Clone(fixed), set))
			if err == nil {
				continue
			}
			keyFault := false
			if j := (i + 1) % len(lits[a]); j != i {
				_, err2 := parse(append(slices.Clone(fixed), lits[a][j]))
				keyFault = err2 != nil && err2.Error() == err.Error()
			}
			ax := sw.Axes[a]
			if keyFault {
				return nil, sw.settingError(err, axisKey(ax.Key), ax.Key, "")
			}
			lit, _ := literal(ax.Values[i])
			return nil, sw.settingError(err, fmt.Sprintf("%s[%d]", axisKey(ax.Key), i), ax.Key, "value "+lit+": ")
		}
	}
	idx := make([]int, len(sw.Axes))
	ids := map[string]*Run{}
	for point := 0; ; point++ {
		sets := slices.Clone(fixed)
		var labels []string
		for a, i := range idx {
			sets = append(sets, lits[a][i])
			labels = append(labels, p.Axes[a].Values[i])
		}
		s, err := parse(sets)
		if err != nil {
			return nil, sw.pointError(err, idx)
		}
		seeds := sw.Seeds
		if seeds == nil {
			seeds = []uint64{s.Seed}
		}
		for _, seed := range seeds {
			r := &Run{Task: len(p.Runs) / sw.RunsPerTask, Point: point, Index: slices.Clone(idx), Values: labels,
				Spec: Spec{Overrides: sets, Seed: seed, Sample: sw.sample()}}
			if r.ID, err = runID(s, r.Spec); err != nil {
				return nil, err
			}
			if o := ids[r.ID]; o != nil {
				// Distinct overrides are in the hash: only a bug gets here.
				return nil, fmt.Errorf("sweep: runs %v and %v have the same ID %s", o.Spec, r.Spec, r.ID)
			}
			ids[r.ID] = r
			p.Runs = append(p.Runs, r)
		}
		if !next(idx, sw.Axes) {
			break
		}
	}
	p.Tasks = (len(p.Runs) + sw.RunsPerTask - 1) / sw.RunsPerTask
	return p, nil
}

// next steps idx through the grid like an odometer, the last axis
// fastest; false after the last point.
func next(idx []int, axes []Axis) bool {
	for a := len(idx) - 1; a >= 0; a-- {
		if idx[a]++; idx[a] < len(axes[a].Values) {
			return true
		}
		idx[a] = 0
	}
	return false
}

// runID hashes what decides a run's results: the resolved scenario (its
// name, every setting after the overrides, its trace), the overrides
// (sorted: their order does not change the scenario) and the seed. A
// comment or a reordering in a file keeps the IDs; a changed setting
// changes them.
func runID(s *scenarios.Scenario, spec Spec) (string, error) {
	spec.Overrides = slices.Sorted(slices.Values(spec.Overrides))
	b, err := json.Marshal(struct {
		Name  string
		File  scenarios.File
		Trace string
		Spec  Spec
	}{s.Name, s.File, s.Trace, spec})
	if err != nil {
		return "", fmt.Errorf("sweep: cannot fingerprint a run of %s: %w", s.Source, err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// baseError is a base scenario that fails to read or to check.
func (sw *Sweep) baseError(err error) error {
	var se *scenarios.Error
	if !errors.As(err, &se) || sw.File == "" {
		// Not bad input, or a sweep built in code: the scenario's words
		// are the clearest.
		return err
	}
	return sw.errorf("base", "%v", err)
}

// settingError is the scenario's complaint about one override of the
// sweep, at key in the sweep file; the scenario's key is named too when it
// is not the override's own (an axis on pops.policy upsets
// pops.sites[3].policy).
func (sw *Sweep) settingError(err error, key, override, prefix string) error {
	var se *scenarios.Error
	if !errors.As(err, &se) || sw.File == "" {
		return err
	}
	msg := se.Msg
	if se.Key != "" && indexRE.ReplaceAllString(se.Key, "") != indexRE.ReplaceAllString(override, "") {
		msg = se.Key + ": " + msg
	}
	return sw.errorf(key, "%s%s", prefix, msg)
}

// pointError is a point that fails although each of its values passes
// alone: the combination is at fault, named at base.
func (sw *Sweep) pointError(err error, idx []int) error {
	var se *scenarios.Error
	if !errors.As(err, &se) || sw.File == "" {
		return err
	}
	var parts []string
	for a, i := range idx {
		lit, _ := literal(sw.Axes[a].Values[i])
		parts = append(parts, sw.Axes[a].Key+" = "+lit)
	}
	return sw.errorf("base", "the point %s: %v", strings.Join(parts, ", "), err)
}

// WritePlan writes p into dir/plan.json (atomically), creating dir. A
// plan of another sweep there is bad input: its runs and results would mix
// with this one's. A plan of the same sweep is replaced: runs whose IDs
// stay keep their results.
func (sw *Sweep) WritePlan(dir string, p *Plan) error {
	old, err := ReadPlan(dir)
	switch {
	case err == nil && old.Sweep != p.Sweep:
		from := old.File
		if from == "" {
			from = "code"
		}
		return sw.errorf("name", "%s holds the plan of another sweep, %q (from %s): plan into another directory, or remove %s",
			dir, old.Sweep, from, filepath.Join(dir, PlanFile))
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return report.WriteAtomic(filepath.Join(dir, PlanFile), append(b, '\n'))
}

// ReadPlan reads dir/plan.json; an error wraps os.ErrNotExist when there
// is none.
func ReadPlan(dir string) (*Plan, error) {
	b, err := os.ReadFile(filepath.Join(dir, PlanFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no %s here (cdnsim sweep plan SWEEP.toml -o %s writes one): %w", dir, PlanFile, dir, os.ErrNotExist)
		}
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, PlanFile), err)
	}
	if p.Format != planFormat {
		return nil, fmt.Errorf("%s: format %d, this cdnsim reads %d", filepath.Join(dir, PlanFile), p.Format, planFormat)
	}
	return &p, nil
}

// TaskRuns lists the runs of task t.
func (p *Plan) TaskRuns(t int) []*Run {
	var out []*Run
	for _, r := range p.Runs {
		if r.Task == t {
			out = append(out, r)
		}
	}
	return out
}

// Scenario is the base scenario with r's overrides.
func (p *Plan) Scenario(r *Run) (*scenarios.Scenario, error) {
	s, err := scenarios.Parse(p.Source, []byte(p.TOML), r.Overrides)
	if err != nil {
		return nil, err
	}
	sl, err := r.slice()
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", r.ID, err)
	}
	return s.Miniature(sl), nil
}

var indexRE = regexp.MustCompile(`\[\d+\]`)
