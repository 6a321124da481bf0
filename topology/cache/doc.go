// Package cache is cdnsim's caching core: eviction policies, admission
// policies and HTTP freshness, usable on its own like a library cache.
//
// It has no clock and no globals: every call that needs the time takes it in
// the Request. Objects are identified by a uint64 ObjectID chosen by the
// caller (a dense catalog index in the simulator, a trace's object ID in
// replay) and carry a size in bytes.
//
// The pieces:
//
//   - Policy is an eviction policy (lru, fifo, clock, lfu, arc, 2q, s3fifo,
//     s3fifo-1, sieve, wtinylfu, wtinylfu-cbf, gdsf, lhd, random, belady).
//     Lookup happens at request time; Admit happens when the fill arrives,
//     which in a simulation is later in virtual time. Victims are appended
//     to a slice the caller owns.
//   - Admission decides whether a missed object is inserted at all (always,
//     max-size, second-hit, prob-size, tinylfu).
//   - Cache composes a Policy and an Admission with TTL expiry and explicit
//     removal; it is what the simulator's POP and regional nodes hold.
//
// Collapsing of concurrent misses belongs to the node that owns a Cache, not
// to the policy.
package cache
