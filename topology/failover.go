package topology

import (
	"fmt"
	"time"

	"github.com/cdnsim/cdnsim/workload"
)

// OriginGroup is a CloudFront origin group: a behaviour that names it
// sends its cache misses to Primary, and to Secondary when Primary fails
// ("Optimize high availability with CloudFront origin failover", CloudFront
// Developer Guide): when the primary answers with one of the FailoverOn
// status codes, when CloudFront cannot connect to it (every connection
// attempt timed out), or when it does not answer within the response
// timeout. CloudFront fails over only GET, HEAD and OPTIONS requests.
type OriginGroup struct {
	Name      string
	Primary   string
	Secondary string
	// FailoverOn are the primary's status codes that send the request to
	// the secondary: any of CloudFront's choices, 403, 404, 500, 502, 503
	// and 504. Empty: 500, 502, 503 and 504.
	FailoverOn []int
}

// failoverStatuses are the codes CloudFront offers as failover criteria,
// each with its bit in classRoute.failoverOn.
var failoverStatuses = [...]uint16{403, 404, 500, 502, 503, 504}

// defaultFailoverOn is 500, 502, 503 and 504 (the 5xx of failoverStatuses).
const defaultFailoverOn = 1<<2 | 1<<3 | 1<<4 | 1<<5

func failoverBit(status uint16) uint8 {
	for i, s := range failoverStatuses {
		if s == status {
			return 1 << i
		}
	}
	return 0
}

// CloudFront's origin connection defaults ("Control origin timeouts and
// attempts", CloudFront Developer Guide): 3 connection attempts of 10 s
// each, so by default it tries the primary of an origin group for 30 s
// before failing over, and a 30 s origin response timeout.
const (
	defaultConnectionAttempts = 3
	defaultConnectTimeout     = 10 * time.Second
	defaultResponseTimeout    = 30 * time.Second
	maxConnectionAttempts     = 3 // CloudFront's range is 1-3
)

// failsOver reports whether a response from the route's primary origin
// sends the request to the secondary.
func (c *classRoute) failsOver(res *resp) bool {
	return res.timedOut || c.failoverOn&failoverBit(res.status) != 0
}

// failoverMethod reports whether CloudFront fails a request of method m
// over: GET, HEAD and OPTIONS only.
func failoverMethod(m workload.Method) bool {
	return m == workload.GET || m == workload.HEAD || m == workload.OPTIONS
}

// validGroups checks the origin groups; origins are the origins' names.
func (c *Config) validGroups(origins map[string]bool) error {
	groups := map[string]bool{}
	for i, g := range c.OriginGroups {
		key := fmt.Sprintf("origin_groups[%d]", i)
		if g.Name == "" {
			return ferr(key+".name", "is empty")
		}
		if origins[g.Name] {
			return ferr(key+".name", "%q is already an origin's name", g.Name)
		}
		if groups[g.Name] {
			return ferr(key+".name", "origin group %q is listed twice", g.Name)
		}
		groups[g.Name] = true
		for _, m := range []struct{ k, v string }{{".primary", g.Primary}, {".secondary", g.Secondary}} {
			switch {
			case m.v == g.Name:
				return ferr(key+m.k, "the group names itself: its members are origins")
			case !origins[m.v]:
				return ferr(key+m.k, "names no origin: %q", m.v)
			}
		}
		if g.Primary == g.Secondary {
			return ferr(key+".secondary", "is the primary origin %q: a group needs two origins", g.Primary)
		}
		for _, s := range g.FailoverOn {
			if failoverBit(uint16(s)) == 0 || s > 599 {
				return ferr(key+".failover_on", "unknown status code %d: CloudFront fails over on %v", s, failoverStatuses)
			}
		}
	}
	return nil
}

// validConnections checks an origin's connection settings against
// CloudFront's ranges.
func validConnections(key string, o Origin) error {
	if o.ConnectionAttempts < 0 || o.ConnectionAttempts > maxConnectionAttempts {
		return ferr(key+".connection_attempts", "must be 1 to %d (0: CloudFront's default, %d), got %d", maxConnectionAttempts, defaultConnectionAttempts, o.ConnectionAttempts)
	}
	if o.ConnectTimeout < 0 {
		return ferr(key+".connect_timeout", "must be >= 0")
	}
	if o.ResponseTimeout < 0 {
		return ferr(key+".response_timeout", "must be >= 0")
	}
	return nil
}

// groupNamed is the origin group called name, or nil.
func groupNamed(gs []OriginGroup, name string) *OriginGroup {
	for i := range gs {
		if gs[i].Name == name {
			return &gs[i]
		}
	}
	return nil
}
