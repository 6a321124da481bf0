package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// RunDir is an output directory being written. Files go into a fresh
// staging directory beside it; Commit then puts the staging directory in
// its place as a whole, so no file of an older run is ever left beside a
// newer one, and a run that fails or is interrupted leaves no half of
// itself behind. A lock beside the directory stops a second run into it.
type RunDir struct {
	dir, staging string
	lock         *os.File
	lockPath     string
}

// runOutputs are the files and directories a run, a comparison or a sweep
// run writes: a directory holding only these (and the hidden temporary
// files of an interrupted older version) is one cdnsim may replace.
var runOutputs = map[string]bool{
	ManifestFile: true, SummaryFile: true, TimeseriesFile: true, HitRatioPlot: true,
	OriginLoadPlot: true, LatencyPlot: true, AccessLogFile: true,
	CompareFile: true, MRCPlot: true, PolicyHitRatioPlot: true,
}

// ErrLocked is returned by CreateRunDir when another process holds the
// directory's lock.
var ErrLocked = errors.New("another cdnsim run is writing into it")

// CreateRunDir takes the lock of dir and makes the staging directory
// where the run's files are to be written (Path). dir may exist: it is
// replaced by Commit only if it holds nothing but cdnsim's outputs, so a
// mistyped -o cannot replace a directory of other files; a file at dir is
// an error. Staging directories left by runs that were killed are removed.
func CreateRunDir(dir string) (_ *RunDir, err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if base == "." || base == ".." || base == string(filepath.Separator) || base == "" {
		return nil, fmt.Errorf("%s: not a directory a run can write into (name one, e.g. out/run1)", dir)
	}
	if parent == "" {
		parent = "."
	}
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return nil, fmt.Errorf("%s: is a file, not a directory (-o names the output directory)", dir)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, unwrapPathErr(err))
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("%s: cannot create its parent directory: %w", dir, unwrapPathErr(err))
	}
	d := &RunDir{dir: dir, lockPath: filepath.Join(parent, "."+base+".lock")}
	if err := d.takeLock(); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			d.unlock()
		}
	}()
	if err := checkReplaceable(dir); err != nil {
		return nil, err
	}
	// Ours to clean: we hold the lock, so nobody else is writing these.
	if old, _ := filepath.Glob(filepath.Join(parent, "."+globEscape(base)+".tmp-*")); len(old) > 0 {
		for _, o := range old {
			os.RemoveAll(o)
		}
	}
	// Named by our PID, which no live process shares; os.Mkdir applies
	// the umask, as for every output.
	d.staging = filepath.Join(parent, "."+base+".tmp-"+strconv.Itoa(os.Getpid()))
	if err := os.Mkdir(d.staging, 0o755); err != nil {
		return nil, fmt.Errorf("%s: cannot create a directory beside it: %w", dir, unwrapPathErr(err))
	}
	return d, nil
}

// Path is the directory to write the run's files into until Commit.
func (d *RunDir) Path() string { return d.staging }

// Dir is the output directory the run will have replaced after Commit.
func (d *RunDir) Dir() string { return d.dir }

// Commit puts the staging directory in place of the output directory,
// removes the older run's files and releases the lock. The swap is one
// atomic exchange where the system has one (Linux), else two renames with
// the older directory gone for an instant in between.
func (d *RunDir) Commit() error {
	defer d.unlock()
	if _, err := os.Lstat(d.dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(d.staging, d.dir); err != nil {
			os.RemoveAll(d.staging)
			return fmt.Errorf("%s: %w", d.dir, unwrapPathErr(err))
		}
		return nil
	}
	if err := exchange(d.staging, d.dir); err == nil {
		// The staging path now holds the older run.
		os.RemoveAll(d.staging)
		return nil
	}
	old := d.staging + "-old"
	if err := os.Rename(d.dir, old); err != nil {
		os.RemoveAll(d.staging)
		return fmt.Errorf("%s: %w", d.dir, unwrapPathErr(err))
	}
	if err := os.Rename(d.staging, d.dir); err != nil {
		os.Rename(old, d.dir) // put the older run back
		os.RemoveAll(d.staging)
		return fmt.Errorf("%s: %w", d.dir, unwrapPathErr(err))
	}
	os.RemoveAll(old)
	return nil
}

// Abort removes the staging directory and releases the lock, leaving the
// output directory as it was. It may be called after Commit (it then does
// nothing) and from another goroutine while files are being written into
// the staging directory: a file created after the removal fails to be.
func (d *RunDir) Abort() {
	if d.staging != "" {
		if _, err := os.Stat(d.staging); err == nil {
			os.RemoveAll(d.staging)
		}
	}
	d.unlock()
}

// takeLock creates and locks the lock file, recording our PID in it for
// the message a second run gets. The lock is flock(2)'s, which the
// system releases when the process dies however it dies, so no stale
// lock survives a killed run.
func (d *RunDir) takeLock() error {
	for range 10 {
		f, err := os.OpenFile(d.lockPath, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("%s: cannot create its lock %s: %w", d.dir, d.lockPath, unwrapPathErr(err))
		}
		if err := flock(f); err != nil {
			pid, _ := os.ReadFile(d.lockPath)
			f.Close()
			if errors.Is(err, errWouldBlock) {
				who := ""
				if p := strings.TrimSpace(string(pid)); p != "" {
					who = " (process " + p + ")"
				}
				return fmt.Errorf("%s: %w%s; wait for it to finish, or choose another -o", d.dir, ErrLocked, who)
			}
			return fmt.Errorf("%s: cannot lock %s: %w", d.dir, d.lockPath, err)
		}
		// The previous holder unlinks the file before unlocking it; if we
		// locked a file that is no longer at the path, try again.
		if same(f, d.lockPath) {
			f.Truncate(0)
			f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			d.lock = f
			return nil
		}
		f.Close()
	}
	return fmt.Errorf("%s: cannot take its lock %s", d.dir, d.lockPath)
}

// unlock removes the lock file and releases the lock (in that order, so
// a waiting process never locks a file that is about to be removed
// without noticing: it checks the path still names its file).
func (d *RunDir) unlock() {
	if d.lock == nil {
		return
	}
	os.Remove(d.lockPath)
	d.lock.Close()
	d.lock = nil
}

// same reports whether path still names the open file f.
func same(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// checkReplaceable refuses to replace a directory holding anything but
// run outputs (files a run writes, hidden temporary files, a sweep's
// runs/ of run directories are not among them: a sweep manages its own).
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, unwrapPathErr(err))
	}
	for _, e := range entries {
		name := e.Name()
		if runOutputs[name] && !e.IsDir() || strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp") {
			continue
		}
		return fmt.Errorf("%s: holds %s, which no run writes: a run replaces its output directory as a whole, so choose an empty or new -o directory", dir, name)
	}
	return nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// globEscape escapes the characters filepath.Match treats specially.
func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}
