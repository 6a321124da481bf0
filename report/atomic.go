package report

// WriteAtomic writes data to a temporary file beside path and renames it
// over path, so a reader sees the old file or the whole new one, never a
// part: the writer every output of cdnsim uses.
func WriteAtomic(path string, data []byte) error { return writeAtomic(path, data) }
