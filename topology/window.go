package topology

import "github.com/cdnsim/cdnsim/sim"

// Window is a span of virtual time [Start, End), e.g. an outage.
type Window struct {
	Start, End sim.Time
}

// windows is a set of spans of virtual time: a POP's or an origin's
// outages.
type windows []Window

// windowsOf converts configured outages to virtual time.
func windowsOf(outages []Outage) windows {
	var ws windows
	for _, o := range outages {
		ws = append(ws, Window{Start: sim.Duration(o.Start), End: sim.Duration(o.End)})
	}
	return ws
}

// contains reports whether t falls in one of the windows.
func (ws windows) contains(t sim.Time) bool {
	for _, w := range ws {
		if t >= w.Start && t < w.End {
			return true
		}
	}
	return false
}
