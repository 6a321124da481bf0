package replay

import (
	"iter"
	"os"
	"slices"
	"strings"

	"github.com/cdnsim/cdnsim/sim/prefetch"
	"github.com/cdnsim/cdnsim/topology/cache"
	"github.com/cdnsim/cdnsim/workload"
)

// Trace is a trace and the facts about it that capacities are resolved
// against. Replay only reads it. Its requests are either decoded into
// memory or, for an uncompressed oracleGeneral file, the mapped file
// itself, which each run decodes in place as it goes: a trace of a
// billion requests then costs no memory of its own, where decoded it would
// take 32 GB.
type Trace struct {
	Bytes      int64 // sum of request sizes: the byte miss ratio's denominator
	Objects    int64 // distinct objects
	WorkingSet int64 // sum of distinct objects' sizes (the first size seen), bytes

	n      int                   // requests
	reqs   []cache.Request       // the decoded requests, or
	mapped *workload.MappedTrace // the mapped oracleGeneral file
}

// NewTrace builds a Trace over reqs (kept, not copied), filling in each
// request's Next: the 1-based index of the next request to its object, or
// cache.Never.
func NewTrace(reqs []cache.Request) *Trace {
	tr := &Trace{reqs: reqs, n: len(reqs)}
	tr.index()
	return tr
}

// Len is the number of requests.
func (tr *Trace) Len() int { return tr.n }

// All yields the requests in trace order with their 0-based index. Next is
// filled in: from the file for oracleGeneral traces, which record it, else
// computed. A mapped file is decoded anew; if it changed since Load
// (rewritten in place), All stops where it no longer decodes.
func (tr *Trace) All() iter.Seq2[int, cache.Request] {
	return func(yield func(int, cache.Request) bool) {
		q := tr.requests()
		i := 0
		for b := q.next(); len(b) > 0; b = q.next() {
			for _, r := range b {
				if !yield(i, r) {
					return
				}
				i++
			}
		}
	}
}

// Close releases the mapped file, if Load mapped one. Nothing may be
// replayed or read from the trace after.
func (tr *Trace) Close() error {
	if tr.mapped == nil {
		return nil
	}
	return tr.mapped.Close()
}

// requestReader hands out a trace's requests in order, a batch at a time:
// all of them at once when they are decoded in memory, else decoded from
// the mapped file into a batch of its own, so that runs read one trace at
// once.
type requestReader struct {
	tr   *Trace
	r    *workload.TraceReader // nil: the decoded requests
	recs []workload.TraceRecord
	reqs []cache.Request
	done int // requests handed out
	err  error
}

func (tr *Trace) requests() *requestReader {
	q := &requestReader{tr: tr}
	if tr.mapped != nil {
		q.r = tr.mapped.Reader()
		q.recs = make([]workload.TraceRecord, batch)
		q.reqs = make([]cache.Request, batch)
	}
	return q
}

// next returns the next requests, or none at the end (see err).
func (q *requestReader) next() []cache.Request {
	if q.r == nil {
		if q.done > 0 {
			return nil
		}
		q.done = len(q.tr.reqs)
		return q.tr.reqs
	}
	n := q.r.ReadBatch(q.recs)
	toRequests(q.reqs[:n], q.recs[:n])
	q.done += n
	if n == 0 && q.err == nil {
		if q.err = q.r.Err(); q.err == nil && q.done != q.tr.n {
			q.err = q.r.Errorf("the file changed since it was loaded: it ends after %d of its %d requests", q.done, q.tr.n)
		}
	}
	return q.reqs[:n]
}

// toRequests converts recs into reqs, which is as long.
func toRequests(reqs []cache.Request, recs []workload.TraceRecord) {
	reqs = reqs[:len(recs)]
	for i, rec := range recs {
		next := rec.Next
		if next < 0 {
			next = cache.Never
		}
		reqs[i] = cache.Request{ID: cache.ObjectID(rec.ID), Size: rec.Size, Time: rec.Time, Next: next}
	}
}

// batch is how many records are decoded per call into the reader.
const batch = 4096

