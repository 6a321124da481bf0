package workload

import "syscall"

// mapPopulate makes mmap map every page of the file at once (those in the
// page cache; the rest are read in), instead of one page fault for every
// few pages as the decoder first touches them.
const mapPopulate = syscall.MAP_POPULATE
