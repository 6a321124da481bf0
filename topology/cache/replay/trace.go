package replay

import (
	"os"
	"strings"

	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// Trace is a decoded trace and the facts about it that capacities are
// resolved against. Replay only reads it.
type Trace struct {
	// Requests in trace order. Next is filled in: from the file for
	// oracleGeneral traces, which record it, else computed.
	Requests   []cache.Request
	Bytes      int64 // sum of request sizes: the byte miss ratio's denominator
	Objects    int64 // distinct objects
	WorkingSet int64 // sum of distinct objects' sizes (the first size seen), bytes
}

// NewTrace builds a Trace over reqs (kept, not copied), filling in each
// request's Next: the 1-based index of the next request to its object, or
// cache.Never.
func NewTrace(reqs []cache.Request) *Trace {
	tr := &Trace{Requests: reqs}
	tr.index(true)
	return tr
}

// batch is how many records Load decodes per call into the reader.
const batch = 4096

// Load decodes the whole trace at path in format f (decompressing .zst and
// .gz) into memory. Errors name the file and the record, as
// workload.TraceReader words them. A CloudFront log's objects are its
// paths, each weighing its largest transfer (as a scenario reads it).
func Load(path string, f workload.TraceFormat) (*Trace, error) {
	r, err := workload.OpenTrace(path, f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	r.RecordsOnly() // a cache keys on the ID alone
	var reqs []cache.Request
	if st, err := os.Stat(path); err == nil && f == workload.TraceOracle && !strings.HasSuffix(strings.ToLower(path), ".zst") && !strings.HasSuffix(strings.ToLower(path), ".gz") {
		reqs = make([]cache.Request, 0, st.Size()/24) // fixed-size records: no regrowing
	}
	buf := make([]workload.TraceRecord, batch)
	for {
		n := r.ReadBatch(buf)
		for _, rec := range buf[:n] {
			next := rec.Next
			if next < 0 {
				next = cache.Never
			}
			reqs = append(reqs, cache.Request{ID: cache.ObjectID(rec.ID), Size: rec.Size, Time: rec.Time, Next: next})
		}
		if n < len(buf) {
			break
		}
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if f == workload.TraceCloudFront {
		largestTransfer(reqs)
	}
	tr := &Trace{Requests: reqs}
	tr.index(f != workload.TraceOracle)
	return tr, nil
}

// largestTransfer sets each request's size to the largest of its object's
// (at least 1): a CloudFront log records the bytes sent, fewer than the
// object for a range request, a 304 or an aborted transfer. IDs are dense.
func largestTransfer(reqs []cache.Request) {
	var sizes []int64
	for _, r := range reqs {
		if int(r.ID) == len(sizes) {
			sizes = append(sizes, 1)
		}
		sizes[r.ID] = max(sizes[r.ID], r.Size)
	}
	for i := range reqs {
		reqs[i].Size = sizes[reqs[i].ID]
	}
}

// index counts bytes, objects and the working set and, with setNext, links
// each request to the next one for its object, in one pass with one map
// lookup per request. The pass runs backwards, so that Next is written in
// order rather than back at an object's previous request (a cache miss
// each on a trace larger than the caches); an object's first size is then
// the last one the pass sees.
func (tr *Trace) index(setNext bool) {
	reqs := tr.Requests
	slot := make(map[cache.ObjectID]int32, len(reqs)/8) // object → its index in next and size
	var next []int64                                    // an object's earliest request after i, 1-based
	var size []int64                                    // its earliest size so far
	for i := len(reqs) - 1; i >= 0; i-- {
		r := &reqs[i]
		tr.Bytes += r.Size
		k, seen := slot[r.ID]
		if !seen {
			k = int32(len(size))
			slot[r.ID] = k
			next = append(next, cache.Never)
			size = append(size, 0)
		}
		if setNext {
			r.Next = next[k]
			next[k] = int64(i) + 1
		}
		size[k] = r.Size
	}
	for _, s := range size {
		tr.WorkingSet += s
	}
	tr.Objects = int64(len(size))
}

// ObjectsHint estimates how many objects capacity holds, for the sketches
// and filters sized from it (cache.Config.ObjectsHint): the capacity itself
// with ignoreSize, else how many objects of the trace's mean
// (distinct-object) size fit; never more than the trace's distinct objects,
// all that a cache can hold, so a huge capacity is no huge hint.
func (tr *Trace) ObjectsHint(capacity int64, ignoreSize bool) int {
	switch {
	case ignoreSize || tr.WorkingSet == 0:
		return int(min(capacity, tr.Objects))
	case capacity >= tr.WorkingSet:
		return int(tr.Objects)
	}
	return int(max(1, int64(float64(capacity)*float64(tr.Objects)/float64(tr.WorkingSet))))
}