// Load reads the trace at path in format f. An uncompressed oracleGeneral
// file is mapped (workload.MapTrace) and read once here, to check it and
// count its objects; anything else is decoded into memory, decompressing
// .zst and .gz. Errors name the file and the record, as
// workload.TraceReader words them. A CloudFront log's objects are its
// paths, each weighing its largest transfer (as a scenario reads it).
// Close the trace when done with it.
func Load(path string, f workload.TraceFormat) (*Trace, error) {
	if f == workload.TraceOracle {
		m, err := workload.MapTrace(path)
		if err != nil {
			return nil, err
		}
		if m != nil {
			tr := &Trace{mapped: m}
			if err := tr.load(m.Reader(), f); err != nil {
				m.Close()
				return nil, err
			}
			return tr, nil
		}
	}
	r, err := workload.OpenTrace(path, f)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	tr := &Trace{}
	lower := strings.ToLower(path)
	if st, err := os.Stat(path); err == nil && f == workload.TraceOracle && !strings.HasSuffix(lower, ".zst") && !strings.HasSuffix(lower, ".gz") {
		tr.reqs = make([]cache.Request, 0, st.Size()/24) // fixed-size records: no regrowing
	}
	if err := tr.load(r, f); err != nil {
		return nil, err
	}
	return tr, nil
}

