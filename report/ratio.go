package report

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Ratio is a share of a count, such as a hit ratio: undefined when there
// was nothing to share (no request reached the tier, the interval was
// empty), which summary.json writes as null and timeseries.csv as an
// empty field. Every ratio of the outputs is a Ratio, so none is ever NaN
// and none reads 0 or 1 for "nothing happened". The zero value is
// undefined.
type Ratio struct {
	v  float64
	ok bool
}

// NewRatio is num/den, undefined when den is not positive.
func NewRatio(num, den int64) Ratio {
	if den <= 0 {
		return Ratio{}
	}
	return Ratio{v: float64(num) / float64(den), ok: true}
}

// RatioOf is a defined Ratio of value v (for tests and tools that
// compute a share themselves).
func RatioOf(v float64) Ratio { return Ratio{v: v, ok: true} }

// complement is 1 − part/whole, undefined when whole is not positive:
// the share of whole that part did not take (origin offload).
func complement(part, whole int64) Ratio {
	if whole <= 0 {
		return Ratio{}
	}
	return Ratio{v: 1 - float64(part)/float64(whole), ok: true}
}

// Defined reports whether the ratio has a value.
func (r Ratio) Defined() bool { return r.ok }

// Float is the value, NaN when undefined.
func (r Ratio) Float() float64 {
	if !r.ok {
		return math.NaN()
	}
	return r.v
}

// MarshalJSON writes the value as encoding/json writes a float64, or null.
func (r Ratio) MarshalJSON() ([]byte, error) {
	if !r.ok {
		return []byte("null"), nil
	}
	return json.Marshal(r.v)
}

// UnmarshalJSON reads a number or null.
func (r *Ratio) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*r = Ratio{}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Ratio{v: v, ok: true}
	return nil
}

// appendCSV appends the value with 6 decimals, or nothing when undefined.
func (r Ratio) appendCSV(b []byte) []byte {
	if !r.ok {
		return b
	}
	return strconv.AppendFloat(b, r.v, 'f', 6, 64)
}
