//go:build !linux

package report

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("locked")

// flock does not lock where flock(2) is not used: two runs into one
// directory are then not stopped.
func flock(*os.File) error { return nil }

// exchange is not available: Commit renames twice.
func exchange(a, b string) error { return errors.ErrUnsupported }
