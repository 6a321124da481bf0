package scenarios

import (
	"strconv"
	"strings"
)

// keyLines maps every key path in a TOML document ("pops.capacity",
// "pops.sites[3].region", "origins[1].name", and the bare container paths
// "pops.sites[3]", "origins[1]") to the 1-based line where it is written.
// BurntSushi/toml reports lines only for syntax and type errors; validation
// happens after decoding, so this small scanner finds the line a key path
// came from. It understands tables, arrays of tables, dotted keys, inline
// tables and arrays, strings and comments; on anything stranger it just
// records less, and errors fall back to naming the key without a line.
func keyLines(src string) map[string]int {
	s := &scanner{src: src, line: 1, lines: map[string]int{}, arrays: map[string]int{}}
	s.document()
	return s.lines
}

type scanner struct {
	src    string
	pos    int
	line   int
	lines  map[string]int
	arrays map[string]int // array-of-tables path → elements seen
	table  string         // current [table] path
}

func (s *scanner) peek() byte {
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}

func (s *scanner) advance() {
	if s.src[s.pos] == '\n' {
		s.line++
	}
	s.pos++
}

// skip passes white space, newlines (when nl) and comments.
func (s *scanner) skip(nl bool) {
	for s.pos < len(s.src) {
		switch c := s.peek(); {
		case c == ' ' || c == '\t' || c == '\r' || (nl && c == '\n'):
			s.advance()
		case c == '#':
			for s.pos < len(s.src) && s.peek() != '\n' {
				s.pos++
			}
		default:
			return
		}
	}
}

func (s *scanner) record(path string) {
	if _, ok := s.lines[path]; !ok {
		s.lines[path] = s.line
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func (s *scanner) document() {
	for {
		s.skip(true)
		if s.pos >= len(s.src) {
			return
		}
		if s.peek() == '[' {
			s.header()
			continue
		}
		start := s.pos
		s.keyValue(s.table)
		if s.pos == start { // not something we understand: skip the line
			for s.pos < len(s.src) && s.peek() != '\n' {
				s.pos++
			}
		}
	}
}

func (s *scanner) header() {
	s.pos++
	array := s.peek() == '['
	if array {
		s.pos++
	}
	s.skip(false)
	key := s.key()
	for s.pos < len(s.src) && s.peek() != '\n' {
		s.pos++
	}
	if array {
		n := s.arrays[key]
		s.arrays[key] = n + 1
		key = key + "[" + strconv.Itoa(n) + "]"
	}
	s.table = key
	s.record(key)
}

// key reads a possibly dotted, possibly quoted key.
func (s *scanner) key() string {
	var parts []string
	for {
		s.skip(false)
		var part strings.Builder
		switch c := s.peek(); c {
		case '"', '\'':
			s.pos++
			for s.pos < len(s.src) && s.peek() != c && s.peek() != '\n' {
				part.WriteByte(s.peek())
				s.pos++
			}
			if s.pos < len(s.src) && s.peek() == c {
				s.pos++
			}
		default:
			for s.pos < len(s.src) {
				c := s.peek()
				if c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
					part.WriteByte(c)
					s.pos++
					continue
				}
				break
			}
		}
		parts = append(parts, part.String())
		s.skip(false)
		if s.peek() != '.' {
			return strings.Join(parts, ".")
		}
		s.pos++
	}
}

func (s *scanner) keyValue(table string) {
	k := s.key()
	if k == "" || s.peek() != '=' {
		return
	}
	s.pos++
	path := join(table, k)
	s.record(path)
	s.skip(false)
	s.value(path)
}

func (s *scanner) value(path string) {
	switch s.peek() {
	case '[':
		s.pos++
		for i := 0; ; i++ {
			s.skip(true)
			if s.pos >= len(s.src) || s.peek() == ']' {
				break
			}
			el := path + "[" + strconv.Itoa(i) + "]"
			s.record(el)
			start := s.pos
			s.value(el)
			s.skip(true)
			if s.peek() == ',' {
				s.pos++
			} else if s.pos == start {
				s.advance() // something we do not understand: never stall
			}
		}
		if s.pos < len(s.src) {
			s.pos++
		}
	case '{':
		s.pos++
		for {
			s.skip(true) // TOML 1.1 allows newlines in inline tables
			if s.pos >= len(s.src) || s.peek() == '}' {
				break
			}
			start := s.pos
			s.keyValue(path)
			s.skip(true)
			if s.peek() == ',' {
				s.pos++
			}
			if s.pos == start {
				break
			}
		}
		if s.pos < len(s.src) && s.peek() == '}' {
			s.pos++
		}
	case '"', '\'':
		q := s.peek()
		if strings.HasPrefix(s.src[s.pos:], strings.Repeat(string(q), 3)) {
			end := strings.Index(s.src[s.pos+3:], strings.Repeat(string(q), 3))
			if end < 0 {
				end = len(s.src) - s.pos - 3
			}
			for stop := s.pos + 3 + end + 3; s.pos < stop && s.pos < len(s.src); {
				s.advance()
			}
			return
		}
		s.pos++
		for s.pos < len(s.src) && s.peek() != q && s.peek() != '\n' {
			if s.peek() == '\\' && q == '"' {
				s.pos++
			}
			s.pos++
		}
		if s.pos < len(s.src) && s.peek() == q {
			s.pos++
		}
	default: // number, bool, date: up to a delimiter
		for s.pos < len(s.src) {
			c := s.peek()
			if c == ',' || c == ']' || c == '}' || c == '\n' || c == '#' {
				break
			}
			s.pos++
		}
	}
}

// lineOf finds the line of key, or of its nearest written ancestor
// ("pops.sites[3].capacity" falls back to "pops.sites[3]", then
// "pops.sites"); 0 if none is written.
func lineOf(lines map[string]int, key string) int {
	for k := key; k != ""; {
		if l, ok := lines[k]; ok {
			return l
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}
