package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/cdnsim/cdnsim/topology/cache"
)

// The grammar of durations and sizes is checked here, on the decoded TOML
// document before it reaches the schema, so that a file and --set read a
// value the same way and a mistake is told in the same words. The TOML
// decoder alone would take a bare number as nanoseconds (`duration = 48`,
// or `--set workload.duration=48`, is 48 ns) and say only "invalid
// duration" of a bad string.

// DurationUnits and SizeUnits are the units the messages list.
const (
	DurationUnits = "h, m, s, ms, us, ns"
	SizeUnits     = "B, KB, MB, GB, TB (binary: 1KB = 1024 B), or a bare number of bytes"
)

var (
	durationType = reflect.TypeFor[time.Duration]()
	sizeType     = reflect.TypeFor[Size]()
	timeType     = reflect.TypeFor[time.Time]()
)

// parseDuration reads a duration in the scenario grammar: a string of
// numbers with units, as time.ParseDuration reads it ("90s", "1h30m").
func parseDuration(v any) (time.Duration, error) {
	s, ok := v.(string)
	if !ok {
		switch v.(type) {
		case int64, float64:
			return 0, fmt.Errorf("%v has no unit: write a string with one, e.g. \"%vs\" or \"%vh\" (units: %s)", v, v, v, DurationUnits)
		}
		return 0, fmt.Errorf("a duration is a string with a unit, e.g. \"90s\", \"5m\", \"24h\", not %s (units: %s)", tomlType(v), DurationUnits)
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		if _, nerr := strconv.ParseFloat(strings.TrimSpace(s), 64); nerr == nil {
			return 0, fmt.Errorf("%q has no unit: write e.g. \"%ss\" or \"%sh\" (units: %s)", s, s, s, DurationUnits)
		}
		return 0, fmt.Errorf("%q is not a duration: write numbers with units, e.g. \"90s\", \"5m\", \"1h30m\" (units: %s)", s, DurationUnits)
	}
	return d, nil
}

// parseSize reads a size in the scenario grammar: bytes as a number, or a
// string with a binary unit.
func parseSize(v any) (int64, error) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Errorf("size %d is negative", x)
		}
		return x, nil
	case float64:
		if x != x || x < 0 || x >= 1<<63 {
			return 0, fmt.Errorf("size %v is not a byte count from 0 to 8EB", x)
		}
		return int64(x), nil
	case string:
		n, err := cache.ParseSize(x)
		if err != nil {
			if strings.HasPrefix(strings.TrimSpace(x), "-") {
				return 0, fmt.Errorf("size %q is negative", x)
			}
			return 0, fmt.Errorf("%q is not a size: write e.g. \"512MB\" or \"2GB\" (units: %s)", x, SizeUnits)
		}
		return n, nil
	}
	return 0, fmt.Errorf("a size is a number of bytes or a string like \"2GB\", not %s (units: %s)", tomlType(v), SizeUnits)
}

// tomlType names a decoded TOML value's type as the file spells it.
func tomlType(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case string:
		return "a string"
	case []any, []map[string]any:
		return "an array"
	case map[string]any:
		return "a table"
	case time.Time:
		return "a date"
	}
	return fmt.Sprintf("%T", v)
}

// describe names a TOML value for a message: its type, and the value
// when it is short.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) <= 40 {
			return fmt.Sprintf("a string (%q)", x)
		}
	case int64, float64, bool:
		return fmt.Sprintf("%s (%v)", tomlType(v), x)
	}
	return tomlType(v)
}

// unitError is a value outside the grammar at a key path.
type unitError struct{ key, msg string }

// checkUnits walks doc along the type t (File) and returns the first
// value, in key order, that does not fit its key: a duration or a size the
// grammar rejects, or a value of the wrong type. It names the key with its
// array indices ("workload.classes[1].objects"), which the decoder's own
// type errors cannot. Keys that are not in the schema are left to the
// strict decoder.
func checkUnits(doc map[string]any, t reflect.Type) *unitError {
	return walkTable(doc, t, "")
}

func walkTable(doc map[string]any, t reflect.Type, path string) *unitError {
	keys := make([]string, 0, len(doc))
	for k := range doc {
		keys = append(keys, k)
	}
	// Map order is random; the first error must not be.
	slices.Sort(keys)
	for _, k := range keys {
		ft, ok := fieldType(t, k)
		if !ok {
			continue
		}
		if e := walkValue(doc[k], ft, join(path, k)); e != nil {
			return e
		}
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[toml.Unmarshaler]()

func walkValue(v any, t reflect.Type, path string) *unitError {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == durationType:
		if _, err := parseDuration(v); err != nil {
			return &unitError{path, err.Error()}
		}
	case t == sizeType:
		if _, err := parseSize(v); err != nil {
			return &unitError{path, err.Error()}
		}
	case t == timeType:
		if _, ok := v.(time.Time); !ok {
			return &unitError{path, fmt.Sprintf("must be a date or a date-time, e.g. 2026-01-01, not %s", describe(v))}
		}
	case t.Kind() == reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return &unitError{path, fmt.Sprintf("must be a table, not %s", describe(v))}
		}
		return walkTable(m, t, path)
	case t.Kind() == reflect.Bool:
		if _, ok := v.(bool); !ok {
			return &unitError{path, fmt.Sprintf("must be true or false, not %s", describe(v))}
		}
	case t.Kind() == reflect.String:
		// A type that decodes itself (a price class takes 100 as "100")
		// says what it accepts.
		if _, ok := v.(string); !ok && !reflect.PointerTo(t).Implements(unmarshalerType) {
			return &unitError{path, fmt.Sprintf("must be a string (in quotes), not %s", describe(v))}
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if _, ok := v.(int64); !ok {
			return &unitError{path, fmt.Sprintf("must be a whole number, not %s", describe(v))}
		}
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		if n, ok := v.(int64); !ok || n < 0 {
			return &unitError{path, fmt.Sprintf("must be a whole number >= 0, not %s", describe(v))}
		}
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
		switch v.(type) {
		case float64, int64:
		default:
			return &unitError{path, fmt.Sprintf("must be a number, not %s", describe(v))}
		}
	case t.Kind() == reflect.Slice:
		var els []any
		switch a := v.(type) {
		case []any:
			els = a
		case []map[string]any:
			for _, m := range a {
				els = append(els, m)
			}
		default:
			return &unitError{path, fmt.Sprintf("must be an array [...], not %s", describe(v))}
		}
		for i, el := range els {
			if e := walkValue(el, t.Elem(), path+"["+strconv.Itoa(i)+"]"); e != nil {
				return e
			}
		}
	}
	return nil
}

// fieldType is the type of the field of struct t that the TOML key k
// decodes into, looking into embedded structs as the decoder does.
func fieldType(t reflect.Type, k string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if ft, ok := fieldType(f.Type, k); ok {
				return ft, true
			}
			continue
		}
		if tag == k || (tag == "" && strings.EqualFold(f.Name, k)) {
			return f.Type, true
		}
	}
	return nil, false
}
