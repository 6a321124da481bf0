package cache

import "testing"

// decodeOps turns fuzz bytes into a capacity, a mode and an op sequence:
// byte 0 picks byte mode (low bit) and the capacity; then each pair of bytes
// is one op: the first picks the kind and whether Next is Never, the second
// the object (32 IDs, so hits, evictions and removals all happen).
func decodeOps(data []byte) (capacity int64, bytes bool, ops []op) {
	if len(data) == 0 {
		return 1, false, nil
	}
	bytes = data[0]&1 == 1
	capacity = 1 + int64(data[0]>>1)
	if bytes {
		capacity *= 8
	}
	for i := 1; i+1 < len(data); i += 2 {
		k := opKind(data[i] % 8)
		switch {
		case k < 6:
			k = opAccess
		case k == 6:
			k = opRemove
		default:
			k = opVictim
		}
		next := Never
		if data[i]&8 != 0 {
			next = int64(i) + int64(data[i]>>4)
		}
		ops = append(ops, op{kind: k, id: ObjectID(data[i+1] % 32), next: next})
	}
	return capacity, bytes, ops
}

// FuzzPolicies runs every registered policy on fuzzed op sequences with the
// model and invariant checks of checkOps after every operation.
func FuzzPolicies(f *testing.F) {
	f.Add([]byte{6, 0, 1, 0, 2, 0, 3, 0, 1, 0, 4, 6, 2, 7, 0, 0, 5})
	f.Add([]byte{13, 0, 1, 0, 2, 0, 16, 0, 3, 9, 1, 6, 1, 0, 4, 7, 0})
	f.Add([]byte{0, 0, 1, 0, 1, 6, 1, 7, 1, 0, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		capacity, bytes, ops := decodeOps(data)
		for _, name := range PolicyNames() {
			p, err := NewPolicy(name, Config{Capacity: capacity, Seed: 1, ObjectsHint: 16})
			if err != nil {
				t.Fatal(err)
			}
			if err := checkOps(p, ops, bytes); err != nil {
				t.Fatalf("%s (capacity %d, bytes %v): %v", name, capacity, bytes, err)
			}
		}
	})
}