// load reads r to its end: it counts an oracleGeneral trace's objects
// batch by batch as they are decoded, while the batch is in the CPU's
// cache, and keeps the requests unless the trace is mapped. Other formats
// have no Next: they are indexed once whole, to compute it.
func (tr *Trace) load(r *workload.TraceReader, f workload.TraceFormat) error {
	r.RecordsOnly() // a cache keys on the ID alone
	var objs *objectSet
	if f == workload.TraceOracle {
		hint := cap(tr.reqs)
		if tr.mapped != nil {
			hint = tr.mapped.Records()
		}
		objs = newObjectSet(hint / 8)
	}
	buf := make([]workload.TraceRecord, batch)
	for {
		n := r.ReadBatch(buf)
		if objs != nil {
			tr.count(objs, buf[:n])
		}
		tr.n += n
		if tr.mapped == nil {
			k := len(tr.reqs)
			tr.reqs = slices.Grow(tr.reqs, n)[:k+n]
			toRequests(tr.reqs[k:], buf[:n])
		}
		if n < len(buf) {
			break
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	if objs != nil {
		tr.Objects = int64(objs.n)
		return nil
	}
	if f == workload.TraceCloudFront {
		largestTransfer(tr.reqs)
	}
	tr.index()
	return nil
}

// count adds recs, the trace's next records, to its bytes, objects
// (counted in objs) and working set, with the first size seen of each
// object.
func (tr *Trace) count(objs *objectSet, recs []workload.TraceRecord) {
	// The set is larger than the CPU's nearer caches on a trace of
	// millions of objects: start loading the slot of a request a few
	// ahead, so that its turn finds it loaded.
	const ahead = 8
	for i := range recs {
		if j := i + ahead; j < len(recs) {
			objs.warm(recs[j].ID)
		}
		r := &recs[i]
		tr.Bytes += r.Size
		if objs.add(r.ID) {
			tr.WorkingSet += r.Size
		}
	}
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

// index counts bytes, objects and the working set and links each request
// to the next one for its object, in one pass with one table
// lookup per request. The pass runs backwards, so that Next is written in
// order rather than back at an object's previous request (a cache miss
// each on a trace larger than the caches); an object's first size is then
// the last one the pass sees.
func (tr *Trace) index() {
	reqs := tr.reqs
	objs := newObjectTable(len(reqs) / 8)
	// An object's first request after i (1-based) and earliest size so
	// far, by its number: one cache line per request.
	type object struct{ next, size int64 }
	var obj []object
	for i := len(reqs) - 1; i >= 0; i-- {
		r := &reqs[i]
		tr.Bytes += r.Size
		k, seen := objs.number(uint64(r.ID))
		if !seen {
			obj = append(obj, object{next: cache.Never})
		}
		o := &obj[k]
		r.Next = o.next
		o.next = int64(i) + 1
		o.size = r.Size
	}
	for _, o := range obj {
		tr.WorkingSet += o.size
	}
	tr.Objects = int64(len(obj))
}

// objectTable numbers object IDs densely, 0, 1, 2, ... in order of first
// sight: an open-addressed, linear-probing table whose slot holds the key
// beside its number, so a lookup reads one cache line. A Go map did the
// same at ~4 × the cost, 60% of a whole `cdnsim replay` of a 2M-request
// trace.
type objectTable struct {
	slots []objectSlot
	n     int32 // numbers given
	shift uint8 // 64 - log2(len(slots))
}

type objectSlot struct {
	id  uint64
	num int32 // the number + 1; 0 marks an empty slot (any ID, 0 included, may be a key)
}

// newObjectTable sizes the table for about hint objects.
func newObjectTable(hint int) *objectTable {
	t := &objectTable{shift: tableShift(hint)}
	t.slots = make([]objectSlot, 1<<(64-t.shift))
	return t
}

// tableShift is 64 - log2 of the slots of a table for about hint keys:
// twice as many slots, at least 16.
func tableShift(hint int) uint8 {
	shift := uint8(64 - 4)
	for n := 16; n < 2*hint; n *= 2 {
		shift--
	}
	return shift
}

// number returns id's number, giving it the next one if it has none yet
// (seen reports which).
func (t *objectTable) number(id uint64) (num int32, seen bool) {
	mask := uint64(len(t.slots) - 1)
	for i := t.home(id); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.num == 0 {
			break
		}
		if s.id == id {
			return s.num - 1, true
		}
	}
	// Grow at half load: linear probing's misses stay short.
	if int(t.n+1)*2 > len(t.slots) {
		t.grow()
	}
	t.place(id, t.n+1)
	t.n++
	return t.n - 1, false
}

// home is id's preferred slot.
func (t *objectTable) home(id uint64) uint64 { return home(id, t.shift) }

func (t *objectTable) place(id uint64, num int32) {
	mask := uint64(len(t.slots) - 1)
	i := t.home(id)
	for t.slots[i].num != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = objectSlot{id: id, num: num}
}

func (t *objectTable) grow() {
	old := t.slots
	t.slots = make([]objectSlot, 2*len(old))
	t.shift--
	for _, s := range old {
		if s.num != 0 {
			t.place(s.id, s.num)
		}
	}
}

// objectSet is a set of object IDs: an open-addressed, linear-probing
// table of the IDs themselves, 8 bytes a slot, half the objectTable's, so
// that counting a trace's objects touches half the memory. Slot value 0
// marks an empty slot; ID 0 is kept beside the table.
type objectSet struct {
	slots []uint64
	n     int // members, ID 0 included
	zero  bool
	shift uint8 // 64 - log2(len(slots))
}

// newObjectSet sizes the set for about hint IDs.
func newObjectSet(hint int) *objectSet {
	s := &objectSet{shift: tableShift(hint)}
	s.slots = make([]uint64, 1<<(64-s.shift))
	return s
}

// add puts id in the set and reports whether it was new.
func (s *objectSet) add(id uint64) bool {
	if id == 0 {
		if s.zero {
			return false
		}
		s.zero = true
		s.n++
		return true
	}
	mask := uint64(len(s.slots) - 1)
	i := home(id, s.shift)
	for ; s.slots[i] != 0; i = (i + 1) & mask {
		if s.slots[i] == id {
			return false
		}
	}
	s.slots[i] = id
	s.n++
	// Grow at half load: linear probing's misses stay short.
	if s.n*2 > len(s.slots) {
		s.grow()
	}
	return true
}

// warm starts loading id's home slot, without waiting for it.
func (s *objectSet) warm(id uint64) { prefetch.Of(&s.slots[home(id, s.shift)]) }

func (s *objectSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	s.shift--
	mask := uint64(len(s.slots) - 1)
	for _, id := range old {
		if id != 0 {
			i := home(id, s.shift)
			for s.slots[i] != 0 {
				i = (i + 1) & mask
			}
			s.slots[i] = id
		}
	}
}

// home is id's preferred slot in a table of 2^(64-shift) slots.
// Fibonacci hashing spreads dense IDs and random 64-bit ones alike.
func home(id uint64, shift uint8) uint64 { return (id * 0x9E3779B97F4A7C15) >> shift }

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
