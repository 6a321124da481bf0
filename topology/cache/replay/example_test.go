package replay_test

import (
	"fmt"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/topology/cache/replay"
)

// Replay a small trace through three policies at three quarters of its
// working set. (replay.Load decodes a trace file instead.)
func Example() {
	// Objects 1 2 1 3 2 1 4 1 3; object 4 weighs 2 bytes, the others 4.
	var reqs []cache.Request
	for i, id := range []cache.ObjectID{1, 2, 1, 3, 2, 1, 4, 1, 3} {
		size := int64(4)
		if id == 4 {
			size = 2
		}
		reqs = append(reqs, cache.Request{ID: id, Size: size, Time: int64(i)})
	}
	tr := replay.NewTrace(reqs) // fills in Next, which belady reads
	capacity, err := replay.ParseCapacity("0.75", false)
	if err != nil {
		panic(err)
	}
	bytes := capacity.Resolve(tr, false)
	fmt.Printf("%d requests, %d objects, working set %d bytes: capacity %d bytes\n", tr.Len(), tr.Objects, tr.WorkingSet, bytes)

	runs := []replay.Run{{Policy: "lru", Capacity: bytes}, {Policy: "fifo", Capacity: bytes}, {Policy: "belady", Capacity: bytes}}
	if err := tr.Replay(runs, replay.Options{Seed: 1}); err != nil {
		panic(err)
	}
	for _, r := range runs {
		fmt.Printf("%-6s %d misses, miss ratio %.3f, byte miss ratio %.3f\n", r.Policy, r.Misses, r.MissRatio(tr), r.ByteMissRatio(tr))
	}
	// Output:
	// 9 requests, 4 objects, working set 14 bytes: capacity 10 bytes
	// lru    7 misses, miss ratio 0.778, byte miss ratio 0.765
	// fifo   5 misses, miss ratio 0.556, byte miss ratio 0.529
	// belady 5 misses, miss ratio 0.556, byte miss ratio 0.529
}
