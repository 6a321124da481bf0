package cache

import (
	"fmt"
	"sort"
	"strings"
)

type admissionCtor func(arg string, seed uint64) (Admission, error)

// admissions is filled by each admission policy's file in init.
var admissions = map[string]admissionCtor{}

func registerAdmission(name string, f admissionCtor) {
	if _, dup := admissions[name]; dup {
		panic("cache: admission registered twice: " + name)
	}
	admissions[name] = f
}

// AdmissionNames lists the registered admission policies, sorted.
func AdmissionNames() []string {
	names := make([]string, 0, len(admissions))
	for n := range admissions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewAdmission builds an admission policy from a spec "name" or
// "name:arg" (e.g. "max-size:1MB", "prob-size:65536").
func NewAdmission(spec string, seed uint64) (Admission, error) {
	name, arg, _ := strings.Cut(strings.ToLower(strings.TrimSpace(spec)), ":")
	if name == "" {
		name = "always"
	}
	f, ok := admissions[name]
	if !ok {
		return nil, fmt.Errorf("unknown admission policy %q (have %s)", name, strings.Join(AdmissionNames(), ", "))
	}
	return f(arg, seed)
}

// alwaysAdmit admits everything: the default.
type alwaysAdmit struct{}

func (alwaysAdmit) Name() string               { return "always" }
func (alwaysAdmit) Record(Request)             {}
func (alwaysAdmit) Admit(Request, Policy) bool { return true }

func init() {
	registerAdmission("always", func(arg string, _ uint64) (Admission, error) {
		if arg != "" {
			return nil, fmt.Errorf("admission always takes no argument, got %q", arg)
		}
		return alwaysAdmit{}, nil
	})
}
