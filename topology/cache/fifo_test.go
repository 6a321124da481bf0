package cache

import (
	"testing"
)

func TestFIFOState(t *testing.T) {
	t.Parallel()
	runStateCases(t, "fifo", []stateCase{
		{"hits do not reorder", 3, "1 2 3 1 4 1 5", "...H...", "5,1,4"},
		{"bytes: the oldest goes first, whatever its size", 10, "1:4 2:4 1:4 3:6", "..H.", "3,2"},
		{"an object larger than the capacity is not admitted", 10, "1:4 2:11 1:4", "..H", "1"},
	})
}

func TestFIFOMatchesBruteForce(t *testing.T) {
	t.Parallel()
	for _, capacity := range []int64{1, 500, 4000, 30000} {
		ref := newRefLRU(capacity, false)
		diffAgainst(t, "fifo", capacity, diffTrace(uint64(capacity)+1, 20000), ref.access)
	}
}
