package scenarios

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// applySets overrides keys of the TOML document and returns it re-encoded,
// with the keys set. A key is a dotted path with optional [i] indices
// ("pops.capacity", "pops.sites[2].capacity", "workload.classes[0].alpha").
// A value is read as a TOML value if it parses as one ("5", "true",
// "[1, 2]"), else as a string ("2GB", "24h").
func applySets(src string, sets []string) (string, []string, error) {
	var doc map[string]any
	if _, err := toml.Decode(src, &doc); err != nil {
		return "", nil, err
	}
	var keys []string
	for _, set := range sets {
		key, val, ok := strings.Cut(set, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return "", nil, &Error{File: "--set", Key: set, Msg: "want key=value, e.g. pops.capacity=2GB"}
		}
		var v any = strings.TrimSpace(val)
		var probe map[string]any
		if _, err := toml.Decode("v = "+strings.TrimSpace(val), &probe); err == nil {
			v = probe["v"]
		}
		if err := setPath(doc, key, v); err != nil {
			return "", nil, &Error{File: "--set", Key: key, Msg: err.Error()}
		}
		keys = append(keys, key)
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(doc); err != nil {
		return "", nil, &Error{File: "--set", Msg: err.Error()}
	}
	return buf.String(), keys, nil
}

var segRE = regexp.MustCompile(`^([A-Za-z0-9_-]+)((?:\[\d+\])*)$`)

func setPath(doc map[string]any, key string, v any) error {
	parts := strings.Split(key, ".")
	var cur any = doc
	for i, part := range parts {
		m := segRE.FindStringSubmatch(part)
		if m == nil {
			return fmt.Errorf("bad key segment %q", part)
		}
		table, ok := cur.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not a table", strings.Join(parts[:i], "."))
		}
		var idx []int
		for _, s := range regexp.MustCompile(`\d+`).FindAllString(m[2], -1) {
			n, _ := strconv.Atoi(s)
			idx = append(idx, n)
		}
		last := i == len(parts)-1
		if len(idx) == 0 {
			if last {
				table[m[1]] = v
				return nil
			}
			next, ok := table[m[1]]
			if !ok {
				next = map[string]any{}
				table[m[1]] = next
			}
			cur = next
			continue
		}
		el := table[m[1]]
		for j, n := range idx {
			arr, ok := toSlice(el)
			if !ok || n >= len(arr) {
				return fmt.Errorf("%s%s: no element %d", m[1], m[2], n)
			}
			if last && j == len(idx)-1 {
				arr[n] = v
				return nil
			}
			el = arr[n]
		}
		cur = el
	}
	return nil
}

func toSlice(v any) ([]any, bool) {
	switch a := v.(type) {
	case []any:
		return a, true
	case []map[string]any:
		out := make([]any, len(a))
		for i := range a {
			out[i] = a[i]
		}
		return out, true
	}
	return nil, false
}
