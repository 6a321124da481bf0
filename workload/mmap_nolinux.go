//go:build unix && !linux

package workload

// mapPopulate: only Linux can map a whole file at once.
const mapPopulate = 0
