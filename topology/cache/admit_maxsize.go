package cache

import "fmt"

// maxSize refuses objects larger than a limit: the classic CDN rule that
// keeps a few huge objects from flushing many small ones.
type maxSize struct{ limit int64 }

func init() {
	registerAdmission("max-size", func(arg string, _ uint64) (Admission, error) {
		if arg == "" {
			return nil, fmt.Errorf("admission max-size needs a size, e.g. max-size:1MB")
		}
		n, err := ParseSize(arg)
		if err != nil {
			return nil, fmt.Errorf("admission max-size: %w", err)
		}
		if n <= 0 {
			return nil, fmt.Errorf("admission max-size: limit must be > 0, got %q", arg)
		}
		return maxSize{limit: n}, nil
	})
}

func (maxSize) Name() string                     { return "max-size" }
func (maxSize) Record(Request)                   {}
func (a maxSize) Admit(r Request, _ Policy) bool { return r.Size <= a.limit }
