package report

import (
	"fmt"
	"os"
	"path/filepath"
)

// AtomicFile is a file being written to a temporary name beside its path:
// Commit renames it into place, so a reader sees the old file or the whole
// new one and a failed or interrupted write leaves nothing behind. It is
// the writer every output of cdnsim goes through.
type AtomicFile struct {
	*os.File
	path string
	done bool
}

// CreateAtomic starts writing path. Its errors name path, not the
// temporary file.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		if _, serr := os.Stat(filepath.Dir(path)); serr != nil {
			return nil, fmt.Errorf("%s: cannot create: %w", path, unwrapPathErr(serr))
		}
		return nil, fmt.Errorf("%s: cannot create: %w", path, unwrapPathErr(err))
	}
	return &AtomicFile{File: f, path: path}, nil
}

// Commit flushes the file to disk and renames it into place, readable by
// all (0644: CreateTemp makes 0600 files); on an error nothing is left.
func (a *AtomicFile) Commit() error {
	a.done = true
	err := a.Chmod(0o644)
	if err == nil {
		err = a.Sync()
	}
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.Name())
		return fmt.Errorf("%s: %w", a.path, unwrapPathErr(err))
	}
	return nil
}

// Abort removes the temporary file; after Commit it does nothing.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
}

// WriteAtomic writes data to path through an AtomicFile.
func WriteAtomic(path string, data []byte) error {
	a, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := a.Write(data); err != nil {
		a.Abort()
		return fmt.Errorf("%s: %w", path, unwrapPathErr(err))
	}
	return a.Commit()
}
