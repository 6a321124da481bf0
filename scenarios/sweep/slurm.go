package sweep

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cdnsim/cdnsim/report"
)

// Files of the Slurm submission, under the sweep directory.
const (
	SlurmDir    = "slurm"
	ArrayScript = "array.sbatch"
	MergeScript = "merge.sbatch"
	LogsDir     = "logs" // under SlurmDir: one file per task and per merge
)

// Slurm are the sbatch settings of a sweep's jobs. The array's tasks each
// run `cdnsim sweep exec DIR --task $SLURM_ARRAY_TASK_ID`, the merge job
// `cdnsim sweep merge DIR`: Binary and DIR must be at the same paths on
// every node (a shared file system).
type Slurm struct {
	Binary      string // cdnsim, an absolute path
	Partition   string // --partition; "" for the cluster's default
	Time        string // --time of a task, e.g. "30:00"; "" for the partition's default
	Mem         string // --mem of a task, e.g. "2G"; "" for the default
	CPUsPerTask int    // --cpus-per-task: the runs a task executes at once (default 1)
	MaxParallel int    // the array's %K: at most K tasks at once; 0 for no limit
}

// PendingTasks are the tasks with a run whose results are not in dir,
// ascending: what a submission after failures runs again.
func (p *Plan) PendingTasks(dir string) []int {
	var tasks []int
	for _, r := range p.Unfinished(dir) {
		if len(tasks) == 0 || tasks[len(tasks)-1] != r.Task {
			tasks = append(tasks, r.Task)
		}
	}
	slices.Sort(tasks)
	return slices.Compact(tasks)
}

// arraySpec writes tasks as sbatch --array takes them: "0-3,7,9-10".
func arraySpec(tasks []int) string {
	var parts []string
	for i := 0; i < len(tasks); {
		j := i
		for j+1 < len(tasks) && tasks[j+1] == tasks[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(tasks[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", tasks[i], tasks[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// shellQuote quotes s for bash.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Scripts returns array.sbatch, for tasks, and merge.sbatch; dir is the
// sweep directory, absolute.
func (p *Plan) Scripts(dir string, o Slurm, tasks []int) (array, merge []byte) {
	logs := filepath.Join(dir, SlurmDir, LogsDir)
	head := func(b *bytes.Buffer, what, name string) {
		fmt.Fprintf(b, "#!/bin/bash\n# %s of cdnsim sweep %q (%s). Written by cdnsim sweep slurm,\n"+
			"# which rewrites it each time: edit the sweep, not this file.\n", what, p.Sweep, filepath.Join(dir, PlanFile))
		fmt.Fprintf(b, "#SBATCH --job-name=%s\n", name)
		if o.Partition != "" {
			fmt.Fprintf(b, "#SBATCH --partition=%s\n", o.Partition)
		}
	}
	var a bytes.Buffer
	head(&a, "The array job", "cdnsim-"+p.Sweep)
	spec := arraySpec(tasks)
	if o.MaxParallel > 0 {
		spec += "%" + strconv.Itoa(o.MaxParallel)
	}
	fmt.Fprintf(&a, "#SBATCH --array=%s\n", spec)
	fmt.Fprintf(&a, "#SBATCH --output=%s\n", filepath.Join(logs, "task-%A_%a.out"))
	fmt.Fprintf(&a, "#SBATCH --cpus-per-task=%d\n", max(1, o.CPUsPerTask))
	if o.Time != "" {
		fmt.Fprintf(&a, "#SBATCH --time=%s\n", o.Time)
	}
	if o.Mem != "" {
		fmt.Fprintf(&a, "#SBATCH --mem=%s\n", o.Mem)
	}
	fmt.Fprintf(&a, "exec %s sweep exec %s --task \"$SLURM_ARRAY_TASK_ID\" -j %d\n",
		shellQuote(o.Binary), shellQuote(dir), max(1, o.CPUsPerTask))

	var m bytes.Buffer
	head(&m, "The merge job", "cdnsim-"+p.Sweep+"-merge")
	fmt.Fprintf(&m, "#SBATCH --output=%s\n", filepath.Join(logs, "merge-%j.out"))
	fmt.Fprintf(&m, "#SBATCH --cpus-per-task=1\n")
	if o.Time != "" {
		fmt.Fprintf(&m, "#SBATCH --time=%s\n", o.Time)
	}
	fmt.Fprintf(&m, "exec %s sweep merge %s\n", shellQuote(o.Binary), shellQuote(dir))
	return a.Bytes(), m.Bytes()
}

// WriteScripts writes dir/slurm/array.sbatch for the pending tasks and
// dir/slurm/merge.sbatch, and creates the logs directory Slurm writes
// into (it does not create it). It returns the pending tasks: none means
// every run is done and only the merge is left.
func (p *Plan) WriteScripts(dir string, o Slurm) ([]int, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	tasks := p.PendingTasks(dir)
	array, merge := p.Scripts(dir, o, tasks)
	if err := os.MkdirAll(filepath.Join(dir, SlurmDir, LogsDir), 0o755); err != nil {
		return nil, err
	}
	if len(tasks) > 0 { // else the last array script stays, for the record
		if err := report.WriteAtomic(filepath.Join(dir, SlurmDir, ArrayScript), array); err != nil {
			return nil, err
		}
	}
	return tasks, report.WriteAtomic(filepath.Join(dir, SlurmDir, MergeScript), merge)
}

// Submit calls sbatch for the array (when tasks are pending) and for the
// merge, which waits for the whole array (afterany: a failed task must not
// stop the merge from listing what is missing). It returns the job IDs;
// arrayID is "" when no task was pending.
func Submit(dir string, pending bool) (arrayID, mergeID string, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	var dep []string
	if pending {
		if arrayID, err = sbatch(filepath.Join(dir, SlurmDir, ArrayScript)); err != nil {
			return "", "", err
		}
		dep = []string{"--dependency=afterany:" + arrayID}
	}
	mergeID, err = sbatch(filepath.Join(dir, SlurmDir, MergeScript), dep...)
	return arrayID, mergeID, err
}

// sbatch submits script and returns the job ID (--parsable prints
// "ID" or "ID;cluster").
func sbatch(script string, args ...string) (string, error) {
	cmd := exec.Command("sbatch", append(append([]string{"--parsable"}, args...), script)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("sbatch %s: %v: %s", filepath.Base(script), err, strings.TrimSpace(stderr.String()))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if id == "" {
		return "", fmt.Errorf("sbatch %s printed no job ID", filepath.Base(script))
	}
	return id, nil
}
