package cache

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// probSize admits an object of size s with probability exp(-s/C), as
// AdaptSize does (Berger et al., NSDI'17) with a fixed C: small objects
// almost always, objects much larger than C almost never. The random stream
// is seeded, so runs repeat.
type probSize struct {
	c   float64
	rng *rand.Rand
}

// probSizeStream separates this policy's random stream from others drawn
// from the same seed.
const probSizeStream = 0x70726f6273697a65 // "probsize"

func init() {
	registerAdmission("prob-size", func(arg string, seed uint64) (Admission, error) {
		if arg == "" {
			return nil, fmt.Errorf("admission prob-size needs a size C, e.g. prob-size:64KB")
		}
		c, err := ParseSize(arg)
		if err != nil {
			return nil, fmt.Errorf("admission prob-size: %w", err)
		}
		if c <= 0 {
			return nil, fmt.Errorf("admission prob-size: C must be > 0, got %q", arg)
		}
		return &probSize{c: float64(c), rng: rand.New(rand.NewPCG(seed, probSizeStream))}, nil
	})
}

func (*probSize) Name() string   { return "prob-size" }
func (*probSize) Record(Request) {}

func (a *probSize) Admit(r Request, _ Policy) bool {
	return a.rng.Float64() < math.Exp(-float64(r.Size)/a.c)
}
