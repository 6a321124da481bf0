package scenarios

import (
	"errors"
	"strconv"

	"github.com/BurntSushi/toml"
)

// Hooks for programs that keep a scenario's source and read other TOML
// files with the same strictness (scenarios/sweep).

// ReadSource reads a scenario's TOML from a path or a built-in name, as
// Load does, with the source name Load gives it (the path, or
// "builtin:NAME"). Parse(source, src, sets) then gives what
// Load(arg, sets) gives, from bytes that can be kept: a sweep plans from
// them and runs from them later, so an edit of the file in between cannot
// change a planned run.
func ReadSource(arg string) (src []byte, source string, err error) { return read(arg) }

// KeyLines maps every key path written in a TOML document
// ("axes.pops.policy", "axes.pops.policy[2]") to its 1-based line.
func KeyLines(src string) map[string]int { return keyLines(src) }

// LineOf is the line of key in lines, or of its nearest written ancestor;
// 0 if none is written.
func LineOf(lines map[string]int, key string) int { return lineOf(lines, key) }

// DecodeTOML decodes src into v, as strictly as a scenario file: syntax
// and type errors and unknown keys are Errors naming source, the line and
// the key. It returns the metadata for callers that need the keys' order.
func DecodeTOML(source, src string, v any) (toml.MetaData, error) {
	md, err := toml.Decode(src, v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return md, &Error{File: source, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}
		}
		if m := typeErr.FindStringSubmatch(err.Error()); m != nil {
			l, _ := strconv.Atoi(m[1])
			return md, &Error{File: source, Line: l, Key: m[2], Msg: m[3]}
		}
		return md, &Error{File: source, Msg: err.Error()}
	}
	if und := md.Undecoded(); len(und) > 0 {
		key := und[0].String()
		return md, &Error{File: source, Line: lineOfLoose(keyLines(src), key), Key: key, Msg: "unknown key (misspelt, or in the wrong table?)"}
	}
	return md, nil
}
