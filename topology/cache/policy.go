package cache

import "math"

// ObjectID names a cached object. IDs are arbitrary: policies index them
// with their own tables, so a caller may use a hash of a URL.
type ObjectID uint64

// Never is the Next value of a request whose object is not requested again.
const Never int64 = math.MaxInt64

// Request is one access as a policy sees it. It is passed by value: through
// an interface a pointer escapes to the heap and costs an allocation.
type Request struct {
	ID   ObjectID
	Size int64 // bytes, > 0; a Cache in object mode passes 1
	Time int64 // the caller's clock (virtual ns in the simulator, trace time in replay)
	// Next is the logical time (request index) of the next request to the
	// same object, or Never. Only belady reads it; others ignore it.
	Next int64
}

// Policy is an eviction policy over objects of known size. Implementations
// are not safe for concurrent use.
type Policy interface {
	// Name is the policy's registry name, e.g. "lru".
	Name() string
	// Lookup reports whether r.ID is cached and updates the policy's state
	// for the access (recency, frequency, sketches, ghost entries on a miss).
	Lookup(r Request) bool
	// Contains reports whether id is cached without touching any state.
	Contains(id ObjectID) bool
	// Admit inserts r.ID, which must not be cached, evicting as needed, and
	// appends every evicted ID to victims. It returns false, having evicted
	// nothing, when the object cannot be stored (larger than the capacity)
	// or the policy itself declines it (wtinylfu's frequency filter).
	Admit(r Request, victims []ObjectID) ([]ObjectID, bool)
	// Remove drops id (invalidation, TTL expiry); false if it was absent.
	Remove(id ObjectID) bool
	// Used is the total size of the cached objects; Capacity the limit.
	Used() int64
	Capacity() int64
	// Len is the number of cached objects.
	Len() int
}
